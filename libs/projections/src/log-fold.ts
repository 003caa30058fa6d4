import { MINUTE_MS, OutcomeCounts } from '@ledger/domain';
import type { SketchBuckets } from './sketch-buckets';

/**
 * Folding the whole log in memory, for rebuilds: Postgres streams every event as a row of
 * binary COPY (platform, provider, model, occurred_at, outcome code, latency, TTFT), and
 * `LogFolder` folds the rows into one rollup per (series, minute) as they arrive. Latencies
 * come raw and are bucketed with a `SketchBuckets` table that agrees with the expression the
 * incremental path uses in Postgres; without one, Postgres sends the buckets instead (only for
 * successes). Either way both paths bucket every value identically.
 *
 * Why it looks like this: formatting timestamps and enums as text costs Postgres more than the
 * rest of the replay (binary sends a timestamp as 8 bytes); and millions of small objects and
 * arrays cost V8 more in garbage collection than the folding itself, so rollups live in typed
 * arrays (one slot per rollup; each series' list of them in minute order, as a log in time order
 * makes them; a hash for those that late events make) and sketch buckets in linked lists, turned
 * into [bucket, count, …] pairs only when written out.
 */

/** Outcome codes of the replay query, in this order. */
export const OUTCOME_CODES = ['success', 'error', 'timeout', 'rate_limited', 'client_error'] as const;
const SUCCESS = OUTCOME_CODES.indexOf('success');

