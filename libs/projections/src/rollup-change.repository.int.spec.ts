import { readdirSync } from 'node:fs';
import { sql } from 'kysely';
import type { OutcomeEvent } from '@ledger/domain';
import { createDatabase, Database, migrateTo, migrateToLatest, migrationsFolder } from '@ledger/database';
import { LOG_START, LogPosition, OutcomeEventRepository, OutcomeLogReader } from '@ledger/event-store';
import { openTestDatabase } from '../../../test/support/int-database';
import { createEmptyDatabase } from '../../../test/support/test-database';
import { RollupChangeRepository } from './rollup-change.repository';

const changes = new RollupChangeRepository();
const position = (transactionId: number, globalPosition: number): LogPosition => ({ transactionId: BigInt(transactionId), globalPosition: BigInt(globalPosition) });
const hour = (provider: string, iso: string) => ({ provider, start: new Date(iso) });
const shown = (hours: { provider: string; start: Date }[]) => hours.map((h) => `${h.provider} ${h.start.toISOString().slice(0, 13)}`);

describe('RollupChangeRepository against Postgres', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.destroy());

  it('gives the hours of the batches ending in (after, end] once each, by time, and keeps the others', async () => {
    await db.transaction().execute(async (trx) => {
      await changes.record(trx, position(10, 100), [hour('openai', '2026-06-07T09:00Z'), hour('anthropic', '2026-06-07T09:00Z')]);
      await changes.record(trx, position(10, 200), [hour('openai', '2026-06-07T09:00Z'), hour('openai', '2026-06-07T08:00Z')]);
      await changes.record(trx, position(11, 150), [hour('google', '2026-06-07T10:00Z')]);
      await changes.record(trx, position(11, 160), []);
    });

    const taken = await db.transaction().execute((trx) => changes.take(trx, position(10, 100), position(11, 150)));
    expect(shown(taken)).toEqual(['openai 2026-06-07T08', 'openai 2026-06-07T09', 'google 2026-06-07T10']);

    // Taken once: what is left is the batch at or before `after`.
    expect(await db.transaction().execute((trx) => changes.take(trx, position(10, 100), position(11, 150)))).toEqual([]);
    expect(shown(await db.transaction().execute((trx) => changes.take(trx, LOG_START, position(12, 0))))).toEqual([
      'anthropic 2026-06-07T09', 'openai 2026-06-07T09',
    ]);
  });
});

describe('the rollup changes migration', () => {
  const event = (id: string, provider: string, occurredAtIso: string): OutcomeEvent => ({
    id, provider, model: 'm-1', outcome: 'success', httpStatus: 200, errorCode: null, latencyMs: 500, ttftMs: null,
    occurredAt: Date.parse(occurredAtIso), occurredAtIso,
  });

  it('records the hours of the events the vendor summaries had not folded when the service stopped', async () => {
    const db = createDatabase({ url: await createEmptyDatabase(), poolSize: 2 });
    try {
      const files = readdirSync(migrationsFolder()).filter((f) => f.endsWith('.sql')).sort();
      await migrateTo(db, files[files.indexOf('2026-12-02T0400_rollup-changes.sql') - 1]!.replace(/\.sql$/, ''));
      const log = new OutcomeEventRepository(db);
      const reader = new OutcomeLogReader();
      await log.append('notion', [event('a', 'openai', '2026-06-07T08:10:00Z'), event('b', 'openai', '2026-06-07T08:20:00Z')]);
      const vendorAt = (await reader.lastVisible(db))!;
      await log.append('notion', [event('c', 'openai', '2026-06-07T08:30:00Z'), event('d', 'anthropic', '2026-06-07T09:05:00Z')]);
      await log.append('notion', [event('e', 'openai', '2026-06-07T10:00:00Z')]);
      const timelineAt = (await reader.lastVisible(db))!;
      await log.append('notion', [event('f', 'google', '2026-06-07T11:00:00Z')]); // not folded by either
      const checkpoint = (name: string, at: LogPosition, events: number) => sql`
        INSERT INTO projection_checkpoints (name, transaction_id, global_position, events_folded)
        VALUES (${name}, ${at.transactionId.toString()}::xid8, ${at.globalPosition.toString()}, ${events})`.execute(db);
      await checkpoint('timeline', timelineAt, 5);
      await checkpoint('vendor-summaries', vendorAt, 2);

      await migrateToLatest(db);

      const taken = await db.transaction().execute((trx) => changes.take(trx, vendorAt, timelineAt));
      expect(shown(taken)).toEqual(['openai 2026-06-07T08', 'anthropic 2026-06-07T09', 'openai 2026-06-07T10']);
      expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM rollup_changes`.execute(db)).rows[0]!.n).toBe(0);
    } finally {
      await db.destroy();
    }
  });
});
