import { sql } from 'kysely';
import { createDatabase, Database, migrateTo, migrateToLatest } from '@ledger/database';
import { MinuteRollupRepository } from '@ledger/projections';
import { createEmptyDatabase } from './support/test-database';

describe('migrations', () => {
  let db: Database;

  beforeAll(async () => {
    db = createDatabase({ url: await createEmptyDatabase(), poolSize: 2 });
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('turns the rollups\' int4[] sketches into bytes that read back as the same sketches', async () => {
    await migrateTo(db, '2026-11-27T0300_rollup-key-covers-counts');
    await sql`
      INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch)
      VALUES ('anthropic', 'm-1', 'notion', '2026-06-01T10:00:00Z', 3, 1, 0, 0, 0, '{-1,1,231,2}', '{}'),
             ('anthropic', 'm-1', 'notion', '2026-06-01T10:01:00Z', 1, 0, 0, 0, 0, '{1075,1}', '{7,1}')`.execute(db);

    await migrateToLatest(db);

    const { rows } = await sql<{ latency: string; ttft: string }>`
      SELECT encode(latency_sketch, 'hex') AS latency, encode(ttft_sketch, 'hex') AS ttft FROM minute_rollups ORDER BY minute`.execute(db);
    expect(rows).toEqual([
      { latency: 'ffffffff00000001000000e700000002', ttft: '' },
      { latency: '0000043300000001', ttft: '0000000700000001' },
    ]);
    const rollups = await new MinuteRollupRepository().range(db, { from: new Date('2026-06-01T00:00:00Z'), to: new Date('2026-06-02T00:00:00Z') });
    expect(rollups.map((r) => [r.latency.toPairs(), r.ttft.toPairs()])).toEqual([
      [[-1, 1, 231, 2], []],
      [[1075, 1], [7, 1]],
    ]);
  });

  it('moves the events stored before the log was partitioned into their days\' partitions, positions kept', async () => {
    const earlier = createDatabase({ url: await createEmptyDatabase(), poolSize: 2 });
    try {
      await migrateTo(earlier, '2026-12-01T1800_projection-generations');
      await sql`
        INSERT INTO outcome_events (platform, event_id, provider, model, occurred_at, outcome, latency_ms)
        VALUES ('notion', 'a', 'anthropic', 'm-1', '2026-06-07T23:59:59.999Z', 'success', 812),
               ('notion', 'b', 'anthropic', 'm-1', '2026-06-08T00:00:00Z', 'error', NULL),
               ('globex', 'a', 'openai', 'gpt-5', '2026-06-08T09:00:00+02:00', 'timeout', 30000)`.execute(earlier);
      const before = await sql<Record<string, unknown>>`
        SELECT global_position::text, transaction_id::text, platform, event_id, occurred_at, outcome, latency_ms, recorded_at
        FROM outcome_events ORDER BY global_position`.execute(earlier);

      await migrateToLatest(earlier);

      const after = await sql<Record<string, unknown>>`
        SELECT global_position::text, transaction_id::text, platform, event_id, occurred_at, outcome, latency_ms, recorded_at
        FROM outcome_events ORDER BY global_position`.execute(earlier);
      expect(after.rows).toEqual(before.rows);
      const { rows: placed } = await sql<{ id: string; partition: string }>`
        SELECT platform || '/' || event_id AS id, tableoid::regclass::text AS partition FROM outcome_events ORDER BY 1`.execute(earlier);
      expect(placed).toEqual([
        { id: 'globex/a', partition: 'outcome_events_20260608' },
        { id: 'notion/a', partition: 'outcome_events_20260607' },
        { id: 'notion/b', partition: 'outcome_events_20260608' },
      ]);
      // New events continue the positions.
      const { rows: next } = await sql<{ position: string }>`SELECT nextval('outcome_events_position')::text AS position`.execute(earlier);
      expect(BigInt(next[0]!.position)).toBeGreaterThan(BigInt(String(before.rows.at(-1)!.global_position)));
    } finally {
      await earlier.destroy();
    }
  });
});
