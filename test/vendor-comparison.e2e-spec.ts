import { bruteForceOutages } from './support/brute-force';
import { seededRandom } from '@ledger/domain';
import { BrutePolicy, bruteForceComparison, ComparisonQuery, ExpectedScore, VendorEvent } from './support/brute-force-vendor';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

/**
 * vendorComparison (concepts §7) against a brute-force reading of the raw events of a generated
 * data set: several providers, models and platforms over six days across the June/July month
 * boundary, degradations that make outages (some cut by the windows' edges), policy overrides,
 * and late events posted after a first projection. Percentiles within 2 % of nearest-rank,
 * everything else exact.
 */

const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);

const CATALOGUE: Record<string, string[]> = { alpha: ['a-1', 'a-2', 'a-3'], beta: ['b-1', 'b-2'], gamma: ['g-1'] };
const PLATFORMS = ['p1', 'p2', 'p3'];
const DEFAULT_POLICY: BrutePolicy = { minSamples: 5, degradedAt: 0.05, partialAt: 0.25, majorAt: 0.75, mergeGapMinutes: 2 };
// Overrides set through setDetectionPolicy: a provider-wide one and one model's (complete: unset fields from the provider's).
const BETA_POLICY: BrutePolicy = { ...DEFAULT_POLICY, minSamples: 3, degradedAt: 0.1 };
const A2_POLICY: BrutePolicy = { ...DEFAULT_POLICY, degradedAt: 0.2, mergeGapMinutes: 0 };
const policyOf = (provider: string, model: string | null): BrutePolicy =>
  provider === 'beta' ? BETA_POLICY : model === 'a-2' ? A2_POLICY : DEFAULT_POLICY;


// Busy stretches (dense traffic, so minutes have statuses), placed across the windows' edges.
const BUSY: [string, string][] = [
  ['2026-06-29T12:40:00Z', '2026-06-29T13:40:00Z'],
  ['2026-06-30T21:50:00Z', '2026-06-30T22:45:00Z'],
  ['2026-06-30T23:35:00Z', '2026-07-01T00:25:00Z'],
  ['2026-07-01T02:15:00Z', '2026-07-01T03:05:00Z'],
  ['2026-07-02T05:20:00Z', '2026-07-02T06:15:00Z'],
];
// Degradations: [provider, models, start, end, failure probability]; they straddle window edges.
const DEGRADATIONS: [string, string[], string, string, number][] = [
  ['alpha', ['a-1', 'a-2'], '2026-06-29T13:00:00Z', '2026-06-29T13:18:00Z', 0.6],
  ['beta', ['b-1'], '2026-06-29T13:02:00Z', '2026-06-29T13:12:00Z', 0.3],
  ['alpha', ['a-1', 'a-3'], '2026-06-30T22:10:00Z', '2026-06-30T22:26:00Z', 0.85],
  ['gamma', ['g-1'], '2026-06-30T23:52:00Z', '2026-07-01T00:09:00Z', 0.4],
  ['beta', ['b-1', 'b-2'], '2026-06-30T23:58:00Z', '2026-07-01T00:04:00Z', 0.15],
  ['alpha', ['a-1', 'a-2'], '2026-07-01T02:35:00Z', '2026-07-01T02:52:00Z', 0.5],
  ['gamma', ['g-1'], '2026-07-02T05:45:00Z', '2026-07-02T06:02:00Z', 0.9],
  ['alpha', ['a-3'], '2026-07-02T05:40:00Z', '2026-07-02T05:58:00Z', 0.12],
];

