/**
 * concepts §7 (vendor comparison) computed the slow, obvious way from raw events, to check what
 * the service answers. Written independently of libs/domain and libs/reporting on purpose;
 * outages come from the brute-force reading of §4–5 in ./brute-force.
 */
import { bruteForceOutages, ExpectedOutage, RawEvent } from './brute-force';

/** Outages per (events, model, policy): the brute force is slow, and many queries share them. */
const outageCache = new WeakMap<readonly VendorEvent[], Map<string, ExpectedOutage[]>>();
function modelOutages(allEvents: readonly VendorEvent[], provider: string, model: string, policy: BrutePolicy): ExpectedOutage[] {
  let cache = outageCache.get(allEvents);
  if (cache === undefined) outageCache.set(allEvents, (cache = new Map()));
  const key = JSON.stringify([provider, model, policy]);
  let outages = cache.get(key);
  if (outages === undefined) cache.set(key, (outages = bruteForceOutages(allEvents.filter((e) => e.provider === provider && e.model === model), policy)));
  return outages;
}

export interface BrutePolicy {
  minSamples: number;
  degradedAt: number;
  partialAt: number;
  majorAt: number;
  mergeGapMinutes: number;
}

export interface VendorEvent extends RawEvent {
  ttftMs?: number | null;
}

export interface ComparisonQuery {
  from: number;
  to: number;
  platform?: string;
  providers?: string[];
  models?: string[];
}

export interface ExpectedScore {
  provider: string;
  model: string | null;
  eligibleRequests: number;
  availabilityPercent: number | null;
  operationalMinutesPercent: number | null;
  outages: number;
  outageMinutes: number;
  mttrMinutes: number | null;
  mtbfMinutes: number | null;
  longestOutageMinutes: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  ttftP95Ms: number | null;
  outcomes: { success: number; error: number; timeout: number; rateLimited: number; clientError: number };
}

const MINUTE = 60_000;

/** Exact nearest-rank quantile of raw values. */
export function nearestRank(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

/**
 * The comparison rows for a query: one per (provider, model) with events in the window, and one
 * per provider over its chosen models. `policyOf(provider, model)` gives the policy of a model's
 * series; `policyOf(provider, null)` the provider's. `allEvents` is the whole log: outages are
 * derived from all of it and count when they start in the window, with their whole duration.
 */
export function bruteForceComparison(
  allEvents: readonly VendorEvent[],
  query: ComparisonQuery,
  policyOf: (provider: string, model: string | null) => BrutePolicy,
): { models: ExpectedScore[]; providers: ExpectedScore[] } {
  const chosen = (e: VendorEvent) =>
    (query.platform === undefined || e.platform === query.platform) &&
    (query.providers === undefined || query.providers.includes(e.provider)) &&
    (query.models === undefined || query.models.includes(e.model));
  const traffic = allEvents.filter(chosen);
  const inWindow = traffic.filter((e) => e.occurredAt >= query.from && e.occurredAt < query.to);
  const windowMinutes = (query.to - query.from) / MINUTE;

  // Outages of each chosen model's series (over all platforms, or the one platform), under its policy.
  const outagesOf = new Map<string, number[]>();
  for (const key of new Set(traffic.map((e) => `${e.provider}/${e.model}`))) {
    const [provider, model] = key.split('/') as [string, string];
    const durations = modelOutages(allEvents, provider, model, policyOf(provider, model))
      .filter((o) => o.platform === (query.platform ?? null))
      .filter((o) => Date.parse(o.start) >= query.from && Date.parse(o.start) < query.to)
      .map((o) => (Date.parse(o.end) - Date.parse(o.start)) / MINUTE);
    outagesOf.set(key, durations);
  }

  const score = (provider: string, model: string | null, events: VendorEvent[], durations: number[], policy: BrutePolicy): ExpectedScore => {
    const count = (outcome: string) => events.filter((e) => e.outcome === outcome).length;
    const outcomes = { success: count('success'), error: count('error'), timeout: count('timeout'), rateLimited: count('rate_limited'), clientError: count('client_error') };
    const eligible = outcomes.success + outcomes.error + outcomes.timeout;
    const byMinute = new Map<number, VendorEvent[]>();
    for (const e of events) {
      const m = Math.floor(e.occurredAt / MINUTE);
      byMinute.set(m, [...(byMinute.get(m) ?? []), e]);
    }
    let withStatus = 0;
    let operational = 0;
    for (const list of byMinute.values()) {
      const failures = list.filter((e) => e.outcome === 'error' || e.outcome === 'timeout').length;
      const eligibleInMinute = list.filter((e) => e.outcome === 'success').length + failures;
      if (eligibleInMinute < policy.minSamples || eligibleInMinute === 0) continue;
      withStatus += 1;
      if (failures / eligibleInMinute < policy.degradedAt) operational += 1;
    }
    const successes = events.filter((e) => e.outcome === 'success');
    const latencies = successes.filter((e) => e.latencyMs != null).map((e) => e.latencyMs!);
    const ttfts = successes.filter((e) => e.ttftMs != null).map((e) => e.ttftMs!);
    const outageMinutes = durations.reduce((a, b) => a + b, 0);
    const outages = durations.length;
    return {
      provider,
      model,
      eligibleRequests: eligible,
      availabilityPercent: eligible === 0 ? null : (100 * outcomes.success) / eligible,
      operationalMinutesPercent: withStatus === 0 ? null : (100 * operational) / withStatus,
      outages,
      outageMinutes,
      mttrMinutes: outages === 0 ? null : outageMinutes / outages,
      mtbfMinutes: outages === 0 ? null : (windowMinutes - outageMinutes) / outages,
      longestOutageMinutes: outages === 0 ? null : Math.max(...durations),
      p50LatencyMs: nearestRank(latencies, 0.5),
      p95LatencyMs: nearestRank(latencies, 0.95),
      p99LatencyMs: nearestRank(latencies, 0.99),
      ttftP95Ms: nearestRank(ttfts, 0.95),
      outcomes,
    };
  };

  const models = [...new Set(inWindow.map((e) => `${e.provider}/${e.model}`))].sort().map((key) => {
    const [provider, model] = key.split('/') as [string, string];
    const events = inWindow.filter((e) => e.provider === provider && e.model === model);
    return score(provider, model, events, outagesOf.get(key)!, policyOf(provider, model));
  });
  const providers = [...new Set(inWindow.map((e) => e.provider))].sort().map((provider) => {
    const durations = [...outagesOf.entries()].filter(([key]) => key.startsWith(`${provider}/`)).flatMap(([, d]) => d);
    return score(provider, null, inWindow.filter((e) => e.provider === provider), durations, policyOf(provider, null));
  });
  return { models, providers };
}
