import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { LatencySketch, MINUTE_MS, minuteOf, OutcomeCounts, SeriesMinute } from '@ledger/domain';
import type { DB, MinuteRollupRow } from '@ledger/database';
import { bucketOf, LogPosition } from '@ledger/event-store';
import { MinuteRollup } from './minute-rollup';

/** A series: one model over all platforms (platform null), or one platform's traffic to it. */
export interface SeriesKey {
  provider: string;
  model: string;
  platform: string | null;
}

const toDate = (minute: number) => new Date(minute * MINUTE_MS);
const pgIntArray = (pairs: number[]) => `{${pairs.join(',')}}`;

/** The minute_rollups read model. */
@Injectable()
export class MinuteRollupRepository {
  /** The stored rollups for these keys (absent keys are simply missing from the result). */
  async load(db: Kysely<DB>, keys: readonly MinuteRollup[]): Promise<MinuteRollup[]> {
    if (keys.length === 0) return [];
    const { rows } = await sql<MinuteRollupRow>`
      SELECT r.* FROM minute_rollups r
      JOIN unnest(${keys.map((k) => k.provider)}::text[], ${keys.map((k) => k.model)}::text[],
                  ${keys.map((k) => k.platform)}::text[], ${keys.map((k) => toDate(k.minute).toISOString())}::timestamptz[])
        AS k(provider, model, platform, minute)
        ON r.provider = k.provider AND r.model = k.model AND r.platform = k.platform AND r.minute = k.minute`.execute(db);
    return rows.map(fromRow);
  }

  /**
   * Replays the log up to `end` into an empty minute_rollups in one statement: Postgres groups
   * the whole log by series and minute itself (counts, and sketch buckets of successful
   * requests), which is far faster than folding batch by batch. Used by rebuilds, on the aside
   * tables; the result is what incremental folding of the same events stores.
   */
  async replayLog(db: Kysely<DB>, end: LogPosition): Promise<number> {
    const upTo = sql`(transaction_id, global_position) <= (${end.transactionId.toString()}::xid8, ${end.globalPosition.toString()}::bigint)`;
    const sketch = (column: 'latency_ms' | 'ttft_ms') => sql`
      SELECT platform, provider, model, minute, array_agg(v ORDER BY b, o) AS pairs
      FROM (
        SELECT platform, provider, model, date_trunc('minute', occurred_at) AS minute, ${bucketOf(column)} AS b, count(*)::int AS c
        FROM outcome_events
        WHERE ${upTo} AND outcome = 'success' AND ${sql.ref(column)} IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5
      ) AS buckets CROSS JOIN LATERAL (VALUES (1, b), (2, c)) AS pair(o, v)
      GROUP BY 1, 2, 3, 4`;
    const { rows } = await sql<{ events: string }>`
      WITH counts AS (
        SELECT platform, provider, model, date_trunc('minute', occurred_at) AS minute,
          count(*) FILTER (WHERE outcome = 'success')::int AS successes,
          count(*) FILTER (WHERE outcome = 'error')::int AS errors,
          count(*) FILTER (WHERE outcome = 'timeout')::int AS timeouts,
          count(*) FILTER (WHERE outcome = 'rate_limited')::int AS rate_limited,
          count(*) FILTER (WHERE outcome = 'client_error')::int AS client_errors
        FROM outcome_events WHERE ${upTo}
        GROUP BY 1, 2, 3, 4
      ),
      inserted AS (
        INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch)
        SELECT c.provider, c.model, c.platform, c.minute, c.successes, c.errors, c.timeouts, c.rate_limited, c.client_errors,
               coalesce(l.pairs, '{}'), coalesce(t.pairs, '{}')
        FROM counts c
        LEFT JOIN (${sketch('latency_ms')}) AS l USING (platform, provider, model, minute)
        LEFT JOIN (${sketch('ttft_ms')}) AS t USING (platform, provider, model, minute)
        RETURNING successes + errors + timeouts + rate_limited + client_errors AS n
      )
      SELECT coalesce(sum(n), 0)::text AS events FROM inserted`.execute(db);
    return Number(rows[0]!.events);
  }

  /** Writes whole rollups (already merged with what was stored). */
  async upsert(db: Kysely<DB>, rollups: readonly MinuteRollup[]): Promise<void> {
    for (let start = 0; start < rollups.length; start += 5_000) {
      const chunk = rollups.slice(start, start + 5_000);
      await sql`
        INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited,
                                    client_errors, latency_sketch, ttft_sketch)
        SELECT provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors,
               latency::integer[], ttft::integer[]
        FROM unnest(${chunk.map((r) => r.provider)}::text[], ${chunk.map((r) => r.model)}::text[],
                    ${chunk.map((r) => r.platform)}::text[], ${chunk.map((r) => toDate(r.minute).toISOString())}::timestamptz[],
                    ${chunk.map((r) => r.counts.successes)}::int[], ${chunk.map((r) => r.counts.errors)}::int[],
                    ${chunk.map((r) => r.counts.timeouts)}::int[], ${chunk.map((r) => r.counts.rateLimited)}::int[],
                    ${chunk.map((r) => r.counts.clientErrors)}::int[],
                    ${chunk.map((r) => pgIntArray(r.latency.toPairs()))}::text[], ${chunk.map((r) => pgIntArray(r.ttft.toPairs()))}::text[])
          AS u(provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency, ttft)
        ON CONFLICT (provider, model, platform, minute) DO UPDATE SET
          successes = EXCLUDED.successes, errors = EXCLUDED.errors, timeouts = EXCLUDED.timeouts,
          rate_limited = EXCLUDED.rate_limited, client_errors = EXCLUDED.client_errors,
          latency_sketch = EXCLUDED.latency_sketch, ttft_sketch = EXCLUDED.ttft_sketch`.execute(db);
    }
  }

