import fc from 'fast-check';
import { sql } from 'kysely';
import { contractTerms, ContractInput, evaluateSla, evaluateTraffic, ExcludedMinutes, MINUTE_MS, OutcomeCounts, periodOf, seededRandom } from '@ledger/domain';
import { RollupChangeRepository } from '@ledger/projections';
import { createDatabase, Database } from '@ledger/database';
import { ContractTrafficRepository } from '@ledger/reporting';
import { sumHourRollups } from './support/rollups';
import { createTestDatabase } from './support/test-database';

/**
 * The SQL summary of a contract's traffic (ContractTrafficRepository) against the engine's
 * in-memory reference (evaluateSla over per-minute counts read plainly): every figure of the
 * evaluation must be identical, for random rollups and random contracts.
 */

const PLATFORMS = ['alpha', 'beta'];
const PROVIDERS = ['vendor', 'other'];
const MODELS = ['m1', 'm2', 'm3'];
const MONTHS = [
  { label: '2026-06', zones: ['UTC', 'Asia/Kolkata', 'Pacific/Auckland'] },
  { label: '2026-11', zones: ['America/New_York', 'UTC'] },
];


/**
 * Every minute within 90 of a period's start or end in one of the zones (offsets from `start`,
 * inside the span): the edges where whole hours and ragged minutes meet are always populated.
 */
function edgeMinutes(start: number, minutes: number): number[] {
  const offsets: number[] = [];
  for (const { label, zones } of MONTHS) {
    for (const zone of zones) {
      const period = periodOf(label, zone);
      for (const boundary of [period.start, period.end]) {
        for (let k = -90; k < 90; k++) {
          const offset = (boundary - start) / MINUTE_MS + k;
          if (offset >= 0 && offset < minutes) offsets.push(offset);
        }
      }
    }
  }
  return offsets;
}

/**
 * Rollups around both months (a day either side, so period edges in every zone are crossed):
 * sparse normal traffic, every minute near a period's edges, and bursts where every model of a
 * platform fails for a while.
 */
async function writeRollups(db: Database): Promise<void> {
  const next = seededRandom(42);
  const rows: string[] = [];
  const spans = [[Date.UTC(2026, 4, 30), Date.UTC(2026, 6, 2)], [Date.UTC(2026, 9, 30), Date.UTC(2026, 11, 2)]] as const;
  for (const [start, end] of spans) {
    const minutes = (end - start) / MINUTE_MS;
    for (const platform of PLATFORMS) {
      for (const provider of PROVIDERS) {
        const burstAt = new Set<number>();
        for (let b = 0; b < 40; b++) {
          const at = Math.floor(next() * minutes);
          for (let k = 0; k < 1 + Math.floor(next() * 8); k++) burstAt.add(at + k);
        }
        for (const model of MODELS) {
          const picked = new Set<number>([...burstAt, ...edgeMinutes(start, minutes)]);
          for (let n = 0; n < 1_500; n++) picked.add(Math.floor(next() * minutes));
          for (const offset of picked) {
            const burst = burstAt.has(offset) && next() < 0.8;
            const counts = [
              Math.floor(next() * (burst ? 4 : 30)), // successes
              burst ? Math.floor(next() * 12) : next() < 0.2 ? 1 : 0, // errors
              next() < 0.1 ? Math.floor(next() * 3) : 0, // timeouts
              next() < 0.15 ? Math.floor(next() * 6) : 0, // rate limited
              next() < 0.1 ? 1 : 0, // client errors
            ];
            rows.push(`${provider}\t${model}\t${platform}\t${new Date(start + offset * MINUTE_MS).toISOString()}\t${counts.join('\t')}`);
          }
        }
      }
    }
  }
  for (let i = 0; i < rows.length; i += 5_000) {
    const chunk = rows.slice(i, i + 5_000).map((r) => r.split('\t'));
    const column = (k: number) => chunk.map((r) => r[k]!);
    await sql`
      INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch)
      SELECT *, ''::bytea, ''::bytea FROM unnest(${column(0)}::text[], ${column(1)}::text[], ${column(2)}::text[], ${column(3)}::timestamptz[],
        ${column(4)}::int[], ${column(5)}::int[], ${column(6)}::int[], ${column(7)}::int[], ${column(8)}::int[])`.execute(db);
  }
  await sumHourRollups(db);
  await sql`VACUUM ANALYZE minute_rollups, hour_rollups`.execute(db);
}

