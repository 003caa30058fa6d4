import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { LatencySketch, MINUTE_MS, minuteOf, SeriesMinute } from '@ledger/domain';
import type { DB, MinuteRollupRow } from '@ledger/database';
import { failuresSql } from '@ledger/codec';
import type { FoldedLog } from './log-fold';
import { MinuteRollup } from './minute-rollup';
import { foldedRollupsCopy, ROLLUP_COPY_COLUMNS } from './rollup-copy';

/** A series: one model over all platforms (platform null), or one platform's traffic to it. */
export interface SeriesKey {
  provider: string;
  model: string;
  platform: string | null;
}

const toDate = (minute: number) => new Date(minute * MINUTE_MS);

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
   * Writes a folded log's rollups, in key order, into the minute_rollups that `client`'s
   * search_path finds — a rebuild's aside table, emptied in the client's transaction (COPY FREEZE).
   */
  async copyFolded(client: pg.ClientBase, log: FoldedLog): Promise<void> {
    const copy = client.query(copyFrom(`COPY minute_rollups (${ROLLUP_COPY_COLUMNS}) FROM STDIN (FORMAT binary, FREEZE)`));
    await pipeline(Readable.from(foldedRollupsCopy(log)), copy);
  }

  /** Writes whole rollups (already merged with what was stored). */
  async upsert(db: Kysely<DB>, rollups: readonly MinuteRollup[]): Promise<void> {
    for (let start = 0; start < rollups.length; start += 5_000) {
      const chunk = rollups.slice(start, start + 5_000);
      await sql`
        INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited,
                                    client_errors, latency_sketch, ttft_sketch)
        SELECT provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors,
               latency, ttft
        FROM unnest(${chunk.map((r) => r.provider)}::text[], ${chunk.map((r) => r.model)}::text[],
                    ${chunk.map((r) => r.platform)}::text[], ${chunk.map((r) => toDate(r.minute).toISOString())}::timestamptz[],
                    ${chunk.map((r) => r.counts.successes)}::int[], ${chunk.map((r) => r.counts.errors)}::int[],
                    ${chunk.map((r) => r.counts.timeouts)}::int[], ${chunk.map((r) => r.counts.rateLimited)}::int[],
                    ${chunk.map((r) => r.counts.clientErrors)}::int[],
                    ${chunk.map((r) => r.latency.toBytes())}::bytea[], ${chunk.map((r) => r.ttft.toBytes())}::bytea[])
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
        sql<string[]>`coalesce(array_agg(platform) FILTER (WHERE ${failuresSql(null)} > 0), '{}')`.as('failing'),
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
    latency: LatencySketch.fromBytes(row.latency_sketch),
    ttft: LatencySketch.fromBytes(row.ttft_sketch),
  };
}
