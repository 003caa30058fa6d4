import { sql } from 'kysely';
import { createDatabase, Database, migrateToLatest, pendingMigrations } from '@ledger/database';
import { outcomeEvents } from './support/events';
import { LogReader } from './support/log-reader';
import { createEmptyDatabase } from './support/test-database';
import { startTestService, TestService } from './support/test-service';

describe('the event log', () => {
  let service: TestService;
  let log: LogReader;

  beforeAll(async () => {
    service = await startTestService();
    log = new LogReader(service.databaseUrl);
    const key = (await service.client.createKey('notion', ['INGEST'])).secret;
    await service.client.postEvents(key, outcomeEvents('log', 50));
  });
  afterAll(async () => {
    await log.close();
    await service.close();
  });

  it.each([
    ['UPDATE outcome_events', sql`UPDATE outcome_events SET outcome = 'success'`],
    ['DELETE FROM outcome_events', sql`DELETE FROM outcome_events`],
    ['TRUNCATE outcome_events', sql`TRUNCATE outcome_events`],
    ['UPDATE admin_events', sql`UPDATE admin_events SET type = 'x'`],
    ['DELETE FROM admin_events', sql`DELETE FROM admin_events`],
  ])('refuses %s', async (_, statement) => {
    await expect(statement.execute(log.db)).rejects.toThrow(/append-only log/);
    expect(await log.count()).toBe(50);
  });

  it('records the writing transaction of every row, one per batch, for commit-safe readers', async () => {
    const { rows } = await sql<{ transactions: bigint; positions: bigint }>`
      SELECT count(DISTINCT transaction_id) AS transactions, count(DISTINCT global_position) AS positions
      FROM outcome_events`.execute(log.db);
    expect(rows[0]).toEqual({ transactions: 1n, positions: 50n });
  });
});

describe('migrations', () => {
  it('are applied exactly once when several instances start together', async () => {
    const url = await createEmptyDatabase();
    const instances: Database[] = Array.from({ length: 4 }, () => createDatabase({ url, poolSize: 2 }));
    try {
      const applied = await Promise.all(instances.map((db) => migrateToLatest(db)));
      const all = applied.flat();
      expect(all.length).toBeGreaterThan(0);
      expect(new Set(all).size).toBe(all.length); // no migration applied by two instances
      expect(await pendingMigrations(instances[0]!)).toEqual([]);
      const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM schema_migrations`.execute(instances[0]!);
      expect(Number(rows[0]!.n)).toBe(all.length);
    } finally {
      await Promise.all(instances.map((db) => db.destroy()));
    }
  });
});
