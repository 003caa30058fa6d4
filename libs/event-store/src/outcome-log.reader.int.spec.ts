import { sql } from 'kysely';
import type { OutcomeEvent } from '@ledger/domain';
import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import { OutcomeEventRepository } from './outcome-event.repository';
import { LOG_START, LogPosition, OutcomeLogReader } from './outcome-log.reader';

const at = Date.parse('2026-06-07T09:00:00.000Z');
/** `count` events a minute apart, the first `firstMinute` minutes after 09:00. */
const events = (prefix: string, count: number, firstMinute: number): OutcomeEvent[] => Array.from({ length: count }, (_, i) => {
  const occurredAt = at + (firstMinute + i) * 60_000;
  return {
    id: `${prefix}-${i}`, provider: 'anthropic', model: 'claude-opus-4-7', outcome: 'success', httpStatus: 200, errorCode: null,
    latencyMs: 900, ttftMs: null, occurredAt, occurredAtIso: new Date(occurredAt).toISOString(),
  };
});

describe('OutcomeLogReader against Postgres', () => {
  let db: Database;
  const reader = new OutcomeLogReader();
  let start: LogPosition;
  beforeAll(async () => {
    db = await openTestDatabase();
    start = (await reader.lastVisible(db)) ?? LOG_START;
    const log = new OutcomeEventRepository(db);
    // Three transactions: 40, 30 and 30 events, a minute apart from 09:00.
    await log.append('reader', events('a', 40, 0));
    await log.append('reader', events('b', 30, 40));
    await log.append('reader', events('c', 30, 70));
  });
  afterAll(() => db.destroy());

  it('counts a lag exactly up to the limit it is given, and estimates it from log positions beyond', async () => {
    expect(await reader.countAfter(db, start, 1_000)).toEqual({ events: 100, exact: true });
    expect(await reader.countAfter(db, start, 100)).toEqual({ events: 100, exact: true });

    const estimated = await reader.countAfter(db, start, 10);
    expect(estimated.exact).toBe(false);
    // Positions come from a sequence: here, with nothing rolled back, the estimate is the count.
    expect(estimated.events).toBe(100);

    const end = (await reader.lastVisible(db))!;
    expect(await reader.countAfter(db, end, 10)).toEqual({ events: 0, exact: true });
  });

  it('ends a batch after at most its limit of events', async () => {
    const end = (await db.transaction().execute((trx) => reader.nextBatchEnd(trx, start, 70)))!;

    expect((await reader.countAfter(db, start, 1_000)).events - (await reader.countAfter(db, end, 1_000)).events).toBe(70);
  });

  it('ends a batch at the last visible event when fewer than the limit are visible', async () => {
    const end = (await db.transaction().execute((trx) => reader.nextBatchEnd(trx, start, 1_000)))!;

    expect(end).toEqual(await reader.lastVisible(db));
    expect(await db.transaction().execute((trx) => reader.nextBatchEnd(trx, end, 1_000))).toBeNull();
  });

  it('reads in commit order by walking the commit-order index, never by sorting the log, and lets the rest of the transaction sort', async () => {
    // What the planner chose on day partitions it had not analysed since they filled: every
    // event after the position, then a sort. With so few events it would choose it here too.
    const read = sql<{ 'QUERY PLAN': PlanNode[] }>`EXPLAIN (FORMAT JSON) SELECT 1 FROM outcome_events
      WHERE (transaction_id, global_position) > (${start.transactionId.toString()}::xid8, ${start.globalPosition.toString()}::bigint)
      ORDER BY transaction_id, global_position LIMIT 50`;
    const enableSort = async (trx: typeof db) => (await sql<{ enable_sort: string }>`SHOW enable_sort`.execute(trx)).rows[0]!.enable_sort;

    const seen = await db.transaction().execute(async (trx) => {
      const inside = await reader.inCommitOrder(trx, async (t) => ({ plan: (await read.execute(t)).rows[0]!['QUERY PLAN'][0]!, sorts: await enableSort(t) }));
      return { ...inside, after: await enableSort(trx), unscoped: (await read.execute(trx)).rows[0]!['QUERY PLAN'][0]! };
    });

    expect(nodeTypes(seen.unscoped)).toContain('Sort');
    expect(nodeTypes(seen.plan)).not.toContain('Sort');
    expect(JSON.stringify(seen.plan)).toContain('transaction_id_global_position_idx'); // each partition's commit-order index
    expect(seen.sorts).toBe('off');
    expect(seen.after).toBe('on');
    // Without a transaction of the caller's, in one of its own.
    expect(await reader.inCommitOrder(db, enableSort)).toBe('off');
    expect(await enableSort(db)).toBe('on');
  });

  it('holds the days it lists until the transaction ends: retention can neither detach nor drop one meanwhile', async () => {
    await new OutcomeEventRepository(db).append('reader', events('d', 2, 2 * 24 * 60)); // 2026-06-09
    const tryMeanwhile = (statement: string) =>
      db.transaction().execute(async (trx) => {
        await sql`SET LOCAL lock_timeout = '300ms'`.execute(trx);
        await sql.raw(statement).execute(trx);
      });
    await db.transaction().execute(async (trx) => {
      const days = await reader.lockDaysInLog(trx);
      expect(days.map((d) => d.day)).toEqual(['2026-06-07', '2026-06-09']);
      expect(days.every((d) => d.bytes > 0)).toBe(true);
      await expect(tryMeanwhile('DROP TABLE outcome_events_20260609')).rejects.toThrow(/lock timeout/);
      await expect(tryMeanwhile('ALTER TABLE outcome_events DETACH PARTITION outcome_events_20260609')).rejects.toThrow(/lock timeout/);
    });
    // Once it ended, retention may.
    await tryMeanwhile('ALTER TABLE outcome_events DETACH PARTITION outcome_events_20260609');
    await tryMeanwhile("ALTER TABLE outcome_events ATTACH PARTITION outcome_events_20260609 FOR VALUES FROM ('2026-06-09') TO ('2026-06-10')");
  });
});

interface PlanNode {
  Plan?: PlanNode;
  'Node Type'?: string;
  Plans?: PlanNode[];
}

function nodeTypes(node: PlanNode): string[] {
  const own = node['Node Type'] === undefined ? [] : [node['Node Type']];
  return [...own, ...(node.Plan === undefined ? [] : nodeTypes(node.Plan)), ...(node.Plans ?? []).flatMap(nodeTypes)];
}
