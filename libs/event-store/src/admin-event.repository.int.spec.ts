import { sql } from 'kysely';
import type { AdminEventRow, Database } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import { AdminEventRepository } from './admin-event.repository';

describe('AdminEventRepository against Postgres', () => {
  let db: Database;
  const adminEvents = new AdminEventRepository();
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  const ofType = (type: string): Promise<AdminEventRow[]> =>
    db.selectFrom('admin_events').selectAll().where('type', '=', type).orderBy('global_position').execute();

  it('stores the type, the data as JSON and the actor, stamped with its transaction and the time', async () => {
    const data = {
      id: 'key_1',
      scopes: ['ingest', 'read'],
      platform: null,
      terms: { targetPercent: '99.950', creditTiers: [{ uptimeBelow: '99.9', creditPercent: '10' }], claimWindowDays: 30 },
      name: 'Ünïcode — “quotes” \\ and\nnewlines',
    };

    const transaction = await db.transaction().execute(async (trx) => {
      await adminEvents.append(trx, { type: 'RoundTrip', data, actor: 'key_admin' });
      return (await sql<{ id: bigint }>`SELECT pg_current_xact_id()::text::bigint AS id`.execute(trx)).rows[0]!.id;
    });

    const [row] = await ofType('RoundTrip');
    expect(row).toMatchObject({ type: 'RoundTrip', data, actor: 'key_admin', transaction_id: transaction });
    expect(Math.abs(row!.recorded_at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('records a null actor for what the operator did through the CLI', async () => {
    await db.transaction().execute((trx) => adminEvents.append(trx, { type: 'ByOperator', data: {}, actor: null }));

    expect(await ofType('ByOperator')).toEqual([expect.objectContaining({ actor: null, data: {} })]);
  });

  it('stores data as JSON text would carry it: dates as ISO strings, undefined fields left out', async () => {
    const data = { at: new Date('2026-06-01T10:00:00.250Z'), missing: undefined, kept: 0 };

    await db.transaction().execute((trx) => adminEvents.append(trx, { type: 'JsonShaped', data, actor: null }));

    expect((await ofType('JsonShaped'))[0]!.data).toEqual({ at: '2026-06-01T10:00:00.250Z', kept: 0 });
  });

  it('gives the events of one transaction one transaction id and positions in append order; a later transaction a later id', async () => {
    await db.transaction().execute(async (trx) => {
      for (const n of [1, 2, 3]) await adminEvents.append(trx, { type: 'Ordered', data: { n }, actor: null });
    });
    await db.transaction().execute((trx) => adminEvents.append(trx, { type: 'Ordered', data: { n: 4 }, actor: null }));

    const rows = await ofType('Ordered');
    expect(rows.map((r) => (r.data as { n: number }).n)).toEqual([1, 2, 3, 4]);
    expect(new Set(rows.slice(0, 3).map((r) => r.transaction_id)).size).toBe(1);
    expect(rows[3]!.transaction_id > rows[0]!.transaction_id).toBe(true);
  });

  it('disappears with its transaction when the read-model change beside it fails', async () => {
    const failing = db.transaction().execute(async (trx) => {
      await adminEvents.append(trx, { type: 'RolledBack', data: { id: 'key_dup' }, actor: null });
      // The read-model write that follows it fails.
      await sql`SELECT 1 / 0`.execute(trx);
    });

    await expect(failing).rejects.toMatchObject({ code: '22012' });
    expect(await ofType('RolledBack')).toEqual([]);
  });

  it('refuses data Postgres JSON cannot hold (a NUL character) and stores nothing', async () => {
    const appending = db.transaction().execute((trx) => adminEvents.append(trx, { type: 'WithNul', data: { name: 'a\u0000b' }, actor: null }));

    await expect(appending).rejects.toMatchObject({ code: '22P05' });
    expect(await ofType('WithNul')).toEqual([]);
  });

  describe('once appended', () => {
    beforeAll(() => db.transaction().execute((trx) => adminEvents.append(trx, { type: 'Kept', data: {}, actor: 'key_1' })));

    it.each([
      ['UPDATE', sql`UPDATE admin_events SET actor = 'someone else' WHERE type = 'Kept'`],
      ['DELETE', sql`DELETE FROM admin_events WHERE type = 'Kept'`],
      ['TRUNCATE', sql`TRUNCATE admin_events`],
    ])('an event never changes: the log refuses %s', async (_, rewrite) => {
      await expect(rewrite.execute(db)).rejects.toMatchObject({ code: '23001' });
      expect((await ofType('Kept')).map((r) => r.actor)).toEqual(['key_1']);
    });
  });
});
