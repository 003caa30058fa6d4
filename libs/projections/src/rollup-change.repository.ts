import { Injectable } from '@nestjs/common';
import { sql, Transaction } from 'kysely';
import type { DB } from '@ledger/database';
import type { LogPosition } from '@ledger/event-store';

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
