import { addCounts, classifier, deriveOutages, SeriesMinute } from '@ledger/domain';
import type { DetectionPolicies } from './detection-policy.repository';
import type { FoldedLog } from './log-fold';
import type { SeriesOutage } from './outage.repository';

/**
 * Every outage of a folded log, in one pass over its rollups (rebuilds): each (platform, model)
 * series from its own rollups, each model series from its platforms' rollups summed per minute
 * — the minutes `MinuteRollupRepository.seriesMinutes` would read, without reading them back.
 */
export function deriveFoldedOutages(log: FoldedLog, policies: DetectionPolicies): SeriesOutage[] {
  const outages: SeriesOutage[] = [];
  const platformsOfModel = new Map<string, number[]>();
  log.series.forEach((series, index) => {
    const key = `${series.provider}\u0000${series.model}`;
    const platforms = platformsOfModel.get(key);
    if (platforms === undefined) platformsOfModel.set(key, [index]);
    else platforms.push(index);
    const minutes = Array.from(log.rollupsOfSeries[index]!, (r) => ({
      minute: log.minute[r]!,
      counts: log.countsOf(r),
      failingPlatforms: log.failing(r) ? [series.platform] : [],
    }));
    const policy = policies.forModel(series.provider, series.model);
    for (const o of deriveOutages(minutes, classifier(policy))) outages.push({ ...o, provider: series.provider, model: series.model, platform: series.platform });
  });
  for (const indexes of platformsOfModel.values()) {
    const { provider, model } = log.series[indexes[0]!]!;
    const policy = policies.forModel(provider, model);
    for (const o of deriveOutages(modelMinutes(log, indexes), classifier(policy))) outages.push({ ...o, provider, model, platform: null });
  }
  return outages;
}

/** A model's minutes over all its platforms: counts summed per minute, failing platforms listed. */
function modelMinutes(log: FoldedLog, indexes: readonly number[]): SeriesMinute[] {
  const all = indexes.flatMap((i) => Array.from(log.rollupsOfSeries[i]!, (rollup) => ({ rollup, platform: log.series[i]!.platform })));
  if (indexes.length > 1) all.sort((a, b) => log.minute[a.rollup]! - log.minute[b.rollup]!);
  const minutes: { minute: number; counts: SeriesMinute['counts']; failingPlatforms: string[] }[] = [];
  for (const { rollup, platform } of all) {
    const minute = log.minute[rollup]!;
    let last = minutes.at(-1);
    if (last === undefined || last.minute !== minute) minutes.push((last = { minute, counts: log.countsOf(rollup), failingPlatforms: [] }));
    else last.counts = addCounts(last.counts, log.countsOf(rollup));
    if (log.failing(rollup)) last.failingPlatforms.push(platform);
  }
  return minutes;
}
