import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ProjectionRunner } from './projection-runner';

/** How often the worker looks for new events, and how long one tick may keep folding. */
const TICK_MS = 200;
const TICK_BUDGET_MS = 2_000;
const BATCH_SIZE = 20_000;
/** Batches grow to this while a projection works off a backlog (a batch is held in memory while it folds). */
const MAX_BATCH_SIZE = 320_000;

/**
 * Drives every registered projection in the worker role (ROLE=worker or all), in registration
 * order, so a projection that follows another finds it advanced in the same tick. Any number of
 * workers may run: each projection's lock lets one fold it at a time, and a worker that dies
 * mid-batch leaves its transaction uncommitted, so the next runner folds that batch again.
 */
@Injectable()
export class ProjectorService implements OnApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  private running: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly runner: ProjectionRunner) {}

  @Interval('projector', TICK_MS)
  tick(): void {
    if (this.running !== null || this.stopping) return;
    this.running = this.catchUp()
      .catch((error: unknown) => this.logger.error(`projection step failed: ${(error as Error).message}`))
      .finally(() => {
        this.running = null;
      });
  }

  /**
   * Folds each projection until it is idle, another runner holds it, or its share of the tick's
   * budget is spent — a share each, so that a busy timeline cannot starve the projections after it.
   */
  async catchUp(budgetMs = TICK_BUDGET_MS): Promise<void> {
    const share = budgetMs / this.runner.projections.length;
    for (const { name } of this.runner.projections) {
      if (this.stopping) return;
      await this.runner.catchUp(name, { batchSize: BATCH_SIZE, maxBatchSize: MAX_BATCH_SIZE, budgetMs: share, stop: () => this.stopping });
    }
  }

  /** Graceful stop: no new batches; the one in flight commits (or rolls back) before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running;
  }
}
