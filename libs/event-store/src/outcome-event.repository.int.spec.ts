import type { OutcomeEvent } from '@ledger/domain';
import { sql } from 'kysely';
import type { Database, OutcomeEventRow } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import { OutcomeEventRepository, toOutcomeEvent } from './outcome-event.repository';

function event(id: string, overrides: Partial<OutcomeEvent> = {}): OutcomeEvent {
  const occurredAt = overrides.occurredAt ?? Date.parse('2026-06-07T09:02:13.512Z');
  return {
    id,
    provider: 'anthropic',
    model: 'claude-opus-4-7',
    outcome: 'success',
    httpStatus: 200,
    errorCode: null,
    latencyMs: 1200,
    ttftMs: 300,
    ...overrides,
    occurredAt,
    occurredAtIso: new Date(occurredAt).toISOString(),
  };
}

const events = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => event(`${prefix}-${String(i).padStart(5, '0')}`, { latencyMs: i }));

describe('OutcomeEventRepository against Postgres', () => {
  let db: Database;
  let log: OutcomeEventRepository;
  beforeAll(async () => {
    db = await openTestDatabase({ poolSize: 6 });
    log = new OutcomeEventRepository(db);
  });
  afterAll(() => db.destroy());

  const stored = async (platform: string): Promise<OutcomeEventRow[]> =>
    db.selectFrom('outcome_events').selectAll().where('platform', '=', platform).orderBy('global_position').execute();

  it('stores new events exactly as given, nulls and awkward text included, and reports no known ids', async () => {
    const given = [
      event('plain'),
      event('failed', { outcome: 'error', httpStatus: 529, errorCode: 'overloaded_error', latencyMs: null, ttftMs: null }),
      event('no-status', { outcome: 'timeout', httpStatus: null, errorCode: null, latencyMs: 2_147_483_647, ttftMs: 0 }),
      // Characters COPY text must escape, and some it need not.
      event('tab\there\\back\nline\rreturn «ü» \\N', { outcome: 'client_error', httpStatus: 400, errorCode: 'bad\trequest\\N\n' }),
      event('early', { outcome: 'rate_limited', httpStatus: 429, occurredAt: Date.parse('1999-12-31T23:59:59.001Z') }),
    ];

    expect(await log.append('store', given)).toEqual(new Map());

    expect((await stored('store')).map(toOutcomeEvent)).toEqual(given);
  });

  it('appends a batch in one transaction, in batch order', async () => {
    await log.append('one-tx', events('a', 30));
    await log.append('one-tx', events('b', 5));

    const rows = await stored('one-tx');
    expect(rows.map((r) => r.event_id)).toEqual([...events('a', 30), ...events('b', 5)].map((e) => e.id));
    const transactions = [...new Set(rows.map((r) => r.transaction_id))];
    expect(transactions).toHaveLength(2);
    expect(transactions[0]! < transactions[1]!).toBe(true);
  });

  it('stores a batch larger than one COPY chunk whole', async () => {
    const batch = events('big', 1_234);

    await log.append('big-batch', batch);

    expect(await log.count('big-batch')).toBe(1_234);
    expect((await stored('big-batch')).map(toOutcomeEvent)).toEqual(batch);
  });

  it('stores what is new in a batch with known ids, and returns each known id as it was first recorded', async () => {
    const first = event('known-same');
    const original = event('known-changed', { outcome: 'success', latencyMs: 10 });
    await log.append('known', [first, original, event('known-untouched')]);

    const retried = [event('new-1'), first, event('known-changed', { outcome: 'error', latencyMs: 99 }), event('new-2')];
    const known = await log.append('known', retried);

    expect(known).toEqual(new Map([['known-same', first], ['known-changed', original]]));
    expect((await stored('known')).map((r) => r.event_id).sort()).toEqual(['known-changed', 'known-same', 'known-untouched', 'new-1', 'new-2']);
    expect((await stored('known')).find((r) => r.event_id === 'known-changed')).toMatchObject({ outcome: 'success', latency_ms: 10 });
  });

  it('returns every id of a batch that is entirely known, and stores nothing more', async () => {
    const batch = events('again', 3);
    await log.append('repeat', batch);

    const known = await log.append('repeat', batch);

    expect([...known.values()]).toEqual(batch);
    expect(await log.count('repeat')).toBe(3);
  });

  it('scopes ids by platform: the same id from another platform is another event', async () => {
    await log.append('platform-a', [event('shared-id')]);

    expect(await log.append('platform-b', [event('shared-id', { outcome: 'error' })])).toEqual(new Map());
    expect((await stored('platform-b')).map((r) => r.outcome)).toEqual(['error']);
    expect((await stored('platform-a')).map((r) => r.outcome)).toEqual(['success']);
  });

  it('stores nothing of a batch the database refuses, and says why', async () => {
    const batch = [event('refused-1'), event('refused-2', { outcome: 'exploded' as OutcomeEvent['outcome'] }), event('refused-3')];

    await expect(log.append('refused', batch)).rejects.toThrow(/invalid input value for enum outcome/);

    expect(await log.count('refused')).toBe(0);
  });

  it('does nothing for an empty batch', async () => {
    expect(await log.append('empty', [])).toEqual(new Map());
    expect(await log.count('empty')).toBe(0);
  });

  it('counts events per platform and over all platforms', async () => {
    const before = await log.count();
    await log.append('counted', events('c', 7));

    expect(await log.count('counted')).toBe(7);
    expect(await log.count()).toBe(before + 7);
    expect(await log.count('nobody')).toBe(0);
  });

  it('stores each id once when batches sharing ids arrive together, and tells each batch which ids the other stored', async () => {
    const shared = events('race', 200);
    const first = [...shared, event('race-only-first')];
    const second = [event('race-only-second'), ...shared];

    const [knownToFirst, knownToSecond] = await Promise.all([log.append('race', first), log.append('race', second)]);

    expect(await log.count('race')).toBe(202);
    expect(knownToFirst.size + knownToSecond.size).toBe(200);
  });

  it('stores each id once when batches sharing ids in opposite orders arrive together (a client retrying a reordered batch)', async () => {
    const shared = events('reordered', 2_000);

    const [knownToFirst, knownToSecond] = await Promise.all([log.append('reordered', shared), log.append('reordered', [...shared].reverse())]);

    expect(await log.count('reordered')).toBe(2_000);
    expect(knownToFirst.size + knownToSecond.size).toBe(2_000);
  });

  describe('across the log\'s day partitions (one per UTC day of occurredAt)', () => {
    const at = (iso: string) => Date.parse(iso);
    const partitionOf = async (platform: string, id: string): Promise<string[]> => {
      const { rows } = await sql<{ partition: string }>`
        SELECT tableoid::regclass::text AS partition FROM outcome_events WHERE platform = ${platform} AND event_id = ${id} ORDER BY 1`.execute(db);
      return rows.map((r) => r.partition);
    };

    it('stores events either side of midnight UTC in their own days\' partitions, creating those on first sight', async () => {
      const lastOfDay = event('before-midnight', { occurredAt: at('2031-03-04T23:59:59.999Z') });
      const firstOfNext = event('after-midnight', { occurredAt: at('2031-03-05T00:00:00.000Z') });
      // A +01:00 offset: 00:30 local is still the 4th in UTC.
      const offset = event('offset', { occurredAt: at('2031-03-05T00:30:00+01:00') });

      expect(await log.append('midnight', [lastOfDay, firstOfNext, offset])).toEqual(new Map());

      expect(await partitionOf('midnight', 'before-midnight')).toEqual(['outcome_events_20310304']);
      expect(await partitionOf('midnight', 'after-midnight')).toEqual(['outcome_events_20310305']);
      expect(await partitionOf('midnight', 'offset')).toEqual(['outcome_events_20310304']);
    });

    it('finds a retry on the same day as a duplicate, and the same id with other content that day as a conflict', async () => {
      const original = event('day-id', { occurredAt: at('2031-04-01T23:59:59.000Z'), outcome: 'success' });
      await log.append('same-day', [original]);

      expect(await log.append('same-day', [original])).toEqual(new Map([['day-id', original]]));
      const changed = event('day-id', { occurredAt: at('2031-04-01T00:00:01.000Z'), outcome: 'error' });
      expect(await log.append('same-day', [changed])).toEqual(new Map([['day-id', original]]));
      expect(await log.count('same-day')).toBe(1);
    });

    it('stores the same id with an occurredAt on another UTC day as another event (ids are unique per platform and day)', async () => {
      await log.append('other-day', [event('reused', { occurredAt: at('2031-05-01T23:59:59.999Z') })]);

      expect(await log.append('other-day', [event('reused', { occurredAt: at('2031-05-02T00:00:00.000Z') })])).toEqual(new Map());

      expect(await partitionOf('other-day', 'reused')).toEqual(['outcome_events_20310501', 'outcome_events_20310502']);
    });

    it('writes a day\'s partition again when it was dropped after this process had seen it', async () => {
      const fresh = new OutcomeEventRepository(db);
      await fresh.append('dropped', [event('first', { occurredAt: at('2031-06-01T12:00:00Z') })]);
      await sql`DROP TABLE outcome_events_20310601`.execute(db);

      expect(await fresh.append('dropped', [event('second', { occurredAt: at('2031-06-01T13:00:00Z') })])).toEqual(new Map());

      expect(await partitionOf('dropped', 'second')).toEqual(['outcome_events_20310601']);
    });

    it('creates a new day\'s partition once when batches for it arrive together', async () => {
      const day = (i: number) => Array.from({ length: 50 }, (_, j) => event(`together-${i}-${j}`, { occurredAt: at('2031-07-01T08:00:00Z') + j }));

      await Promise.all([0, 1, 2, 3].map((i) => new OutcomeEventRepository(db).append('together', day(i))));

      expect(await log.count('together')).toBe(200);
    });
  });
});
