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

describe('RollupChangeRepository: the days whose rollups changed', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.destroy());

  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
  const shown = (rows: { platform: string; provider: string; day: number; position: LogPosition }[]) =>
    rows.map((r) => `${r.platform} ${r.provider} ${new Date(r.day).toISOString().slice(0, 10)} @${r.position.globalPosition}`).sort();

  it('keeps one row per platform, provider and day at the last batch that changed it, and lists those after a position', async () => {
    await db.transaction().execute(async (trx) => {
      await changes.recordDays(trx, position(20, 100), [
        { platform: 'docsco', provider: 'openai', day: day('2026-06-07') }, { platform: 'docsco', provider: 'openai', day: day('2026-06-08') },
        { platform: 'acme', provider: 'openai', day: day('2026-06-07') },
      ]);
      await changes.recordDays(trx, position(20, 200), [{ platform: 'docsco', provider: 'openai', day: day('2026-06-08') }]);
      await changes.recordDays(trx, position(21, 50), [{ platform: 'docsco', provider: 'google', day: day('2026-06-30') }]);
      await changes.recordDays(trx, position(21, 60), []);
    });
    const changed = async (...args: Parameters<RollupChangeRepository['daysChangedAfter']> extends [unknown, ...infer Rest] ? Rest : never) =>
      (await changes.daysChangedAfter(db, ...args)).changes;
    const docscoOpenai = [{ platform: 'docsco', provider: 'openai' }];
    const june = [Date.UTC(2026, 5, 1), Date.UTC(2026, 6, 1)] as const;
    expect(shown(await changed(docscoOpenai, ...june, LOG_START))).toEqual(['docsco openai 2026-06-07 @100', 'docsco openai 2026-06-08 @200']);
    // After (20, 100): only the day changed again.
    expect(shown(await changed(docscoOpenai, ...june, position(20, 100)))).toEqual(['docsco openai 2026-06-08 @200']);
    // A period that starts inside a day (a zone east of UTC) still sees that day; one that ends before it does not.
    expect(shown(await changed(docscoOpenai, Date.UTC(2026, 5, 8, 22), Date.UTC(2026, 6, 8, 22), LOG_START))).toEqual(['docsco openai 2026-06-08 @200']);
    expect(await changed(docscoOpenai, Date.UTC(2026, 4, 1), Date.UTC(2026, 5, 7), LOG_START)).toEqual([]);
    expect(shown(await changed([...docscoOpenai, { platform: 'docsco', provider: 'google' }], ...june, position(20, 150)))).toEqual([
      'docsco google 2026-06-30 @50', 'docsco openai 2026-06-08 @200',
    ]);
    expect(await changed([], ...june, LOG_START)).toEqual([]);
    // With the timeline's version, read in the same statement (no checkpoint yet: generation 1 at the log's start).
    expect((await changes.daysChangedAfter(db, docscoOpenai, ...june, LOG_START)).state).toEqual({ generation: 1n, position: { transactionId: 0n, globalPosition: 0n } });
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
