import { Expression, RawBuilder, sql } from 'kysely';
import { FailureRules, latencyCounts, OUTCOMES, SKETCH_LN_GAMMA, ZERO_BUCKET } from '@ledger/domain';

/**
 * The outcome rules of concepts §2 and §7 as SQL, for queries over tables with the count columns
 * of minute_rollups and vendor_summaries (successes, errors, timeouts, rate_limited,
 * client_errors) or the outcome and latency columns of outcome_events. Each mirrors the domain
 * function it names (@ledger/domain), which stays the definition; test/outcome-rules.e2e-spec.ts
 * evaluates both over the same cases in Postgres and requires equal answers. Every constant is a
 * literal, so a fragment without parameters of its own compiles to text too (`sqlText`, for COPY).
 */

/**
 * Whether a kind of outcome counts as a failure (a contract's `countRateLimited`, `countTimeouts`):
 * a constant, or an int expression that is 1 when it does and 0 when not, e.g. a column of
 * contracts joined in.
 */
export type RuleFlag = boolean | Expression<number>;

/** A count column of the table aliased `alias` (none: unqualified). */
const count = (alias: string | null, column: 'successes' | 'errors' | 'timeouts' | 'rate_limited') =>
  sql.ref(alias === null ? column : `${alias}.${column}`);

/**
 * Failures, as int8 (so that sums and products of int4 counts cannot overflow): errors +
 * timeouts, as detection counts them (minute statuses, outages, live status, vendor comparison).
 * Mirrors `failuresOf(counts)`; a contract's own rules are `contractTallySql`'s.
 */
export function failuresSql(alias: string | null): RawBuilder<bigint> {
  return sql<bigint>`(${count(alias, 'errors')}::int8 + ${count(alias, 'timeouts')})`;
}

/** Eligible requests, as int8: successes + failures (client and rate-limited errors are not eligible). Mirrors `eligibleOf(counts)`. */
export function eligibleSql(alias: string | null): RawBuilder<bigint> {
  return sql<bigint>`(${count(alias, 'successes')}::int8 + ${failuresSql(alias)})`;
}

/**
 * A contract's failure rules (concepts §9) for `contractTallySql`: whether rate-limited requests
 * and timeouts count (constants, or int expressions that are 1 when they do), and the statuses
 * an error must have — null when every error counts; else the entries themselves (a list, such
 * as ['529', '5xx']), or a text[] expression of them (NULL where a contract names none).
 */
export interface FailureRulesSql {
  countRateLimited: RuleFlag;
  countTimeouts: RuleFlag;
  errorStatuses: readonly string[] | Expression<string[] | null> | null;
}

const times = (flag: RuleFlag, column: RawBuilder<unknown>) =>
  flag === true ? sql`${column}` : flag === false ? sql`0` : sql`${flag} * ${column}`;

/**
 * The errors that count, as int8: all of them, or the sum of the row's `error_statuses` under
 * the entries (it keeps each status and each class, so an entry is one lookup). Mirrors
 * `countedErrors`. Without statuses, it reads the count column only, so that a query stays
 * index-only; with a list, each entry is a literal lookup (no subquery per row).
 */
export function countedErrorsSql(alias: string | null, errorStatuses: FailureRulesSql['errorStatuses']): RawBuilder<bigint> {
  const errors = sql`${count(alias, 'errors')}::int8`;
  if (errorStatuses === null) return sql<bigint>`${errors}`;
  const statuses = sql.ref(alias === null ? 'error_statuses' : `${alias}.error_statuses`);
  if (Array.isArray(errorStatuses)) {
    if (errorStatuses.length === 0) return sql<bigint>`0::int8`;
    return sql<bigint>`(${sql.join(errorStatuses.map((entry) => sql`coalesce((${statuses} ->> ${sql.lit(entry)})::int8, 0)`), sql` + `)})`;
  }
  const entries = errorStatuses as Expression<string[] | null>;
  return sql<bigint>`(CASE WHEN ${entries} IS NULL THEN ${errors} ELSE coalesce((
    SELECT sum((${statuses} ->> e.entry)::int8) FROM unnest(${entries}) AS e(entry)), 0) END)`;
}

/**
 * A row's failures and eligible requests under a contract's rules, as int8. Mirrors
 * `tallyOf(rules, counts, countedErrors(rules, counts))`: an error that does not count is still
 * eligible; a timeout or a rate-limited request that does not count is not.
 */
export function contractTallySql(alias: string | null, rules: FailureRulesSql): { failures: RawBuilder<bigint>; eligible: RawBuilder<bigint> } {
  const others = sql`${times(rules.countTimeouts, sql`${count(alias, 'timeouts')}::int8`)} + ${times(rules.countRateLimited, sql`${count(alias, 'rate_limited')}::int8`)}`;
  return {
    failures: sql<bigint>`(${countedErrorsSql(alias, rules.errorStatuses)} + ${others})`,
    eligible: sql<bigint>`(${count(alias, 'successes')}::int8 + ${count(alias, 'errors')} + ${others})`,
  };
}

/**
 * Whether an event of outcome_events (aliased `alias`) is a failure under a contract's rules,
 * given as constants. Mirrors `eventFails`.
 */
export function eventFailsSql(alias: string, rules: FailureRules): RawBuilder<boolean> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const errorCounts = rules.errorStatuses === null
    ? sql`true`
    : sql`(${column('http_status')}::text = ANY(${rules.errorStatuses}::text[]) OR left(${column('http_status')}::text, 1) || 'xx' = ANY(${rules.errorStatuses}::text[]))`;
  return sql<boolean>`((${column('outcome')} = 'error' AND coalesce(${errorCounts}, false))
    OR (${column('outcome')} = 'timeout' AND ${sql.lit(rules.countTimeouts)})
    OR (${column('outcome')} = 'rate_limited' AND ${sql.lit(rules.countRateLimited)}))`;
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

