import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Incident, MINUTE_MS, MinuteStatus, ProviderSpan } from '@ledger/domain';
import type { DB } from '@ledger/database';
import { escapeCopy } from '@ledger/codec';

/** A stored incident: what does not depend on the clock (whether it is ongoing is decided when read). */
export interface ProviderIncident extends Incident {
  provider: string;
}

const toIso = (minute: number) => new Date(minute * MINUTE_MS).toISOString();

/** Spans as a table `w` — provider, from_minute, to_minute, span_no (1-based, in the order given) — for one statement over them all. */
const spansTable = (spans: readonly ProviderSpan[]) => sql`unnest(
    ${spans.map((s) => s.provider)}::text[], ${spans.map((s) => toIso(s.from))}::timestamptz[], ${spans.map((s) => toIso(s.to))}::timestamptz[]
  ) WITH ORDINALITY AS w(provider, from_minute, to_minute, span_no)`;

/** The columns of an incident as read: minutes as integers (an answer can hold thousands of incidents). */
const INCIDENT_COLUMNS = sql`i.provider, (extract(epoch FROM i.start_minute) / 60)::int AS start_m, (extract(epoch FROM i.end_minute) / 60)::int AS end_m,
  i.severity, i.models, i.outage_count`;

interface IncidentRow {
  provider: string;
  start_m: number;
  end_m: number;
  severity: string;
  models: string[];
  outage_count: number;
}

const fromRow = (row: IncidentRow): ProviderIncident => ({
  provider: row.provider,
  start: row.start_m,
  end: row.end_m,
  severity: row.severity as MinuteStatus,
  models: row.models,
  outages: row.outage_count,
});

/**
 * The incidents read model. One provider's incidents never overlap — each ends more than the
 * merge gap before the next begins — so in key order (provider, start) their ends rise too: the
 * incidents of a provider overlapping a span are the last one starting at or before the span's
 * start (if it reaches into the span) and those starting within it, all found on the key.
 */
@Injectable()
export class IncidentRepository {
  /**
   * For each span, the stored incidents that touch the closed range [from, to] (those ending at
   * `from` or starting at `to` included), in start order: one statement for them all.
   */
  async touching(db: Kysely<DB>, spans: readonly ProviderSpan[]): Promise<ProviderIncident[][]> {
    const found: ProviderIncident[][] = spans.map(() => []);
    if (spans.length === 0) return found;
    const { rows } = await sql<IncidentRow & { span_no: string }>`
      SELECT w.span_no, ${INCIDENT_COLUMNS} FROM ${spansTable(spans)}
      CROSS JOIN LATERAL (
        SELECT * FROM incidents i
        WHERE i.provider = w.provider AND i.start_minute <= w.to_minute AND i.end_minute >= w.from_minute
          AND i.start_minute >= coalesce(
            (SELECT max(l.start_minute) FROM incidents l WHERE l.provider = w.provider AND l.start_minute <= w.from_minute), '-infinity')
      ) AS i
      ORDER BY w.span_no, i.start_minute`.execute(db);
    for (const row of rows) found[Number(row.span_no) - 1]!.push(fromRow(row));
    return found;
  }

  /** Replaces the incidents that start in each span with `incidents` (which must lie in those spans). */
  async replaceInSpans(db: Kysely<DB>, spans: readonly ProviderSpan[], incidents: readonly ProviderIncident[]): Promise<void> {
    if (spans.length === 0) return;
    await sql`
      DELETE FROM incidents i USING ${spansTable(spans)}
      WHERE i.provider = w.provider AND i.start_minute >= w.from_minute AND i.start_minute < w.to_minute`.execute(db);
    for (let start = 0; start < incidents.length; start += 2_000) {
      const chunk = incidents.slice(start, start + 2_000);
      // Arrays of arrays do not unnest row by row: each incident's models travel as an array literal.
      await sql`
        INSERT INTO incidents (provider, start_minute, end_minute, severity, models, outage_count)
        SELECT provider, start_minute, end_minute, severity, models::text[], outage_count
        FROM unnest(${chunk.map((i) => i.provider)}::text[], ${chunk.map((i) => toIso(i.start))}::timestamptz[],
                    ${chunk.map((i) => toIso(i.end))}::timestamptz[], ${chunk.map((i) => i.severity)}::text[],
                    ${chunk.map((i) => arrayLiteral(i.models))}::text[], ${chunk.map((i) => i.outages)}::int[])
             AS t(provider, start_minute, end_minute, severity, models, outage_count)`.execute(db);
    }
  }

  /** Writes incidents into the incidents table `client`'s search_path finds, created or emptied in its current transaction (COPY FREEZE; rebuilds). */
  async copyIn(client: pg.ClientBase, incidents: readonly ProviderIncident[]): Promise<void> {
    const copy = client.query(copyFrom('COPY incidents (provider, start_minute, end_minute, severity, models, outage_count) FROM STDIN (FREEZE)'));
    await pipeline(Readable.from(incidentsCopyText(incidents)), copy);
  }

  /**
   * Incidents overlapping [from, to), of one provider or of every provider, in (start, provider)
   * order. Every provider: the providers are walked on the key (a few index probes each), and
   * each one's incidents read as for one provider.
   */
  async overlapping(db: Kysely<DB>, filter: { from: Date; to: Date; provider?: string | undefined }): Promise<ProviderIncident[]> {
    const providers = filter.provider !== undefined
      ? sql`(SELECT ${filter.provider}::text AS provider) AS p`
      : sql`(
          WITH RECURSIVE walk(provider) AS (
            SELECT min(provider) FROM incidents
            UNION ALL
            SELECT (SELECT min(n.provider) FROM incidents n WHERE n.provider > walk.provider) FROM walk WHERE walk.provider IS NOT NULL
          )
          SELECT provider FROM walk WHERE provider IS NOT NULL
        ) AS p`;
    const { rows } = await sql<IncidentRow>`
      SELECT ${INCIDENT_COLUMNS} FROM ${providers}
      CROSS JOIN LATERAL (
        SELECT * FROM incidents i
        WHERE i.provider = p.provider AND i.start_minute < ${filter.to} AND i.end_minute > ${filter.from}
          AND i.start_minute >= coalesce(
            (SELECT max(l.start_minute) FROM incidents l WHERE l.provider = p.provider AND l.start_minute <= ${filter.from}), '-infinity')
      ) AS i
      ORDER BY i.start_minute, i.provider COLLATE "C"`.execute(db);
    return rows.map(fromRow);
  }
}

/** A text[] literal, each element quoted. */
const arrayLiteral = (values: readonly string[]) => `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;

function* incidentsCopyText(incidents: readonly ProviderIncident[]): Generator<string> {
  for (let start = 0; start < incidents.length; start += 2_000) {
    let text = '';
    for (const i of incidents.slice(start, start + 2_000)) {
      text += `${escapeCopy(i.provider)}\t${toIso(i.start)}\t${toIso(i.end)}\t${i.severity}\t${escapeCopy(arrayLiteral(i.models))}\t${i.outages}\n`;
    }
    yield text;
  }
}
