import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { OutcomeEvent } from '@ledger/domain';
import { Database, InjectDatabase, OutcomeEventRow } from '@ledger/database';

/** The only code that writes or reads the outcome event log table. */
@Injectable()
export class OutcomeEventRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  /**
   * Appends the events of one platform in one transaction and returns, for every event whose
   * (platform, id) the log already held, the event as it was first recorded. Resolves only
   * after the transaction has committed.
   */
  async append(platform: string, events: readonly OutcomeEvent[]): Promise<Map<string, OutcomeEvent>> {
    if (events.length === 0) return new Map();
    // Inserting in id order makes concurrent batches that share ids wait for each other
    // instead of deadlocking on the unique index.
    const sorted = [...events].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('outcome_events')
        .columns([
          'platform', 'event_id', 'provider', 'model', 'occurred_at', 'outcome',
          'http_status', 'error_code', 'latency_ms', 'ttft_ms',
        ])
        .expression(
          sql`SELECT ${platform}::text, t.* FROM unnest(
            ${sorted.map((e) => e.id)}::text[],
            ${sorted.map((e) => e.provider)}::text[],
            ${sorted.map((e) => e.model)}::text[],
            ${sorted.map((e) => new Date(e.occurredAt).toISOString())}::timestamptz[],
            ${sorted.map((e) => e.outcome)}::outcome[],
            ${sorted.map((e) => e.httpStatus)}::smallint[],
            ${sorted.map((e) => e.errorCode)}::text[],
            ${sorted.map((e) => e.latencyMs)}::integer[],
            ${sorted.map((e) => e.ttftMs)}::integer[]
          ) AS t`,
        )
        .onConflict((oc) => oc.columns(['platform', 'event_id']).doNothing())
        .returning('event_id')
        .execute();
      if (inserted.length === sorted.length) return new Map();
      const fresh = new Set(inserted.map((row) => row.event_id));
      const known = sorted.filter((e) => !fresh.has(e.id)).map((e) => e.id);
      const rows = await trx
        .selectFrom('outcome_events')
        .selectAll()
        .where('platform', '=', platform)
        .where(sql<boolean>`event_id = any(${known}::text[])`)
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
    outcome: row.outcome,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
  };
}
