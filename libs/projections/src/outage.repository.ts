import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { MINUTE_MS, minuteOf, MinuteStatus, Outage, ProviderSpan } from '@ledger/domain';
import type { DB, OutageRow } from '@ledger/database';
import { escapeCopy } from '@ledger/codec';
import { ALL_PLATFORMS, SeriesWindow, windowsTable } from './series-window';

/** A stored outage with the series it belongs to. */
export interface SeriesOutage extends Outage {
  provider: string;
  model: string;
  /** null for the model's series over all platforms. */
  platform: string | null;
}

const toDate = (minute: number) => new Date(minute * MINUTE_MS);

/** The outages read model. */
@Injectable()
export class OutageRepository {
  /** For each window, the outages of its series overlapping it, in start order: one statement for them all. */
  async overlappingWindows(db: Kysely<DB>, windows: readonly SeriesWindow[]): Promise<SeriesOutage[][]> {
    const found: SeriesOutage[][] = windows.map(() => []);
    if (windows.length === 0) return found;
    const { rows } = await sql<OutageRow & { window_no: string }>`
      SELECT w.window_no, o.* FROM ${windowsTable(windows)}
      JOIN outages o ON o.provider = w.provider AND o.model = w.model AND o.platform = w.platform
                    AND o.end_minute > w.from_minute AND o.start_minute < w.to_minute
      ORDER BY w.window_no, o.start_minute`.execute(db);
    for (const row of rows) found[Number(row.window_no) - 1]!.push(fromRow(row));
    return found;
  }

  /** Replaces the outages that start in each window of their series with `outages` (which must lie in those windows). */
  async replaceInWindows(db: Kysely<DB>, windows: readonly SeriesWindow[], outages: readonly SeriesOutage[]): Promise<void> {
    if (windows.length === 0) return;
    await sql`
      DELETE FROM outages o USING ${windowsTable(windows)}
      WHERE o.provider = w.provider AND o.model = w.model AND o.platform = w.platform
        AND o.start_minute >= w.from_minute AND o.start_minute < w.to_minute`.execute(db);
    for (let start = 0; start < outages.length; start += 2_000) {
      await db
        .insertInto('outages')
        .values(
          outages.slice(start, start + 2_000).map((o) => ({
            provider: o.provider,
            model: o.model,
            platform: o.platform ?? ALL_PLATFORMS,
            start_minute: toDate(o.start),
            end_minute: toDate(o.end),
            severity: o.severity,
            peak_failures: o.peakFailures,
            peak_eligible: o.peakEligible,
            eligible_requests: o.eligibleRequests,
            failed_requests: o.failedRequests,
            platforms_affected: o.platformsAffected,
          })),
        )
        .execute();
    }
  }

  /** Writes outages into the outages table `client`'s search_path finds, created in its current transaction (COPY FREEZE; rebuilds). */
  async copyIn(client: pg.ClientBase, outages: readonly SeriesOutage[]): Promise<void> {
    const copy = client.query(copyFrom(
      'COPY outages (provider, model, platform, start_minute, end_minute, severity, peak_failures, peak_eligible, ' +
        'eligible_requests, failed_requests, platforms_affected) FROM STDIN (FREEZE)',
    ));
    await pipeline(Readable.from(outagesCopyText(outages)), copy);
  }

  /**
   * For each span, the outages of its provider's all-platform model series that lie within it
   * (what incidents group), in (start, end, model) order: one statement for them all. Found on
   * `outages_by_end` by their ends alone, so a span costs the outages it holds.
   */
  async modelOutagesWithin(db: Kysely<DB>, spans: readonly ProviderSpan[]): Promise<SeriesOutage[][]> {
    const found: SeriesOutage[][] = spans.map(() => []);
    if (spans.length === 0) return found;
    const { rows } = await sql<OutageQueryRow & { span_no: string }>`
      SELECT w.span_no, ${OUTAGE_QUERY_COLUMNS}
      FROM unnest(${spans.map((s) => s.provider)}::text[], ${spans.map((s) => toDate(s.from).toISOString())}::timestamptz[],
                  ${spans.map((s) => toDate(s.to).toISOString())}::timestamptz[]) WITH ORDINALITY AS w(provider, from_minute, to_minute, span_no)
      CROSS JOIN LATERAL (
        SELECT * FROM outages o
        WHERE o.provider = w.provider AND o.platform = ${ALL_PLATFORMS}
          AND o.end_minute > w.from_minute AND o.end_minute <= w.to_minute AND o.start_minute >= w.from_minute
        OFFSET 0
      ) AS o
      ORDER BY w.span_no, o.start_minute, o.end_minute, o.model COLLATE "C"`.execute(db);
    for (const row of rows) found[Number(row.span_no) - 1]!.push(fromQueryRow(row));
    return found;
  }

