import { Inject, Injectable } from '@nestjs/common';
import pLimit from 'p-limit';

/** How many ingest batches a process appends at once (INGEST_CONCURRENCY). */
export const INGEST_CONCURRENCY = Symbol('INGEST_CONCURRENCY');

/** Batches that may wait for a turn, per batch allowed at once; beyond, a batch is turned away. */
const WAITING_PER_SLOT = 4;

/**
 * Bounds the work ingest may do at once, so that a process ingesting flat out still leaves
 * Postgres and the event loop room for queries and for the projections: batches beyond the
 * limit wait their turn (in order), and when too many already wait, a batch is turned away
 * before anything is stored (the controller answers 503 with Retry-After; ingest is idempotent,
 * so the client just retries).
 */
@Injectable()
export class IngestGate {
  private readonly limit: pLimit.Limit;
  /** Batches running and waiting together, at most. */
  private readonly capacity: number;

  constructor(@Inject(INGEST_CONCURRENCY) concurrency: number) {
    this.limit = pLimit(concurrency);
    this.capacity = concurrency * (1 + WAITING_PER_SLOT);
  }

  /** Runs `work` in its turn; null, without running it, when too many batches wait already. */
  tryRun<T>(work: () => Promise<T>): Promise<T> | null {
    // Both counts: a batch admitted this very tick counts as waiting until p-limit starts it.
    if (this.limit.activeCount + this.limit.pendingCount >= this.capacity) return null;
    return this.limit(work);
  }

  /** Batches appending now, and waiting for a turn. */
  get load(): { active: number; waiting: number } {
    return { active: this.limit.activeCount, waiting: this.limit.pendingCount };
  }
}
