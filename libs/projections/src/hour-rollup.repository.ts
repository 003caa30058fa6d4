import { Injectable } from '@nestjs/common';
import { Kysely, Selectable, sql } from 'kysely';
import { MINUTE_MS } from '@ledger/domain';
import type { DB, HourRollupTable, MinuteRollupRow } from '@ledger/database';
import { changedHour, HourSums, MinuteChange, MinuteSums, summedHour } from './hour-sums';

/** One series' hour: a platform's traffic to one model, from `hour` (epoch minutes, a multiple of 60). */
export interface SeriesHour {
  platform: string;
  provider: string;
  model: string;
  hour: number;
}

/** A series' hour and its sums, to write. */
export interface SummedHour {
  hour: SeriesHour;
  sums: HourSums;
}

type HourRow = Selectable<HourRollupTable>;

/** ceil(10⁹ × failures / (successes + failures)) of a minute rollup `m`, 0 when it has neither (`minutePeakPpb`). */
const peakPpb = (failures: string) => `max(CASE WHEN m.successes + ${failures} = 0 THEN 0
  ELSE ((${failures})::int8 * 1000000000 + m.successes + ${failures} - 1) / (m.successes::int8 + ${failures}) END)`;

/** An hour's row from its minute rollups `m`, in SQL (`summedHour` in Node). */
const HOUR_SUMS = sql`
  sum(m.successes) AS successes, sum(m.errors) AS errors, sum(m.timeouts) AS timeouts,
  sum(m.rate_limited) AS rate_limited, sum(m.client_errors) AS client_errors,
  (SELECT jsonb_object_agg(s.key, s.n) FROM (
     SELECT e.key, sum(e.value::int8) AS n FROM unnest(array_agg(m.error_statuses)) AS j(statuses), jsonb_each_text(j.statuses) AS e GROUP BY e.key
   ) AS s) AS error_statuses,
  ${sql.raw(peakPpb('m.errors + m.timeouts'))} AS peak_failure_ppb,
  ${sql.raw(peakPpb('m.errors + m.timeouts + m.rate_limited'))} AS peak_failure_rl_ppb`;

const COLUMNS = 'platform, provider, hour, model, successes, errors, timeouts, rate_limited, client_errors, error_statuses, peak_failure_ppb, peak_failure_rl_ppb';
const UPDATE_ALL = sql.raw(COLUMNS.split(', ').slice(4).map((column) => `${column} = EXCLUDED.${column}`).join(', '));

const isoOf = (minute: number) => new Date(minute * MINUTE_MS).toISOString();
const hourKey = (h: SeriesHour) => `${h.platform}\u0000${h.provider}\u0000${h.model}\u0000${h.hour}`;
const seriesHourOf = (row: HourRow): SeriesHour => ({ platform: row.platform, provider: row.provider, model: row.model, hour: row.hour.getTime() / MINUTE_MS });
const sumsOf = (row: HourRow): HourSums => ({
  counts: {
    successes: Number(row.successes), errors: Number(row.errors), timeouts: Number(row.timeouts),
    rateLimited: Number(row.rate_limited), clientErrors: Number(row.client_errors),
  },
  errorStatuses: row.error_statuses,
  peakPpb: Number(row.peak_failure_ppb),
  peakRlPpb: Number(row.peak_failure_rl_ppb),
});

/**
 * hour_rollups: the minute rollups summed per series and UTC hour, kept by the timeline in the
 * transaction of its fold, so that contract reports read ~60 times fewer rows. A rebuild sums
 * them from the rebuilt minutes. A fold sums the hours whose minutes it loaded whole
 * (batch-merge.ts) and changes the others by the difference its minutes made, so its cost
 * follows the batch, not the hours' length.
 */
@Injectable()
export class HourRollupRepository {
  /**
   * Writes a fold's hours: those it summed from their minutes as they are; the others (partly
   * outside what the fold loaded) are read, changed by the difference of their changed minutes
   * (hour-sums.ts) and written back, and those whose peak minute went down (in live traffic,
   * often the minute still filling) are summed again from all their minutes.
   */
  async apply(db: Kysely<DB>, summed: readonly SummedHour[], changed: readonly { hour: SeriesHour; changes: readonly MinuteChange[] }[]): Promise<void> {
    const stored = new Map((await this.load(db, changed.map((c) => c.hour))).map((row) => [hourKey(seriesHourOf(row)), sumsOf(row)]));
    const written = [...summed];
    const rescans: SeriesHour[] = [];
    for (const { hour, changes } of changed) {
      const sums = changedHour(stored.get(hourKey(hour)) ?? null, changes);
      if (sums === 'rescan') rescans.push(hour);
      else written.push({ hour, sums });
    }
    await this.write(db, written);
    await this.resum(db, rescans);
  }