/** One (platform, provider, model) met in the log. */
export interface FoldedSeries {
  platform: string;
  provider: string;
  model: string;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_LENGTH = SIGNATURE.length + 8;
/** Microseconds from the Unix epoch to Postgres' (2000-01-01), which binary timestamps count from. */
const PG_EPOCH_US = 946_684_800_000_000;
const MINUTE_US = MINUTE_MS * 1000;
const FIELDS = 7;
/** The most bytes a row takes after its model: timestamp, outcome code and two int4 buckets, with length words. */
const ROW_TAIL = 4 + 8 + 4 + 2 + 2 * (4 + 4);
/** How much of the next chunk a row cut by a chunk boundary is first completed from. */
const STITCH = 4_096;
const NONE = -1;

/** Whether buf[start, end) holds the bytes of `key`, compared four at a time. */
function sameKey(key: DataView, buf: Buffer, view: DataView, start: number, end: number): boolean {
  const length = end - start;
  if (key.byteLength !== length) return false;
  let j = 0;
  for (; j + 4 <= length; j += 4) if (key.getInt32(j) !== view.getInt32(start + j)) return false;
  for (; j < length; j++) if (key.getUint8(j) !== buf[start + j]) return false;
  return true;
}

/** A power of two for `n` items, from 2¹⁶ up to 2²³. */
const capacityFor = (n: number) => 2 ** Math.min(23, Math.max(16, Math.ceil(Math.log2(Math.max(1, n)))));

function grow(array: Int32Array): Int32Array {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

/** The in-memory rollups of a log, in typed arrays indexed by rollup number. */
export class FoldedLog {
  constructor(
    readonly events: number,
    readonly series: readonly FoldedSeries[],
    /** Rollup numbers of each series (indexed like `series`), sorted by minute. */
    readonly rollupsOfSeries: readonly Int32Array[],
    readonly minute: Int32Array,
    /** Five counts per rollup, in `OUTCOME_CODES` order. */
    private readonly counts: Int32Array,
    private readonly latencyHead: Int32Array,
    private readonly ttftHead: Int32Array,
    private readonly bucket: Int32Array,
    private readonly next: Int32Array,
  ) {}

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

  /** Whether the rollup has failures (errors or timeouts). */
  failing(rollup: number): boolean {
    return this.counts[rollup * 5 + 1]! + this.counts[rollup * 5 + 2]! > 0;
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

/** Folds the binary COPY stream of the replay query; feed it chunks, then call `finish`. */
export class LogFolder {
  /**
   * `buckets`: the stream's latencies are raw values to bucket; null: they are buckets already.
   * `expectedEvents`: about how many events will come, so that the arrays start at their size
   * instead of growing their way there.
   */
  constructor(private readonly buckets: SketchBuckets | null = null, expectedEvents = 0) {
    // About two events per rollup and two sketch values per event, within reason.
    const rollups = capacityFor(expectedEvents / 2);
    const entries = capacityFor(expectedEvents * 2);
    this.rollupMinute = new Int32Array(rollups);
    this.counts = new Int32Array(5 * rollups);
    this.latencyHead = new Int32Array(rollups);
    this.ttftHead = new Int32Array(rollups);
    this.bucket = new Int32Array(entries);
    this.next = new Int32Array(entries);
  }

  private pending: Buffer | null = null;
  private headerRead = false;
  private ended = false;
  private events = 0;
  // Series: an open-addressing hash of their key bytes → series + 1 (0: empty).
  private seriesSlots = new Int32Array(1024);
  private readonly seriesHashes: number[] = [];
  private readonly seriesKeys: DataView[] = [];
  private readonly series: FoldedSeries[] = [];
  // Each series' last minute met and its rollup: the log is mostly in time order, so an event
  // usually lands in its series' current minute.
  private readonly lastMinuteOfSeries: number[] = [];
  private readonly lastRollupOfSeries: number[] = [];
  // Each series' rollups made in minute order (each for a minute later than all before it):
  // with the log in time order, all of them, found again by binary search and already sorted.
  private readonly inOrder: Int32Array[] = [];
  private readonly inOrderLength: number[] = [];
  // The rollups made for a minute earlier than their series' latest (late events), found by an
  // open-addressing hash of (series, minute) → rollup + 1 (0: empty).
  private late = new Int32Array(1024);
  // The series of each late rollup (those made in order are known by their series' list).
  private readonly lateSeries = new Map<number, number>();
  // Rollups.
  private rollups = 0;
  private rollupMinute: Int32Array;
  private counts: Int32Array;
  private latencyHead: Int32Array;
  private ttftHead: Int32Array;
  // Sketch bucket entries, linked per rollup and sketch.
  private entries = 0;
  private bucket: Int32Array;
  private next: Int32Array;

  /** Events folded so far. */
  get eventCount(): number {
    return this.events;
  }

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

  /** Parses whole rows (and the header) from `at`; returns where the first incomplete row starts. */
  private parse(buf: Buffer, at = 0): number {
    if (!this.headerRead) {
      if (buf.length < HEADER_LENGTH) return at;
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
      const extension = buf.readUInt32BE(SIGNATURE.length + 4);
      if (buf.length < HEADER_LENGTH + extension) return at;
      at = HEADER_LENGTH + extension;
      this.headerRead = true;
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    for (;;) {
      const next = this.row(buf, view, at);
      if (next < 0) return at;
      at = next;
    }
  }

  /** Folds the row at `at`; returns where the next one starts, or -1 when the row is not all there. */
  private row(buf: Buffer, view: DataView, at: number): number {
    if (this.ended || at + 2 > buf.length) return -1;
    const fields = view.getInt16(at);
    if (fields === -1) {
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
    if (p + ROW_TAIL > buf.length && !this.tailComplete(view, p)) return -1;
    const micros = view.getInt32(p + 4) * 4_294_967_296 + view.getUint32(p + 8);
    p += 12;
    const outcome = view.getInt16(p + 4);
    p += 6;
    let latency = view.getInt32(p) === -1 ? null : view.getInt32(p + 4);
    p += latency === null ? 4 : 8;
    let ttft = view.getInt32(p) === -1 ? null : view.getInt32(p + 4);
    p += ttft === null ? 4 : 8;
    if (outcome < 0 || outcome > 4) throw new Error(`unknown outcome code ${outcome}`);
    if (this.buckets !== null) {
      // Only successful requests' latencies go into sketches (concepts §7).
      latency = outcome === SUCCESS && latency !== null ? this.bucketOf(latency) : null;
      ttft = outcome === SUCCESS && ttft !== null ? this.bucketOf(ttft) : null;
    }

    const rollup = this.rollupOf(this.seriesOf(buf, view, keyStart, keyEnd), Math.floor((micros + PG_EPOCH_US) / MINUTE_US));
    this.counts[rollup * 5 + outcome]! += 1;
    if (latency !== null) this.latencyHead[rollup] = this.link(latency, this.latencyHead[rollup]!);
    if (ttft !== null) this.ttftHead[rollup] = this.link(ttft, this.ttftHead[rollup]!);
    this.events++;
    return p;
  }

  private bucketOf(value: number): number {
    if (value < 0) throw new Error(`a negative latency (${value} ms) in the log`);
    return this.buckets!.of(value);
  }

  /** Whether the row's tail, starting at its timestamp's length word `p`, is all in `buf`. */
  private tailComplete(view: DataView, p: number): boolean {
    let q = p + 4 + 8 + 4 + 2;
    for (let f = 0; f < 2; f++) {
      if (q + 4 > view.byteLength) return false;
      q += 4 + Math.max(0, view.getInt32(q));
    }
    return q <= view.byteLength;
  }

  /** The series of the key bytes buf[start, end), hashed and compared four bytes at a time. */
  private seriesOf(buf: Buffer, view: DataView, start: number, end: number): number {
    let hash = 0x811c9dc5 ^ (end - start);
    let i = start;
    for (; i + 4 <= end; i += 4) hash = Math.imul(hash ^ view.getInt32(i), 0x01000193);
    for (; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    const mask = this.seriesSlots.length - 1;
    let slot = seriesSlotHash(hash) & mask;
    for (;;) {
      const found = this.seriesSlots[slot]!;
      if (found === 0) break;
      if (this.seriesHashes[found - 1] === hash && sameKey(this.seriesKeys[found - 1]!, buf, view, start, end)) return found - 1;
      slot = (slot + 1) & mask;
    }
    const names: string[] = [];
    for (let p = start, f = 0; f < 3; f++) {
      const length = buf.readInt32BE(p);
      names.push(buf.toString('utf8', p + 4, p + 4 + length));
      p += 4 + length;
    }
    const index = this.series.length;
    this.series.push({ platform: names[0]!, provider: names[1]!, model: names[2]! });
    const key = Buffer.from(buf.subarray(start, end));
    this.seriesKeys.push(new DataView(key.buffer, key.byteOffset, key.length));
    this.seriesHashes.push(hash);
    this.lastMinuteOfSeries.push(Number.NaN); // equal to no minute (any int32 may be one)
    this.lastRollupOfSeries.push(NONE);
    this.inOrder.push(new Int32Array(256));
    this.inOrderLength.push(0);
    this.seriesSlots[slot] = index + 1;
    if (this.series.length * 2 > this.seriesSlots.length) {
      this.seriesSlots = hashTable(this.seriesSlots.length * 2, this.seriesHashes.map((h, i) => [seriesSlotHash(h), i]));
    }
    return index;
  }

  private rollupOf(series: number, minute: number): number {
    if (this.lastMinuteOfSeries[series] === minute) return this.lastRollupOfSeries[series]!;
    const rollup = this.findOrAddRollup(series, minute);
    this.lastMinuteOfSeries[series] = minute;
    this.lastRollupOfSeries[series] = rollup;
    return rollup;
  }

  private findOrAddRollup(series: number, minute: number): number {
    let list = this.inOrder[series]!;
    const n = this.inOrderLength[series]!;
    if (n === 0 || minute > this.rollupMinute[list[n - 1]!]!) {
      const rollup = this.addRollup(minute);
      if (n === list.length) this.inOrder[series] = list = grow(list);
      list[n] = rollup;
      this.inOrderLength[series] = n + 1;
      return rollup;
    }
    // An earlier minute: among the series' rollups made in order, or among the late ones.
    let low = 0;
    let high = n - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const m = this.rollupMinute[list[middle]!]!;
      if (m === minute) return list[middle]!;
      if (m < minute) low = middle + 1;
      else high = middle - 1;
    }
    return this.lateRollup(series, minute);
  }

  private lateRollup(series: number, minute: number): number {
    const mask = this.late.length - 1;
    let slot = lateHash(series, minute) & mask;
    for (;;) {
      const found = this.late[slot]!;
      if (found === 0) break;
      if (this.rollupMinute[found - 1] === minute && this.lateSeries.get(found - 1) === series) return found - 1;
      slot = (slot + 1) & mask;
    }
    const rollup = this.addRollup(minute);
    this.lateSeries.set(rollup, series);
    this.late[slot] = rollup + 1;
    if (this.lateSeries.size * 2 > this.late.length) {
      this.late = hashTable(this.late.length * 2, Array.from(this.lateSeries, ([r, s]) => [lateHash(s, this.rollupMinute[r]!), r]));
    }
    return rollup;
  }

  private addRollup(minute: number): number {
    const rollup = this.rollups++;
    if (rollup === this.rollupMinute.length) {
      this.rollupMinute = grow(this.rollupMinute);
      this.counts = grow(this.counts);
      this.latencyHead = grow(this.latencyHead);
      this.ttftHead = grow(this.ttftHead);
    }
    this.rollupMinute[rollup] = minute;
    this.latencyHead[rollup] = NONE;
    this.ttftHead[rollup] = NONE;
    return rollup;
  }

  private link(bucket: number, head: number): number {
    const entry = this.entries++;
    if (entry === this.bucket.length) {
      this.bucket = grow(this.bucket);
      this.next = grow(this.next);
    }
    this.bucket[entry] = bucket;
    this.next[entry] = head;
    return entry;
  }

  /** The folded log, each series' rollups sorted by minute. */
  finish(): FoldedLog {
    if (this.pending !== null || (this.headerRead && !this.ended)) throw new Error('the replay stream ended in the middle');
    const minute = this.rollupMinute;
    const lateOfSeries = new Map<number, number[]>();
    for (const [rollup, series] of this.lateSeries) {
      const list = lateOfSeries.get(series);
      if (list === undefined) lateOfSeries.set(series, [rollup]);
      else list.push(rollup);
    }
    const sorted = this.inOrder.map((list, series) => {
      const inOrder = list.subarray(0, this.inOrderLength[series]);
      const late = lateOfSeries.get(series);
      return late === undefined ? inOrder : Int32Array.from([...inOrder, ...late].sort((a, b) => minute[a]! - minute[b]!));
    });
    this.late = new Int32Array(0);
    return new FoldedLog(this.events, this.series, sorted, minute, this.counts, this.latencyHead, this.ttftHead, this.bucket, this.next);
  }
}

/** Where a series' key hash (FNV-1a) starts its search in a table (its high bits mixed into the low). */
const seriesSlotHash = (hash: number) => hash ^ (hash >>> 16);
/** Where a late rollup's (series, minute) starts its search in a table. */
const lateHash = (series: number, minute: number) => Math.imul(minute, 0x9e3779b1) ^ Math.imul(series + 1, 0x85ebca77);

/**
 * An open-addressing table of `size` slots (a power of two) holding each entry's value + 1 (0:
 * empty) at the first free slot from its hash.
 */
function hashTable(size: number, entries: readonly (readonly [hash: number, value: number])[]): Int32Array<ArrayBuffer> {
  const table = new Int32Array(size);
  const mask = size - 1;
  for (const [hash, value] of entries) {
    let slot = hash & mask;
    while (table[slot] !== 0) slot = (slot + 1) & mask;
    table[slot] = value + 1;
  }
  return table;
}
