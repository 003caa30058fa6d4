import { addErrorStatus, ErrorStatusCounts, failuresOf, latencyCounts, OutcomeCounts } from '@ledger/domain';
import { LogRowDecoder, LogRowSink, OUTCOME_CODES } from './log-rows';
import { FoldedSeries, grow, NONE, SeriesTable, SeriesTables } from './series-table';
import type { SketchBuckets } from './sketch-buckets';

/**
 * Folding the log in memory, for rebuilds (a stretch of days at a time) and for the timeline's batches alike:
 * `LogFolder` takes the COPY stream's rows as they are decoded (log-rows.ts) into one rollup per
 * (series, minute) in a `SeriesTable` (series-table.ts); `FoldedLog` gives the result out —
 * counts, sketches sorted into [bucket, count, …] pairs only when written, and series merged by
 * minute. Latencies come raw and are bucketed with a `SketchBuckets` table that agrees with the
 * SQL expression that defines the buckets; without one, Postgres sends the buckets instead.
 */

export { OUTCOME_CODES } from './log-rows';
export type { FoldedSeries } from './series-table';

/** The domain's rule, bound here: an imported binding is a property load (a re-export getter) on every use. */
const failures = failuresOf;
/** By outcome code: whether its latencies go into sketches (the domain's rule, looked up per row). */
const LATENCY_COUNTS = Uint8Array.from(OUTCOME_CODES, (outcome) => (latencyCounts(outcome) ? 1 : 0));

/** The in-memory rollups of a log, in typed arrays indexed by rollup number. */
export class FoldedLog {
  readonly series: readonly FoldedSeries[];
  /** Rollup numbers of each series (indexed like `series`), sorted by minute. */
  readonly rollupsOfSeries: readonly Int32Array[];
  readonly minute: Int32Array;
  /** Five counts per rollup, in `OUTCOME_CODES` order. */
  private readonly counts: Int32Array;
  private readonly latencyHead: Int32Array;
  private readonly ttftHead: Int32Array;
  private readonly statusHead: Int32Array;
  private readonly bucket: Int32Array;
  private readonly next: Int32Array;
  private readonly scratchCounts: OutcomeCounts = { successes: 0, errors: 0, timeouts: 0, rateLimited: 0, clientErrors: 0 };

  constructor(
    readonly events: number,
    tables: SeriesTables,
  ) {
    ({ series: this.series, rollupsOfSeries: this.rollupsOfSeries, minute: this.minute, counts: this.counts,
      latencyHead: this.latencyHead, ttftHead: this.ttftHead, statusHead: this.statusHead, bucket: this.bucket, next: this.next } = tables);
  }

  countsOf(rollup: number): OutcomeCounts {
    const at = rollup * 5;
    const c = this.counts;
    return { successes: c[at]!, errors: c[at + 1]!, timeouts: c[at + 2]!, rateLimited: c[at + 3]!, clientErrors: c[at + 4]! };
  }

  /** Adds the rollup's counts to `counts`. */
  addCountsTo(counts: OutcomeCounts, rollup: number): void {
    const at = rollup * 5;
    const c = this.counts;
    counts.successes += c[at]!;
    counts.errors += c[at + 1]!;
    counts.timeouts += c[at + 2]!;
    counts.rateLimited += c[at + 3]!;
    counts.clientErrors += c[at + 4]!;
  }

  /**
   * Visits the rollups of several of its lists (each in minute order, as `rollupsOfSeries`)
   * merged by minute; at one minute, in the lists' order.
   */
  mergeByMinute(lists: readonly Int32Array[], visit: (rollup: number, list: number, minute: number) => void): void {
    const next = new Int32Array(lists.length);
    for (;;) {
      let minute = Infinity;
      for (let k = 0; k < lists.length; k++) if (next[k]! < lists[k]!.length) minute = Math.min(minute, this.minute[lists[k]![next[k]!]!]!);
      if (minute === Infinity) return;
      for (let k = 0; k < lists.length; k++) {
        const rollup = lists[k]![next[k]!];
        if (rollup === undefined || this.minute[rollup] !== minute) continue;
        next[k]!++;
        visit(rollup, k, minute);
      }
    }
  }

  /** One of the rollup's counts, by outcome code (`OUTCOME_CODES` order). */
  count(rollup: number, outcome: number): number {
    return this.counts[rollup * 5 + outcome]!;
  }

  /** Whether the rollup has failures (`failuresOf`: detection's, rate-limited not counted). */
  failing(rollup: number): boolean {
    const scratch = this.scratchCounts;
    scratch.successes = scratch.errors = scratch.timeouts = scratch.rateLimited = scratch.clientErrors = 0;
    this.addCountsTo(scratch, rollup);
    return failures(scratch) > 0;
  }

