import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import {
  addErrorStatus, countedErrors, DEFAULT_FAILURE_RULES, eligibleOf, ErrorStatusCounts, eventFails, FailureRules, failuresOf, MAX_LATENCY_MS, MAX_SKETCH_BUCKET, Outcome, OUTCOMES,
  OutcomeCounts, seededRandom, sketchBucket, sketchedBucket, tallyOf, ZERO_BUCKET,
} from '@ledger/domain';
import {
  BinaryCopyWriter, contractTallySql, decodeSketchPairs, eligibleSql, escapeCopy, eventFailsSql, failuresSql, latencyBucketSql, sketchedBucketSql, sqlText,
} from '@ledger/codec';
import { createDatabase, Database, withRawClient } from '@ledger/database';
import { SketchBuckets } from '@ledger/projections';
import { createTestDatabase } from './support/test-database';

/**
 * The outcome rules' SQL (@ledger/codec) against the domain functions it mirrors, and the
 * codec's bytes against Postgres' own reading of them: the same cases through both, evaluated
 * over the real tables' columns and types, and the answers required equal.
 */

const INT4_MAX = 2_147_483_647;
const COUNT_FIELDS = ['successes', 'errors', 'timeouts', 'rateLimited', 'clientErrors'] as const;
const counts = (successes: number, errors: number, timeouts: number, rateLimited: number, clientErrors: number): OutcomeCounts =>
  ({ successes, errors, timeouts, rateLimited, clientErrors });

/** Generated counts (small, mixed, large) and the edge cases. */
function countCases(): OutcomeCounts[] {
  const rnd = seededRandom(20261127);
  const scales = [3, 100, 60_000, INT4_MAX];
  const generated = Array.from({ length: 400 }, () => {
    const scale = scales[Math.floor(rnd() * scales.length)]!;
    // Some outcomes absent, the rest up to the scale.
    const one = () => (rnd() < 0.3 ? 0 : Math.floor(rnd() * (scale + 1)));
    return counts(one(), one(), one(), one(), one());
  });
  const edges = [
    counts(0, 0, 0, 0, 0), // all zeros
    counts(0, 0, 0, 0, 17), // only client errors
    counts(0, 0, 0, 9, 0), // only rate-limited: failures only when the contract counts them
    counts(5, 0, 0, 9, 0),
    counts(INT4_MAX, INT4_MAX, INT4_MAX, INT4_MAX, INT4_MAX), // int4 maxima: their sums need int8
    ...COUNT_FIELDS.map((field) => ({ ...counts(0, 0, 0, 0, 0), [field]: INT4_MAX })),
  ];
  return [...edges, ...generated];
}

