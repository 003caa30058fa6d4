import type { Outcome } from './outcome-event';

/**
 * A mergeable latency sketch with relative accuracy (after DDSketch): value v ≥ 1 goes to bucket
 * ⌈ln v / ln γ⌉ with γ = (1 + α) / (1 − α), and a bucket is reported as 2γ^k / (γ + 1), which is
 * within α of every value in it. Zero has a bucket of its own. Merging adds counts, so minutes
 * merge into days and months without losing the bound.
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
/** ln γ, as the SQL that buckets values in Postgres uses it too. */
export const SKETCH_LN_GAMMA = Math.log(GAMMA);
export const ZERO_BUCKET = -1;

/**
 * The bucket of a latency. Postgres computes it too (`latencyBucketSql` of @ledger/codec, the same
 * formula in SQL); a rebuild buckets in Node with a table Postgres' answers pinned down (SketchBuckets).
 */
export function sketchBucket(valueMs: number): number {
  return valueMs <= 0 ? ZERO_BUCKET : Math.ceil(Math.log(valueMs) / SKETCH_LN_GAMMA);
}

/** The largest latency an event may carry (the columns are int4). */
export const MAX_LATENCY_MS = 2_147_483_647;
/** The highest bucket (that of `MAX_LATENCY_MS`): buckets run from `ZERO_BUCKET` to this, about 1,075. */
export const MAX_SKETCH_BUCKET = sketchBucket(MAX_LATENCY_MS);

/**
 * Whether a request's latency and time to first token go into sketches: only successful
 * requests' do (concepts §7). In SQL: `sketchedBucketSql` of @ledger/codec.
 */
export function latencyCounts(outcome: Outcome): boolean {
  return outcome === 'success';
}

/** The bucket a request's latency (or TTFT) goes to, or null when it goes into no sketch. */
export function sketchedBucket(outcome: Outcome, valueMs: number | null): number | null {
  return valueMs !== null && latencyCounts(outcome) ? sketchBucket(valueMs) : null;
}

/**
 * The stored form of a sketch, wherever it is kept or sent (minute_rollups, vendor_summaries,
 * binary COPY): its (bucket, count) pairs by ascending bucket, every number a big-endian int4 —
 * what Postgres' int4send writes. Counts are at least 1. Eight bytes a pair.
 */
export const SKETCH_PAIR_BYTES = 8;

/** Whether `value` is an integer an int4 holds. */
const isInt4 = (value: number) => (value | 0) === value;

/**
 * Writes the first `length` numbers of [bucket, count, …] in the stored form into `view` from
 * byte `at`; returns where it stopped. Refuses (RangeError) what the form cannot hold: buckets
 * not ascending, counts below 1, numbers beyond int4 — DataView would wrap those silently.
 */
export function writeSketchPairs(view: DataView, at: number, pairs: ArrayLike<number>, length = pairs.length): number {
  if (length % 2 !== 0) throw new RangeError(`sketch pairs need an even count of numbers, got ${length}`);
  let previous = -Infinity;
  for (let i = 0; i < length; i += 2) {
    const bucket = pairs[i]!;
    const count = pairs[i + 1]!;
    // One test, the messages out of line: this runs for every pair a rebuild writes.
    if (!(isInt4(bucket) && bucket > previous && isInt4(count) && count >= 1)) refusePair(bucket, count, previous);
    view.setInt32(at, bucket);
    view.setInt32(at + 4, count);
    at += SKETCH_PAIR_BYTES;
    previous = bucket;
  }
  return at;
}

function refusePair(bucket: number, count: number, previous: number): never {
  if (!isInt4(bucket) || !(bucket > previous)) throw new RangeError(`sketch bucket ${bucket} is not an int4 above the one before it (${previous})`);
  throw new RangeError(`sketch count ${count} (bucket ${bucket}) is not an int4 of at least 1`);
}

/** [bucket, count, …] (its first `length` numbers) in the stored form. */
export function encodeSketchPairs(pairs: ArrayLike<number>, length = pairs.length): Uint8Array {
  const bytes = new Uint8Array(length * 4);
  writeSketchPairs(new DataView(bytes.buffer), 0, pairs, length);
  return bytes;
}

/** Visits the pairs of a sketch's stored form, in their order. Refuses bytes that are not whole pairs. */
export function forEachSketchPair(bytes: Uint8Array, visit: (bucket: number, count: number) => void): void {
  if (bytes.byteLength % SKETCH_PAIR_BYTES !== 0) throw new RangeError(`a stored sketch of ${bytes.byteLength} bytes is not whole (bucket, count) pairs`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.byteLength; at += SKETCH_PAIR_BYTES) visit(view.getInt32(at), view.getInt32(at + 4));
}

/** [bucket, count, …] of a sketch's stored form. */
export function decodeSketchPairs(bytes: Uint8Array): number[] {
  const pairs: number[] = [];
  forEachSketchPair(bytes, (bucket, count) => pairs.push(bucket, count));
  return pairs;
}

function bucketValue(bucket: number): number {
  return bucket === ZERO_BUCKET ? 0 : (2 * GAMMA ** bucket) / (GAMMA + 1);
}

export class LatencySketch {
  private readonly counts = new Map<number, number>();
  private total = 0;

  /** From [bucket, count, bucket, count, …]. */
  static fromPairs(pairs: readonly number[] | null | undefined): LatencySketch {
    const sketch = new LatencySketch();
    if (pairs) for (let i = 0; i + 1 < pairs.length; i += 2) sketch.addToBucket(pairs[i]!, pairs[i + 1]!);
    return sketch;
  }

  /** From the stored form (`SKETCH_PAIR_BYTES`). */
  static fromBytes(bytes: Uint8Array): LatencySketch {
    const sketch = new LatencySketch();
    forEachSketchPair(bytes, (bucket, count) => sketch.addToBucket(bucket, count));
    return sketch;
  }

  get count(): number {
    return this.total;
  }

  add(valueMs: number, count = 1): this {
    return this.addToBucket(sketchBucket(valueMs), count);
  }

  addToBucket(bucket: number, count: number): this {
    if (count <= 0) return this;
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
    this.total += count;
    return this;
  }

  merge(other: LatencySketch): this {
    for (const [bucket, count] of other.counts) this.addToBucket(bucket, count);
    return this;
  }

  /** The nearest-rank q-quantile (0 < q ≤ 1), within α of the exact one; null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket)!;
      if (seen >= rank) return bucketValue(bucket);
    }
    return null;
  }

  /** [bucket, count, bucket, count, …], sorted by bucket. */
  toPairs(): number[] {
    return [...this.counts.entries()].sort((a, b) => a[0] - b[0]).flat();
  }

  /** The stored form (`SKETCH_PAIR_BYTES`). */
  toBytes(): Uint8Array {
    return encodeSketchPairs(this.toPairs());
  }
}
