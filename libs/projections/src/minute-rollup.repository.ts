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
import { ALL_PLATFORMS, SeriesWindow, windowsTable } from './series-window';

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
  /** The stored rollups of each window's series (a platform's own: `platform` set) in its minutes. */
  async loadInWindows(db: Kysely<DB>, windows: readonly SeriesWindow[]): Promise<MinuteRollup[]> {
    if (windows.length === 0) return [];
    const { rows } = await sql<MinuteRollupRow>`
      SELECT r.* FROM ${windowsTable(windows)}
      -- A range of the key per window (OFFSET 0: see windowMinutes).
      CROSS JOIN LATERAL (
        SELECT * FROM minute_rollups r
        WHERE r.platform = w.platform AND r.provider = w.provider AND r.model = w.model
          AND r.minute >= w.from_minute AND r.minute < w.to_minute
        OFFSET 0
      ) AS r`.execute(db);
    return rows.map(fromRow);
  }

  /**
   * Writes a folded log's rollups (those `only` admits, when given), in key order, into the
   * minute_rollups that `client`'s search_path finds, as new rows. With `freeze`, the table must
   * have been created or emptied in the client's transaction (a rebuild's aside table).
   */
  async copyFolded(client: pg.ClientBase, log: FoldedLog, options: { freeze: boolean; only?: (rollup: number) => boolean }): Promise<void> {
    const copy = client.query(copyFrom(`COPY minute_rollups (${ROLLUP_COPY_COLUMNS}) FROM STDIN (FORMAT binary${options.freeze ? ', FREEZE' : ''})`));
    await pipeline(Readable.from(foldedRollupsCopy(log, options.only)), copy);
  }

  /** Writes whole rollups (already merged with what was stored), new or not. */
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

  /**
   * The minutes with events of each window's series, for outage derivation — counts summed over
   * platforms for a model's series — in one statement for all the windows.
   */
  async windowMinutes(db: Kysely<DB>, windows: readonly SeriesWindow[]): Promise<SeriesMinute[][]> {
    const found: SeriesMinute[][] = windows.map(() => []);
    if (windows.length === 0) return found;
    const { rows } = await sql<{
      window_no: string; minute: Date; successes: string; errors: string; timeouts: string; rate_limited: string; client_errors: string; failing: string[];
    }>`
      SELECT w.window_no, r.minute, sum(r.successes) AS successes, sum(r.errors) AS errors, sum(r.timeouts) AS timeouts,
             sum(r.rate_limited) AS rate_limited, sum(r.client_errors) AS client_errors,
             coalesce(array_agg(r.platform) FILTER (WHERE ${failuresSql('r')} > 0), '{}') AS failing
      FROM ${windowsTable(windows)}
      -- A lookup of the key per window: joined plainly, Postgres cannot know how narrow the windows
      -- are and hashes the whole table (OFFSET 0 keeps the subquery from being flattened into a join).
      CROSS JOIN LATERAL (
        SELECT minute, platform, successes, errors, timeouts, rate_limited, client_errors FROM minute_rollups r
        WHERE r.provider = w.provider AND r.model = w.model AND (w.platform = ${ALL_PLATFORMS} OR r.platform = w.platform)
          AND r.minute >= w.from_minute AND r.minute < w.to_minute
        OFFSET 0
      ) AS r
      GROUP BY w.window_no, r.minute
      ORDER BY w.window_no, r.minute`.execute(db);
    for (const r of rows) {
      found[Number(r.window_no) - 1]!.push({
        minute: minuteOf(r.minute.getTime()),
        counts: {
          successes: Number(r.successes),
          errors: Number(r.errors),
          timeouts: Number(r.timeouts),
          rateLimited: Number(r.rate_limited),
          clientErrors: Number(r.client_errors),
        },
        failingPlatforms: r.failing,
      });
    }
    return found;
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
