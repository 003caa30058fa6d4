import { classifier, deriveOutages, groupIncidents, OutcomeCounts, SeriesMinute } from '@ledger/domain';
import type { DetectionPolicies } from './detection-policy.repository';
import type { ProviderIncident } from './incident.repository';
import type { FoldedLog } from './log-fold';
import type { SeriesOutage } from './outage.repository';

/**
 * Every outage of a folded log, in one pass over its rollups (rebuilds): each (platform, model)
 * series from its own rollups, each model series from its platforms' rollups summed per minute
 * — the minutes `MinuteRollupRepository.windowMinutes` would read, without reading them back.
 * A series at a time, yielding to the event loop in between: a rebuild derives while the
 * rollups' COPY drains, so Node derives while Postgres loads.
 */
export async function deriveFoldedOutagesInTurns(log: FoldedLog, policies: DetectionPolicies): Promise<SeriesOutage[]> {
  const outages: SeriesOutage[] = [];
  for (const ofSeries of foldedOutagesBySeries(log, policies)) {
    outages.push(...ofSeries);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return outages;
}

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

function* foldedOutagesBySeries(log: FoldedLog, policies: DetectionPolicies): Generator<SeriesOutage[]> {
  const platformsOfModel = new Map<string, number[]>();
  for (const [index, series] of log.series.entries()) {
    const key = `${series.provider}\u0000${series.model}`;
    const platforms = platformsOfModel.get(key);
    if (platforms === undefined) platformsOfModel.set(key, [index]);
    else platforms.push(index);
    const failing = [series.platform];
    const minutes = Array.from(log.rollupsOfSeries[index]!, (r) => ({
      minute: log.minute[r]!,
      counts: log.countsOf(r),
      failingPlatforms: log.failing(r) ? failing : NO_PLATFORMS,
    }));
    const policy = policies.forModel(series.provider, series.model);
    yield deriveOutages(minutes, classifier(policy)).map((o) => ({ ...o, provider: series.provider, model: series.model, platform: series.platform }));
  }
  for (const indexes of platformsOfModel.values()) {
    const { provider, model } = log.series[indexes[0]!]!;
    const policy = policies.forModel(provider, model);
    yield deriveOutages(modelMinutes(log, indexes), classifier(policy)).map((o) => ({ ...o, provider, model, platform: null }));
  }
}

const NO_PLATFORMS: readonly string[] = [];

/**
 * A model's minutes over all its platforms: counts summed per minute, failing platforms listed —
 * a merge of the platforms' rollups, each list already in minute order.
 */
function modelMinutes(log: FoldedLog, indexes: readonly number[]): SeriesMinute[] {
  const platforms = indexes.map((i) => log.series[i]!.platform);
  const minutes: SeriesMinute[] = [];
  let last: { minute: number; counts: OutcomeCounts; failingPlatforms: readonly string[] } | undefined;
  log.mergeByMinute(indexes.map((i) => log.rollupsOfSeries[i]!), (rollup, k, minute) => {
    if (last?.minute !== minute) minutes.push((last = { minute, counts: { successes: 0, errors: 0, timeouts: 0, rateLimited: 0, clientErrors: 0 }, failingPlatforms: NO_PLATFORMS }));
    log.addCountsTo(last.counts, rollup);
    if (log.failing(rollup)) last.failingPlatforms = [...last.failingPlatforms, platforms[k]!];
  });
  return minutes;
}
