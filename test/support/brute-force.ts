/**
 * concepts §4–5 computed the slow, obvious way from raw events, to check what the service derives.
 * Written independently of libs/domain on purpose.
 */
export interface RawEvent {
  platform: string;
  provider: string;
  model: string;
  occurredAt: number;
  outcome: 'success' | 'error' | 'timeout' | 'rate_limited' | 'client_error';
  latencyMs?: number | null;
}

export interface ExpectedOutage {
  provider: string;
  model: string;
  platform: string | null;
  start: string;
  end: string;
  severity: string;
  eligibleRequests: number;
  failedRequests: number;
  peakErrorRate: number;
  platformsAffected: number;
}

const POLICY = { minSamples: 5, degradedAt: 0.05, partialAt: 0.25, majorAt: 0.75, mergeGapMinutes: 2 };
const ORDER = ['no_data', 'operational', 'degraded', 'partial_outage', 'major_outage'];

export function bruteForceOutages(events: readonly RawEvent[], policy = POLICY): ExpectedOutage[] {
  const series = new Map<string, RawEvent[]>();
  for (const e of events) {
    for (const platform of [null, e.platform]) {
      const key = JSON.stringify([e.provider, e.model, platform]);
      series.set(key, [...(series.get(key) ?? []), e]);
    }
  }
  const result: ExpectedOutage[] = [];
  for (const [key, list] of series) {
    const [provider, model, platform] = JSON.parse(key) as [string, string, string | null];
    const minutes = new Map<number, RawEvent[]>();
    for (const e of list) {
      const m = Math.floor(e.occurredAt / 60_000);
      minutes.set(m, [...(minutes.get(m) ?? []), e]);
    }
    const stats = (m: number) => {
      const inMinute = minutes.get(m) ?? [];
      const failures = inMinute.filter((e) => e.outcome === 'error' || e.outcome === 'timeout');
      const eligible = inMinute.filter((e) => e.outcome === 'success').length + failures.length;
      return { eligible, failures: failures.length, failingPlatforms: failures.map((e) => e.platform) };
    };
    const status = (m: number) => {
      const { eligible, failures } = stats(m);
      if (eligible < policy.minSamples) return 'no_data';
      const rate = failures / eligible;
      if (rate >= policy.majorAt) return 'major_outage';
      if (rate >= policy.partialAt) return 'partial_outage';
      if (rate >= policy.degradedAt) return 'degraded';
      return 'operational';
    };
    const bad = [...minutes.keys()].sort((a, b) => a - b).filter((m) => ORDER.indexOf(status(m)) >= 2);
    const runs: number[][] = [];
    for (const m of bad) {
      const run = runs.at(-1);
      if (run && m - run.at(-1)! - 1 <= policy.mergeGapMinutes) run.push(m);
      else runs.push([m]);
    }
    for (const run of runs) {
      const start = run[0]!;
      const end = run.at(-1)! + 1;
      let eligible = 0;
      let failed = 0;
      const platforms = new Set<string>();
      for (let m = start; m < end; m++) {
        const s = stats(m);
        eligible += s.eligible;
        failed += s.failures;
        s.failingPlatforms.forEach((p) => platforms.add(p));
      }
      result.push({
        provider,
        model,
        platform,
        start: new Date(start * 60_000).toISOString(),
        end: new Date(end * 60_000).toISOString(),
        severity: run.map(status).reduce((a, b) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b)),
        eligibleRequests: eligible,
        failedRequests: failed,
        peakErrorRate: Math.max(...run.map((m) => stats(m).failures / stats(m).eligible)),
        platformsAffected: platforms.size,
      });
    }
  }
  return result.sort(compareOutages);
}

export function compareOutages(a: ExpectedOutage, b: ExpectedOutage): number {
  return a.start.localeCompare(b.start) || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model) ||
    (a.platform ?? '').localeCompare(b.platform ?? '');
}

/** Exact per-minute outcome counts over the raw events, keyed provider/model/platform/minute. */
export function bruteForceCounts(events: readonly RawEvent[]): Map<string, Record<string, number>> {
  const counts = new Map<string, Record<string, number>>();
  for (const e of events) {
    const key = `${e.provider}/${e.model}/${e.platform}/${Math.floor(e.occurredAt / 60_000)}`;
    const c = counts.get(key) ?? { success: 0, error: 0, timeout: 0, rate_limited: 0, client_error: 0 };
    c[e.outcome] = (c[e.outcome] ?? 0) + 1;
    counts.set(key, c);
  }
  return counts;
}

export interface ExpectedIncident {
  provider: string;
  start: string;
  end: string;
  severity: string;
  models: string[];
  outages: number;
}

/** Incidents read literally: model outages of one provider chained while within the gap of each other. */
export function bruteForceIncidents(outages: readonly ExpectedOutage[], mergeGapMinutes = 2): ExpectedIncident[] {
  const models = outages.filter((o) => o.platform === null);
  const incidents: ExpectedIncident[] = [];
  for (const provider of [...new Set(models.map((o) => o.provider))].sort()) {
    const mine = models.filter((o) => o.provider === provider);
    // Connected components: two outages belong together when their ranges come within the gap.
    const group = mine.map((_, i) => i);
    const root = (i: number): number => (group[i] === i ? i : root(group[i]!));
    const minutes = (iso: string) => Date.parse(iso) / 60_000;
    mine.forEach((a, i) =>
      mine.forEach((b, j) => {
        if (Math.max(minutes(a.start), minutes(b.start)) - Math.min(minutes(a.end), minutes(b.end)) <= mergeGapMinutes) group[root(i)] = root(j);
      }),
    );
    const components = new Map<number, ExpectedOutage[]>();
    mine.forEach((o, i) => components.set(root(i), [...(components.get(root(i)) ?? []), o]));
    for (const members of components.values()) {
      incidents.push({
        provider,
        start: members.map((o) => o.start).sort()[0]!,
        end: members.map((o) => o.end).sort().at(-1)!,
        severity: members.map((o) => o.severity).reduce((a, b) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b)),
        models: [...new Set(members.map((o) => o.model))].sort(),
        outages: members.length,
      });
    }
  }
  return incidents.sort((a, b) => a.start.localeCompare(b.start) || a.provider.localeCompare(b.provider));
}