  /** Outages overlapping [from, to) for queries; `platform` undefined → the all-platform series only. */
  async search(
    db: Kysely<DB>,
    filter: { from: Date; to: Date; provider?: string | undefined; model?: string | undefined; platform?: string | undefined; platforms?: 'all' },
  ): Promise<SeriesOutage[]> {
    // Minutes travel as integers: answers carry up to thousands of outages, and parsing two
    // timestamps into Dates per row only to turn them back into minutes was most of their cost.
    let query = db
      .selectFrom('outages')
      .select([
        'provider', 'model', 'platform', 'severity', 'peak_failures', 'peak_eligible', 'platforms_affected',
        sql<number>`(extract(epoch FROM start_minute) / 60)::int`.as('start_m'),
        sql<number>`(extract(epoch FROM end_minute) / 60)::int`.as('end_m'),
        sql<string>`eligible_requests::text`.as('eligible'),
        sql<string>`failed_requests::text`.as('failed'),
      ])
      .where('end_minute', '>', filter.from)
      .where('start_minute', '<', filter.to);
    if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
    if (filter.model !== undefined) query = query.where('model', '=', filter.model);
    if (filter.platforms !== 'all') query = query.where('platform', '=', filter.platform ?? ALL_PLATFORMS);
    const rows = await query.orderBy('start_minute').orderBy('provider').orderBy('model').orderBy('platform').execute();
    return rows.map(fromQueryRow);
  }
}

/** An outage as queries read it (`search`, `modelOutagesWithin`). */
interface OutageQueryRow {
  provider: string;
  model: string;
  platform: string;
  severity: string;
  peak_failures: number;
  peak_eligible: number;
  platforms_affected: number;
  start_m: number;
  end_m: number;
  eligible: string;
  failed: string;
}

const OUTAGE_QUERY_COLUMNS = sql`o.provider, o.model, o.platform, o.severity, o.peak_failures, o.peak_eligible, o.platforms_affected,
  (extract(epoch FROM o.start_minute) / 60)::int AS start_m, (extract(epoch FROM o.end_minute) / 60)::int AS end_m,
  o.eligible_requests::text AS eligible, o.failed_requests::text AS failed`;

function fromQueryRow(row: OutageQueryRow): SeriesOutage {
  return {
    provider: row.provider,
    model: row.model,
    platform: row.platform === ALL_PLATFORMS ? null : row.platform,
    start: row.start_m,
    end: row.end_m,
    severity: row.severity as MinuteStatus,
    peakFailures: row.peak_failures,
    peakEligible: row.peak_eligible,
    eligibleRequests: Number(row.eligible),
    failedRequests: Number(row.failed),
    platformsAffected: row.platforms_affected,
  };
}

function fromRow(row: OutageRow): SeriesOutage {
  return {
    provider: row.provider,
    model: row.model,
    platform: row.platform === ALL_PLATFORMS ? null : row.platform,
    start: minuteOf(row.start_minute.getTime()),
    end: minuteOf(row.end_minute.getTime()),
    severity: row.severity as MinuteStatus,
    peakFailures: row.peak_failures,
    peakEligible: row.peak_eligible,
    eligibleRequests: Number(row.eligible_requests),
    failedRequests: Number(row.failed_requests),
    platformsAffected: row.platforms_affected,
  };
}

function* outagesCopyText(outages: readonly SeriesOutage[]): Generator<string> {
  for (let start = 0; start < outages.length; start += 2_000) {
    let text = '';
    for (const o of outages.slice(start, start + 2_000)) {
      text += `${escapeCopy(o.provider)}\t${escapeCopy(o.model)}\t${escapeCopy(o.platform ?? ALL_PLATFORMS)}\t${toDate(o.start).toISOString()}\t` +
        `${toDate(o.end).toISOString()}\t${o.severity}\t${o.peakFailures}\t${o.peakEligible}\t${o.eligibleRequests}\t${o.failedRequests}\t${o.platformsAffected}\n`;
    }
    yield text;
  }
}
