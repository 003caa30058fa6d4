/**
 * The rollups of a replay while it folds, in typed arrays: one slot per rollup (its minute, five
 * counts, the heads of its two sketches' bucket lists and of its errors' statuses), one per sketch
 * value or error (its bucket or status, and the next entry of its list), found through two hash tables — the series by their key bytes, and
 * late rollups by (series, minute). Millions of small objects and arrays would cost V8 more in
 * garbage collection than the folding itself. Each series' rollups are listed in minute order,
 * as a log in time order makes them; only late events (a minute before their series' latest)
 * need the second hash.
 */

/** One (platform, provider, model) met in the log. */
export interface FoldedSeries {
  platform: string;
  provider: string;
  model: string;
}

/** What the table holds once the log is folded, each series' rollups sorted by minute. */
export interface SeriesTables {
  series: readonly FoldedSeries[];
  /** Rollup numbers of each series (indexed like `series`), sorted by minute. */
  rollupsOfSeries: readonly Int32Array[];
  /**
   * By rollup number: its minute; its five counts (at 5·rollup, in outcome-code order); the first
   * entry of each sketch's list and of its errors' statuses (NONE: empty).
   */
  minute: Int32Array;
  counts: Int32Array;
  latencyHead: Int32Array;
  ttftHead: Int32Array;
  statusHead: Int32Array;
  /** By entry: its bucket (or an error's HTTP status, 0 for none), and the next entry of its list (NONE: the last). */
  bucket: Int32Array;
  next: Int32Array;
}

/** No entry, no rollup. */
export const NONE = -1;

/** Counts per rollup, one per outcome code. */
const OUTCOMES = 5;

export class SeriesTable {
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
  private statusHead: Int32Array;
  // Sketch bucket entries (and errors' statuses), linked per rollup and list.
  private entries = 0;
  private bucket: Int32Array;
  private next: Int32Array;

  /** `expectedEvents`: about how many events will come, so that the arrays start at their size instead of growing their way there. */
  constructor(expectedEvents = 0) {
    // About two events per rollup and two sketch values per event, within reason.
    const rollups = capacityFor(expectedEvents / 2);
    const entries = capacityFor(expectedEvents * 2);
    this.rollupMinute = new Int32Array(rollups);
    this.counts = new Int32Array(OUTCOMES * rollups);
    this.latencyHead = new Int32Array(rollups);
    this.ttftHead = new Int32Array(rollups);
    this.statusHead = new Int32Array(rollups);
    this.bucket = new Int32Array(entries);
    this.next = new Int32Array(entries);
  }

  /** The series of the key bytes buf[start, end) (see `LogRowSink.row`), hashed and compared four bytes at a time. */
  seriesOf(buf: Buffer, view: DataView, start: number, end: number): number {
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
    return this.addSeries(buf, start, end, hash, slot);
  }

  /** The rollup of a series' minute, made when new. */
  rollupOf(series: number, minute: number): number {
    if (this.lastMinuteOfSeries[series] === minute) return this.lastRollupOfSeries[series]!;
    const rollup = this.findOrAddRollup(series, minute);
    this.lastMinuteOfSeries[series] = minute;
    this.lastRollupOfSeries[series] = rollup;
    return rollup;
  }

  /**
   * Counts one event of outcome code `outcome` in the rollup, adds its latency and TTFT buckets
   * (null: none) to the rollup's sketches, and an error's HTTP status (0: none; -1: not an error)
   * to its statuses. One method for the whole event: the fold calls it for every row, and one
   * call site inlines better than three.
   */
  addEvent(rollup: number, outcome: number, latency: number | null, ttft: number | null, errorStatus = -1): void {
    this.counts[rollup * OUTCOMES + outcome]! += 1;
    if (latency !== null) this.latencyHead[rollup] = this.link(latency, this.latencyHead[rollup]!);
    if (ttft !== null) this.ttftHead[rollup] = this.link(ttft, this.ttftHead[rollup]!);
    if (errorStatus >= 0) this.statusHead[rollup] = this.link(errorStatus, this.statusHead[rollup]!);
  }

  /** The tables, each series' rollups sorted by minute; the table is done with. */
  finish(): SeriesTables {
    const minute = this.rollupMinute;
    const lateOfSeries = new Map<number, number[]>();
    for (const [rollup, series] of this.lateSeries) {
      const list = lateOfSeries.get(series);
      if (list === undefined) lateOfSeries.set(series, [rollup]);
      else list.push(rollup);
    }
    const rollupsOfSeries = this.inOrder.map((list, series) => {
      const inOrder = list.subarray(0, this.inOrderLength[series]);
      const late = lateOfSeries.get(series);
      return late === undefined ? inOrder : Int32Array.from([...inOrder, ...late].sort((a, b) => minute[a]! - minute[b]!));
    });
    this.late = new Int32Array(0);
    return {
      series: this.series, rollupsOfSeries, minute, counts: this.counts,
      latencyHead: this.latencyHead, ttftHead: this.ttftHead, statusHead: this.statusHead, bucket: this.bucket, next: this.next,
    };
  }

  private addSeries(buf: Buffer, start: number, end: number, hash: number, slot: number): number {
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
      this.statusHead = grow(this.statusHead);
    }
    this.rollupMinute[rollup] = minute;
    this.latencyHead[rollup] = NONE;
    this.ttftHead[rollup] = NONE;
    this.statusHead[rollup] = NONE;
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
}

/** The array, twice as long (its values first). */
export function grow(array: Int32Array): Int32Array {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

/** A power of two for `n` items, from 2¹⁶ up to 2²³. */
const capacityFor = (n: number) => 2 ** Math.min(23, Math.max(16, Math.ceil(Math.log2(Math.max(1, n)))));

/** Whether buf[start, end) holds the bytes of `key`, compared four at a time. */
function sameKey(key: DataView, buf: Buffer, view: DataView, start: number, end: number): boolean {
  const length = end - start;
  if (key.byteLength !== length) return false;
  let j = 0;
  for (; j + 4 <= length; j += 4) if (key.getInt32(j) !== view.getInt32(start + j)) return false;
  for (; j < length; j++) if (key.getUint8(j) !== buf[start + j]) return false;
  return true;
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
