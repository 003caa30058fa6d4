import { Injectable } from '@nestjs/common';
import { Kysely, sql, Transaction } from 'kysely';
import { sketchedBucketSql, sqlText } from '@ledger/codec';
import type { DB } from '@ledger/database';
import { dayOfTable, dayTable } from './outcome-log-days';

/** A place in the log's commit order: (transaction_id, global_position). */
export interface LogPosition {
  transactionId: bigint;
  globalPosition: bigint;
}

export const LOG_START: LogPosition = { transactionId: 0n, globalPosition: 0n };

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
   * Runs `read` — statements that take events in commit order, `ORDER BY transaction_id,
   * global_position LIMIT n` — in a transaction (`db`'s, or one of its own) whose planner may not
   * sort, and lets it sort again after. Such a read must walk every partition's commit-order
   * index and merge them (a Merge Append), reading the n events and no more. Postgres cannot
   * estimate how many rows a range of (xid8, bigint) holds; on day partitions filled since they
   * were last analysed — every partition that a backlog or sustained ingest is writing — it
   * guessed a few thousand and planned instead to read every event after the position and sort
   * them on disk: up to millions of rows for each batch of a catch-up.
   */
  async inCommitOrder<T>(db: Kysely<DB>, read: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    if (!db.isTransaction) return db.transaction().execute((trx) => this.inCommitOrder(trx, read));
    await sql`SET LOCAL enable_sort = off`.execute(db);
    const result = await read(db);
    // Only on success: a failed read aborts the transaction, and the setting goes with it.
    await sql`SET LOCAL enable_sort TO DEFAULT`.execute(db);
    return result;
  }

  /**
   * The end (inclusive) of the next batch of at most `limit` events after `after`, or null when
   * none is visible.
   */
  async nextBatchEnd(trx: Transaction<DB>, after: LogPosition, limit: number): Promise<LogPosition | null> {
    return this.inCommitOrder(trx, (db) => this.firstBatchEnd(db, after, limit));
  }

  private async firstBatchEnd(trx: Kysely<DB>, after: LogPosition, limit: number): Promise<LogPosition | null> {
    const visible = sql<boolean>`${afterPosition(after)} AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
    // The last of the first `limit` visible events: one statement, so one horizon — the batch
    // then holds at most `limit` events (a later horizon only reveals more, for the next batch).
    const first = trx
      .selectFrom('outcome_events')
      .select(['transaction_id', 'global_position'])
      .where(visible)
      .orderBy('transaction_id')
      .orderBy('global_position')
      .limit(limit)
      .as('first');
    const row = await trx
      .selectFrom(first)
      .select(['transaction_id', 'global_position'])
      .orderBy('transaction_id', 'desc')
      .orderBy('global_position', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row === undefined) return null;
    if (!isAfter({ transactionId: row.transaction_id, globalPosition: row.global_position }, after)) return null;
    return { transactionId: row.transaction_id, globalPosition: row.global_position };
  }

  /** The last visible event of the log (commit-safe), or null when none is. */
  async lastVisible(db: Kysely<DB>): Promise<LogPosition | null> {
    const row = await db
      .selectFrom('outcome_events')
      .select(['transaction_id', 'global_position'])
      .where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`)
      .orderBy('transaction_id', 'desc')
      .orderBy('global_position', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : { transactionId: row.transaction_id, globalPosition: row.global_position };
  }

  /** Days archived and dropped from the log (retention) and not restored since, in order. */
  async archivedDaysOutOfLog(db: Kysely<DB>): Promise<string[]> {
    const rows = await db
      .selectFrom('outcome_archives')
      .select('day')
      .where(sql<boolean>`to_regclass(outcome_event_day_table(day)) IS NULL`)
      .orderBy('day')
      .execute();
    return rows.map((r) => r.day);
  }

  /**
   * Committed events after `after`: how far a projection lags. Counted exactly up to `exactUpTo`
   * (a walk of the commit-order index that long); beyond, estimated from the log's positions, so
   * that asking costs the same however far behind a projection is.
   */
  async countAfter(db: Kysely<DB>, after: LogPosition, exactUpTo: number): Promise<{ events: number; exact: boolean }> {
    return (await this.countsAfter(db, [after], exactUpTo))[0]!;
  }

  /**
   * `countAfter` for several positions, in one transaction: each distinct position is counted
   * once, and the counts are queued back to back on the transaction's connection.
   */
  async countsAfter(db: Kysely<DB>, positions: readonly LogPosition[], exactUpTo: number): Promise<Array<{ events: number; exact: boolean }>> {
    const key = (p: LogPosition) => `${p.transactionId}:${p.globalPosition}`;
    const distinct = new Map(positions.map((p) => [key(p), p]));
    return this.inCommitOrder(db, async (trx) => {
      const counted = new Map(await Promise.all([...distinct].map(async ([k, after]) => {
        const { rows } = await sql<{ n: string }>`
          SELECT count(*)::text AS n FROM (
            SELECT 1 FROM outcome_events WHERE ${afterPosition(after)}
            ORDER BY transaction_id, global_position LIMIT ${exactUpTo + 1}
          ) AS lag`.execute(trx);
        return [k, Number(rows[0]!.n)] as const;
      })));
      const last = [...counted.values()].some((n) => n > exactUpTo) ? await this.lastVisible(trx) : null;
      return positions.map((after) => {
        const events = counted.get(key(after))!;
        if (events <= exactUpTo) return { events, exact: true };
        const estimate = last === null ? 0 : Number(last.globalPosition - after.globalPosition);
        return { events: Math.max(events, estimate), exact: false };
      });
    });
  }

  /**
   * A COPY statement streaming, as binary rows, the events of a rebuild's stretch of days —
   * (platform, provider, model, occurred_at, outcome code, latency, ttft, error status): events at
   * or before `end` of the given UTC days (YYYY-MM-DD), read from their partitions by name, in no
   * particular order. By name, a day being detached for retention is read all the same; hold the
   * days with `lockDaysInLog` so that none is dropped before it is read. Outcomes are coded by
   * their index in `outcomeCodes`; an error's HTTP status is 0 when it has none, and the field is
   * NULL for the other outcomes; latencies are passed through as milliseconds, or bucketed by
   * Postgres (only successes' latencies count: `sketchedBucketSql`) when `bucketInPostgres`.
   */
  stretchCopy(end: LogPosition, days: readonly string[], options: RowsCopyOptions): string {
    const columns = 'transaction_id, global_position, platform, provider, model, occurred_at, outcome, http_status, latency_ms, ttft_ms';
    const partitions = days.map((day) => `SELECT ${columns} FROM ${dayTable(day)}`).join(' UNION ALL ');
    return rowsCopy(`(transaction_id, global_position) <= ${positionLiteral(end)}`, '', options, `(${partitions}) AS stretch`);
  }

  /**
   * The days the log holds (its partitions, YYYY-MM-DD, in order) and the size of each on disk,
   * each locked until the transaction `trx` ends, as the log itself: retention can then detach
   * none (it waits for transactions using the log) nor drop one, so every day listed can be read
   * until then.
   */
  async lockDaysInLog(trx: Kysely<DB>): Promise<LogDaySize[]> {
    await sql`LOCK TABLE outcome_events IN ACCESS SHARE MODE`.execute(trx);
    const { rows } = await sql<{ name: string; bytes: string }>`
      SELECT c.relname AS name, pg_relation_size(c.oid)::text AS bytes
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'outcome_events'::regclass
      ORDER BY 1`.execute(trx);
    const days = rows.map((r) => ({ day: dayOfTable(r.name), bytes: Number(r.bytes) }));
    if (days.length > 0) await sql.raw(`LOCK TABLE ${days.map((d) => dayTable(d.day)).join(', ')} IN ACCESS SHARE MODE`).execute(trx);
    return days;
  }

  /**
   * The same rows for the events in (after, end] — a projection's batch, of at most `maxEvents`
   * events, in commit order: run the COPY `inCommitOrder`. A stream of more than `maxEvents` rows
   * means the batch was not what the caller thought: check, and fail rather than fold part of it.
   */
  batchCopy(after: LogPosition, end: LogPosition, maxEvents: number, options: RowsCopyOptions): string {
    const where = `(transaction_id, global_position) > ${positionLiteral(after)} AND (transaction_id, global_position) <= ${positionLiteral(end)}`;
    // One more than the batch may hold, so that a fold can tell a batch cut short from a full one.
    return rowsCopy(where, `ORDER BY transaction_id, global_position LIMIT ${Math.floor(maxEvents) + 1}`, options);
  }
}