describe('outcome rules: SQL and TypeScript agree', () => {
  let db: Database;

  beforeAll(async () => {
    db = createDatabase({ url: await createTestDatabase(), poolSize: 2 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('failures and eligible requests under every combination of a contract\'s rules, row by row and summed, over minute_rollups', async () => {
    const cases = countCases();
    // Each case's errors split over statuses (some without one): what error_statuses holds.
    const statusesOf = (c: OutcomeCounts, i: number): ErrorStatusCounts | null => {
      if (c.errors === 0) return null;
      const keys = ['529', '500', 'none', '404', '503'].slice(0, 1 + (i % 5));
      const split: Record<string, number> = {};
      let left = c.errors;
      keys.forEach((key, k) => {
        const n = k === keys.length - 1 ? left : Math.floor(left / 2);
        if (n > 0) addErrorStatus(split, key === 'none' ? null : Number(key), n);
        left -= n;
      });
      return split;
    };
    const statuses = cases.map(statusesOf);
    const ruleSets: FailureRules[] = [];
    for (const countRateLimited of [false, true]) {
      for (const countTimeouts of [true, false]) {
        for (const errorStatuses of [null, ['5xx'], ['529'], ['404', '529']]) ruleSets.push({ countRateLimited, countTimeouts, errorStatuses });
      }
    }
    await sql`
      INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch, error_statuses)
      SELECT 'p', 'm', 'x', to_timestamp(60 * i), s, e, t, rl, ce, ''::bytea, ''::bytea, st
      FROM unnest(${cases.map((c) => c.successes)}::int4[], ${cases.map((c) => c.errors)}::int4[], ${cases.map((c) => c.timeouts)}::int4[],
                  ${cases.map((c) => c.rateLimited)}::int4[], ${cases.map((c) => c.clientErrors)}::int4[],
                  ${statuses.map((st) => (st === null ? null : JSON.stringify(st)))}::jsonb[]) WITH ORDINALITY AS u(s, e, t, rl, ce, st, i)`.execute(db);
    const tallyInTs = (rules: FailureRules, c: OutcomeCounts, i: number) => tallyOf(rules, c, countedErrors(rules, { ...c, errorStatuses: statuses[i] }));

    for (const rules of ruleSets) {
      // The rules as constants, and as a joined contract's columns (the form a batch of contracts uses).
      // The statuses as literals (one contract), and as a text[] expression (a batch of contracts naming different ones).
      const constant = contractTallySql('r', { countRateLimited: rules.countRateLimited, countTimeouts: rules.countTimeouts, errorStatuses: rules.errorStatuses });
      const columns = contractTallySql('r', { countRateLimited: sql<number>`c.rl`, countTimeouts: sql<number>`c.ct`, errorStatuses: sql<string[] | null>`c.statuses` });
      const { rows } = await sql<{ f: bigint; e: bigint; f_col: bigint; e_col: bigint }>`
        SELECT ${constant.failures} AS f, ${constant.eligible} AS e, ${columns.failures} AS f_col, ${columns.eligible} AS e_col
        FROM minute_rollups r, (SELECT ${rules.countRateLimited ? 1 : 0}::int AS rl, ${rules.countTimeouts ? 1 : 0}::int AS ct, ${rules.errorStatuses}::text[] AS statuses) AS c
        ORDER BY r.minute`.execute(db);
      const ts = cases.map((c, i) => tallyInTs(rules, c, i));
      expect(rows.map((r) => [Number(r.f), Number(r.e)])).toEqual(ts.map((t) => [t.failures, t.eligible]));
      expect(rows.map((r) => [Number(r.f_col), Number(r.e_col)])).toEqual(ts.map((t) => [t.failures, t.eligible]));

      // Summed over the rows (sums of int8 are numeric; exact as text).
      const { rows: [sums] } = await sql<{ f: string; e: string }>`
        SELECT sum(${constant.failures})::text AS f, sum(${constant.eligible})::text AS e FROM minute_rollups r`.execute(db);
      const total = (pick: (t: { failures: number; eligible: number }) => number) => ts.reduce((sum, t) => sum + BigInt(pick(t)), 0n).toString();
      expect(sums).toEqual({ f: total((t) => t.failures), e: total((t) => t.eligible) });
    }

    // Detection's rule (failuresSql, eligibleSql) is the default contract's.
    const { rows: detection } = await sql<{ f: bigint; e: bigint }>`SELECT ${failuresSql('r')} AS f, ${eligibleSql('r')} AS e FROM minute_rollups r ORDER BY r.minute`.execute(db);
    expect(detection.map((r) => [Number(r.f), Number(r.e)])).toEqual(cases.map((c) => [failuresOf(c), eligibleOf(c)]));
    expect(cases.map((c) => tallyOf(DEFAULT_FAILURE_RULES, c))).toEqual(cases.map((c) => ({ failures: failuresOf(c), eligible: eligibleOf(c) })));
    // The edge cases say what they are meant to: rate-limited only count when the contract says so.
    expect([2, 3].map((i) => tallyInTs({ ...DEFAULT_FAILURE_RULES, countRateLimited: true }, cases[i]!, i))).toEqual([{ failures: 9, eligible: 9 }, { failures: 9, eligible: 14 }]);
  });

  it('an event\'s failure under a contract\'s rules, in SQL and in TypeScript', async () => {
    const events = OUTCOMES.flatMap((outcome) => [null, 404, 429, 500, 503, 529].map((httpStatus) => ({ outcome, httpStatus })));
    for (const countRateLimited of [false, true]) {
      for (const countTimeouts of [true, false]) {
        for (const errorStatuses of [null, ['5xx'], ['529', '404']]) {
          const rules = { countRateLimited, countTimeouts, errorStatuses };
          const { rows } = await sql<{ fails: boolean }>`
            SELECT ${eventFailsSql('e', rules)} AS fails
            FROM unnest(${events.map((e) => e.outcome)}::outcome[], ${events.map((e) => e.httpStatus)}::int2[]) WITH ORDINALITY AS e(outcome, http_status, i)
            ORDER BY e.i`.execute(db);
          expect(rows.map((r) => r.fails)).toEqual(events.map((e) => eventFails(rules, e.outcome, e.httpStatus)));
        }
      }
    }
    // What the rules say, spelled out for one set: Google-style (5xx only, timeouts count).
    const google = { countRateLimited: false, countTimeouts: true, errorStatuses: ['5xx'] };
    expect([eventFails(google, 'error', 503), eventFails(google, 'error', 404), eventFails(google, 'error', null), eventFails(google, 'timeout', null), eventFails(google, 'rate_limited', 429)])
      .toEqual([true, false, false, true, false]);
  });

  it('the latency bucket of every value that pins a bucket down, of random ones and of the edges', async () => {
    const rnd = seededRandom(7);
    const values = [
      ...new Set([
        -(2 ** 31), -1, 0, 1, 2, 3, MAX_LATENCY_MS - 1, MAX_LATENCY_MS,
        // Either side of every bucket's first value: where Postgres' ln and Math.log would disagree if they ever do.
        ...SketchBuckets.candidates(),
        ...Array.from({ length: 2_000 }, () => Math.floor(Math.exp(rnd() * Math.log(MAX_LATENCY_MS)))),
      ]),
    ];
    const { rows } = await sql<{ v: number; bucket: number }>`
      SELECT v, ${latencyBucketSql(sql.ref('v'))} AS bucket FROM unnest(${values}::int4[]) AS u(v)`.execute(db);
    expect(new Map(rows.map((r) => [r.v, r.bucket]))).toEqual(new Map(values.map((v) => [v, sketchBucket(v)])));
    expect(Math.max(...rows.map((r) => r.bucket))).toBe(MAX_SKETCH_BUCKET);
    expect(rows.find((r) => r.v === 0)!.bucket).toBe(ZERO_BUCKET);
  });

  it('only successes\' latencies go into sketches, as parameters and as the text a COPY carries', async () => {
    const latencies = [null, 0, 1, 100, 59_999, MAX_LATENCY_MS];
    const cases = OUTCOMES.flatMap((outcome) => latencies.map((latency) => ({ outcome, latency })));
    const outcomes = cases.map((c) => c.outcome);
    const values = cases.map((c) => c.latency);
    const expected = cases.map((c) => sketchedBucket(c.outcome as Outcome, c.latency));
    expect(expected.filter((b) => b !== null)).toHaveLength(latencies.length - 1); // the successes with a latency
    const bucket = sketchedBucketSql(sql.ref('outcome'), sql.ref('latency_ms'));
    for (const expression of [bucket, sql.raw(sqlText(bucket))]) {
      const { rows } = await sql<{ bucket: number | null }>`
        SELECT ${expression} AS bucket FROM unnest(${outcomes}::outcome[], ${values}::int4[]) WITH ORDINALITY AS u(outcome, latency_ms, i) ORDER BY i`.execute(db);
      expect(rows.map((r) => r.bucket)).toEqual(expected);
    }
  });

  it('COPY: Postgres reads back what the codec writes, as text and as binary', async () => {
    const texts = ['plain', 'tab\there', 'line\nbreak', 'cr\rhere', 'back\\slash', '\\N', '', 'é ✓', '\\t literally'];
    await sql`CREATE TABLE copy_check (i int4, s text, n int4, at timestamptz, sketch bytea)`.execute(db);
    await withRawClient(db, async (client) => {
      const text = texts.map((s, i) => `${i}\t${escapeCopy(s)}\t\\N\n`).join('');
      await pipeline(Readable.from([text]), client.query(copyFrom('COPY copy_check (i, s, n) FROM STDIN')));
      const copy = new BinaryCopyWriter(64); // small chunks: rows cross them
      const chunks: Buffer[] = [];
      texts.forEach((s, i) => {
        const full = copy.reserve(2 + 8 + 4 + Buffer.byteLength(s) + 8 + 12 + 4 + 16);
        if (full !== null) chunks.push(Buffer.from(full));
        copy.row(5);
        copy.int4(100 + i);
        copy.text(s);
        if (i % 2 === 0) copy.null();
        else copy.int4(-i);
        copy.timestamp(Date.UTC(1999, 11, 31, 23, 59, 59, 999) + i * 86_400_000 * 365);
        copy.sketch([ZERO_BUCKET, i + 1, i, 3], 4);
      });
      chunks.push(...copy.end().map((c) => Buffer.from(c)));
      await pipeline(Readable.from(chunks), client.query(copyFrom('COPY copy_check (i, s, n, at, sketch) FROM STDIN (FORMAT binary)')));
    });
    const { rows } = await sql<{ i: number; s: string; n: number | null; at: Date | null; sketch: Buffer | null }>`SELECT * FROM copy_check ORDER BY i`.execute(db);
    expect(rows.filter((r) => r.i < 100)).toEqual(texts.map((s, i) => ({ i, s, n: null, at: null, sketch: null })));
    expect(rows.filter((r) => r.i >= 100).map((r) => ({ ...r, sketch: r.sketch === null ? null : decodeSketchPairs(r.sketch) }))).toEqual(texts.map((s, i) => ({
      i: 100 + i, s, n: i % 2 === 0 ? null : -i, at: new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999) + i * 86_400_000 * 365), sketch: [ZERO_BUCKET, i + 1, i, 3],
    })));
  });
});
