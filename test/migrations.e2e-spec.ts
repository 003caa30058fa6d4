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
});
