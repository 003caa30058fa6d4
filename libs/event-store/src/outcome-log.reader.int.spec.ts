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
});
