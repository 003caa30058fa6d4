import { Injectable } from '@nestjs/common';
import { classifier, eligibleOf, failuresOf, MINUTE_MS, scoreVendors, VendorScore } from '@ledger/domain';
import { Database, InjectReadDatabase } from '@ledger/database';
import { DetectionPolicyRepository } from '@ledger/projections';
import { VendorSummaryRepository, SeriesFilter } from './vendor-summary.repository';
import { VendorSummaryService } from './vendor-summary.service';
import { WindowAccumulator } from './vendor-window';
import { planWindow } from './window-plan';

export interface ComparisonFilter {
  from: Date;
  to: Date;
  providers?: readonly string[] | undefined;
  models?: readonly string[] | undefined;
  /** One platform's traffic only; all platforms when omitted. */
  platform?: string | undefined;
  /** Also score each provider as a whole (model null). */
  providerRows?: boolean;
}

const ALL = '';

/**
 * Vendor reliability comparison (concepts §7). The window is taken in whole minutes: those whose
 * start lies in [from, to). Its whole ten-day blocks, days and hours are read from the
 * pre-merged vendor_summaries (brought up to the projection's checkpoint first, unless reads go
 * to a replica: see VendorSummaryService), the minutes at its ragged edges from minute_rollups,
 * and outage totals from the outages read model; Node merges the sketches and judges each minute
 * mix under the detection policy in force. Everything is read from the read database.
 */
@Injectable()
export class VendorComparisonService {
  constructor(
    /** The read database: a replica when DATABASE_READ_URL is set, the primary otherwise. */
    @InjectReadDatabase() private readonly db: Database,
    private readonly summaries: VendorSummaryRepository,
    private readonly summarizer: VendorSummaryService,
    private readonly policies: DetectionPolicyRepository,
  ) {}

  async compare(filter: ComparisonFilter): Promise<VendorScore[]> {
    const series: SeriesFilter = {
      platform: filter.platform ?? ALL,
      providers: filter.providers && filter.providers.length > 0 ? [...filter.providers] : null,
      models: filter.models && filter.models.length > 0 ? [...filter.models] : null,
      providerRows: filter.providerRows ?? false,
    };
    const first = Math.ceil(filter.from.getTime() / MINUTE_MS);
    const end = Math.ceil(filter.to.getTime() / MINUTE_MS);
    const { summarizedDaysEnd } = await this.summarizer.refresh();
    const plan = planWindow(first, end, summarizedDaysEnd === null ? null : summarizedDaysEnd.getTime() / MINUTE_MS);
    const subset = series.providerRows && series.models !== null;
    // In parallel on the pool. Summary rows are never removed but by a complete rebuild, which
    // commits at once, so the rows up to summarizedDaysEnd are there whatever commits meanwhile.
    const [summaries, edges, outages, providerMix, policies] = await Promise.all([
      this.summaries.read(this.db, series, plan.spans),
      this.summaries.edges(this.db, series, plan.minutes),
      this.summaries.outageTotals(this.db, series, [first, end]),
      // Provider rows over a subset of models: their minutes summed over just those models.
      subset ? this.summaries.providerMinuteMix(this.db, series, [first, end]) : [],
      this.policies.load(this.db),
    ]);
    const read = { summaries, edges, outages, providerMix, policies };

    const models = new Map<string, WindowAccumulator>();
    const providers = new Map<string, WindowAccumulator>();
    const modelRow = (provider: string, model: string) => {
      const key = `${provider}\u0000${model}`;
      let acc = models.get(key);
      if (acc === undefined) models.set(key, (acc = new WindowAccumulator(provider, model)));
      return acc;
    };
    const providerRow = (provider: string) => {
      let acc = providers.get(provider);
      if (acc === undefined) providers.set(provider, (acc = new WindowAccumulator(provider, null)));
      return acc;
    };

    for (const row of read.summaries) {
      const targets = row.model === ALL ? [providerRow(row.provider)] : [modelRow(row.provider, row.model)];
      // Over a subset of models, provider rows add up their model rows (minutes come from providerMix).
      if (subset && row.model !== ALL) targets.push(providerRow(row.provider));
      targets.forEach((acc, i) => {
        acc.addCounts(row);
        acc.latency.addBytes(row.latency_sketch);
        acc.ttft.addBytes(row.ttft_sketch);
        if (i === 0) acc.mix.addBytes(row.minute_mix);
      });
    }

    // Edge minutes: each series' minute is the sum of its rollups (platforms, and models for provider rows).
    const minuteSums = new Map<WindowAccumulator, Map<number, { f: number; e: number }>>();
    for (const row of read.edges) {
      const targets = [modelRow(row.provider, row.model), ...(series.providerRows ? [providerRow(row.provider)] : [])];
      const counts = { successes: row.successes, errors: row.errors, timeouts: row.timeouts, rateLimited: row.rate_limited, clientErrors: row.client_errors };
      const failures = failuresOf(counts);
      const eligible = eligibleOf(counts);
      for (const acc of targets) {
        acc.addCounts(row);
        acc.latency.addBytes(row.latency_sketch);
        acc.ttft.addBytes(row.ttft_sketch);
        if (acc.model === null && subset) continue;
        let perMinute = minuteSums.get(acc);
        if (perMinute === undefined) minuteSums.set(acc, (perMinute = new Map()));
        const sum = perMinute.get(row.minute) ?? { f: 0, e: 0 };
        sum.f += failures;
        sum.e += eligible;
        perMinute.set(row.minute, sum);
      }
    }
    for (const [acc, perMinute] of minuteSums) for (const { f, e } of perMinute.values()) acc.mix.add(f, e, 1);
    for (const m of read.providerMix) providerRow(m.provider).mix.add(m.f, m.e, m.n);

    for (const o of read.outages) {
      // An outage starts with a bad minute in the window, so its model has a row already.
      modelRow(o.provider, o.model).addOutages(o);
      if (series.providerRows) providerRow(o.provider).addOutages(o);
    }

    const windowMinutes = (filter.to.getTime() - filter.from.getTime()) / MINUTE_MS;
    const scoredModels = scoreVendors(
      [...models.values()].map((acc) => acc.toWindow(classifier(read.policies.forModel(acc.provider, acc.model!)), windowMinutes)),
    );
    if (!series.providerRows) return scoredModels;
    return [...scoredModels, ...scoreVendors([...providers.values()].map((acc) => acc.toWindow(classifier(read.policies.forProvider(acc.provider)), windowMinutes)))];
  }
}
