import { Injectable } from '@nestjs/common';
import { sql, Transaction } from 'kysely';
import { Database, DB, InjectDatabase } from '@ledger/database';
import { OutcomeLogReader } from '@ledger/event-store';
import { CheckpointRepository } from './checkpoint.repository';
import { DetectionPolicyRepository } from './detection-policy.repository';
import { eventCount, foldBatch, mergeRollups, MinuteRollup, rollupKey } from './minute-rollup';
import { MinuteRollupRepository, SeriesKey } from './minute-rollup.repository';
import { OutageDeriver } from './outage-deriver';
import { OutageRepository } from './outage.repository';

export const TIMELINE_PROJECTION = 'timeline';

export interface StepOptions {
  /** Most events to fold in one transaction. */
  batchSize: number;
  /** Re-derive outages of the series a batch touched (a rebuild derives them once at the end instead). */
  deriveOutages: boolean;
}

export type StepResult = { status: 'folded'; events: number } | { status: 'idle' } | { status: 'busy' };

/**
 * The timeline projection: minute rollups and the outages derived from them. Each step folds
 * the next batch of the log, in commit order, and writes rollups, outages and the checkpoint in
 * one transaction, so a crash anywhere loses or doubles nothing. One runner at a time across
 * all processes (an advisory lock); the checkpoint is also compare-and-set as a second guard.
 */
@Injectable()
export class TimelineProjection {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly log: OutcomeLogReader,
    private readonly checkpoints: CheckpointRepository,
    private readonly rollups: MinuteRollupRepository,
    private readonly deriver: OutageDeriver,
    private readonly policies: DetectionPolicyRepository,
  ) {}

  async step(options: StepOptions): Promise<StepResult> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await tryLockProjection(trx, TIMELINE_PROJECTION))) return { status: 'busy' } as const;
      return this.stepLocked(trx, options);
    });
  }

  /** One step inside a transaction that already holds the projection's lock. */
  async stepLocked(trx: Transaction<DB>, options: StepOptions): Promise<StepResult> {
    const checkpoint = await this.checkpoints.get(trx, TIMELINE_PROJECTION);
    const end = await this.log.nextBatchEnd(trx, checkpoint.position, options.batchSize);
    if (end === null) return { status: 'idle' };

    const deltas = foldBatch(await this.log.aggregate(trx, checkpoint.position, end));
    const existing = new Map((await this.rollups.load(trx, [...deltas.values()])).map((r) => [rollupKey(r), r]));
    const merged: MinuteRollup[] = [];
    let events = 0;
    for (const [key, delta] of deltas) {
      merged.push(mergeRollups(existing.get(key), delta));
      events += eventCount(delta.counts);
    }
    await this.rollups.upsert(trx, merged);

    if (options.deriveOutages) {
      const policies = await this.policies.load(trx);
      for (const { series, minutes } of touchedSeries(merged)) await this.deriver.rederive(trx, series, minutes, policies);
    }
    if (!(await this.checkpoints.advance(trx, TIMELINE_PROJECTION, checkpoint.position, end, events))) {
      throw new Error('the timeline checkpoint moved under this runner; its transaction is rolled back');
    }
    return { status: 'folded', events };
  }
}

/** Takes the projection's lock for the rest of the transaction; false if another runner has it. */
export async function tryLockProjection(trx: Transaction<DB>, name: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext(${'projection:' + name})) AS locked`.execute(trx);
  return rows[0]!.locked;
}

/** Waits for the projection's lock (rebuild swaps, policy changes). */
export async function lockProjection(trx: Transaction<DB>, name: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${'projection:' + name}))`.execute(trx);
}

/** The series whose minutes a batch changed: each model over all platforms, and each platform's own. */
function touchedSeries(rollups: readonly MinuteRollup[]): { series: SeriesKey; minutes: number[] }[] {
  const bySeries = new Map<string, { series: SeriesKey; minutes: number[] }>();
  const touch = (series: SeriesKey, minute: number) => {
    const key = `${series.provider}\u0000${series.model}\u0000${series.platform ?? ''}`;
    let entry = bySeries.get(key);
    if (entry === undefined) bySeries.set(key, (entry = { series, minutes: [] }));
    entry.minutes.push(minute);
  };
  for (const r of rollups) {
    touch({ provider: r.provider, model: r.model, platform: null }, r.minute);
    touch({ provider: r.provider, model: r.model, platform: r.platform }, r.minute);
  }
  return [...bySeries.values()];
}

/** The projection wired by hand, for the CLI and tests that drive it step by step. */
export function createTimelineProjection(db: Database): TimelineProjection {
  const rollups = new MinuteRollupRepository();
  return new TimelineProjection(
    db,
    new OutcomeLogReader(),
    new CheckpointRepository(),
    rollups,
    new OutageDeriver(rollups, new OutageRepository()),
    new DetectionPolicyRepository(),
  );
}
