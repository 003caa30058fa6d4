import { Injectable } from '@nestjs/common';
import {
  addCounts, classifier, eligibleOf, failuresOf, LatencySketch, MINUTE_MS, minuteOf, NO_OUTCOMES, OutcomeCounts, scoreVendors, VendorScore,
  VendorWindow,
} from '@ledger/domain';
import { Database, InjectDatabase } from '@ledger/database';
import { DetectionPolicyRepository, MinuteRollupRepository, OutageRepository } from '@ledger/projections';

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

interface Accumulator {
  provider: string;
  model: string | null;
  counts: OutcomeCounts;
  latency: LatencySketch;
  ttft: LatencySketch;
  perMinute: Map<number, OutcomeCounts>;
  outageDurations: number[];
}

/** Vendor reliability comparison (DOMAIN §7), from the rollups and outage read models. */
@Injectable()
export class VendorComparisonService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly rollups: MinuteRollupRepository,
    private readonly outages: OutageRepository,
    private readonly policies: DetectionPolicyRepository,
  ) {}

  async compare(filter: ComparisonFilter): Promise<VendorScore[]> {
    const providers = filter.providers && filter.providers.length > 0 ? new Set(filter.providers) : null;
    const models = filter.models && filter.models.length > 0 ? new Set(filter.models) : null;
    const wanted = (provider: string, model: string) => (providers === null || providers.has(provider)) && (models === null || models.has(model));
    const [rows, outages, policies] = await Promise.all([
      this.rollups.range(this.db, { from: filter.from, to: filter.to, platform: filter.platform }),
      this.outages.search(this.db, { from: filter.from, to: filter.to, platform: filter.platform }),
      this.policies.load(this.db),
    ]);

    const modelRows = new Map<string, Accumulator>();
    const providerRows = new Map<string, Accumulator>();
    const accumulate = (map: Map<string, Accumulator>, key: string, provider: string, model: string | null) => {
      let acc = map.get(key);
      if (acc === undefined) {
        acc = { provider, model, counts: NO_OUTCOMES, latency: new LatencySketch(), ttft: new LatencySketch(), perMinute: new Map(), outageDurations: [] };
        map.set(key, acc);
      }
      return acc;
    };
    for (const r of rows) {
      if (!wanted(r.provider, r.model)) continue;
      const targets = [accumulate(modelRows, `${r.provider}\u0000${r.model}`, r.provider, r.model)];
      if (filter.providerRows) targets.push(accumulate(providerRows, r.provider, r.provider, null));
      for (const acc of targets) {
        acc.counts = addCounts(acc.counts, r.counts);
        acc.latency.merge(r.latency);
        acc.ttft.merge(r.ttft);
        acc.perMinute.set(r.minute, addCounts(acc.perMinute.get(r.minute) ?? NO_OUTCOMES, r.counts));
      }
    }
    // Outages that start in the window count, with their whole duration.
    const from = minuteOf(filter.from.getTime());
    const to = filter.to.getTime() / MINUTE_MS;
    for (const o of outages) {
      if (o.start < from || o.start >= to || !wanted(o.provider, o.model)) continue;
      accumulate(modelRows, `${o.provider}\u0000${o.model}`, o.provider, o.model).outageDurations.push(o.end - o.start);
      if (filter.providerRows) accumulate(providerRows, o.provider, o.provider, null).outageDurations.push(o.end - o.start);
    }

    const windowMinutes = (filter.to.getTime() - filter.from.getTime()) / MINUTE_MS;
    const toWindow = (acc: Accumulator): VendorWindow => {
      const classify = classifier(acc.model === null ? policies.forProvider(acc.provider) : policies.forModel(acc.provider, acc.model));
      let minutesWithStatus = 0;
      let operationalMinutes = 0;
      for (const counts of acc.perMinute.values()) {
        const status = classify.status(failuresOf(counts), eligibleOf(counts));
        if (status === 'no_data') continue;
        minutesWithStatus += 1;
        if (status === 'operational') operationalMinutes += 1;
      }
      return { ...acc, minutesWithStatus, operationalMinutes, windowMinutes };
    };
    const scored = scoreVendors([...modelRows.values()].map(toWindow));
    return filter.providerRows ? [...scored, ...scoreVendors([...providerRows.values()].map(toWindow))] : scored;
  }
}
