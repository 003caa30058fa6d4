import { Injectable } from '@nestjs/common';
import { Database, InjectReadDatabase } from '@ledger/database';
import { LiveStatusFeed, TimelineQueries } from '@ledger/projections';
import { ActionReportService, VendorComparisonService, VendorSummaryRepository, VendorSummaryService } from '@ledger/reporting';
import type { VendorScore } from '@ledger/domain';
import { ProviderAccuracy, StatusPageAccuracyService } from '@ledger/provider-status';
import { buildOverview, DAY_MS, HISTORY_DAYS, lastDayOf, StatusOverview } from './overview';

const INCIDENT_DAYS = 30;
/** Pages are rebuilt at most this often per instant shown: the 90-day sums are the costly part. */
const CACHE_MS = 15_000;
const CACHE_ENTRIES = 32;

export interface Comparison {
  from: Date;
  to: Date;
  providers: VendorScore[];
  models: VendorScore[];
  /** Each compared provider's status page against its partial and major outages (concepts §12), as /status lists them. */
  statusPages: ProviderAccuracy[];
}

/** Gathers what the status pages show, from the read models, with a short cache. */
@Injectable()
export class StatusPageService {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    /** The read database: a replica when DATABASE_READ_URL is set, the primary otherwise. */
    @InjectReadDatabase() private readonly db: Database,
    private readonly summaries: VendorSummaryRepository,
    private readonly summarizer: VendorSummaryService,
    private readonly timeline: TimelineQueries,
    private readonly comparison: VendorComparisonService,
    private readonly feed: LiveStatusFeed,
    private readonly actions: ActionReportService,
    private readonly statusPages: StatusPageAccuracyService,
  ) {}

  /**
   * The status as of `asOf` (ms): live statuses then, 90 daily bars up to that day, recent
   * incidents, and the routed-away periods of `actionsOf` (a platform's, every platform's for
   * null, none for undefined). A live view is computed again once the live feed has published a
   * change, so that the live page, fetching itself on that change, shows it.
   */
  overview(asOf: number, options: { live: boolean; actionsOf?: string | null | undefined }): Promise<StatusOverview> {
    const viewer = options.actionsOf === undefined ? 'none' : options.actionsOf === null ? 'all' : `platform=${options.actionsOf}`;
    return this.cached(`overview:${asOf}:${viewer}${options.live ? `:${this.feed.version}` : ''}`, async () => {
      const historyStart = new Date((lastDayOf(asOf) - HISTORY_DAYS + 1) * DAY_MS);
      const to = new Date(asOf);
      // The daily bars come from the vendor comparison's hour summaries (a few thousand rows for
      // 90 days), brought up to the projection first.
      await this.summarizer.refresh();
      const [days, outages, live, incidents, routedAway] = await Promise.all([
        this.summaries.dailyModelTotals(this.db, historyStart, to),
        this.timeline.outagesIn({ from: historyStart, to }, asOf),
        this.timeline.providerStatus({}, asOf),
        this.timeline.incidentsIn({ from: new Date(asOf - INCIDENT_DAYS * DAY_MS), to }, asOf),
        options.actionsOf === undefined ? [] : this.actions.periods({ from: historyStart, to, platform: options.actionsOf ?? undefined }, asOf),
      ]);
      return buildOverview({ asOf, days, outages, live, incidents, routedAway });
    });
  }

  /** The vendor comparison (concepts §7) over [from, to), provider rows and model rows apart. */
  compare(from: Date, to: Date): Promise<Comparison> {
    return this.cached(`compare:${from.getTime()}:${to.getTime()}`, async () => {
      const scores = await this.comparison.compare({ from, to, providerRows: true });
      const providers = scores.filter((s) => s.model === null);
      const statusPages = [];
      for (const { provider } of [...providers].sort((a, b) => a.provider.localeCompare(b.provider))) statusPages.push(await this.statusPages.accuracy({ from, to, provider, minSeverity: 'partial_outage' }));
      return { from, to, providers, models: scores.filter((s) => s.model !== null), statusPages };
    });
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit !== undefined && now - hit.at < CACHE_MS) return hit.value as Promise<T>;
    const value = load();
    this.cache.delete(key);
    this.cache.set(key, { at: now, value });
    value.catch(() => this.cache.delete(key));
    while (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }
}
