import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { contractTallySql, countedErrorsSql, FailureRulesSql } from '@ledger/codec';
import { ContractTerms, ContractTraffic, ExcludedMinutes, MINUTE_MS, OutcomeCounts, parseRatio, Period, Tally, tallyOf } from '@ledger/domain';
import type { DB } from '@ledger/database';
import type { LogPosition } from '@ledger/event-store';
import {
  ReadModelVersion, readModelVersion, RollupChangeRepository, RollupDayChange, TIMELINE_PROJECTION, toReadModelVersion,
} from '@ledger/projections';
import type { CacheScope, Stretch } from './traffic-cache';

/** One contract's period to summarise. */
export interface TrafficScope {
  terms: ContractTerms;
  period: Period;
  excluded: ExcludedMinutes;
  /** Only this stretch of the period (its windows still counted from the period's start); the whole period when omitted. */
  stretch?: Stretch;
}

export interface ScopedTraffic {
  traffic: ContractTraffic;
  /** The contract's events in the whole period (every outcome, excluded minutes too). */
  events: number;
}

type Row = { i: number; kind: 'total' | 'excluded' | 'minute' | 'window'; k: number | null; cp_generation: bigint | null; cp_tx: bigint | null; cp_pos: bigint | null } &
  Record<(typeof COUNTS)[number] | 'counted_errors', bigint>;

const COUNTS = ['successes', 'errors', 'timeouts', 'rate_limited', 'client_errors'] as const;

const iso = (minute: number) => new Date(minute * MINUTE_MS).toISOString();
const HOUR_MS = 60 * MINUTE_MS;

/**
 * A contract's traffic, summarised in Postgres from the rollups (ContractTraffic): only the
 * figures the engine needs travel, never the month's 43,200 minutes.
 *
 * - Totals: one pass summing the period's whole hours from hour_rollups and the minutes at its
 *   ragged edges (a zone half an hour off UTC) from minute_rollups; the sums over excluded
 *   ranges are read apart (usually a few short ranges) and subtracted, so the pass tests no
 *   range per row.
 * - Candidate minutes: a minute's summed failure rate reaches the threshold only if one of its
 *   rows (one per model) does — were every row below it, so would their sum be. So the same
 *   pass picks the edge rows at or above the threshold (an exact integer comparison) and the
 *   hours whose peak may be (hour-rollup.repository.ts); only the candidate minutes, and the
 *   minutes of those hours with such a row, are summed per minute; the engine then applies
 *   minSamples and exclusions.
 * - Windows (AVERAGE_ERROR_RATE only): per window, over eligible minutes, those with failures.
 */
@Injectable()
export class ContractTrafficRepository {
  /**
   * Many contracts (at least one) in one statement, each its own index range scan; results in
   * the scopes' order, with the rollups' state they were read at.
   */
  constructor(private readonly rollupChanges: RollupChangeRepository) {}

