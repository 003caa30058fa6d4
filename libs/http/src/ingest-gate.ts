import { Inject, Injectable, Optional } from '@nestjs/common';

/** How many ingest batches a process appends at once (INGEST_CONCURRENCY). */
export const INGEST_CONCURRENCY = Symbol('INGEST_CONCURRENCY');

/** What tells ingest that the projections this process folds are behind (the projection runner). */
export const INGEST_BACKPRESSURE = Symbol('INGEST_BACKPRESSURE');
export interface IngestBackpressure {
  readonly backlogged: boolean;
}

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
 * While the projections this process folds work off a backlog, half as many batches run at once
 * (at least one): ingest slows but never stops, and the folding gets Postgres back.
 */
@Injectable()
export class IngestGate {
  /** Batches running and waiting together, at most. */
  private readonly capacity: number;
  /** Batches running and waiting, per key. */
  private readonly held = new Map<string, number>();
  private running = 0;
  /** Batches waiting for their turn, in the order they came. */
  private readonly waiting: (() => void)[] = [];

  constructor(
    @Inject(INGEST_CONCURRENCY) private readonly concurrency: number,
    @Optional() @Inject(INGEST_BACKPRESSURE) private readonly backpressure?: IngestBackpressure,
  ) {
    this.capacity = concurrency * (1 + WAITING_PER_SLOT);
  }

  /** Runs `work` of `key` in its turn; null, without running it, when too many batches (or too many of the key's) wait already. */
  tryRun<T>(key: string, work: () => Promise<T>): Promise<T> | null {
    const ofKey = this.held.get(key) ?? 0;
    if (this.running + this.waiting.length >= this.capacity || ofKey >= Math.ceil(this.capacity / 2)) return null;
    this.held.set(key, ofKey + 1);
    return this.inTurn(work).finally(() => {
      const left = this.held.get(key)! - 1;
      if (left === 0) this.held.delete(key);
      else this.held.set(key, left);
    });
  }

  /** Batches appending now, and waiting for a turn. */
  get load(): { active: number; waiting: number } {
    return { active: this.running, waiting: this.waiting.length };
  }

  private get slots(): number {
    return this.backpressure?.backlogged === true ? Math.max(1, Math.floor(this.concurrency / 2)) : this.concurrency;
  }

  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.slots && this.waiting.length === 0) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // `next` counts it in
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.next();
    }
  }

  private next(): void {
    while (this.waiting.length > 0 && this.running < this.slots) {
      this.running += 1;
      this.waiting.shift()!();
    }
  }
}
