import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { TimelineProjection } from './timeline.projection';

/** How often the worker looks for new events, and how long one tick may keep folding. */
const TICK_MS = 200;
const TICK_BUDGET_MS = 2_000;
const BATCH_SIZE = 20_000;

/**
 * Runs the projections in the worker role (ROLE=worker or all). Any number of workers may run:
 * the projection's advisory lock lets one fold at a time, and a worker that dies mid-batch
 * leaves its transaction uncommitted, so the next runner folds that batch again from the checkpoint.
 */
@Injectable()
export class ProjectorService implements OnApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  private running: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly timeline: TimelineProjection) {}

  @Interval('projector', TICK_MS)
  tick(): void {
    if (this.running !== null || this.stopping) return;
    this.running = this.catchUp()
      .catch((error: unknown) => this.logger.error(`projection step failed: ${(error as Error).message}`))
      .finally(() => {
        this.running = null;
      });
  }

  /** Folds batches until the projection is idle, another runner holds it, or the tick's budget is spent. */
  async catchUp(budgetMs = TICK_BUDGET_MS): Promise<void> {
    const deadline = Date.now() + budgetMs;
    while (!this.stopping && Date.now() < deadline) {
      const result = await this.timeline.step({ batchSize: BATCH_SIZE, deriveOutages: true });
      if (result.status !== 'folded') return;
    }
  }

  /** Graceful stop: no new batches; the one in flight commits (or rolls back) before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running;
  }
}