  async summarise(db: Kysely<DB>, scopes: readonly TrafficScope[]): Promise<{ state: ReadModelVersion; traffic: ScopedTraffic[] }> {
    const params = scopes.map((scope, i) => ({ i, ...scopeParams(scope) }));
    // Errors by status are read only when a contract names statuses: otherwise the scans stay index-only.
    const statuses = statusesOf(params);
    const rules: FailureRulesSql = { countRateLimited: sql.ref('c.rl'), countTimeouts: sql.ref('c.ct'), errorStatuses: statuses };
    const { failures, eligible } = contractTallySql('r', rules);
    const sums = sql`${sql.raw(COUNTS.map((column) => `sum(r.${column})::int8 AS ${column}`).join(', '))}, sum(${countedErrorsSql('r', rules.errorStatuses)})::int8 AS counted_errors`;
    const scope = sql`r.platform = c.platform AND r.provider = c.provider AND (cardinality(c.models) = 0 OR r.model = ANY(c.models))`;
    const { rows } = await sql<Row>`
      WITH c AS MATERIALIZED (
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(params)}::jsonb) AS c(
          i int, platform text, provider text, models text[], from_at timestamptz, to_at timestamptz, from_hour timestamptz, to_hour timestamptz,
          excluded tstzmultirange, rl int, ct int, statuses text[], num int8, den int8, first_minute int, window_minutes int)
      ),
      scan AS MATERIALIZED (${scans(params, statuses)})
      SELECT i, 'total' AS kind, NULL::int AS k, ${sql.raw(COUNTS.join(', '))}, counted_errors, state.* FROM scan, (${readModelVersion(TIMELINE_PROJECTION)}) AS state
      UNION ALL
      -- Each part below is a LATERAL subquery so that it runs per contract (per range, per
      -- candidate list) as an index range scan, rather than as a join over all rollups.
      SELECT c.i, 'excluded', NULL, s.*, NULL, NULL, NULL
      FROM c CROSS JOIN LATERAL unnest(c.excluded) AS x(range) CROSS JOIN LATERAL (
        SELECT ${sums} FROM minute_rollups r
        WHERE ${scope} AND r.minute >= lower(x.range) AND r.minute < upper(x.range)
      ) AS s
      UNION ALL
      SELECT c.i, 'minute', s.*, NULL, NULL, NULL
      FROM c JOIN scan USING (i) CROSS JOIN LATERAL (
        SELECT (extract(epoch FROM r.minute) / 60)::int, ${sums} FROM minute_rollups r
        WHERE ${scope} AND r.minute = ANY(scan.candidates)
        GROUP BY r.minute
      ) AS s
      UNION ALL
      SELECT c.i, 'minute', s.*, NULL, NULL, NULL
      FROM c JOIN scan USING (i) CROSS JOIN LATERAL unnest(scan.candidate_hours) AS h(hour) CROSS JOIN LATERAL (
        SELECT (extract(epoch FROM r.minute) / 60)::int, ${sums} FROM minute_rollups r
        WHERE ${scope} AND r.minute >= h.hour AND r.minute < h.hour + interval '1 hour'
        GROUP BY r.minute
        HAVING bool_or(${failures} > 0 AND ${failures} * c.den >= c.num * ${eligible})
      ) AS s
      UNION ALL
      SELECT c.i, 'window', s.*, NULL, NULL, NULL
      FROM c CROSS JOIN LATERAL (
        SELECT ((extract(epoch FROM r.minute) / 60)::int - c.first_minute) / c.window_minutes, ${sums} FROM minute_rollups r
        WHERE c.window_minutes IS NOT NULL AND ${scope} AND r.minute >= c.from_at AND r.minute < c.to_at AND NOT c.excluded @> r.minute
        GROUP BY 1
        HAVING sum(${failures}) > 0
      ) AS s`.execute(db);

    const results = scopes.map(() => ({ events: 0, eligibleTotal: { eligible: 0, failures: 0 }, candidateMinutes: new Map<number, Tally>(), windows: new Map<number, Tally>() }));
    let state: ReadModelVersion | null = null;
    for (const row of rows) {
      const result = results[row.i]!;
      const counts: OutcomeCounts = {
        successes: Number(row.successes), errors: Number(row.errors), timeouts: Number(row.timeouts),
        rateLimited: Number(row.rate_limited), clientErrors: Number(row.client_errors),
      };
      const tally = tallyOf(scopes[row.i]!.terms, counts, Number(row.counted_errors));
      if (row.kind === 'total') {
        state = toReadModelVersion({ cp_generation: row.cp_generation!, cp_tx: row.cp_tx!, cp_pos: row.cp_pos! });
        result.events = counts.successes + counts.errors + counts.timeouts + counts.rateLimited + counts.clientErrors;
        result.eligibleTotal.eligible += tally.eligible;
        result.eligibleTotal.failures += tally.failures;
      } else if (row.kind === 'excluded') {
        result.eligibleTotal.eligible -= tally.eligible;
        result.eligibleTotal.failures -= tally.failures;
      } else if (row.kind === 'minute') result.candidateMinutes.set(row.k!, tally);
      else result.windows.set(row.k!, tally);
    }
    return { state: state!, traffic: results.map(({ events, ...traffic }) => ({ events, traffic })) };
  }

