import { Expression, RawBuilder, sql } from 'kysely';
import { SKETCH_PAIR_BYTES } from '@ledger/domain';

/**
 * A sketch's stored form in SQL — the same bytes as `encodeSketchPairs` / `forEachSketchPair`
 * (defined with LatencySketch in @ledger/domain, which needs them): (bucket, count) pairs by
 * bucket, big-endian int4s, as int4send writes them.
 */

/** The big-endian int4 at byte `offset` of a bytea, in SQL that Postgres before 18 runs too (casting bytea to int4 came with 18). */
export function int4AtSql(bytes: Expression<unknown>, offset: Expression<unknown>): RawBuilder<number> {
  return sql<number>`((get_byte(${bytes}, ${offset}) << 24) | (get_byte(${bytes}, ${offset} + 1) << 16) | (get_byte(${bytes}, ${offset} + 2) << 8) | get_byte(${bytes}, ${offset} + 3))`;
}

/**
 * A stored sketch's pairs as rows (bucket int4, count int4), for `CROSS JOIN LATERAL (…)`:
 * `bytes` is an expression of the outer row, e.g. sql.ref('r.latency_sketch').
 */
export function sketchPairRowsSql(bytes: Expression<unknown>): RawBuilder<{ bucket: number; count: number }> {
  const i = sql.ref('i');
  return sql`SELECT ${int4AtSql(bytes, i)} AS bucket, ${int4AtSql(bytes, sql`${i} + 4`)} AS count
    FROM generate_series(0, length(${bytes}) - ${sql.lit(SKETCH_PAIR_BYTES)}, ${sql.lit(SKETCH_PAIR_BYTES)}) AS i`;
}

/**
 * The aggregate that builds a stored sketch from rows of (bucket, count) — one row a bucket,
 * counts ≥ 1 — optionally only the rows where `filter` holds; '' (no pairs) when none.
 */
export function sketchBytesAggSql(bucket: Expression<unknown>, count: Expression<unknown>, filter?: Expression<unknown>): RawBuilder<Uint8Array> {
  return sql<Uint8Array>`coalesce(string_agg(int4send(${bucket}::int4) || int4send(${count}::int4), ''::bytea ORDER BY ${bucket})${
    filter === undefined ? sql`` : sql` FILTER (WHERE ${filter})`}, ''::bytea)`;
}