function generate(): { early: VendorEvent[]; late: VendorEvent[]; ids: Map<VendorEvent, string> } {
  const rnd = seededRandom(20260701);
  const events: VendorEvent[] = [];
  const start = at('2026-06-28T00:00:00Z');
  const end = at('2026-07-04T00:00:00Z');
  const busy = (t: number) => BUSY.some(([s, e]) => t >= at(s) && t < at(e));
  const failureRate = (provider: string, model: string, t: number) =>
    DEGRADATIONS.find(([p, models, s, e]) => p === provider && models.includes(model) && t >= at(s) && t < at(e))?.[4] ?? 0.01;
  for (let minute = start; minute < end; minute += MINUTE) {
    const dense = busy(minute);
    // Outside busy stretches, traffic is sparse: a few minutes an hour with a handful of requests.
    if (!dense && rnd() > 0.08) continue;
    for (const [provider, models] of Object.entries(CATALOGUE)) {
      for (const model of models) {
        const n = dense ? 8 + Math.floor(rnd() * 12) : Math.floor(rnd() * 7);
        // A degradation's minutes are now and then healthy, so merge gaps and short runs occur.
        const failing = rnd() < 0.8 ? failureRate(provider, model, minute) : 0.01;
        for (let i = 0; i < n; i++) {
          const roll = rnd();
          const outcome = roll < failing * 0.8 ? 'error' : roll < failing ? 'timeout' : roll < failing + 0.03 ? 'rate_limited' : roll < failing + 0.05 ? 'client_error' : 'success';
          const latency = Math.round(Math.exp(Math.log(provider === 'gamma' ? 900 : 1800) + 0.7 * (rnd() + rnd() + rnd() - 1.5) * 2));
          const withLatency = rnd() > 0.03;
          events.push({
            platform: PLATFORMS[rnd() < 0.55 ? 0 : rnd() < 0.7 ? 1 : 2]!,
            provider,
            model,
            occurredAt: minute + Math.floor(rnd() * MINUTE),
            outcome,
            latencyMs: withLatency ? latency : null,
            ttftMs: withLatency && outcome === 'success' && rnd() < 0.85 ? Math.max(1, Math.round(latency * (0.1 + 0.3 * rnd()))) : null,
          });
        }
      }
    }
  }
  const ids = new Map(events.map((e, i) => [e, `v-${i}`]));
  // Late events: a random tenth, and every event of a few whole minutes inside degradations and window edges.
  const lateMinutes = new Set(['2026-06-30T22:16:00Z', '2026-07-01T00:00:00Z', '2026-07-01T02:43:00Z', '2026-06-29T13:07:00Z'].map(at));
  const isLate = (e: VendorEvent) => lateMinutes.has(Math.floor(e.occurredAt / MINUTE) * MINUTE) || rnd() < 0.1;
  const early: VendorEvent[] = [];
  const late: VendorEvent[] = [];
  for (const e of events) (isLate(e) ? late : early).push(e);
  return { early, late, ids };
}

