import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { eligibleSql, failuresSql } from '@ledger/codec';
import type { DB, MinuteRollupRow, VendorSummaryRow } from '@ledger/database';
import { HOUR, MinuteRange } from './window-plan';

/** A unit of summarizing: one provider's rollups in one hour or one UTC day. */
export interface SummaryUnit {
  provider: string;
  start: Date;
}

/** A summary row as the comparison reads it: its series, counts as numbers, sketches and minute mix as stored. */
export type SummaryRow = Pick<VendorSummaryRow, 'provider' | 'model' | 'latency_sketch' | 'ttft_sketch' | 'minute_mix'> &
  Record<'successes' | 'errors' | 'timeouts' | 'rate_limited' | 'client_errors', number>;

/** A minute rollup as the summaries read it: the stored row, its minute as an index since the epoch. */
export type RollupRow = Omit<MinuteRollupRow, 'minute' | 'error_statuses'> & {
  /** Minute index since the epoch. */
  minute: number;
};

/** A minute rollup read for a window's ragged edges (or a provider row over chosen models). */
export type EdgeRow = Omit<RollupRow, 'platform'>;

export interface OutageTotals {
  provider: string;
  model: string;
  count: number;
  minutes: number;
  longest: number;
}

/** One model's requests on one UTC day (days since the epoch), over all platforms. */
export interface DailyModelTotals {
  provider: string;
  model: string;
  day: number;
  successes: number;
  failures: number;
}

/** Which series a comparison reads: one platform ('' = all), optional providers and models. */
export interface SeriesFilter {
  platform: string;
  providers: readonly string[] | null;
  models: readonly string[] | null;
  /** Also the provider-wide rows (model ''). */
  providerRows: boolean;
}

const toDate = (minute: number) => new Date(minute * 60_000);
/** Summary rows per INSERT (see `write`). */
const WRITE_ROWS = 250;

/**
 * The vendor_summaries read model (see its migration): pre-merged hours and days of the minute
 * rollups per series, and the reads the vendor comparison makes. Summing stays in Postgres;
 * sketches and minute mixes travel as compact int4 bytes.
 */
@Injectable()
export class VendorSummaryRepository {
  /** Day (and block) rows exist for every UTC day before this; null before the first days were summarized. */
  async daysEnd(db: Kysely<DB>): Promise<Date | null> {
    const row = await db.selectFrom('vendor_summary_state').select('summarized_days_end').executeTakeFirst();
    return row?.summarized_days_end ?? null;
  }

  async saveDaysEnd(db: Kysely<DB>, end: Date): Promise<void> {
    await db.insertInto('vendor_summary_state').values({ summarized_days_end: end })
      .onConflict((oc) => oc.column('singleton').doUpdateSet({ summarized_days_end: end })).execute();
  }

  /** The first and last minute with rollups (null when there are none). */
  async extent(db: Kysely<DB>): Promise<{ first: Date; last: Date } | null> {
    const { rows } = await sql<{ first: Date | null; last: Date | null }>`SELECT min(minute) AS first, max(minute) AS last FROM minute_rollups`.execute(db);
    const r = rows[0]!;
    return r.first === null || r.last === null ? null : { first: r.first, last: r.last };
  }

  /** Each model's successes and failures (errors + timeouts) per UTC day over all platforms, from the hour rows in [from, to). */
  async dailyModelTotals(db: Kysely<DB>, from: Date, to: Date): Promise<DailyModelTotals[]> {
    const { rows } = await sql<{ provider: string; model: string; day: number; successes: string; failures: string }>`
      SELECT provider, model, floor(extract(epoch FROM start_minute) / 86400)::int AS day,
             sum(successes)::text AS successes, sum(${failuresSql(null)})::text AS failures
      FROM vendor_summaries
      WHERE platform = '' AND span_minutes = ${HOUR} AND model <> '' AND start_minute >= ${from} AND start_minute < ${to}
      GROUP BY 1, 2, 3`.execute(db);
    return rows.map((r) => ({ provider: r.provider, model: r.model, day: r.day, successes: Number(r.successes), failures: Number(r.failures) }));
  }

  /** Provider-days with hour rows in [from, to) (days that ended since the last refresh). */
  async daysWithHours(db: Kysely<DB>, from: Date, to: Date): Promise<SummaryUnit[]> {
    const { rows } = await sql<SummaryUnit>`
      SELECT DISTINCT provider, date_trunc('day', start_minute, 'UTC') AS start FROM vendor_summaries
      WHERE platform = '' AND span_minutes = ${HOUR} AND model = '' AND start_minute >= ${from} AND start_minute < ${to}`.execute(db);
    return rows;
  }