  /**
   * The rollups' version now, and the days of the scopes' platforms and providers whose rollups
   * changed after `after` up to that version (one statement).
   */
  async changesSince(db: Kysely<DB>, scopes: readonly CacheScope[], after: LogPosition): Promise<{ state: ReadModelVersion; changes: RollupDayChange[] }> {
    const series = [...new Map(scopes.map((s) => [`${s.platform}\u0000${s.provider}`, { platform: s.platform, provider: s.provider }])).values()];
    const from = Math.min(...scopes.map((s) => s.from));
    const to = Math.max(...scopes.map((s) => s.to));
    return this.rollupChanges.daysChangedAfter(db, series, from, to, after);
  }
}

/** A contract period's parameters for the summary (of its stretch, if it has one); equal parameters give equal summaries. */
export function scopeParams({ terms, period, excluded, stretch }: TrafficScope) {
  const threshold = parseRatio(terms.policy.errorRateThreshold);
  const { start, end } = stretch ?? period;
  // The whole UTC hours inside the stretch (none when it is shorter than one); the rest are its edges.
  const fromHour = Math.ceil(start / HOUR_MS) * HOUR_MS;
  const toHour = Math.max(fromHour, Math.floor(end / HOUR_MS) * HOUR_MS);
  // Excluded ranges are summed apart and subtracted: only their parts inside the stretch.
  const ranges = excluded.ranges
    .map(([a, b]) => [Math.max(a, start / MINUTE_MS), Math.min(b, end / MINUTE_MS)] as const)
    .filter(([a, b]) => a < b);
  return {
    platform: terms.platform,
    provider: terms.provider,
    models: terms.models,
    from_at: new Date(start).toISOString(),
    to_at: new Date(end).toISOString(),
    from_hour: new Date(fromHour).toISOString(),
    to_hour: new Date(toHour).toISOString(),
    excluded: `{${ranges.map(([a, b]) => `[${iso(a)},${iso(b)})`).join(',')}}`,
    rl: terms.countRateLimited ? 1 : 0,
    ct: terms.countTimeouts ? 1 : 0,
    statuses: terms.errorStatuses,
    num: threshold.numerator,
    den: threshold.denominator,
    first_minute: period.start / MINUTE_MS,
    window_minutes: terms.policy.kind === 'AVERAGE_ERROR_RATE' ? terms.policy.windowMinutes : null,
  };
}

/**
 * How the statement reads the contracts' error statuses: not at all when none names any (the
 * scans stay index-only), as literal lookups when they all name the same (the service batches
 * contracts so), else per contract from its parameters.
 */
function statusesOf(params: readonly ReturnType<typeof scopeParams>[]): FailureRulesSql['errorStatuses'] {
  const lists = new Set(params.map((p) => (p.statuses === null ? null : p.statuses.join(','))));
  if (lists.size === 1) return params[0]!.statuses;
  return sql.ref('c.statuses');
}

/**
 * The pass over each contract's rows: its sums, the candidate minutes of its edges (duplicates
 * allowed: several models' rows of one minute may qualify) and its candidate hours. A batch runs it per contract (LATERAL); a
 * single contract gets it with its parameters inlined, so that Postgres may split the scan
 * among parallel workers. `statuses`: how error statuses are read (`statusesOf`).
 */
