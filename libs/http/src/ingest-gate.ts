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
 *
 * A batch may be prepared (parsed and validated, on the ingest thread) before its turn: the
 * limit is on appends, the work that weighs on Postgres, and the thread readies the next batch
 * while the appends run, instead of Postgres waiting for it.
 */
@Injectable()
export class IngestGate {
  private readonly limit: pLimit.Limit;
  /** Batches admitted and not yet done (preparing, waiting or appending), at most. */
  private readonly capacity: number;
  private admitted = 0;
  /** Batches admitted and not yet done, per key. */
  private readonly held = new Map<string, number>();

  constructor(@Inject(INGEST_CONCURRENCY) concurrency: number) {
    this.limit = pLimit(concurrency);
    this.capacity = concurrency * (1 + WAITING_PER_SLOT);
  }

  /** Runs `work` of `key` in its turn; null, without running it, when too many batches (or too many of the key's) are in already. */
  tryRun<T>(key: string, work: () => Promise<T>): Promise<T> | null {
    return this.tryRunPrepared(key, async () => undefined, work);
  }

  /** `tryRun`, with `prepare` run at once on admission and `work` given what it answers in the batch's turn. */
  tryRunPrepared<P, T>(key: string, prepare: () => Promise<P>, work: (prepared: P) => Promise<T>): Promise<T> | null {
    const ofKey = this.held.get(key) ?? 0;
    if (this.admitted >= this.capacity || ofKey >= Math.ceil(this.capacity / 2)) return null;
    this.admitted += 1;
    this.held.set(key, ofKey + 1);
    const run = async () => {
      const prepared = await prepare();
      return this.limit(() => work(prepared));
    };
    return run().finally(() => {
      this.admitted -= 1;
      const left = this.held.get(key)! - 1;
      if (left === 0) this.held.delete(key);
      else this.held.set(key, left);
    });
  }

  /** Batches appending now, and admitted but not appending yet (preparing or waiting for a turn). */
  get load(): { active: number; waiting: number } {
    return { active: this.limit.activeCount, waiting: this.admitted - this.limit.activeCount };
  }
}