describe('vendorComparison against a brute-force reading of the raw events', () => {
  let service: TestService;
  const { early, late, ids } = generate();
  const all = [...early, ...late];
  const keys: Record<string, string> = {};

  async function post(events: VendorEvent[]): Promise<void> {
    for (const platform of PLATFORMS) {
      const mine = events.filter((e) => e.platform === platform);
      for (let i = 0; i < mine.length; i += 5_000) {
        const batch = mine.slice(i, i + 5_000).map((e) => ({
          id: ids.get(e),
          provider: e.provider,
          model: e.model,
          occurredAt: new Date(e.occurredAt).toISOString(),
          outcome: e.outcome,
          ...(e.latencyMs != null ? { latencyMs: e.latencyMs } : {}),
          ...(e.ttftMs != null ? { ttftMs: e.ttftMs } : {}),
        }));
        const { status, body } = await service.client.postEvents(keys[platform]!, batch);
        expect(status).toBe(200);
        expect(body.rejected).toEqual([]);
        expect(body.accepted).toBe(batch.length);
      }
    }
  }

  beforeAll(async () => {
    service = await startTestService(); // ROLE=all: the worker projects as events arrive
    for (const p of PLATFORMS) keys[p] = (await service.client.createKey(p, ['INGEST', 'READ'])).secret;
    for (const input of ['{ provider: "beta", minSamples: 3, degradedAt: "0.1" }', '{ provider: "alpha", model: "a-2", degradedAt: "0.2", mergeGapMinutes: 0 }']) {
      const { body } = await service.client.graphql(ADMIN_KEY, `mutation { setDetectionPolicy(input: ${input}) { provider } }`);
      expect(body.errors).toBeUndefined();
    }
    await post(early);
    await waitForProjections(service.client, 120_000);
    // A comparison before the late events arrive, so that whatever it keeps must be brought up to date.
    await compare({ from: at('2026-06-01T00:00:00Z'), to: at('2026-08-01T00:00:00Z') }, true);
    await post(late);
    await waitForProjections(service.client, 120_000);
  }, 240_000);
  afterAll(() => service.close());

  async function compare(q: ComparisonQuery, providerRows: boolean, key = ADMIN_KEY): Promise<any[]> {
    const { body } = await service.client.graphql(
      key,
      `query($from: DateTime!, $to: DateTime!, $providers: [String!], $models: [String!], $platform: String, $providerRows: Boolean) {
        vendorComparison(from: $from, to: $to, providers: $providers, models: $models, platform: $platform, providerRows: $providerRows) {
          provider model rank eligibleRequests availabilityPercent operationalMinutesPercent outages outageMinutes mttrMinutes mtbfMinutes
          longestOutageMinutes p50LatencyMs p95LatencyMs p99LatencyMs ttftP95Ms outcomes { success error timeout rateLimited clientError } } }`,
      {
        from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), providers: q.providers ?? null, models: q.models ?? null,
        platform: q.platform ?? null, providerRows,
      },
    );
    expect(body.errors).toBeUndefined();
    return body.data.vendorComparison;
  }

  const PERCENTILES = ['p50LatencyMs', 'p95LatencyMs', 'p99LatencyMs', 'ttftP95Ms'] as const;

  function expectRows(actual: any[], expected: ExpectedScore[]): void {
    expect(actual.map((r) => `${r.provider}/${r.model}`).sort()).toEqual(expected.map((r) => `${r.provider}/${r.model}`).sort());
    for (const want of expected) {
      const got = actual.find((r) => r.provider === want.provider && r.model === want.model);
      const exact = Object.fromEntries(Object.entries(want).filter(([k]) => !(PERCENTILES as readonly string[]).includes(k)));
      expect({ row: `${want.provider}/${want.model}`, ...got, rank: undefined }).toMatchObject({ row: `${want.provider}/${want.model}`, ...exact });
      for (const field of PERCENTILES) {
        if (want[field] === null) expect(got[field]).toBeNull();
        else expect({ row: `${want.provider}/${want.model}`, field, error: Math.abs(got[field] - want[field]!) / want[field]! <= 0.02 }).toEqual({ row: `${want.provider}/${want.model}`, field, error: true });
      }
    }
    // Ranks 1..n by availability descending, then p95 ascending.
    const byRank = [...actual].sort((a, b) => a.rank - b.rank);
    expect(byRank.map((r) => r.rank)).toEqual(byRank.map((_, i) => i + 1));
    for (let i = 1; i < byRank.length; i++) {
      const [a, b] = [byRank[i - 1], byRank[i]];
      expect((a.availabilityPercent ?? -1) >= (b.availabilityPercent ?? -1)).toBe(true);
      if (a.availabilityPercent === b.availabilityPercent) expect((a.p95LatencyMs ?? Infinity) <= (b.p95LatencyMs ?? Infinity)).toBe(true);
    }
  }

  async function check(q: ComparisonQuery): Promise<{ models: ExpectedScore[]; providers: ExpectedScore[] }> {
    const expected = bruteForceComparison(all, q, policyOf);
    const rows = await compare(q, true);
    expectRows(rows.filter((r) => r.model !== null), expected.models);
    expectRows(rows.filter((r) => r.model === null), expected.providers);
    // Without providerRows: the same model rows, nothing else.
    const modelsOnly = await compare(q, false);
    expect(modelsOnly).toEqual(rows.filter((r) => r.model !== null));
    return expected;
  }

  // Minute-aligned windows: several whole days and hours with partial edges, cutting through outages.
  const ACROSS_DAYS = { from: at('2026-06-29T13:07:00Z'), to: at('2026-07-02T05:53:00Z') };
  const ACROSS_MONTH_END = { from: at('2026-06-30T22:17:00Z'), to: at('2026-07-01T02:43:00Z') };

  it('uses a data set whose windows cut through outages and cross the month boundary', () => {
    const outages = Object.entries(CATALOGUE).flatMap(([provider, models]) =>
      models.flatMap((model) => bruteForceOutages(all.filter((e) => e.provider === provider && e.model === model), policyOf(provider, model))));
    for (const { from, to } of [ACROSS_DAYS, ACROSS_MONTH_END]) {
      // Outages that start before the window and end inside it, and ones that start inside and end after it.
      expect(outages.some((o) => at(o.start) < from && at(o.end) > from)).toBe(true);
      expect(outages.some((o) => at(o.start) < to && at(o.end) > to)).toBe(true);
      expect(new Date(from).getUTCMonth()).not.toBe(new Date(to).getUTCMonth());
    }
    expect(new Set(outages.map((o) => o.platform)).size).toBe(4);
    expect(late.length).toBeGreaterThan(1_000);
  });

  it('matches over several days across the month boundary, all platforms', async () => {
    const expected = await check(ACROSS_DAYS);
    expect(expected.models).toHaveLength(6);
    expect(expected.providers.every((p) => p.operationalMinutesPercent !== null)).toBe(true);
  });

  it('matches over a few hours across midnight of the month end', async () => {
    await check(ACROSS_MONTH_END);
  });

  it('matches one platform\'s traffic', async () => {
    for (const platform of PLATFORMS) await check({ ...ACROSS_DAYS, platform });
    await check({ ...ACROSS_MONTH_END, platform: 'p2' });
  });

  it('matches chosen providers and chosen models', async () => {
    await check({ ...ACROSS_DAYS, providers: ['alpha', 'gamma'] });
    await check({ ...ACROSS_DAYS, models: ['a-1', 'b-2', 'g-1'] });
    await check({ ...ACROSS_MONTH_END, providers: ['beta'], models: ['b-1'], platform: 'p1' });
  });

  it('matches whole-month windows, day-aligned windows and a window without data', async () => {
    await check({ from: at('2026-06-01T00:00:00Z'), to: at('2026-08-01T00:00:00Z') });
    await check({ from: at('2026-07-01T00:00:00Z'), to: at('2026-08-01T00:00:00Z') });
    await check({ from: at('2026-06-29T00:00:00Z'), to: at('2026-07-02T00:00:00Z'), platform: 'p3' });
    await check({ from: at('2026-06-30T23:00:00Z'), to: at('2026-07-01T01:00:00Z') });
    expect(await compare({ from: at('2026-05-01T00:00:00Z'), to: at('2026-05-02T00:00:00Z') }, true)).toEqual([]);
  });

  it('honours a detection policy changed after the events were projected', async () => {
    const { body } = await service.client.graphql(ADMIN_KEY, 'mutation { setDetectionPolicy(input: { provider: "gamma", degradedAt: "0.02", minSamples: 4 }) { provider } }');
    expect(body.errors).toBeUndefined();
    const gamma: BrutePolicy = { ...DEFAULT_POLICY, degradedAt: 0.02, minSamples: 4 };
    const policies = (provider: string, model: string | null) => (provider === 'gamma' ? gamma : policyOf(provider, model));
    const rows = await compare(ACROSS_DAYS, true);
    const expected = bruteForceComparison(all, ACROSS_DAYS, policies);
    expectRows(rows.filter((r) => r.model !== null), expected.models);
    expectRows(rows.filter((r) => r.model === null), expected.providers);
  });
});
