import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { eventFailsSql } from '@ledger/codec';
import { FailureRules, largestStatusCounts, StatusCount } from '@ledger/domain';
import type { DB } from '@ledger/database';

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

const DAY_MS = 86_400_000;

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
      FROM unnest(${ranges.map((r) => new Date(r.start).toISOString())}::timestamptz[], ${ranges.map((r) => new Date(r.end).toISOString())}::timestamptz[])
        WITH ORDINALITY AS r(from_at, to_at, range_no)
      JOIN outcome_events e ON e.occurred_at >= r.from_at AND e.occurred_at < r.to_at
      WHERE e.occurred_on = ANY(${daysOf(ranges)}::date[])
        AND e.platform = ${scope.platform} AND e.provider = ${scope.provider}
        AND (cardinality(${[...scope.models]}::text[]) = 0 OR e.model = ANY(${[...scope.models]}::text[]))
        AND ${eventFailsSql('e', scope.rules)}
      GROUP BY 1, 2, 3`.execute(db);
    const byRange: StatusCount[][] = ranges.map(() => []);
    for (const row of rows) byRange[Number(row.range_no) - 1]!.push({ httpStatus: row.http_status, errorCode: row.error_code, count: row.n });
    return byRange.map((counts) => largestStatusCounts(counts, limit));
  }
}

/** The UTC days (the log's partitions) the ranges touch, as YYYY-MM-DD. */
function daysOf(ranges: readonly TimeRange[]): string[] {
  const days = new Set<string>();
  for (const { start, end } of ranges) {
    for (let day = Math.floor(start / DAY_MS); day * DAY_MS < end; day++) days.add(new Date(day * DAY_MS).toISOString().slice(0, 10));
  }
  return [...days];
}
