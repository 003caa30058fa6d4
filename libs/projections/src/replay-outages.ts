import { Classifier, classifier, deriveOutages, groupIncidents, NO_OUTCOMES, outageMinutesFilter, OutcomeCounts, SeriesMinute } from '@ledger/domain';
import type { DetectionPolicies } from './detection-policy.repository';
import type { ProviderIncident } from './incident.repository';
import type { FoldedLog } from './log-fold';
import type { SeriesOutage } from './outage.repository';

/** One series of a replay: what it is, how its minutes are classified, and the minutes its outages need. */
interface ReplayedSeries {
  provider: string;
  model: string;
  /** null: the model over all its platforms. */
  platform: string | null;
  classify: Classifier;
  keep: (minute: number, counts: OutcomeCounts) => boolean;
  minutes: SeriesMinute[];
  /** The last minute offered: stretches come in time order. */
  lastMinute: number;
}

/**
 * Every outage of a rebuild, from the log folded a stretch of days at a time, the stretches in
 * time order: each stretch's rollups are offered to their series — each (platform, model) series
 * its own, each model series its platforms' summed per minute, the minutes
 * `MinuteRollupRepository.windowMinutes` would read — and a series keeps only the minutes an
 * outage needs (`outageMinutesFilter`): a few per outage, so what a replay holds follows its
 * outages, not its log. Once every stretch is in, `derive` gives the outages.
 */
export class ReplayedOutages {
  private readonly series = new Map<string, ReplayedSeries>();

  constructor(private readonly policies: DetectionPolicies) {}

  /** Offers a folded stretch's minutes; each must come after those of its series offered before. */
  add(log: FoldedLog): void {
    const platformsOfModel = new Map<string, number[]>();
    log.series.forEach(({ provider, model, platform }, index) => {
      const key = `${provider}\u0000${model}`;
      const platforms = platformsOfModel.get(key);
      if (platforms === undefined) platformsOfModel.set(key, [index]);
      else platforms.push(index);
      const series = this.seriesOf(provider, model, platform);
      const failing = [platform];
      const counts = { ...NO_OUTCOMES };
      for (const r of log.rollupsOfSeries[index]!) {
        Object.assign(counts, NO_OUTCOMES);
        log.addCountsTo(counts, r);
        this.offer(series, log.minute[r]!, counts, log.failing(r) ? failing : NO_PLATFORMS);
      }
    });
    for (const indexes of platformsOfModel.values()) {
      const { provider, model } = log.series[indexes[0]!]!;
      const series = this.seriesOf(provider, model, null);
      const platforms = indexes.map((i) => log.series[i]!.platform);
      // The minute being summed over the platforms, offered once the merge has passed it.
      let minute: number | null = null;
      const counts = { ...NO_OUTCOMES };
      let failing: readonly string[] = NO_PLATFORMS;
      log.mergeByMinute(indexes.map((i) => log.rollupsOfSeries[i]!), (rollup, k, at) => {
        if (minute !== at) {
          if (minute !== null) this.offer(series, minute, counts, failing);
          minute = at;
          Object.assign(counts, NO_OUTCOMES);
          failing = NO_PLATFORMS;
        }
        log.addCountsTo(counts, rollup);
        if (log.failing(rollup)) failing = [...failing, platforms[k]!];
      });
      if (minute !== null) this.offer(series, minute, counts, failing);
    }
  }

  /**
   * Every outage of the stretches added: each (platform, model) series', then each model
   * series'. A series at a time, yielding to the event loop in between.
   */
  async derive(): Promise<SeriesOutage[]> {
    const outages: SeriesOutage[] = [];
    const ordered = [...this.series.values()].sort((a, b) => Number(a.platform === null) - Number(b.platform === null));
    for (const { provider, model, platform, classify, minutes } of ordered) {
      for (const outage of deriveOutages(minutes, classify)) outages.push({ ...outage, provider, model, platform });
      await new Promise((resolve) => setImmediate(resolve));
    }
    return outages;
  }

  private seriesOf(provider: string, model: string, platform: string | null): ReplayedSeries {
    const key = platform === null ? `${provider}\u0000${model}` : `${provider}\u0000${model}\u0000${platform}`;
    let series = this.series.get(key);
    if (series === undefined) {
      const classify = classifier(this.policies.forModel(provider, model));
      this.series.set(key, (series = { provider, model, platform, classify, keep: outageMinutesFilter(classify), minutes: [], lastMinute: -Infinity }));
    }
    return series;
  }

  /** `counts` may be reused by the caller: a minute kept gets a copy. */
  private offer(series: ReplayedSeries, minute: number, counts: OutcomeCounts, failingPlatforms: readonly string[]): void {
    if (minute <= series.lastMinute) {
      throw new Error(`minute ${minute} of ${series.provider}/${series.model} (${series.platform ?? 'all platforms'}) offered after a later one`);
    }
    series.lastMinute = minute;
    if (series.keep(minute, counts)) series.minutes.push({ minute, counts: { ...counts }, failingPlatforms });
  }
}

const NO_PLATFORMS: readonly string[] = [];

/**
 * Every incident of a set of outages: each provider's outages of its models' all-platform series,
 * grouped with the provider's merge gap — what the incidents table holds when those are all the
 * outages stored (rebuilds; tests compare the incremental incidents with it).
 */
export function incidentsOfOutages(outages: readonly SeriesOutage[], policies: DetectionPolicies): ProviderIncident[] {
  const byProvider = new Map<string, SeriesOutage[]>();
  for (const o of outages) {
    if (o.platform !== null) continue;
    const list = byProvider.get(o.provider);
    if (list === undefined) byProvider.set(o.provider, [o]);
    else list.push(o);
  }
  return [...byProvider].flatMap(([provider, list]) =>
    groupIncidents(list, policies.forProvider(provider).mergeGapMinutes).map(({ members: _members, ...incident }) => ({ ...incident, provider })),
  );
}
