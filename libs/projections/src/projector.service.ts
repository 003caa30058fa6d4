import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ProjectionRunner } from './projection-runner';

/** How often the worker looks for new events. */
const TICK_MS = 200;
const BATCH_SIZE = 20_000;
/** Batches grow to this while a projection works off a backlog (a batch is held in memory while it folds). */
const MAX_BATCH_SIZE = 320_000;

/**
 * Drives every registered projection in the worker role (ROLE=worker or all), each on its own
 * turns: a tick starts a turn for every projection whose last turn has ended. So the projections
 * fold side by side — while the timeline folds its next batch, the vendor summaries fold what
 * it committed before — and a projection's lag is its own batch's time, not the sum of all of
 * theirs. A projection that follows another only ever folds what that one has committed. A
 * turn goes on until its projection is idle: a backlog is worked off batch after batch, without
 * waiting for ticks in between.
 *
 * Any number of workers may run: each projection's lock lets one fold it at a time, and a worker
 * that dies mid-batch leaves its transaction uncommitted, so the next runner folds that batch again.
 */
@Injectable()
export class ProjectorService implements OnApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  private readonly turns = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(private readonly runner: ProjectionRunner) {}

  @Interval('projector', TICK_MS)
  tick(): void {
    if (this.stopping) return;
    for (const { name } of this.runner.projections) {
      if (this.turns.has(name)) continue;
      const turn = this.turn(name)
        .catch((error: unknown) => this.logger.error(`projection step of ${name} failed: ${(error as Error).message}`))
        .finally(() => this.turns.delete(name));
      this.turns.set(name, turn);
    }
  }

  /** Graceful stop: no new batches; those in flight commit (or roll back) before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.turns.values());
  }

  /** Folds one projection until it is idle, another runner holds it, or the service stops. */
  private async turn(name: string): Promise<void> {
    await this.runner.catchUp(name, { batchSize: BATCH_SIZE, maxBatchSize: MAX_BATCH_SIZE, stop: () => this.stopping });
  }
}
