import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { eventFailsSql } from '@ledger/codec';
import { evidenceDigestLine, FailureRules, largestStatusCounts, Outcome, StatusCount } from '@ledger/domain';
import { Database, DB, withRawClient } from '@ledger/database';

/** Whose events: a contract's platform, provider and models (empty: every model), and how it counts failures. */
export interface EvidenceScope {
  platform: string;
  provider: string;
  models: readonly string[];
  rules: FailureRules;
}

/** Epoch milliseconds, `end` exclusive. */
export interface TimeRange {
  start: number;
  end: number;
}

/** An event of a claim's evidence, as the digest and the packet read it. */
export interface EvidenceEvent {
  id: string;
  occurredAt: number;
  model: string;
  outcome: Outcome;
  httpStatus: number | null;
  errorCode: string | null;
}

export interface EvidenceDigest {
  events: number;
  /** Lower-case hex SHA-256. */
  digest: string;
  /** The same per range (the lines of its events only), in the ranges' order. */
  ranges: { events: number; digest: string }[];
}

const DAY_MS = 86_400_000;
/** Rows fetched from the cursor at a time: the digest's memory does not grow with the evidence. */
const FETCH_ROWS = 10_000;

/**
 * The raw events behind a contract's evidence (concepts §9–§10): the failures of a few runs of
 * minutes, read from the log's day partitions through its BRIN index on occurred_at. The SLA
 * figures themselves come from the rollups; only what the rollups do not keep (error codes) is
 * read here.
 */
@Injectable()
export class EvidenceReader {
  /** Per range, its failures by (HTTP status, error code), the `limit` largest (`largestStatusCounts`). */
  async statusBreakdown(db: Kysely<DB>, scope: EvidenceScope, ranges: readonly TimeRange[], limit = 5): Promise<StatusCount[][]> {
    if (ranges.length === 0) return [];
    const { rows } = await sql<{ range_no: string; http_status: number | null; error_code: string | null; n: number }>`
      SELECT r.range_no, e.http_status, e.error_code, count(*)::int AS n
      FROM ${eventsInRanges(scope, ranges)} AND ${eventFailsSql('e', scope.rules)}
      GROUP BY 1, 2, 3`.execute(db);
    const byRange: StatusCount[][] = ranges.map(() => []);
    for (const row of rows) byRange[Number(row.range_no) - 1]!.push({ httpStatus: row.http_status, errorCode: row.error_code, count: row.n });
    return byRange.map((counts) => largestStatusCounts(counts, limit));
  }

  /**
   * The evidence digest of a claim (concepts §10): SHA-256 over the scope's events of every outcome
   * whose minute lies in one of the ranges, one `evidenceDigestLine` each, sorted by occurredAt
   * and then id bytewise, and the same for each range on its own (the ranges must not overlap).
   * Streamed through a cursor, so a month with millions of events in its evidence minutes is
   * never held in memory; `onEvent` sees each event in digest order.
   */
  async digest(
    db: Database, scope: Omit<EvidenceScope, 'rules'>, ranges: readonly TimeRange[], onEvent?: (event: EvidenceEvent) => void,
  ): Promise<EvidenceDigest> {
    const hash = createHash('sha256');
    let events = 0;
    // Disjoint ranges, in time order: the events come in that order too, so each one's range is found by walking forward.
    const order = ranges.map((range, i) => ({ ...range, i })).sort((a, b) => a.start - b.start);
    const perRange = ranges.map(() => ({ events: 0, hash: createHash('sha256') }));
    let current = 0;
    if (ranges.length > 0) {
      const query = sql`
        SELECT e.event_id, e.occurred_at, e.model, e.outcome, e.http_status, e.error_code
          FROM ${eventsInRanges(scope, ranges)}
        ORDER BY e.occurred_at, e.event_id COLLATE "C"`.compile(db);
      await withRawClient(db, async (client) => {
        await client.query('BEGIN READ ONLY');
        try {
          await client.query(`DECLARE evidence NO SCROLL CURSOR FOR ${query.sql}`, [...query.parameters]);
          for (;;) {
            const { rows } = await client.query<{ event_id: string; occurred_at: Date; model: string; outcome: Outcome; http_status: number | null; error_code: string | null }>(
              `FETCH ${FETCH_ROWS} FROM evidence`,
            );
            for (const row of rows) {
              const event = { id: row.event_id, occurredAt: row.occurred_at.getTime(), model: row.model, outcome: row.outcome, httpStatus: row.http_status, errorCode: row.error_code };
              const line = evidenceDigestLine(event);
              hash.update(line);
              while (event.occurredAt >= order[current]!.end) current++;
              const range = perRange[order[current]!.i]!;
              range.events++;
              range.hash.update(line);
              onEvent?.(event);
            }
            events += rows.length;
            if (rows.length < FETCH_ROWS) break;
          }
        } finally {
          await client.query('COMMIT');
        }
      });
    }
    return { events, digest: hash.digest('hex'), ranges: perRange.map((r) => ({ events: r.events, digest: r.hash.digest('hex') })) };
  }
}

/**
 * The scope's events in the ranges (aliased e; r.range_no numbers the ranges from 1), read from
 * the days' partitions only, for a FROM clause that may add conditions with AND.
 */
function eventsInRanges(scope: Omit<EvidenceScope, 'rules'>, ranges: readonly TimeRange[]) {
  return sql`unnest(${ranges.map((r) => new Date(r.start).toISOString())}::timestamptz[], ${ranges.map((r) => new Date(r.end).toISOString())}::timestamptz[])
      WITH ORDINALITY AS r(from_at, to_at, range_no)
    JOIN outcome_events e ON e.occurred_at >= r.from_at AND e.occurred_at < r.to_at
    WHERE e.occurred_on = ANY(${daysOf(ranges)}::date[])
      AND e.platform = ${scope.platform} AND e.provider = ${scope.provider}
      AND (cardinality(${[...scope.models]}::text[]) = 0 OR e.model = ANY(${[...scope.models]}::text[]))`;
}

/** The UTC days (the log's partitions) the ranges touch, as YYYY-MM-DD. */
function daysOf(ranges: readonly TimeRange[]): string[] {
  const days = new Set<string>();
  for (const { start, end } of ranges) {
    for (let day = Math.floor(start / DAY_MS); day * DAY_MS < end; day++) days.add(new Date(day * DAY_MS).toISOString().slice(0, 10));
  }
  return [...days];
}
