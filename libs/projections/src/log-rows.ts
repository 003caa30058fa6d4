import { MINUTE_MS, OUTCOMES } from '@ledger/domain';
import { BINARY_COPY_NULL, BINARY_COPY_TRAILER, binaryCopyRowsStart, PG_EPOCH_US, readInt8 } from '@ledger/codec';

/**
 * Decoding the replay stream: Postgres sends every event of the log as a row of binary COPY
 * (`OutcomeLogReader.replayCopy`, given `OUTCOME_CODES`: platform, provider, model, occurred_at,
 * outcome code, latency, TTFT, an error's HTTP status) and `LogRowDecoder` turns the bytes into typed fields for a
 * `LogRowSink`, in socket-sized chunks cut anywhere. Binary, because formatting timestamps and enums as text costs Postgres more than
 * the rest of the replay (a timestamp is 8 bytes); typed fields handed over in place, because
 * millions of small objects cost V8 more in garbage collection than the folding itself.
 */

/** Outcome codes of the replay rows: an outcome's index in the domain's list. */
export const OUTCOME_CODES = OUTCOMES;

/** Receives each decoded row; `buf` and `view` are lent for the call. */
export interface LogRowSink {
  /**
   * `buf[keyStart, keyEnd)`: the platform, provider and model fields, length words included (the
   * series' key bytes); `minute`: epoch minute of occurred_at; `outcome`: its code; `latency` and
   * `ttft`: as the query sent them (raw milliseconds, or buckets), null for NULL; `errorStatus`:
   * an error's HTTP status (0: none), -1 for the other outcomes.
   */
  row(
    buf: Buffer, view: DataView, keyStart: number, keyEnd: number, minute: number, outcome: number, latency: number | null, ttft: number | null,
    errorStatus: number,
  ): void;
}

// Module-local copies of what the hot loop uses: an imported binding compiles (to CommonJS) into
// a property load, through a re-export getter, on every use.
const MINUTE_US = MINUTE_MS * 1000;
const EPOCH_US = PG_EPOCH_US;
const NULL_FIELD = BINARY_COPY_NULL;
const TRAILER = BINARY_COPY_TRAILER;
const int8At = readInt8;
const OUTCOME_COUNT = OUTCOME_CODES.length;
const FIELDS = 8;
/** The most bytes a row takes after its model: timestamp, outcome code, two int4s and an int2, with length words. */
const ROW_TAIL = 4 + 8 + 4 + 2 + 2 * (4 + 4) + 4 + 2;
/** How much of the next chunk a row cut by a chunk boundary is first completed from. */
const STITCH = 4_096;

/** Decodes the replay's binary COPY stream; feed it chunks, then call `finish`. */
export class LogRowDecoder {
  private pending: Buffer | null = null;
  private headerRead = false;
  private ended = false;

  constructor(private readonly sink: LogRowSink) {}

  push(chunk: Buffer): void {
    let at = 0;
    if (this.pending !== null) {
      // Finish the row cut by the chunk boundary from the pending bytes and the next chunk's head.
      const pending = this.pending;
      this.pending = null;
      const head = chunk.subarray(0, STITCH);
      const joined = Buffer.concat([pending, head]);
      const consumed = this.parse(joined);
      if (consumed < pending.length) {
        // Still not a whole row (a row longer than the stitch): keep everything and wait for more.
        this.pending = Buffer.concat([pending, chunk]);
        return;
      }
      at = consumed - pending.length;
      if (at >= chunk.length) {
        if (consumed < joined.length) this.pending = joined.subarray(consumed);
        return;
      }
    }
    const consumed = this.parse(chunk, at);
    if (consumed < chunk.length) this.pending = Buffer.from(chunk.subarray(consumed));
  }

  /** Checks that the stream ended where a stream may end. */
  finish(): void {
    if (this.pending !== null || (this.headerRead && !this.ended)) throw new Error('the replay stream ended in the middle');
  }

  /** Decodes whole rows (and the header) from `at`; returns where the first incomplete row starts. */
  private parse(buf: Buffer, at = 0): number {
    if (!this.headerRead) {
      const rowsStart = binaryCopyRowsStart(buf);
      if (rowsStart < 0) return at;
      at = rowsStart;
      this.headerRead = true;
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    for (;;) {
      const next = this.row(buf, view, at);
      if (next < 0) return at;
      at = next;
    }
  }

  /** Decodes the row at `at`; returns where the next one starts, or -1 when the row is not all there. */
  private row(buf: Buffer, view: DataView, at: number): number {
    if (this.ended || at + 2 > buf.length) return -1;
    const fields = view.getInt16(at);
    if (fields === TRAILER) {
      this.ended = true;
      return at + 2;
    }
    if (fields !== FIELDS) throw new Error(`replay row with ${fields} fields, expected ${FIELDS}`);
    // platform, provider and model: their bytes, length words included, are the series' key.
    const keyStart = at + 2;
    let p = keyStart;
    for (let f = 0; f < 3; f++) {
      if (p + 4 > buf.length) return -1;
      p += 4 + view.getInt32(p);
    }
    const keyEnd = p;
    if (p + ROW_TAIL > buf.length && !tailComplete(view, p)) return -1;
    const micros = int8At(view, p + 4);
    p += 12;
    const outcome = view.getInt16(p + 4);
    p += 6;
    const latency = view.getInt32(p) === NULL_FIELD ? null : view.getInt32(p + 4);
    p += latency === null ? 4 : 8;
    const ttft = view.getInt32(p) === NULL_FIELD ? null : view.getInt32(p + 4);
    p += ttft === null ? 4 : 8;
    const statusLength = view.getInt32(p);
    if (statusLength !== NULL_FIELD && statusLength !== 2) throw new Error(`replay row with an error status of ${statusLength} bytes, expected an int2`);
    const errorStatus = statusLength === NULL_FIELD ? -1 : view.getInt16(p + 4);
    p += errorStatus === -1 ? 4 : 6;
    if (outcome < 0 || outcome >= OUTCOME_COUNT) throw new Error(`unknown outcome code ${outcome}`);
    this.sink.row(buf, view, keyStart, keyEnd, Math.floor((micros + EPOCH_US) / MINUTE_US), outcome, latency, ttft, errorStatus);
    return p;
  }
}

/** Whether the row's tail, starting at its timestamp's length word `p`, is all in the view. */
function tailComplete(view: DataView, p: number): boolean {
  let q = p + 4 + 8 + 4 + 2;
  for (let f = 0; f < 3; f++) {
    if (q + 4 > view.byteLength) return false;
    q += 4 + Math.max(0, view.getInt32(q));
  }
  return q <= view.byteLength;
}