function scans(params: readonly ({ i: number } & ReturnType<typeof scopeParams>)[], statuses: FailureRulesSql['errorStatuses']) {
  const single = params.length === 1 ? params[0]! : null;
  const p = single === null
    ? {
        platform: sql`c.platform`, provider: sql`c.provider`, models: sql`c.models`, from: sql`c.from_at`, to: sql`c.to_at`,
        fromHour: sql`c.from_hour`, toHour: sql`c.to_hour`,
        rl: sql<number>`c.rl`, ct: sql<number>`c.ct`, statuses: sql<string[] | null>`c.statuses`, num: sql`c.num`, den: sql`c.den`,
      }
    : {
        platform: sql`${single.platform}::text`, provider: sql`${single.provider}::text`, models: sql`${single.models}::text[]`,
        from: sql`${single.from_at}::timestamptz`, to: sql`${single.to_at}::timestamptz`,
        fromHour: sql`${single.from_hour}::timestamptz`, toHour: sql`${single.to_hour}::timestamptz`,
        rl: sql<number>`${single.rl}::int`, ct: sql<number>`${single.ct}::int`, statuses: sql<string[] | null>`${single.statuses}::text[]`,
        num: sql`${single.num}::int8`, den: sql`${single.den}::int8`,
      };
  // A row's failures and eligible requests under the contract, in int8: a threshold has at most
  // 9 decimals (num ≤ den ≤ 10⁹) and each count fits an int4, so the products fit in int8 too.
  const rules: FailureRulesSql = { countRateLimited: p.rl, countTimeouts: p.ct, errorStatuses: statuses === null || Array.isArray(statuses) ? statuses : p.statuses };
  const { failures, eligible } = contractTallySql('r', rules);
  const key = (alias: string) => sql`${sql.ref(`${alias}.platform`)} = ${p.platform} AND ${sql.ref(`${alias}.provider`)} = ${p.provider}
    AND (cardinality(${p.models}) = 0 OR ${sql.ref(`${alias}.model`)} = ANY(${p.models}))`;
  const sums = (alias: string) => sql`${sql.raw(COUNTS.map((column) => `coalesce(sum(${alias}.${column}), 0)::int8 AS ${column}`).join(', '))},
    coalesce(sum(${countedErrorsSql(alias, rules.errorStatuses)}), 0)::int8 AS counted_errors`;
  // The hour's peak that bounds the contract's ratios: with rate-limited requests when it counts them.
  const peak = sql`(CASE WHEN ${p.rl} = 1 THEN h.peak_failure_rl_ppb ELSE h.peak_failure_ppb END)`;
  // The edges' rows, two index ranges; error statuses only when read (so that the scans stay index-only).
  const edgeColumns = sql.raw(`minute, ${COUNTS.join(', ')}${rules.errorStatuses === null ? '' : ', error_statuses'}`);
  const pass = sql`
    SELECT ${sql.raw(COUNTS.map((column) => `hours.${column} + edges.${column} AS ${column}`).join(', '))},
           hours.counted_errors + edges.counted_errors AS counted_errors, edges.candidates, hours.candidate_hours
    FROM (
      SELECT ${sums('h')}, array_agg(h.hour) FILTER (WHERE ${peak} * ${p.den} >= ${p.num} * 1000000000) AS candidate_hours
      FROM hour_rollups h
      WHERE ${key('h')} AND h.hour >= ${p.fromHour} AND h.hour < ${p.toHour}
    ) AS hours, (
      SELECT ${sums('r')}, array_agg(r.minute) FILTER (WHERE ${failures} > 0 AND ${failures} * ${p.den} >= ${p.num} * ${eligible}) AS candidates
      FROM (
        SELECT ${edgeColumns} FROM minute_rollups r WHERE ${key('r')} AND r.minute >= ${p.from} AND r.minute < least(${p.fromHour}, ${p.to})
        UNION ALL
        SELECT ${edgeColumns} FROM minute_rollups r WHERE ${key('r')} AND r.minute >= ${p.toHour} AND r.minute < ${p.to}
      ) AS r
    ) AS edges`;
  return single === null ? sql`SELECT c.i, s.* FROM c CROSS JOIN LATERAL (${pass}) AS s` : sql`SELECT ${single.i}::int AS i, s.* FROM (${pass}) AS s`;
}
