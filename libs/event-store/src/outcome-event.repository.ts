import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { OutcomeEvent } from '@ledger/domain';
import { backgroundOf, Database, InjectDatabase, OutcomeEventRow, withRawClient } from '@ledger/database';
import { EncodedOutcomeBatch, OUTCOME_COPY_COLUMNS, occurredOn, outcomeEventsCopyChunks } from '@ledger/codec';
import { OutcomeLogDays } from './outcome-log-days';

const UNIQUE_VIOLATION = '23505';
const DEADLOCK_DETECTED = '40P01';
/** A row for which no partition exists (its day was archived and dropped by another process since we saw it). */
const NO_PARTITION = '23514';
/** How often the id-ordered path is retried after Postgres aborted it to break a deadlock. */
const DEADLOCK_RETRIES = 5;

/** A batch to append: its days (partitions), its COPY text (as strings or UTF-8 bytes), and its events for the slower path. */
interface CopyBatch {
  days: readonly string[];
  copyChunks: () => Iterable<string | Buffer>;
  events: () => readonly OutcomeEvent[];
}

/** The only code that appends to the outcome event log (projections read it through outcome-log.reader.ts and their own scans). */
@Injectable()
export class OutcomeEventRepository {
  private readonly days: OutcomeLogDays;

  constructor(@InjectDatabase() private readonly db: Database) {
    this.days = new OutcomeLogDays(db);
  }

  /**
   * Appends the events of one platform in one transaction and returns, for every event whose
   * (platform, id) the log already held on the same UTC day of occurredAt, the event as it was
   * first recorded. Resolves only after the transaction has committed.
   */
  async append(platform: string, events: readonly OutcomeEvent[]): Promise<Map<string, OutcomeEvent>> {
    if (events.length === 0) return new Map();
    return this.appendCopy(platform, { days: events.map(occurredOn), copyChunks: () => outcomeEventsCopyChunks(platform, events), events: () => events });
  }

  /**
   * `append` for a batch already encoded (by the ingest thread); `events` gives the batch's events
   * for the slower path, taken only when the log already holds some of its ids.
   */
  async appendEncoded(platform: string, batch: EncodedOutcomeBatch, events: () => readonly OutcomeEvent[]): Promise<Map<string, OutcomeEvent>> {
    if (batch.eventCount === 0) return new Map();
    // A thread hands the bytes over as a plain Uint8Array: a Buffer over the same memory, not a copy.
    const copyBytes = Buffer.from(batch.copyBytes.buffer, batch.copyBytes.byteOffset, batch.copyBytes.byteLength);
    return this.appendCopy(platform, { days: batch.days, copyChunks: () => [copyBytes], events });
  }

  private async appendCopy(platform: string, batch: CopyBatch): Promise<Map<string, OutcomeEvent>> {
    try {
      return await this.appendToKnownDays(platform, batch);
    } catch (error) {
      if ((error as { code?: string }).code !== NO_PARTITION) throw error;
      this.days.forget();
      return this.appendToKnownDays(platform, batch);
    }
  }

  private async appendToKnownDays(platform: string, batch: CopyBatch): Promise<Map<string, OutcomeEvent>> {
    await this.days.ensure(batch.days);
    if (await this.copyAllNew(batch.copyChunks())) return new Map();
    const events = batch.events();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.insertSkippingKnown(platform, events);
      } catch (error) {
        if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt > DEADLOCK_RETRIES) throw error;
      }
    }
  }

  /**
   * The fast path, for batches of events the log has not seen (the common case): one COPY,
   * atomic on its own, storing the events in the order posted. If any (platform, id, day) is already
   * stored, the COPY fails as a whole, stores nothing, and the caller falls back to
   * `insertSkippingKnown`. So it does when two batches sharing ids in different orders (a client
   * retrying a reordered batch) deadlock on the unique index: Postgres aborts one of them, which
   * then takes the id-ordered path and reports the other's events as duplicates. That path can
   * deadlock once more with a COPY still running in another order; its transaction has then
   * stored nothing, so `append` runs it again, and by then it waits for the other batch's commit.
   */
  private async copyAllNew(copyChunks: Iterable<string | Buffer>): Promise<boolean> {
    return withRawClient(backgroundOf(this.db), async (client) => {
      const copy = client.query(copyFrom(`COPY outcome_events (${OUTCOME_COPY_COLUMNS.join(', ')}) FROM STDIN`));
      try {
        await pipeline(Readable.from(copyChunks), copy);
        return true;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === UNIQUE_VIOLATION || code === DEADLOCK_DETECTED) return false;
        throw error;
      }
    });
  }

  /** The general path: insert what is new, and return the stored version of every id already in the log. */
  private async insertSkippingKnown(platform: string, events: readonly OutcomeEvent[]): Promise<Map<string, OutcomeEvent>> {
    // Inserting in id order makes concurrent batches that share ids wait for each other
    // instead of deadlocking on the unique index.
    const sorted = [...events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return backgroundOf(this.db).transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('outcome_events')
        .columns([
          'platform', 'event_id', 'provider', 'model', 'occurred_at', 'occurred_on', 'outcome',
          'http_status', 'error_code', 'latency_ms', 'ttft_ms',
        ])
        .expression(
          sql`SELECT ${platform}::text, t.* FROM unnest(
            ${sorted.map((e) => e.id)}::text[],
            ${sorted.map((e) => e.provider)}::text[],
            ${sorted.map((e) => e.model)}::text[],
            ${sorted.map((e) => e.occurredAtIso)}::timestamptz[],
            ${sorted.map(occurredOn)}::date[],
            ${sorted.map((e) => e.outcome)}::outcome[],
            ${sorted.map((e) => e.httpStatus)}::smallint[],
            ${sorted.map((e) => e.errorCode)}::text[],
            ${sorted.map((e) => e.latencyMs)}::integer[],
            ${sorted.map((e) => e.ttftMs)}::integer[]
          ) AS t`,
        )
        .onConflict((oc) => oc.columns(['platform', 'event_id', 'occurred_on']).doNothing())
        .returning('event_id')
        .execute();
      if (inserted.length === sorted.length) return new Map();
      const fresh = new Set(inserted.map((row) => row.event_id));
      const known = sorted.filter((e) => !fresh.has(e.id));
      const rows = await trx
        .selectFrom('outcome_events')
        .selectAll()
        .where('platform', '=', platform)
        .where(sql<boolean>`(event_id, occurred_on) IN (SELECT * FROM unnest(${known.map((e) => e.id)}::text[], ${known.map(occurredOn)}::date[]))`)
        // The days again as a plain condition, so that Postgres reads only their partitions.
        .where(sql<boolean>`occurred_on = any(${[...new Set(known.map(occurredOn))]}::date[])`)
        .execute();
      return new Map(rows.map((row) => [row.event_id, toOutcomeEvent(row)]));
    });
  }

  /** Number of events stored for a platform (all platforms when omitted). */
  async count(platform?: string): Promise<number> {
    let query = this.db.selectFrom('outcome_events').select((eb) => eb.fn.countAll<bigint>().as('n'));
    if (platform !== undefined) query = query.where('platform', '=', platform);
    const { n } = await query.executeTakeFirstOrThrow();
    return Number(n);
  }
}

export function toOutcomeEvent(row: OutcomeEventRow): OutcomeEvent {
  return {
    id: row.event_id,
    provider: row.provider,
    model: row.model,
    occurredAt: row.occurred_at.getTime(),
    occurredAtIso: row.occurred_at.toISOString(),
    outcome: row.outcome,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
  };
}