/** The contract's per-minute counts, read plainly: the reference input of evaluateSla. */
async function minutesOf(db: Database, terms: { platform: string; provider: string; models: string[] }, from: number, to: number) {
  const { rows } = await sql<{ m: number; s: number; e: number; t: number; r: number; c: number }>`
    SELECT (extract(epoch FROM minute) / 60)::int AS m, sum(successes)::int AS s, sum(errors)::int AS e, sum(timeouts)::int AS t,
           sum(rate_limited)::int AS r, sum(client_errors)::int AS c
    FROM minute_rollups
    WHERE platform = ${terms.platform} AND provider = ${terms.provider} AND minute >= ${new Date(from)} AND minute < ${new Date(to)}
      AND (${terms.models.length === 0} OR model = ANY(${terms.models}::text[]))
    GROUP BY minute`.execute(db);
  const minutes = new Map<number, OutcomeCounts>();
  let events = 0;
  for (const r of rows) {
    minutes.set(r.m, { successes: r.s, errors: r.e, timeouts: r.t, rateLimited: r.r, clientErrors: r.c });
    events += r.s + r.e + r.t + r.r + r.c;
  }
  return { minutes, events };
}

const contractArb = fc.record({
  platform: fc.constantFrom(...PLATFORMS),
  provider: fc.constantFrom(...PROVIDERS),
  models: fc.subarray(MODELS),
  month: fc.integer({ min: 0, max: MONTHS.length - 1 }),
  zone: fc.nat(),
  kind: fc.constantFrom('DOWNTIME_MINUTES', 'AVERAGE_ERROR_RATE', 'REQUEST_SUCCESS_RATIO'),
  errorRateThreshold: fc.constantFrom('0.05', '0.1', '0.25', '0.333333333', '0.5', '1', '0.000000001'),
  minSamples: fc.integer({ min: 1, max: 6 }),
  minConsecutiveMinutes: fc.integer({ min: 1, max: 3 }),
  windowMinutes: fc.integer({ min: 1, max: 90 }),
  countRateLimited: fc.boolean(),
  // Start before the month or inside it; end never, or inside it (offsets in minutes from its start).
  effectiveFrom: fc.option(fc.integer({ min: 0, max: 43_000 }), { nil: null }),
  effectiveTo: fc.option(fc.integer({ min: 1, max: 44_000 }), { nil: null }),
  maintenance: fc.array(fc.record({ at: fc.integer({ min: -120, max: 44_000 }), minutes: fc.integer({ min: 1, max: 3_000 }) }), { maxLength: 3 }),
  // Instants may fall inside a minute: exclusions round outward.
  seconds: fc.integer({ min: 0, max: 59 }),
});

type ContractCase = typeof contractArb extends fc.Arbitrary<infer T> ? T : never;

function scopeOf(c: ContractCase) {
  const month = MONTHS[c.month]!;
  const timeZone = month.zones[c.zone % month.zones.length]!;
  const period = periodOf(month.label, timeZone);
  const at = (offsetMinutes: number) => period.start + offsetMinutes * MINUTE_MS + c.seconds * 1000;
  const effectiveFrom = c.effectiveFrom === null ? Date.UTC(2026, 0, 1) : at(c.effectiveFrom);
  const effectiveTo = c.effectiveTo === null || at(c.effectiveTo) <= effectiveFrom ? null : at(c.effectiveTo);
  const input: ContractInput = {
    platform: c.platform, provider: c.provider, models: c.models, timeZone, targetPercent: '99.5',
    policy: { kind: c.kind, errorRateThreshold: c.errorRateThreshold, minSamples: c.minSamples, minConsecutiveMinutes: c.minConsecutiveMinutes, windowMinutes: c.windowMinutes },
    countRateLimited: c.countRateLimited,
    creditTiers: [{ uptimeBelow: '99.5', creditPercent: '10' }, { uptimeBelow: '98', creditPercent: '30' }],
    monthlyFee: { amount: '1234.56', currency: 'USD' },
    effectiveFrom: new Date(effectiveFrom).toISOString(),
    effectiveTo: effectiveTo === null ? null : new Date(effectiveTo).toISOString(),
  };
  const terms = contractTerms(input);
  const maintenance = c.maintenance.map((w) => [Math.floor(at(w.at) / MINUTE_MS), Math.ceil((at(w.at) + w.minutes * MINUTE_MS) / MINUTE_MS)] as const);
  return { terms, period, maintenance, excluded: new ExcludedMinutes(terms, period, maintenance) };
}