  /** A series' minutes with events in [from, to), for outage derivation: counts summed over platforms. */
  async seriesMinutes(db: Kysely<DB>, series: SeriesKey, from: number, to: number): Promise<SeriesMinute[]> {
    let query = db
      .selectFrom('minute_rollups')
      .select((eb) => [
        'minute',
        eb.fn.sum<string>('successes').as('successes'),
        eb.fn.sum<string>('errors').as('errors'),
        eb.fn.sum<string>('timeouts').as('timeouts'),
        eb.fn.sum<string>('rate_limited').as('rate_limited'),
        eb.fn.sum<string>('client_errors').as('client_errors'),
        sql<string[]>`coalesce(array_agg(platform) FILTER (WHERE errors + timeouts > 0), '{}')`.as('failing'),
      ])
      .where('provider', '=', series.provider)
      .where('model', '=', series.model)
      .where('minute', '>=', toDate(from))
      .where('minute', '<', toDate(to))
      .groupBy('minute')
      .orderBy('minute');
    if (series.platform !== null) query = query.where('platform', '=', series.platform);
    const rows = await query.execute();
    return rows.map((r) => ({
      minute: minuteOf(r.minute.getTime()),
      counts: {
        successes: Number(r.successes),
        errors: Number(r.errors),
        timeouts: Number(r.timeouts),
        rateLimited: Number(r.rate_limited),
        clientErrors: Number(r.client_errors),
      },
      failingPlatforms: r.failing,
    }));
  }

  /**
   * A contract's traffic in [from, to): one platform to one provider, summed over its models
   * (all when empty), per minute — only the minutes with failures when `failuresOnly` (enough
   * for DOWNTIME_MINUTES, where a minute without failures cannot be down) — and in total.
   */
  async contractMinutes(
    db: Kysely<DB>,
    scope: { platform: string; provider: string; models: readonly string[]; from: Date; to: Date; failuresOnly: boolean; countRateLimited: boolean },
  ): Promise<{ minutes: Map<number, OutcomeCounts>; events: number }> {
    const models = scope.models.length > 0 ? sql`AND model = ANY(${[...scope.models]}::text[])` : sql``;
    const failures = scope.countRateLimited ? sql`errors + timeouts + rate_limited` : sql`errors + timeouts`;
    // One scan: per-minute sums (minute as an epoch-minute integer, cheap to read) and a total row (minute null).
    const { rows } = await sql<{ m: number | null; s: number; e: number; t: number; r: number; c: number }>`
      WITH per_minute AS (
        SELECT (extract(epoch FROM minute) / 60)::int AS m, sum(successes)::int AS s, sum(errors)::int AS e,
               sum(timeouts)::int AS t, sum(rate_limited)::int AS r, sum(client_errors)::int AS c, sum(${failures})::int AS f
        FROM minute_rollups
        WHERE platform = ${scope.platform} AND provider = ${scope.provider} ${models}
          AND minute >= ${scope.from} AND minute < ${scope.to}
        GROUP BY minute
      )
      SELECT m, s, e, t, r, c FROM per_minute WHERE ${scope.failuresOnly} = false OR f > 0
      UNION ALL
      SELECT NULL, coalesce(sum(s), 0)::int, coalesce(sum(e), 0)::int, coalesce(sum(t), 0)::int, coalesce(sum(r), 0)::int, coalesce(sum(c), 0)::int
      FROM per_minute`.execute(db);
    const minutes = new Map<number, OutcomeCounts>();
    let events = 0;
    for (const r of rows) {
      const counts = { successes: r.s, errors: r.e, timeouts: r.t, rateLimited: r.r, clientErrors: r.c };
      if (r.m === null) events = r.s + r.e + r.t + r.r + r.c;
      else minutes.set(r.m, counts);
    }
    return { minutes, events };
  }

  /** Every series that has rollups: each model over all platforms, and each platform's traffic to it. */
  async allSeries(db: Kysely<DB>): Promise<SeriesKey[]> {
    const rows = await db.selectFrom('minute_rollups').select(['provider', 'model', 'platform']).distinct().execute();
    const models = new Map<string, SeriesKey>();
    for (const r of rows) models.set(`${r.provider}\u0000${r.model}`, { provider: r.provider, model: r.model, platform: null });
    return [...models.values(), ...rows];
  }

  /** Rollups of a provider in [from, to), optionally one model and one platform, for queries. */
  async range(
    db: Kysely<DB>,
    filter: { provider?: string | undefined; model?: string | undefined; platform?: string | undefined; from: Date; to: Date },
  ): Promise<MinuteRollup[]> {
    let query = db.selectFrom('minute_rollups').selectAll().where('minute', '>=', filter.from).where('minute', '<', filter.to);
    if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
    if (filter.model !== undefined) query = query.where('model', '=', filter.model);
    if (filter.platform !== undefined) query = query.where('platform', '=', filter.platform);
    return (await query.orderBy('minute').execute()).map(fromRow);
  }
}

export function fromRow(row: MinuteRollupRow): MinuteRollup {
  return {
    provider: row.provider,
    model: row.model,
    platform: row.platform,
    minute: minuteOf(row.minute.getTime()),
    counts: {
      successes: row.successes,
      errors: row.errors,
      timeouts: row.timeouts,
      rateLimited: row.rate_limited,
      clientErrors: row.client_errors,
    },
    latency: LatencySketch.fromPairs(row.latency_sketch),
    ttft: LatencySketch.fromPairs(row.ttft_sketch),
  };
}