  /** The rollup's errors by HTTP status and class (`ErrorStatusCounts`), null when it has none. */
  errorStatuses(rollup: number): ErrorStatusCounts | null {
    let head = this.statusHead[rollup]!;
    if (head === NONE) return null;
    const counts: Record<string, number> = {};
    for (; head !== NONE; head = this.next[head]!) addErrorStatus(counts, this.bucket[head] === 0 ? null : this.bucket[head]!);
    return counts;
  }

  /** A sketch as stored: [bucket, count, …] sorted by bucket (what `LatencySketch.toPairs` gives). */
  sketchPairs(rollup: number, sketch: 'latency' | 'ttft'): number[] {
    const scratch = newSketchScratch();
    const n = this.sketchInto(rollup, sketch, scratch);
    return [...scratch.pairs.subarray(0, n)];
  }

  /**
   * Writes a sketch's [bucket, count, …] pairs, sorted by bucket, into `scratch.pairs` and
   * returns how many numbers it wrote (the scratch arrays grow when too small): no allocation
   * per rollup.
   */
  sketchInto(rollup: number, sketch: 'latency' | 'ttft', scratch: SketchScratch): number {
    let n = 0;
    for (let e = (sketch === 'latency' ? this.latencyHead : this.ttftHead)[rollup]!; e !== NONE; e = this.next[e]!) {
      if (n === scratch.buckets.length) scratch.buckets = grow(scratch.buckets);
      scratch.buckets[n++] = this.bucket[e]!;
    }
    if (n === 0) return 0;
    const buckets = scratch.buckets;
    if (n > 24) buckets.subarray(0, n).sort();
    else {
      // Insertion sort: most minutes hold a handful of values.
      for (let i = 1; i < n; i++) {
        const value = buckets[i]!;
        let j = i - 1;
        while (j >= 0 && buckets[j]! > value) buckets[j + 1] = buckets[j--]!;
        buckets[j + 1] = value;
      }
    }
    while (scratch.pairs.length < 2 * n) scratch.pairs = grow(scratch.pairs);
    let written = 0;
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && buckets[j] === buckets[i]) j++;
      scratch.pairs[written++] = buckets[i]!;
      scratch.pairs[written++] = j - i;
      i = j;
    }
    return written;
  }
}

/** Reusable arrays for `FoldedLog.sketchInto`. */
export interface SketchScratch {
  buckets: Int32Array;
  pairs: Int32Array;
}

export const newSketchScratch = (): SketchScratch => ({ buckets: new Int32Array(64), pairs: new Int32Array(128) });

/** Folds the binary COPY stream of `OutcomeLogReader.stretchCopy` or `batchCopy`; feed it chunks, then call `finish`. */
export class LogFolder implements LogRowSink {
  private readonly decoder = new LogRowDecoder(this);
  private readonly table: SeriesTable;
  private events = 0;

  /**
   * `buckets`: the stream's latencies are raw values to bucket; null: they are buckets already.
   * `expectedEvents`: about how many events will come, so that the arrays start at their size
   * instead of growing their way there.
   */
  constructor(private readonly buckets: SketchBuckets | null = null, expectedEvents = 0) {
    this.table = new SeriesTable(expectedEvents);
  }

  push(chunk: Buffer): void {
    this.decoder.push(chunk);
  }

  /** Folds one decoded row (called by the decoder). */
  row(
    buf: Buffer, view: DataView, keyStart: number, keyEnd: number, minute: number, outcome: number, latency: number | null, ttft: number | null,
    errorStatus: number,
  ): void {
    if (this.buckets !== null) {
      // Raw values: only those of outcomes whose latencies count go into sketches (Postgres applies the rule when it buckets).
      const counts = LATENCY_COUNTS[outcome] === 1;
      latency = counts && latency !== null ? this.bucketOf(latency) : null;
      ttft = counts && ttft !== null ? this.bucketOf(ttft) : null;
    }
    const table = this.table;
    table.addEvent(table.rollupOf(table.seriesOf(buf, view, keyStart, keyEnd), minute), outcome, latency, ttft, errorStatus);
    this.events++;
  }

  private bucketOf(value: number): number {
    if (value < 0) throw new Error(`a negative latency (${value} ms) in the log`);
    return this.buckets!.of(value);
  }

  /** The folded log, each series' rollups sorted by minute. */
  finish(): FoldedLog {
    this.decoder.finish();
    return new FoldedLog(this.events, this.table.finish());
  }
}
