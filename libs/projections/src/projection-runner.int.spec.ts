import type { Transaction } from 'kysely';
import type { OutcomeEvent } from '@ledger/domain';
import type { Database, DB } from '@ledger/database';
import { OutcomeEventRepository, OutcomeLogReader } from '@ledger/event-store';
import { openTestDatabase } from '../../../test/support/int-database';
import { CheckpointRepository } from './checkpoint.repository';
import type { LogBatch, Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

const event = (id: string): OutcomeEvent => ({
  id, provider: 'anthropic', model: 'claude-opus-4-7', outcome: 'success', httpStatus: 200, errorCode: null,
  latencyMs: 900, ttftMs: null, occurredAt: Date.parse('2026-06-07T09:00:00Z'), occurredAtIso: '2026-06-07T09:00:00.000Z',
});

/** A projection that only counts its batches' events and remembers each batch's limit and size. */
class BatchRecorder implements Projection {
  readonly tables = [] as const;
  readonly batches: { limit: number; events: number }[] = [];
  private readonly reader = new OutcomeLogReader();

  constructor(readonly name: string, readonly follows?: string) {}

  async fold(trx: Transaction<DB>, batch: LogBatch): Promise<number> {
    if (batch.events !== null) {
      this.batches.push({ limit: batch.maxEvents, events: batch.events });
      return batch.events;
    }
    const events = (await this.reader.countAfter(trx, batch.after, batch.maxEvents)).events - (await this.reader.countAfter(trx, batch.end, batch.maxEvents)).events;
    this.batches.push({ limit: batch.maxEvents, events });
    return events;
  }
}

describe('ProjectionRunner.catchUp against Postgres', () => {
  let db: Database;
  let log: OutcomeEventRepository;
  beforeAll(async () => {
    db = await openTestDatabase();
    log = new OutcomeEventRepository(db);
  });
  afterAll(() => db.destroy());

  const append = async (prefix: string, count: number) => {
    for (let i = 0; i < count; i += 10) await log.append('runner', Array.from({ length: 10 }, (_, j) => event(`${prefix}-${i + j}`)));
  };

  it('doubles its batches while they come back full, up to the maximum, and starts small again once caught up', async () => {
    const recorder = new BatchRecorder('growing');
    const runner = new ProjectionRunner(db, new OutcomeLogReader(), new CheckpointRepository(), [recorder]);
    await append('grow', 70);

    expect(await runner.catchUp(recorder.name, { batchSize: 5, maxBatchSize: 20, wait: true })).toBe(70);
    expect(recorder.batches).toEqual([
      { limit: 5, events: 5 }, { limit: 10, events: 10 }, { limit: 20, events: 20 }, { limit: 20, events: 20 }, { limit: 20, events: 15 },
    ]);

    // Interrupted mid-backlog, the next call goes on at the size reached; idle, it starts small.
    await append('more', 40);
    let batches = 0;
    recorder.batches.length = 0;
    expect(await runner.catchUp(recorder.name, { batchSize: 5, maxBatchSize: 20, wait: true, stop: () => batches++ === 2 })).toBe(15);
    expect(await runner.catchUp(recorder.name, { batchSize: 5, maxBatchSize: 20, wait: true })).toBe(25);
    expect(recorder.batches.map((b) => b.limit)).toEqual([5, 10, 20, 20]);

    await append('after', 10);
    recorder.batches.length = 0;
    expect(await runner.catchUp(recorder.name, { batchSize: 5, maxBatchSize: 20, wait: true })).toBe(10);
    expect(recorder.batches.map((b) => b.limit)).toEqual([5, 10]);
  });

  it('is backlogged (ingest in its process yields) from a full batch of a grown size until idle again', async () => {
    const recorder = new BatchRecorder('backlog');
    const runner = new ProjectionRunner(db, new OutcomeLogReader(), new CheckpointRepository(), [recorder]);
    await append('backlog', 40); // and whatever the tests before left in the log
    let batches = 0;
    // Two full batches (5, then 10), stopped there: still behind.
    expect(await runner.catchUp(recorder.name, { batchSize: 5, maxBatchSize: 20, wait: true, stop: () => batches++ === 2 })).toBe(15);
    expect(runner.backlogged).toBe(true);
    await runner.catchUp(recorder.name, { batchSize: 5, maxBatchSize: 20, wait: true });
    expect(runner.backlogged).toBe(false);
    // One full batch of the first size alone is not a backlog.
    await append('one', 5);
    batches = 0;
    expect(await runner.catchUp(recorder.name, { batchSize: 5, maxBatchSize: 20, wait: true, stop: () => batches++ === 1 })).toBe(5);
    expect(runner.backlogged).toBe(false);
  });

  it('gives a projection that follows another everything that one has folded beyond it, as one batch', async () => {
    const leader = new BatchRecorder('leader');
    const follower = new BatchRecorder('follower', 'leader');
    const runner = new ProjectionRunner(db, new OutcomeLogReader(), new CheckpointRepository(), [leader, follower]);
    const folded = await runner.catchUp(leader.name, { batchSize: 1_000, wait: true });

    await append('led', 30);
    expect(await runner.catchUp(follower.name, { batchSize: 5, wait: true })).toBe(folded);
    expect(await runner.catchUp(leader.name, { batchSize: 10, wait: true })).toBe(30);
    expect(await runner.catchUp(follower.name, { batchSize: 5, wait: true })).toBe(30);

    expect(leader.batches.slice(-3).map((b) => b.events)).toEqual([10, 10, 10]);
    // Not in batches of 5: the follower's batch ends where the leader's checkpoint does.
    expect(follower.batches.map((b) => b.events)).toEqual([folded, 30]);
    const checkpoints = await db.transaction().execute(async (trx) => [
      await new CheckpointRepository().get(trx, leader.name), await new CheckpointRepository().get(trx, follower.name),
    ]);
    expect(checkpoints[1]!.position).toEqual(checkpoints[0]!.position);
    expect(checkpoints[1]!.eventsFolded).toBe(checkpoints[0]!.eventsFolded);
  });

  it('keeps a fixed batch size without a maximum', async () => {
    const recorder = new BatchRecorder('fixed');
    const runner = new ProjectionRunner(db, new OutcomeLogReader(), new CheckpointRepository(), [recorder]);

    await runner.catchUp(recorder.name, { batchSize: 40, wait: true });

    expect(new Set(recorder.batches.map((b) => b.limit))).toEqual(new Set([40]));
  });
});
