import { Injectable } from '@nestjs/common';
import { Kysely, sql, Transaction } from 'kysely';
import { sketchedBucketSql, sqlText } from '@ledger/codec';
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

/** The sketch bucket a request's latency (or TTFT) column goes to: only successes' latencies count (concepts §7). */
const sketched = (column: 'latency_ms' | 'ttft_ms') => sketchedBucketSql(sql.ref('outcome'), sql.ref(column));

/**
 * Reads the outcome log in commit-safe order for projections: only rows whose transaction is
 * older than every transaction still running (`pg_snapshot_xmin`), ordered by
 * (transaction_id, global_position). An event whose transaction commits late has a lower
 * transaction id than the horizon until then, so it is read after it commits, never skipped.
 */
@Injectable()
export class OutcomeLogReader {
  /**
   * The end (inclusive) of the next batch of at most `limit` events after `after`, or null when
   * none is visible. With `upTo`, the batch ends there at the latest (a projection that reads
   * another projection's read models stays behind that one's checkpoint).
   */
  async nextBatchEnd(trx: Transaction<DB>, after: LogPosition, limit: number, upTo?: LogPosition): Promise<LogPosition | null> {
    const visible = sql<boolean>`${afterPosition(after)} AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ${upTo === undefined ? sql`` : sql`AND ${atOrBefore(upTo)}`}`;
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
          ${sketched('latency_ms')} AS latency_bucket, ${sketched('ttft_ms')} AS ttft_bucket
        FROM outcome_events
        WHERE ${afterPosition(after)} AND ${atOrBefore(end)}
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
      .where(afterPosition(after))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** How many events lie in (after, end], and the provider-hours (UTC) they fall into, by hour. */
  async hoursTouched(db: Kysely<DB>, after: LogPosition, end: LogPosition): Promise<{ events: number; hours: { provider: string; start: Date }[] }> {
    const { rows } = await sql<{ provider: string; start: Date; n: string }>`
      SELECT provider, date_trunc('hour', occurred_at, 'UTC') AS start, count(*)::text AS n FROM outcome_events
      WHERE ${afterPosition(after)} AND ${atOrBefore(end)}
      GROUP BY 2, 1 ORDER BY 2, 1`.execute(db);
    return { events: rows.reduce((sum, r) => sum + Number(r.n), 0), hours: rows.map(({ provider, start }) => ({ provider, start })) };
  }

  /**
   * The events in (after, end] grouped by platform and provider, with the earliest and latest
   * occurredAt of each (epoch ms); null when there are more than `limit` events.
   */
  async changesBetween(db: Kysely<DB>, after: LogPosition, end: LogPosition, limit: number): Promise<LogChange[] | null> {
    const { rows } = await sql<{ n: string; changes: { platform: string; provider: string; first: string; last: string }[] | null }>`
      WITH delta AS (
        -- Both bounds are conditions of the commit-order index scan: events beyond \`end\` are never read.
        SELECT platform, provider, occurred_at FROM outcome_events
        WHERE ${afterPosition(after)} AND ${atOrBefore(end)}
        ORDER BY transaction_id, global_position
        LIMIT ${limit + 1}
      )
      SELECT (SELECT count(*) FROM delta)::text AS n,
             (SELECT json_agg(g) FROM (SELECT platform, provider, min(occurred_at) AS first, max(occurred_at) AS last FROM delta GROUP BY 1, 2) AS g) AS changes`.execute(db);
    const row = rows[0]!;
    if (Number(row.n) > limit) return null;
    return (row.changes ?? []).map((c) => ({ platform: c.platform, provider: c.provider, first: Date.parse(c.first), last: Date.parse(c.last) }));
  }

  /**
   * A COPY statement streaming, as binary rows, every event at or before `end` in commit order's
   * horizon — (platform, provider, model, occurred_at, outcome code, latency, ttft) — for replays.
   * Outcomes are coded by their index in `outcomeCodes`; latencies are passed through as
   * milliseconds, or bucketed by Postgres (only successes' latencies, as `aggregate` does) when
   * `bucketInPostgres`.
   */
  replayCopy(end: LogPosition, options: { outcomeCodes: readonly string[]; bucketInPostgres: boolean }): string {
    const latency = (column: 'latency_ms' | 'ttft_ms') => (options.bucketInPostgres ? sqlText(sketched(column)) : column);
    const outcomeCode = `CASE outcome ${options.outcomeCodes.map((o, i) => `WHEN '${o.replaceAll("'", "''")}' THEN ${i}`).join(' ')} END::int2`;
    return `COPY (
      SELECT platform, provider, model, occurred_at, ${outcomeCode}, ${latency('latency_ms')}, ${latency('ttft_ms')}
      FROM outcome_events
      WHERE (transaction_id, global_position) <= ('${BigInt(end.transactionId)}'::xid8, ${BigInt(end.globalPosition)}::bigint)
    ) TO STDOUT (FORMAT binary)`;
  }
}

/** Events folded after some position, grouped by platform and provider (see `changesBetween`). */
export interface LogChange {
  platform: string;
  provider: string;
  /** The earliest and latest occurredAt among them, epoch ms. */
  first: number;
  last: number;
}

/** The log's commit order as a condition: events after `position`. */
const afterPosition = (position: LogPosition) =>
  sql<boolean>`(transaction_id, global_position) > (${position.transactionId.toString()}::xid8, ${position.globalPosition.toString()}::bigint)`;

/** Events at or before `position`. */
const atOrBefore = (position: LogPosition) =>
  sql<boolean>`(transaction_id, global_position) <= (${position.transactionId.toString()}::xid8, ${position.globalPosition.toString()}::bigint)`;

export function isAfter(a: LogPosition, b: LogPosition): boolean {
  return a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.globalPosition > b.globalPosition);
}
