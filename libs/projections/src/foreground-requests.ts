/** The longest a yield waits for the requests in flight: a steady stream of them slows folding, never stops it. */
const MAX_WAIT_MS = 50;

/**
 * Requests someone is waiting on — queries, pages, exports; not ingest — counted while in flight
 * in this process, so that its background JavaScript (the projections' folding) lets them go
 * first. Folding and answering share one event loop: a query's every step (its statements'
 * results, its answer) waits for whatever chunk of folding holds the loop at that moment. At
 * each of its yields, folding waits while a foreground request is in flight (up to MAX_WAIT_MS).
 */
export class ForegroundRequests {
  private inFlight = 0;
  private waiting: Array<() => void> = [];

  /** Counts a request in flight until the returned function is called (once; more calls do nothing). */
  begin(): () => void {
    this.inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      if (this.inFlight === 0) this.release();
    };
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** A turn of the event loop; then, while a foreground request is in flight, up to MAX_WAIT_MS more. */
  async yield(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((waiter) => waiter !== done);
        resolve();
      }, MAX_WAIT_MS);
      this.waiting.push(done);
    });
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const done of waiting) done();
  }
}

/** This process's: one event loop, one count. */
export const foregroundRequests = new ForegroundRequests();
