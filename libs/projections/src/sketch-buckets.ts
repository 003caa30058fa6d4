import { sql } from 'kysely';
import { MAX_LATENCY_MS as MAX_VALUE, MAX_SKETCH_BUCKET, SKETCH_LN_GAMMA, ZERO_BUCKET } from '@ledger/domain';
import { latencyBucketSql } from '@ledger/codec';
import type { Database } from '@ledger/database';

/** Values below this are looked up in a table; larger ones by binary search over the thresholds. */
const TABLE_SIZE = 1 << 20;

/**
 * Sketch buckets of latencies computed in Node exactly as Postgres computes them (`latencyBucketSql`):
 * evaluating ln() for every event is most of what a replay costs Postgres, while shipping the
 * raw int4 costs next to nothing. Exactness does not rest on Math.log agreeing with Postgres'
 * ln: the bucket never decreases as the value grows, so it is fixed by the first value of each
 * bucket, and Postgres itself is asked the buckets of the values around where those thresholds
 * must lie. When its answers do not pin every threshold down, there is no table (`null`) and a
 * replay lets Postgres bucket, as before.
 */
export class SketchBuckets {
  private readonly table: Int16Array;

  private constructor(
    /** thresholds[k] = the smallest value whose bucket is at least k (k ≥ 1); thresholds[0] = 1. */
    private readonly thresholds: Int32Array,
  ) {
    this.table = new Int16Array(TABLE_SIZE);
    this.table[0] = ZERO_BUCKET;
    for (let k = 0; k < thresholds.length; k++) {
      const from = Math.min(thresholds[k]!, TABLE_SIZE);
      const to = Math.min(k + 1 < thresholds.length ? thresholds[k + 1]! : TABLE_SIZE, TABLE_SIZE);
      this.table.fill(k, from, to);
    }
  }

  /** The table that agrees with Postgres, or null when Postgres' answers do not determine one. */
  static async load(db: Database): Promise<SketchBuckets | null> {
    const values = SketchBuckets.candidates();
    const { rows } = await sql<{ latency_ms: number; bucket: number }>`
      SELECT latency_ms, ${latencyBucketSql(sql.ref('latency_ms'))} AS bucket FROM unnest(${values}::int4[]) AS v(latency_ms)`.execute(db);
    return SketchBuckets.fromAnswers(new Map(rows.map((row) => [row.latency_ms, row.bucket])));
  }

  /** The values whose buckets pin the thresholds down: a few either side of where each must lie. */
  static candidates(): number[] {
    const values = new Set<number>([1, MAX_VALUE]);
    for (let k = 1; k <= MAX_SKETCH_BUCKET; k++) {
      // Bucket ⌈ln v / ln γ⌉ ≥ k exactly when v > γ^(k−1).
      const estimate = Math.floor(Math.exp((k - 1) * SKETCH_LN_GAMMA));
      for (let v = estimate - 2; v <= estimate + 3; v++) if (v >= 1 && v <= MAX_VALUE) values.add(v);
    }
    return [...values].sort((a, b) => a - b);
  }

  /** From Postgres' bucket of each candidate value; null unless every threshold is pinned down. */
  static fromAnswers(bucketOfValue: ReadonlyMap<number, number>): SketchBuckets | null {
    const maxBucket = MAX_SKETCH_BUCKET;
    if (bucketOfValue.get(1) !== 0 || bucketOfValue.get(MAX_VALUE) !== maxBucket) return null;
    const values = [...bucketOfValue.keys()].sort((a, b) => a - b);
    const thresholds = new Int32Array(maxBucket + 1);
    thresholds[0] = 1;
    let i = 0;
    for (let k = 1; k <= maxBucket; k++) {
      while (i < values.length && bucketOfValue.get(values[i]!)! < k) i++;
      const threshold = values[i];
      // Pinned down only if the value just below was asked too, and fell in a lower bucket.
      if (threshold === undefined || !(bucketOfValue.get(threshold - 1)! < k)) return null;
      thresholds[k] = threshold;
    }
    const table = new SketchBuckets(thresholds);
    // And the table gives every answer back (it would not, were Postgres' buckets ever to dip).
    for (const [value, bucket] of bucketOfValue) if (table.of(value) !== bucket) return null;
    return table;
  }

  /** The bucket of a latency (an int4 ≥ 0), as `latencyBucketSql` gives it. */
  of(value: number): number {
    if (value < TABLE_SIZE) return this.table[value]!;
    let lo = 0;
    let hi = this.thresholds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.thresholds[mid]! <= value) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
