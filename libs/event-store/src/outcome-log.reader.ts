import { Injectable } from '@nestjs/common';
import { Kysely, sql, Transaction } from 'kysely';
import { SKETCH_LN_GAMMA, ZERO_BUCKET } from '@ledger/domain';
import type { DB } from '@ledger/database';

/** A place in the log's commit order: (transaction_id, global_position). */
export interface LogPosition {
  transactionId: bigint;
  globalPosition: bigint;
}

export const LOG_START: LogPosition = { transactionId: 0n, globalPosition: 0n };

/** One group of a batch, pre-aggregated by Postgres (see `aggregate`). */
export type BatchGroup =
  | { kind: 'outcome'; platform: string; provider: string; model: string; minute: Date; outcome: string; count: number }
  | { kind: 'latency' | 'ttft'; platform: string; provider: string; model: string; minute: Date; bucket: number; count: number };

/** The sketch bucket of a latency column, in SQL; the same expression for incremental folds and replays. */
export const bucketOf = (column: 'latency_ms' | 'ttft_ms') =>
  sql<number>`CASE WHEN ${sql.ref(column)} = 0 THEN ${ZERO_BUCKET}
    ELSE ceil(ln(${sql.ref(column)}::float8) / ${SKETCH_LN_GAMMA}::float8)::int END`;

/**
 * Reads the outcome log in commit-safe order for projections: only rows whose transaction is
 * older than every transaction still running (`pg_snapshot_xmin`), ordered by
 * (transaction_id, global_position). An event whose transaction commits late has a lower
 * transaction id than the horizon until then, so it is read after it commits, never skipped.
 */
@Injectable()
export class OutcomeLogReader {
  /** The end (inclusive) of the next batch of at most `limit` events after `after`, or null when none is visible. */
  async nextBatchEnd(trx: Transaction<DB>, after: LogPosition, limit: number): Promise<LogPosition | null> {
    const visible = sql<boolean>`(transaction_id, global_position) > (${after.transactionId.toString()}::xid8, ${after.globalPosition.toString()}::bigint)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
    const pick = (offset: number, direction: 'asc' | 'desc') =>
      trx
        .selectFrom('outcome_events')
        .select(['transaction_id', 'global_position'])
        .where(visible)
        .orderBy('transaction_id', direction)
        .orderBy('global_position', direction)
        .offset(offset)
        .limit(1)
        .executeTakeFirst();
    // The limit-th visible event, or the last one when fewer are visible. The horizon is read
    // once per statement; a later horizon can only reveal more events, which the next batch takes.
    const row = (await pick(limit - 1, 'asc')) ?? (await pick(0, 'desc'));
    if (row === undefined) return null;
    if (!isAfter({ transactionId: row.transaction_id, globalPosition: row.global_position }, after)) return null;
    return { transactionId: row.transaction_id, globalPosition: row.global_position };
  }

  /**
   * The events in (after, end], grouped by series and minute: counts per outcome, and sketch
   * buckets of successful requests' latency and time to first token — one scan, GROUPING SETS.
   */
  async aggregate(trx: Transaction<DB>, after: LogPosition, end: LogPosition): Promise<BatchGroup[]> {
    const { rows } = await sql<{
      set: number; platform: string; provider: string; model: string; minute: Date;
      outcome: string | null; latency_bucket: number | null; ttft_bucket: number | null; n: number;
    }>`
      WITH batch AS (
        SELECT platform, provider, model, date_trunc('minute', occurred_at) AS minute, outcome::text AS outcome,
          CASE WHEN outcome = 'success' AND latency_ms IS NOT NULL THEN ${bucketOf('latency_ms')} END AS latency_bucket,
          CASE WHEN outcome = 'success' AND ttft_ms IS NOT NULL THEN ${bucketOf('ttft_ms')} END AS ttft_bucket
        FROM outcome_events
        WHERE (transaction_id, global_position) > (${after.transactionId.toString()}::xid8, ${after.globalPosition.toString()}::bigint)
          AND (transaction_id, global_position) <= (${end.transactionId.toString()}::xid8, ${end.globalPosition.toString()}::bigint)
      )
      SELECT GROUPING(outcome, latency_bucket, ttft_bucket) AS set, platform, provider, model, minute,
             outcome, latency_bucket, ttft_bucket, count(*)::int AS n
      FROM batch
      GROUP BY GROUPING SETS (
        (platform, provider, model, minute, outcome),
        (platform, provider, model, minute, latency_bucket),
        (platform, provider, model, minute, ttft_bucket)
      )`.execute(trx);
    const groups: BatchGroup[] = [];
    for (const r of rows) {
      const base = { platform: r.platform, provider: r.provider, model: r.model, minute: r.minute, count: r.n };
      // GROUPING() has a bit set for each column not grouped by: 0b011 → by outcome, 0b101 → latency, 0b110 → ttft.
      if (r.set === 0b011) groups.push({ ...base, kind: 'outcome', outcome: r.outcome! });
      else if (r.set === 0b101 && r.latency_bucket !== null) groups.push({ ...base, kind: 'latency', bucket: r.latency_bucket });
      else if (r.set === 0b110 && r.ttft_bucket !== null) groups.push({ ...base, kind: 'ttft', bucket: r.ttft_bucket });
    }
    return groups;
  }

  /** The last visible event of the log (commit-safe), or null when none is. */
  async lastVisible(trx: Transaction<DB>): Promise<LogPosition | null> {
    const row = await trx
      .selectFrom('outcome_events')
      .select(['transaction_id', 'global_position'])
      .where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`)
      .orderBy('transaction_id', 'desc')
      .orderBy('global_position', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : { transactionId: row.transaction_id, globalPosition: row.global_position };
  }

  /** Visible events after `after` not yet read: how far a projection lags. */
  async countAfter(db: Kysely<DB>, after: LogPosition): Promise<number> {
    const row = await db
      .selectFrom('outcome_events')
      .select((eb) => eb.fn.countAll<bigint>().as('n'))
      .where(sql<boolean>`(transaction_id, global_position) > (${after.transactionId.toString()}::xid8, ${after.globalPosition.toString()}::bigint)`)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

export function isAfter(a: LogPosition, b: LogPosition): boolean {
  return a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.globalPosition > b.globalPosition);
}