  private async load(db: Kysely<DB>, hours: readonly SeriesHour[]): Promise<HourRow[]> {
    const rows: HourRow[] = [];
    if (hours.length === 0) return rows;
    for (let start = 0; start < hours.length; start += 5_000) {
      const chunk = hours.slice(start, start + 5_000);
      const { rows: found } = await sql<HourRow>`
        SELECT h.* FROM unnest(${chunk.map((h) => h.platform)}::text[], ${chunk.map((h) => h.provider)}::text[], ${chunk.map((h) => h.model)}::text[],
                               ${chunk.map((h) => isoOf(h.hour))}::timestamptz[]) AS t(platform, provider, model, hour)
        -- A key lookup per hour, whatever the planner estimates for the list (OFFSET 0 keeps it from becoming a join).
        CROSS JOIN LATERAL (
          SELECT * FROM hour_rollups h WHERE h.platform = t.platform AND h.provider = t.provider AND h.hour = t.hour AND h.model = t.model OFFSET 0
        ) AS h`.execute(db);
      rows.push(...found);
    }
    return rows;
  }

  /** Writes hours as summed, new or not; `empty`: into a table without them (a rebuild's, whose key is indexed after loading). */
  async write(db: Kysely<DB>, hours: readonly SummedHour[], options: { empty?: boolean } = {}): Promise<void> {
    const onConflict = options.empty === true ? sql`` : sql`ON CONFLICT (platform, provider, hour, model) DO UPDATE SET ${UPDATE_ALL}`;
    for (let start = 0; start < hours.length; start += 5_000) {
      const chunk = hours.slice(start, start + 5_000);
      const column = <T>(value: (h: SummedHour) => T) => chunk.map(value);
      await sql`
        INSERT INTO hour_rollups (${sql.raw(COLUMNS)})
        SELECT * FROM unnest(${column((h) => h.hour.platform)}::text[], ${column((h) => h.hour.provider)}::text[], ${column((h) => isoOf(h.hour.hour))}::timestamptz[],
                             ${column((h) => h.hour.model)}::text[], ${column((h) => h.sums.counts.successes)}::int8[], ${column((h) => h.sums.counts.errors)}::int8[],
                             ${column((h) => h.sums.counts.timeouts)}::int8[], ${column((h) => h.sums.counts.rateLimited)}::int8[],
                             ${column((h) => h.sums.counts.clientErrors)}::int8[],
                             ${column((h) => (h.sums.errorStatuses === null ? null : JSON.stringify(h.sums.errorStatuses)))}::jsonb[],
                             ${column((h) => h.sums.peakPpb)}::int8[], ${column((h) => h.sums.peakRlPpb)}::int8[])
        ${onConflict}`.execute(db);
    }
  }

  /** Sums the given series' hours again from all their minutes. */
  private async resum(db: Kysely<DB>, hours: readonly SeriesHour[]): Promise<void> {
    if (hours.length === 0) return;
    const { rows } = await sql<MinuteRollupRow>`
      SELECT m.* FROM unnest(${hours.map((h) => h.platform)}::text[], ${hours.map((h) => h.provider)}::text[], ${hours.map((h) => h.model)}::text[],
                  ${hours.map((h) => isoOf(h.hour))}::timestamptz[]) AS t(platform, provider, model, hour)
      -- A range of the key per hour (OFFSET 0: as in loadInWindows), never a scan of the whole table.
      CROSS JOIN LATERAL (
        SELECT m.platform, m.provider, m.model, m.minute, m.successes, m.errors, m.timeouts, m.rate_limited, m.client_errors, m.error_statuses
        FROM minute_rollups m
        WHERE m.platform = t.platform AND m.provider = t.provider AND m.minute >= t.hour AND m.minute < t.hour + interval '1 hour' AND m.model = t.model
        OFFSET 0
      ) AS m`.execute(db);
    const minutes = new Map<string, MinuteSums[]>();
    for (const row of rows) {
      const key = hourKey({ ...row, hour: Math.floor(row.minute.getTime() / MINUTE_MS / 60) * 60 });
      const counts = { successes: row.successes, errors: row.errors, timeouts: row.timeouts, rateLimited: row.rate_limited, clientErrors: row.client_errors };
      const list = minutes.get(key);
      if (list === undefined) minutes.set(key, [{ counts, errorStatuses: row.error_statuses }]);
      else list.push({ counts, errorStatuses: row.error_statuses });
    }
    await this.write(db, hours.map((hour) => ({ hour, sums: summedHour(minutes.get(hourKey(hour)) ?? []) })));
  }

  /**
   * Sums every hour of minute_rollups into an empty hour_rollups, in SQL: for databases whose
   * minute rollups were written without the timeline (test fixtures, benchmarks). The timeline
   * sums in Node (hour-sums.ts); a test holds the two equal.
   */
  async sumAllFromMinutes(db: Kysely<DB>): Promise<void> {
    await sql`
      INSERT INTO hour_rollups (${sql.raw(COLUMNS)})
      SELECT m.platform, m.provider, to_timestamp(floor(extract(epoch FROM m.minute) / 3600) * 3600) AS hour, m.model, ${HOUR_SUMS}
      FROM minute_rollups m
      GROUP BY 1, 2, 3, 4`.execute(db);
  }
}
