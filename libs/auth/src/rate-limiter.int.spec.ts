import { sql } from 'kysely';
import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import { LimitKind, RateLimiter } from './rate-limiter';

// Buckets hold two seconds' worth: 20 ingest events, 4 queries. Rates whose refills are exact
// in binary floating point, so the expected token counts are exact too.
const LIMITS = { ingestEventsPerSecond: 10, queriesPerSecond: 2 };
const START = Date.parse('2026-06-01T12:00:00.000Z');

describe('RateLimiter buckets in Postgres', () => {
  let db: Database;
  beforeAll(async () => (db = await openTestDatabase({ poolSize: 8 })));
  afterAll(() => db.destroy());

  /** A limiter on a clock the test moves by hand. */
  function limiterAt(start = START) {
    let now = start;
    const limiter = new RateLimiter(db, LIMITS);
    limiter.useClock(() => now);
    return { limiter, advance: (ms: number) => (now += ms) };
  }

  async function takeTimes(limiter: RateLimiter, key: string, kind: LimitKind, cost: number, times: number): Promise<boolean[]> {
    const decisions: boolean[] = [];
    for (let i = 0; i < times; i++) decisions.push((await limiter.take(key, kind, cost)).allowed);
    return decisions;
  }

  const bucket = async (key: string, kind: LimitKind) =>
    db.selectFrom('rate_limit_buckets').selectAll().where('key_id', '=', key).where('kind', '=', kind).executeTakeFirst();

  it('starts a key with a full bucket (two seconds\' worth) and refuses the request after it', async () => {
    const { limiter } = limiterAt();

    expect(await takeTimes(limiter, 'k-full', 'query', 1, 5)).toEqual([true, true, true, true, false]);
    expect(await bucket('k-full', 'query')).toEqual({ key_id: 'k-full', kind: 'query', tokens: 0, refreshed_at: new Date(START) });
  });

  it('refills at the sustained rate for the time passed', async () => {
    const { limiter, advance } = limiterAt();
    await takeTimes(limiter, 'k-refill', 'query', 1, 4);

    advance(1_500); // 1.5 s at 2 per second: 3 tokens
    expect(await takeTimes(limiter, 'k-refill', 'query', 1, 4)).toEqual([true, true, true, false]);
  });

  it('caps the refill at the bucket\'s capacity however long the key was idle', async () => {
    const { limiter, advance } = limiterAt();
    await takeTimes(limiter, 'k-idle', 'ingest', 20, 1);

    advance(3_600_000);
    expect(await takeTimes(limiter, 'k-idle', 'ingest', 5, 5)).toEqual([true, true, true, true, false]);
  });

  it('takes nothing from the bucket when it refuses a request', async () => {
    const { limiter, advance } = limiterAt();
    await limiter.take('k-refused', 'ingest', 20);
    advance(500); // 5 events' worth

    expect(await limiter.take('k-refused', 'ingest', 15)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(await limiter.take('k-refused', 'ingest', 5)).toEqual({ allowed: true });
    expect((await bucket('k-refused', 'ingest'))?.tokens).toBe(0);
  });

  it('says how long until the missing tokens have refilled, at least a second', async () => {
    const { limiter, advance } = limiterAt();
    await limiter.take('k-retry', 'ingest', 20);

    expect(await limiter.take('k-retry', 'ingest', 15)).toEqual({ allowed: false, retryAfterSeconds: 2 }); // 15 missing at 10/s
    advance(900); // 9 tokens: 1 missing, 0.1 s away
    expect(await limiter.take('k-retry', 'ingest', 10)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refuses a request costing more than a full bucket without creating one', async () => {
    const { limiter } = limiterAt();

    expect(await limiter.take('k-huge', 'ingest', 21)).toEqual({ allowed: false, retryAfterSeconds: 3 });
    expect(await bucket('k-huge', 'ingest')).toBeUndefined();
  });

  it('keeps one bucket per key and kind: a noisy key drains only its own', async () => {
    const { limiter } = limiterAt();
    await takeTimes(limiter, 'k-noisy', 'query', 1, 10);

    expect(await limiter.take('k-noisy', 'ingest', 20)).toEqual({ allowed: true });
    expect(await takeTimes(limiter, 'k-quiet', 'query', 1, 4)).toEqual([true, true, true, true]);
    const { rows } = await sql<{ key_id: string; kind: string; tokens: number }>`
      SELECT key_id, kind, tokens FROM rate_limit_buckets WHERE key_id IN ('k-noisy', 'k-quiet') ORDER BY key_id, kind`.execute(db);
    expect(rows).toEqual([
      { key_id: 'k-noisy', kind: 'ingest', tokens: 0 },
      { key_id: 'k-noisy', kind: 'query', tokens: 0 },
      { key_id: 'k-quiet', kind: 'query', tokens: 0 },
    ]);
  });

  it('grants a full bucket exactly once to concurrent requests, as several API processes would send them', async () => {
    // Separate limiters on one database stand for separate processes sharing the bucket.
    const processes = Array.from({ length: 6 }, () => limiterAt().limiter);

    const decisions = await Promise.all(Array.from({ length: 12 }, (_, i) => processes[i % processes.length]!.take('k-raced', 'query', 1)));

    expect(decisions.filter((d) => d.allowed)).toHaveLength(4);
    expect((await bucket('k-raced', 'query'))?.tokens).toBe(0);
  });

  it('uses the database\'s clock when no test clock is set', async () => {
    const limiter = new RateLimiter(db, LIMITS);

    expect(await limiter.take('k-db-clock', 'ingest', 20)).toEqual({ allowed: true });
    // A full bucket again would need two seconds to pass between two statements.
    expect(await limiter.take('k-db-clock', 'ingest', 20)).toMatchObject({ allowed: false });
    const { rows } = await sql<{ lag: number }>`
      SELECT extract(epoch FROM clock_timestamp() - refreshed_at)::float8 AS lag FROM rate_limit_buckets WHERE key_id = 'k-db-clock'`.execute(db);
    expect(rows[0]!.lag).toBeGreaterThanOrEqual(0);
    expect(rows[0]!.lag).toBeLessThan(60);
  });

  it('keeps its buckets in an unlogged table: taking tokens waits for no WAL flush behind ingest', async () => {
    const { rows } = await sql<{ persistence: string }>`SELECT relpersistence AS persistence FROM pg_class WHERE oid = 'rate_limit_buckets'::regclass`.execute(db);

    expect(rows[0]!.persistence).toBe('u');
  });
});