  /**
   * The minute rollups in [from, to) — of every provider, or only of these provider-hours — to
   * summarize (summary-hours.ts). Callers keep [from, to) short: it bounds the scan.
   */
  async rollupsToSummarize(db: Kysely<DB>, range: { from: Date; to: Date }, units: readonly SummaryUnit[] | 'all'): Promise<RollupRow[]> {
    const only = units === 'all' ? sql`` : sql`
      AND (provider, date_trunc('hour', minute, 'UTC')) IN (
        SELECT * FROM unnest(${units.map((u) => u.provider)}::text[], ${units.map((u) => u.start.toISOString())}::timestamptz[]))`;
    const { rows } = await sql<RollupRow>`
      SELECT platform, provider, model, (extract(epoch FROM minute) / 60)::int AS minute, successes, errors, timeouts, rate_limited, client_errors,
             latency_sketch, ttft_sketch
      FROM minute_rollups
      WHERE minute >= ${range.from} AND minute < ${range.to} ${only}`.execute(db);
    return rows;
  }

  /** Summary rows of the chosen series for these spans (each a list of minute ranges of whole spans). */
  async read(db: Kysely<DB>, filter: SeriesFilter, spans: readonly { span: number; ranges: readonly MinuteRange[] }[]): Promise<SummaryRow[]> {
    const within = spans.flatMap(({ span, ranges }) =>
      ranges.map((r) => sql`(span_minutes = ${span} AND start_minute >= ${toDate(r[0])} AND start_minute < ${toDate(r[1])})`));
    if (within.length === 0) return [];
    const { rows } = await sql<SummaryRow>`
      SELECT provider, model, successes::float8 AS successes, errors::float8 AS errors, timeouts::float8 AS timeouts,
             rate_limited::float8 AS rate_limited, client_errors::float8 AS client_errors, latency_sketch, ttft_sketch, minute_mix
      FROM vendor_summaries
      WHERE platform = ${filter.platform} AND (${sql.join(within, sql` OR `)}) AND ${seriesCondition(filter)}`.execute(db);
    return rows;
  }

  /** Every row of one span starting in [from, to), of every series (to merge into a coarser span). */
  async rowsOf(db: Kysely<DB>, spanMinutes: number, from: Date, to: Date): Promise<(SummaryRow & { platform: string })[]> {
    const { rows } = await sql<SummaryRow & { platform: string }>`
      SELECT platform, provider, model, successes::float8 AS successes, errors::float8 AS errors, timeouts::float8 AS timeouts,
             rate_limited::float8 AS rate_limited, client_errors::float8 AS client_errors, latency_sketch, ttft_sketch, minute_mix
      FROM vendor_summaries WHERE span_minutes = ${spanMinutes} AND start_minute >= ${from} AND start_minute < ${to}`.execute(db);
    return rows;
  }

  /**
   * Writes whole summary rows of one span, each at its start (merged in Node from finer ones), a
   * few hundred per statement: a statement's parameters are serialized in one go, and the API
   * this process also serves waits for no longer than a few hundred rows take.
   */
  async write(db: Kysely<DB>, spanMinutes: number, rows: readonly (SummaryRow & { platform: string; start: Date })[]): Promise<void> {
    for (let at = 0; at < rows.length; at += WRITE_ROWS) await this.writeChunk(db, spanMinutes, rows.slice(at, at + WRITE_ROWS));
  }

