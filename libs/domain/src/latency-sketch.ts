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

export function sketchBucket(valueMs: number): number {
  return valueMs <= 0 ? ZERO_BUCKET : Math.ceil(Math.log(valueMs) / SKETCH_LN_GAMMA);
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

  /** From the stored form: big-endian int4 pairs (bucket, count), by bucket (see `toBytes`). */
  static fromBytes(bytes: Uint8Array): LatencySketch {
    const sketch = new LatencySketch();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at + 8 <= bytes.byteLength; at += 8) sketch.addToBucket(view.getInt32(at), view.getInt32(at + 4));
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

  /**
   * The stored form: the pairs as big-endian int4s, eight bytes a bucket (what Postgres' int4send
   * writes, so SQL can take it apart too).
   */
  toBytes(): Uint8Array {
    const pairs = this.toPairs();
    const bytes = new Uint8Array(pairs.length * 4);
    const view = new DataView(bytes.buffer);
    pairs.forEach((value, i) => view.setInt32(i * 4, value));
    return bytes;
  }
}
