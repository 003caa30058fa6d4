import { Injectable } from '@nestjs/common';
import { Kysely, sql, Transaction } from 'kysely';
import type { DB } from '@ledger/database';
import { DAY_MS } from '@ledger/domain';
import type { LogPosition } from '@ledger/event-store';
import { ReadModelVersion, readModelVersion, TIMELINE_PROJECTION, toReadModelVersion } from './checkpoint.repository';

/** A provider's UTC hour whose minute rollups changed. */
export interface ProviderHour {
  provider: string;
  start: Date;
}

/** The first and last epoch minute of a provider whose minute rollups a batch changed. */
export interface ProviderMinutes {
  provider: string;
  first: number;
  last: number;
}

/** A platform's and provider's UTC day whose minute rollups changed. */
export interface RollupDay {
  platform: string;
  provider: string;
  /** The day's start (UTC midnight), epoch ms. */
  day: number;
}

/** A day's rollups, and where in the log the timeline last changed them. */
export interface RollupDayChange extends RollupDay {
  position: LogPosition;
}

/**
 * The provider-hours each timeline batch changed (rollup_changes), keyed by the batch's end: the
 * timeline records them in its batch's transaction, and the projection that follows it takes
 * them in its own, so that it need not read those events from the log again.
 */
@Injectable()
export class RollupChangeRepository {
  /** Records the hours a batch ending at `end` changed. */
  async record(trx: Transaction<DB>, end: LogPosition, hours: readonly ProviderHour[]): Promise<void> {
    if (hours.length === 0) return;
    await sql`
      INSERT INTO rollup_changes (transaction_id, global_position, provider, hour)
      SELECT ${end.transactionId.toString()}::xid8, ${end.globalPosition.toString()}::bigint, provider, hour
      FROM unnest(${hours.map((h) => h.provider)}::text[], ${hours.map((h) => h.start.toISOString())}::timestamptz[]) AS u(provider, hour)
      ON CONFLICT DO NOTHING`.execute(trx);
  }

  /** Removes and returns the hours changed by the batches ending in (after, end], each hour once, by time. */
  async take(trx: Transaction<DB>, after: LogPosition, end: LogPosition): Promise<ProviderHour[]> {
    const { rows } = await sql<{ provider: string; hour: Date }>`
      WITH taken AS (
        DELETE FROM rollup_changes
        WHERE (transaction_id, global_position) > (${after.transactionId.toString()}::xid8, ${after.globalPosition.toString()}::bigint)
          AND (transaction_id, global_position) <= (${end.transactionId.toString()}::xid8, ${end.globalPosition.toString()}::bigint)
        RETURNING provider, hour)
      SELECT DISTINCT provider, hour FROM taken ORDER BY hour, provider`.execute(trx);
    return rows.map((r) => ({ provider: r.provider, start: r.hour }));
  }

  /** Moves the days a batch ending at `end` changed to `end` (rollup_day_changes: one row per day, kept). */
  async recordDays(trx: Transaction<DB>, end: LogPosition, days: readonly RollupDay[]): Promise<void> {
    if (days.length === 0) return;
    await sql`
      INSERT INTO rollup_day_changes (platform, provider, day, transaction_id, global_position)
      SELECT platform, provider, day, ${end.transactionId.toString()}::xid8, ${end.globalPosition.toString()}::bigint
      FROM unnest(${days.map((d) => d.platform)}::text[], ${days.map((d) => d.provider)}::text[], ${days.map((d) => new Date(d.day).toISOString())}::timestamptz[])
        AS u(platform, provider, day)
      ON CONFLICT (platform, provider, day) DO UPDATE SET transaction_id = excluded.transaction_id, global_position = excluded.global_position`.execute(trx);
  }

  /**
   * The timeline's version now and, read in the same statement, the days of these platforms and
   * providers in [from, to) (epoch ms; a day counts when it overlaps) changed after `after`.
   */
  async daysChangedAfter(
    db: Kysely<DB>, series: readonly { platform: string; provider: string }[], from: number, to: number, after: LogPosition,
  ): Promise<{ state: ReadModelVersion; changes: RollupDayChange[] }> {
    const { rows } = await sql<{ cp_generation: bigint; cp_tx: bigint; cp_pos: bigint; platform: string | null; provider: string; day: Date; transaction_id: bigint; global_position: bigint }>`
      SELECT state.*, c.* FROM (${readModelVersion(TIMELINE_PROJECTION)}) AS state LEFT JOIN LATERAL (
        SELECT platform, provider, day, transaction_id, global_position FROM rollup_day_changes
        WHERE (platform, provider) IN (SELECT * FROM unnest(${series.map((s) => s.platform)}::text[], ${series.map((s) => s.provider)}::text[]))
          AND day > ${new Date(from - DAY_MS).toISOString()}::timestamptz AND day < ${new Date(to).toISOString()}::timestamptz
          AND (transaction_id, global_position) > (${after.transactionId.toString()}::xid8, ${after.globalPosition.toString()}::bigint)
      ) AS c ON true`.execute(db);
    return {
      state: toReadModelVersion(rows[0]!),
      changes: rows.filter((r) => r.platform !== null).map((r) => ({
        platform: r.platform!, provider: r.provider, day: r.day.getTime(), position: { transactionId: BigInt(r.transaction_id), globalPosition: BigInt(r.global_position) },
      })),
    };
  }

  /** Records the span of minutes per provider a batch ending at `end` changed (alert_rollup_changes, for the alerts). */
  async recordMinuteSpans(trx: Transaction<DB>, end: LogPosition, spans: readonly ProviderMinutes[]): Promise<void> {
    if (spans.length === 0) return;
    await sql`
      INSERT INTO alert_rollup_changes (transaction_id, global_position, provider, first_minute, last_minute)
      SELECT ${end.transactionId.toString()}::xid8, ${end.globalPosition.toString()}::bigint, provider, first_minute, last_minute
      FROM unnest(${spans.map((s) => s.provider)}::text[], ${spans.map((s) => s.first)}::int[], ${spans.map((s) => s.last)}::int[]) AS u(provider, first_minute, last_minute)
      ON CONFLICT DO NOTHING`.execute(trx);
  }

  /** Removes and returns the spans of the batches ending in (after, end], merged per provider. */
  async takeMinuteSpans(trx: Transaction<DB>, after: LogPosition, end: LogPosition): Promise<ProviderMinutes[]> {
    const { rows } = await sql<{ provider: string; first: number; last: number }>`
      WITH taken AS (
        DELETE FROM alert_rollup_changes
        WHERE (transaction_id, global_position) > (${after.transactionId.toString()}::xid8, ${after.globalPosition.toString()}::bigint)
          AND (transaction_id, global_position) <= (${end.transactionId.toString()}::xid8, ${end.globalPosition.toString()}::bigint)
        RETURNING provider, first_minute, last_minute)
      SELECT provider, min(first_minute) AS first, max(last_minute) AS last FROM taken GROUP BY provider ORDER BY provider`.execute(trx);
    return rows;
  }
}
