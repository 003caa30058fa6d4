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
 * so the client just retries). One key may hold at most half of the room, so that a platform
 * posting as fast as its rate limit allows to a slow process cannot crowd out the others.
 */
@Injectable()
export class IngestGate {
  private readonly limit: pLimit.Limit;
  /** Batches running and waiting together, at most. */
  private readonly capacity: number;
  /** Batches running and waiting, per key. */
  private readonly held = new Map<string, number>();

  constructor(@Inject(INGEST_CONCURRENCY) concurrency: number) {
    this.limit = pLimit(concurrency);
    this.capacity = concurrency * (1 + WAITING_PER_SLOT);
  }

  /** Runs `work` of `key` in its turn; null, without running it, when too many batches (or too many of the key's) wait already. */
  tryRun<T>(key: string, work: () => Promise<T>): Promise<T> | null {
    const ofKey = this.held.get(key) ?? 0;
    // Both counts: a batch admitted this very tick counts as waiting until p-limit starts it.
    if (this.limit.activeCount + this.limit.pendingCount >= this.capacity || ofKey >= Math.ceil(this.capacity / 2)) return null;
    this.held.set(key, ofKey + 1);
    return this.limit(work).finally(() => {
      const left = this.held.get(key)! - 1;
      if (left === 0) this.held.delete(key);
      else this.held.set(key, left);
    });
  }

  /** Batches appending now, and waiting for a turn. */
  get load(): { active: number; waiting: number } {
    return { active: this.limit.activeCount, waiting: this.limit.pendingCount };
  }
}