export interface LogDaySize {
  day: string;
  bytes: number;
}

export interface RowsCopyOptions {
  outcomeCodes: readonly string[];
  bucketInPostgres: boolean;
}

function rowsCopy(where: string, orderAndLimit: string, options: RowsCopyOptions, source = 'outcome_events'): string {
  const latency = (column: 'latency_ms' | 'ttft_ms') => (options.bucketInPostgres ? sqlText(sketched(column)) : column);
  const outcomeCode = `CASE outcome ${options.outcomeCodes.map((o, i) => `WHEN '${o.replaceAll("'", "''")}' THEN ${i}`).join(' ')} END::int2`;
  return `COPY (
    SELECT platform, provider, model, occurred_at, ${outcomeCode}, ${latency('latency_ms')}, ${latency('ttft_ms')},
           CASE WHEN outcome = 'error' THEN coalesce(http_status, 0)::int2 END
    FROM ${source}
    WHERE ${where} ${orderAndLimit}
  ) TO STDOUT (FORMAT binary)`;
}

/** The log's commit order as a condition: events after `position`. */
const afterPosition = (position: LogPosition) =>
  sql<boolean>`(transaction_id, global_position) > (${position.transactionId.toString()}::xid8, ${position.globalPosition.toString()}::bigint)`;

/** A position as SQL text (for COPY, which takes no parameters); BigInt() admits digits only. */
const positionLiteral = (position: LogPosition) => `('${BigInt(position.transactionId)}'::xid8, ${BigInt(position.globalPosition)}::bigint)`;

export function isAfter(a: LogPosition, b: LogPosition): boolean {
  return a.transactionId > b.transactionId || (a.transactionId === b.transactionId && a.globalPosition > b.globalPosition);
}