describe('SLA traffic summaries in SQL', () => {
  let db: Database;
  const repository = new ContractTrafficRepository(new RollupChangeRepository());
  const now = Date.UTC(2027, 0, 15);

  beforeAll(async () => {
    db = createDatabase({ url: await createTestDatabase(), poolSize: 2 });
    await writeRollups(db);
  });
  afterAll(() => db.destroy());

  it('gives every figure of the in-memory reference, for random contracts', async () => {
    await fc.assert(
      fc.asyncProperty(contractArb, async (c) => {
        const { terms, period, maintenance, excluded } = scopeOf(c);
        const reference = await minutesOf(db, terms, period.start, period.end);
        const [summary] = (await repository.summarise(db, [{ terms, period, excluded }])).traffic;
        expect(summary!.events).toBe(reference.events);
        const fromSql = evaluateTraffic({ terms, period, traffic: summary!.traffic, excluded, now });
        expect(fromSql).toEqual(evaluateSla({ terms, period, minutes: reference.minutes, maintenance, now }));
      }),
      { numRuns: 150 },
    );
  });

  it('gives each contract of a batch what it gets alone', async () => {
    const cases = fc.sample(contractArb, { numRuns: 40, seed: 7 }).map(scopeOf);
    const { traffic: batch } = await repository.summarise(db, cases);
    for (let i = 0; i < cases.length; i++) {
      const { traffic: alone } = await repository.summarise(db, [cases[i]!]);
      expect(batch[i]).toEqual(alone[0]);
    }
  });

  it('judges a minute on its sum over models: samples and rate', async () => {
    // 00:00 — two models at 1 failure in 3: each row has too few samples for minSamples 6, their sum
    // (2 in 6) has enough and is over 0.25: down. 00:01 — one row over the threshold (1 in 3), but the
    // minute's sum (1 in 6) is under it: a candidate that the exact check rejects.
    await sql`
      INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch)
      VALUES ('edge', 'm1', 'alpha', '2026-06-10T00:00:00Z', 2, 1, 0, 0, 0, '', ''), ('edge', 'm2', 'alpha', '2026-06-10T00:00:00Z', 2, 1, 0, 0, 0, '', ''),
             ('edge', 'm1', 'alpha', '2026-06-10T00:01:00Z', 2, 1, 0, 0, 0, '', ''), ('edge', 'm2', 'alpha', '2026-06-10T00:01:00Z', 3, 0, 0, 0, 0, '', '')`.execute(db);
    await sumHourRollups(db);
    const terms = contractTerms({
      platform: 'alpha', provider: 'edge', targetPercent: '99', policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '0.25', minSamples: 6 },
      monthlyFee: { amount: '1', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z',
    });
    const period = periodOf('2026-06', 'UTC');
    const excluded = new ExcludedMinutes(terms, period, []);
    const [summary] = (await repository.summarise(db, [{ terms, period, excluded }])).traffic;
    const result = evaluateTraffic({ terms, period, traffic: summary!.traffic, excluded, now });
    expect(result.downtimeMinutes).toBe(1);
    expect(result.evidence).toEqual([
      { start: Date.parse('2026-06-10T00:00:00Z') / MINUTE_MS, end: Date.parse('2026-06-10T00:01:00Z') / MINUTE_MS, minutes: 1, eligibleRequests: 6, failedRequests: 2 },
    ]);
  });
});
