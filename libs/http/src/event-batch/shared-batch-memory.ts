/**
 * Memory that the event loop and the ingest thread share for a batch: the body, read into it off
 * the socket by the event loop, and the batch's COPY text, written after it by the thread. It is
 * kept and reused from batch to batch, so that a batch's megabytes are not allocated anew on
 * either side.
 *
 * Why it matters: V8 counts the memory that buffers hold outside its heap towards the room left
 * before its next full collection. With a fresh buffer for each body (gathered from its chunks),
 * a fresh one for its COPY text, and both moved between the threads, the event loop's isolate
 * ran a full collection of its ~40 MB heap two or three times a second during flat-out ingest,
 * freeing almost nothing (26–31 in a 12 s run of bench:ingest under --trace-gc; 17 with slots).
 */

/** A slot holds a body of up to half its size; sizes are whole multiples of this. */
const SLOT_UNIT_BYTES = 1024 * 1024;

export class SharedBatchMemory {
  private readonly idle: SharedArrayBuffer[] = [];

  /** `keptBytes`: how much idle memory is kept for reuse; beyond, slots given back are let go. */
  constructor(private readonly keptBytes: number) {}

  /** A slot for a body of `bodyBytes`: the smallest idle one that holds twice as much, or a new one. */
  take(bodyBytes: number): SharedArrayBuffer {
    const wanted = 2 * Math.max(bodyBytes, 1);
    let best = -1;
    this.idle.forEach((slot, i) => {
      if (slot.byteLength >= wanted && (best < 0 || slot.byteLength < this.idle[best]!.byteLength)) best = i;
    });
    if (best >= 0) return this.idle.splice(best, 1)[0]!;
    return new SharedArrayBuffer(Math.ceil(wanted / SLOT_UNIT_BYTES) * SLOT_UNIT_BYTES);
  }

  /**
   * Gives a slot back once nothing reads or writes it any more: kept for the next batch, or let
   * go, the largest first (bodies of the usual size are what is worth keeping memory for).
   */
  give(slot: SharedArrayBuffer): void {
    this.idle.push(slot);
    this.idle.sort((a, b) => a.byteLength - b.byteLength);
    while (this.idleBytes > this.keptBytes) this.idle.pop();
  }

  /** Bytes held by idle slots. */
  get idleBytes(): number {
    return this.idle.reduce((sum, slot) => sum + slot.byteLength, 0);
  }
}