  private async writeChunk(db: Kysely<DB>, spanMinutes: number, rows: readonly (SummaryRow & { platform: string; start: Date })[]): Promise<void> {
    await sql`
      INSERT INTO vendor_summaries (platform, span_minutes, start_minute, provider, model, successes, errors, timeouts, rate_limited, client_errors,
                                    latency_sketch, ttft_sketch, minute_mix)
      SELECT platform, ${spanMinutes}::int, start_minute, provider, model, s, e, t, rl, ce, l, tt, mm
      FROM unnest(${rows.map((r) => r.start.toISOString())}::timestamptz[],
                  ${rows.map((r) => r.platform)}::text[], ${rows.map((r) => r.provider)}::text[], ${rows.map((r) => r.model)}::text[],
                  ${rows.map((r) => r.successes)}::bigint[], ${rows.map((r) => r.errors)}::bigint[], ${rows.map((r) => r.timeouts)}::bigint[],
                  ${rows.map((r) => r.rate_limited)}::bigint[], ${rows.map((r) => r.client_errors)}::bigint[],
                  ${rows.map((r) => r.latency_sketch)}::bytea[], ${rows.map((r) => r.ttft_sketch)}::bytea[], ${rows.map((r) => r.minute_mix)}::bytea[])
        AS u(start_minute, platform, provider, model, s, e, t, rl, ce, l, tt, mm)
      ON CONFLICT (platform, span_minutes, start_minute, provider, model) DO UPDATE SET
        successes = EXCLUDED.successes, errors = EXCLUDED.errors, timeouts = EXCLUDED.timeouts, rate_limited = EXCLUDED.rate_limited,
        client_errors = EXCLUDED.client_errors, latency_sketch = EXCLUDED.latency_sketch, ttft_sketch = EXCLUDED.ttft_sketch,
        minute_mix = EXCLUDED.minute_mix`.execute(db);
  }

  /** Minute rollups of the chosen models in the ragged edges of a window (each a range of minutes). */
  async edges(db: Kysely<DB>, filter: SeriesFilter, ranges: readonly MinuteRange[]): Promise<EdgeRow[]> {
    if (ranges.length === 0) return [];
    const within = sql.join(ranges.map((r) => sql`(minute >= ${toDate(r[0])} AND minute < ${toDate(r[1])})`), sql` OR `);
    const { rows } = await sql<EdgeRow>`
      SELECT provider, model, (extract(epoch FROM minute) / 60)::int AS minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch
      FROM minute_rollups
      WHERE (${within}) ${filter.platform === '' ? sql`` : sql`AND platform = ${filter.platform}`} ${modelCondition(filter)}`.execute(db);
    return rows;
  }

  /**
   * For provider rows over chosen models: each provider's (failures, eligible) per minute of the
   * window summed over those models, counted per distinct pair.
   */
  async providerMinuteMix(db: Kysely<DB>, filter: SeriesFilter, range: MinuteRange): Promise<{ provider: string; f: number; e: number; n: number }[]> {
    const { rows } = await sql<{ provider: string; f: number; e: number; n: number }>`
      SELECT provider, f::float8 AS f, e::float8 AS e, count(*)::int AS n
      FROM (SELECT provider, sum(${failuresSql(null)}) AS f, sum(${eligibleSql(null)}) AS e
            FROM minute_rollups
            WHERE minute >= ${toDate(range[0])} AND minute < ${toDate(range[1])}
              ${filter.platform === '' ? sql`` : sql`AND platform = ${filter.platform}`} ${modelCondition(filter)}
            GROUP BY provider, minute) AS per_minute
      WHERE e > 0
      GROUP BY 1, 2, 3`.execute(db);
    return rows;
  }

  /** Count, total and longest duration (minutes) of each model's outages starting in [from, to). */
  async outageTotals(db: Kysely<DB>, filter: SeriesFilter, range: MinuteRange): Promise<OutageTotals[]> {
    const { rows } = await sql<OutageTotals>`
      SELECT provider, model, count(*)::int AS count,
             sum(extract(epoch FROM end_minute - start_minute) / 60)::float8 AS minutes,
             max(extract(epoch FROM end_minute - start_minute) / 60)::float8 AS longest
      FROM outages
      WHERE platform = ${filter.platform} AND start_minute >= ${toDate(range[0])} AND start_minute < ${toDate(range[1])} ${modelCondition(filter)}
      GROUP BY provider, model`.execute(db);
    return rows;
  }
}

function modelCondition(filter: SeriesFilter) {
  const providers = filter.providers ? sql`AND provider = ANY(${[...filter.providers]}::text[])` : sql``;
  const models = filter.models ? sql`AND model = ANY(${[...filter.models]}::text[])` : sql``;
  return sql`${providers} ${models}`;
}

/** Model rows of the chosen models, and provider rows (model '') when wanted and no model subset is chosen. */
function seriesCondition(filter: SeriesFilter) {
  const providers = filter.providers ? sql`provider = ANY(${[...filter.providers]}::text[])` : sql`true`;
  const modelRows = filter.models ? sql`model = ANY(${[...filter.models]}::text[])` : sql`model <> ''`;
  const providerRows = filter.providerRows && filter.models === null ? sql`OR model = ''` : sql``;
  return sql`${providers} AND (${modelRows} ${providerRows})`;
}
