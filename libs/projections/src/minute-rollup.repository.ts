import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { failuresOf, LatencySketch, MINUTE_MS, minuteOf, OutcomeCounts, SeriesMinute } from '@ledger/domain';
import type { DB, MinuteRollupRow } from '@ledger/database';
import type { FoldedLog } from './log-fold';
import { MinuteRollup } from './minute-rollup';
import { foldedRollupsCopy, ROLLUP_COPY_COLUMNS } from './rollup-copy';
import { SeriesWindow, windowsTable } from './series-window';

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
                                    client_errors, latency_sketch, ttft_sketch, error_statuses)
        SELECT provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors,
               latency, ttft, statuses
        FROM unnest(${chunk.map((r) => r.provider)}::text[], ${chunk.map((r) => r.model)}::text[],
                    ${chunk.map((r) => r.platform)}::text[], ${chunk.map((r) => toDate(r.minute).toISOString())}::timestamptz[],
                    ${chunk.map((r) => r.counts.successes)}::int[], ${chunk.map((r) => r.counts.errors)}::int[],
                    ${chunk.map((r) => r.counts.timeouts)}::int[], ${chunk.map((r) => r.counts.rateLimited)}::int[],
                    ${chunk.map((r) => r.counts.clientErrors)}::int[],
                    ${chunk.map((r) => r.latency.toBytes())}::bytea[], ${chunk.map((r) => r.ttft.toBytes())}::bytea[],
                    ${chunk.map((r) => (r.errorStatuses === null ? null : JSON.stringify(r.errorStatuses)))}::jsonb[])
          AS u(provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency, ttft, statuses)
        ON CONFLICT (provider, model, platform, minute) DO UPDATE SET
          successes = EXCLUDED.successes, errors = EXCLUDED.errors, timeouts = EXCLUDED.timeouts,
          rate_limited = EXCLUDED.rate_limited, client_errors = EXCLUDED.client_errors,
          latency_sketch = EXCLUDED.latency_sketch, ttft_sketch = EXCLUDED.ttft_sketch, error_statuses = EXCLUDED.error_statuses`.execute(db);
    }
  }

  /**
   * The minutes with events of each window's series, for outage derivation — counts summed over
   * platforms for a model's series — in one statement for all the windows. The windows of one
   * model (its own and its platforms', which mostly overlap) are read as their union, every
   * platform's rollups once, and cut and summed here: half the rows of reading each window, and
   * no grouping in Postgres.
   */
  async windowMinutes(db: Kysely<DB>, windows: readonly SeriesWindow[]): Promise<SeriesMinute[][]> {
    const hulls = modelHulls(windows);
    const rows = hulls.length === 0 ? [] : (await sql<{ hull_no: string; minute: number } & Omit<MinuteRollupRow, 'minute' | 'provider' | 'model' | 'latency_sketch' | 'ttft_sketch'>>`
      SELECT w.window_no AS hull_no, (extract(epoch FROM r.minute) / 60)::int AS minute, r.platform,
             r.successes, r.errors, r.timeouts, r.rate_limited, r.client_errors
      FROM ${windowsTable(hulls)}
      -- A range of the key per hull: joined plainly, Postgres cannot know how narrow the ranges are
      -- and hashes the whole table (OFFSET 0 keeps the subquery from being flattened into a join).
      CROSS JOIN LATERAL (
        SELECT minute, platform, successes, errors, timeouts, rate_limited, client_errors FROM minute_rollups r
        WHERE r.provider = w.provider AND r.model = w.model AND r.minute >= w.from_minute AND r.minute < w.to_minute
        OFFSET 0
      ) AS r
      ORDER BY w.window_no, r.minute, r.platform`.execute(db)).rows;
    // Each hull's rows, in minute order.
    const ofHull: (typeof rows)[] = hulls.map(() => []);
    for (const r of rows) ofHull[Number(r.hull_no) - 1]!.push(r);
    return windows.map((w) => {
      const hull = hulls.findIndex((h) => h.series.provider === w.series.provider && h.series.model === w.series.model && h.from <= w.from && w.to <= h.to);
      const within = ofHull[hull]!;
      const found: SeriesMinute[] = [];
      for (let i = firstAtOrAfter(within, w.from); i < within.length && within[i]!.minute < w.to; i++) {
        const r = within[i]!;
        if (w.series.platform !== null && r.platform !== w.series.platform) continue;
        const counts = { successes: r.successes, errors: r.errors, timeouts: r.timeouts, rateLimited: r.rate_limited, clientErrors: r.client_errors };
        const last = found.at(-1);
        if (last?.minute === r.minute) {
          addCounts(last.counts, counts);
          if (failuresOf(counts) > 0) (last.failingPlatforms as string[]).push(r.platform);
        } else found.push({ minute: r.minute, counts, failingPlatforms: failuresOf(counts) > 0 ? [r.platform] : [] });
      }
      return found;
    });
  }

  /** Every series that has rollups: each model over all platforms, and each platform's traffic to it. */
  async allSeries(db: Kysely<DB>): Promise<SeriesKey[]> {
    const rows = await db.selectFrom('minute_rollups').select(['provider', 'model', 'platform']).distinct().execute();
    const models = new Map<string, SeriesKey>();
    for (const r of rows) models.set(`${r.provider}\u0000${r.model}`, { provider: r.provider, model: r.model, platform: null });
    return [...models.values(), ...rows];
  }

  /** The models of a provider with events from any platform in [from, to), by name. */
  async modelsIn(db: Kysely<DB>, provider: string, from: Date, to: Date): Promise<string[]> {
    const rows = await db.selectFrom('minute_rollups').select('model').distinct()
      .where('provider', '=', provider).where('minute', '>=', from).where('minute', '<', to).orderBy('model').execute();
    return rows.map((r) => r.model);
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
    errorStatuses: row.error_statuses,
  };
}

/**
 * Per model, the union of its windows (its own series' and its platforms'), as model windows:
 * overlapping or touching windows become one range.
 */
function modelHulls(windows: readonly SeriesWindow[]): SeriesWindow[] {
  const byModel = new Map<string, SeriesWindow[]>();
  for (const w of windows) {
    const key = `${w.series.provider}\u0000${w.series.model}`;
    const list = byModel.get(key);
    if (list === undefined) byModel.set(key, [w]);
    else list.push(w);
  }
  const hulls: SeriesWindow[] = [];
  for (const list of byModel.values()) {
    const { provider, model } = list[0]!.series;
    let current: SeriesWindow | undefined;
    for (const w of [...list].sort((a, b) => a.from - b.from)) {
      if (current !== undefined && w.from <= current.to) current.to = Math.max(current.to, w.to);
      else hulls.push((current = { series: { provider, model, platform: null }, from: w.from, to: w.to }));
    }
  }
  return hulls;
}

/** The index of the first row at or after `minute` in rows sorted by minute. */
function firstAtOrAfter(rows: readonly { minute: number }[], minute: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.minute < minute) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function addCounts(into: OutcomeCounts, c: OutcomeCounts): void {
  into.successes += c.successes;
  into.errors += c.errors;
  into.timeouts += c.timeouts;
  into.rateLimited += c.rateLimited;
  into.clientErrors += c.clientErrors;
}
