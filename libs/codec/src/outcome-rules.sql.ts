import { Expression, RawBuilder, sql } from 'kysely';
import { latencyCounts, OUTCOMES, SKETCH_LN_GAMMA, ZERO_BUCKET } from '@ledger/domain';

/**
 * The outcome rules of concepts §2 and §7 as SQL, for queries over tables with the count columns
 * of minute_rollups and vendor_summaries (successes, errors, timeouts, rate_limited,
 * client_errors) or the outcome and latency columns of outcome_events. Each mirrors the domain
 * function it names (@ledger/domain), which stays the definition; test/outcome-rules.e2e-spec.ts
 * evaluates both over the same cases in Postgres and requires equal answers. Every constant is a
 * literal, so a fragment without parameters of its own compiles to text too (`sqlText`, for COPY).
 */

/**
 * Whether rate-limited requests count as failures (a contract's `countRateLimited`): a constant,
 * or an int expression that is 1 when they do and 0 when not, e.g. a column of contracts joined in.
 */
export type CountRateLimited = boolean | Expression<number>;

/** A count column of the table aliased `alias` (none: unqualified). */
const count = (alias: string | null, column: 'successes' | 'errors' | 'timeouts' | 'rate_limited') =>
  sql.ref(alias === null ? column : `${alias}.${column}`);

/**
 * Failures, as int8 (so that sums and products of int4 counts cannot overflow): errors +
 * timeouts, + rate-limited when the contract counts them. Mirrors `tallyOf(terms, counts).failures`
 * and, with `countRateLimited` false (minute statuses, outages, live status, vendor comparison),
 * `failuresOf(counts)`.
 */
export function failuresSql(alias: string | null, countRateLimited: CountRateLimited = false): RawBuilder<bigint> {
  const errors = sql`${count(alias, 'errors')}::int8 + ${count(alias, 'timeouts')}`;
  if (countRateLimited === false) return sql<bigint>`(${errors})`;
  if (countRateLimited === true) return sql<bigint>`(${errors} + ${count(alias, 'rate_limited')})`;
  return sql<bigint>`(${errors} + ${countRateLimited} * ${count(alias, 'rate_limited')})`;
}

/**
 * Eligible requests, as int8: successes + failures (client errors never count, rate-limited
 * ones only as failures). Mirrors `tallyOf(terms, counts).eligible` and, with `countRateLimited`
 * false, `eligibleOf(counts)`.
 */
export function eligibleSql(alias: string | null, countRateLimited: CountRateLimited = false): RawBuilder<bigint> {
  return sql<bigint>`(${count(alias, 'successes')}::int8 + ${failuresSql(alias, countRateLimited)})`;
}

/**
 * The sketch bucket of a latency (an int4 or int8 expression; NULL stays NULL). Mirrors
 * `sketchBucket`: the same formula over float8, whose ln may differ from Math.log in the last
 * bit — which is why a rebuild buckets with a table Postgres' answers pinned down (SketchBuckets).
 */
export function latencyBucketSql(latencyMs: Expression<unknown>): RawBuilder<number> {
  return sql<number>`CASE WHEN ${latencyMs} <= 0 THEN ${sql.lit(ZERO_BUCKET)}
    ELSE ceil(ln(${latencyMs}::float8) / ${sql.lit(SKETCH_LN_GAMMA)}::float8)::int4 END`;
}

/**
 * Whether the latency of a request with this outcome (an outcome or text expression) goes into
 * sketches. Mirrors `latencyCounts`, and is made from it: the outcomes it accepts, listed.
 */
export function latencyCountsSql(outcome: Expression<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(${outcome} IN (${sql.join(OUTCOMES.filter(latencyCounts).map((o) => sql.lit(o)))}))`;
}

/**
 * The bucket a request's latency (or TTFT) goes to, or NULL when it goes into no sketch: only
 * successful requests' latencies count. Mirrors `sketchedBucket(outcome, latencyMs)`.
 */
export function sketchedBucketSql(outcome: Expression<unknown>, latencyMs: Expression<unknown>): RawBuilder<number | null> {
  return sql<number | null>`CASE WHEN ${latencyCountsSql(outcome)} AND ${latencyMs} IS NOT NULL THEN ${latencyBucketSql(latencyMs)} END`;
}

