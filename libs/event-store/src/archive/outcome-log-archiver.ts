import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { COPY_TEXT_NULL as NULL, escapeCopy } from '@ledger/codec';
import { retentionStart } from '@ledger/domain';
import { backgroundOf, Database, withRawClient } from '@ledger/database';
import { dayOfTable, dayTable } from '../outcome-log-days';
import {
  archivedDayFolders, ArchiveManifest, readDayArchive, removePartialArchives, Verification, verifyDayArchive, writeDayArchive,
} from './archive-files';

/** The state of a day of the log, as `archive list` shows it. */
export interface LogDay {
  day: string;
  /** in-log: a partition only; archived: files only (dropped from the log); restored: both; detached: a partition being archived. */
  state: 'in-log' | 'archived' | 'restored' | 'detached';
  events: number | null;
  sha256: string | null;
}

/**
 * Retention of the outcome log, a day partition at a time: archive a day to files, verify the
 * files, then drop the partition (instant, no bloat); and bring archived days back. At every step
 * a day's events are in the partition, in a verified archive, or both — never in neither: the
 * partition is dropped only in the transaction that checks it still holds what the archive holds.
 */
export class OutcomeLogArchiver {
  constructor(
    private readonly db: Database,
    /** Folder of the archives (ARCHIVE_DIR). */
    readonly root: string,
    /** Every projection of the log: a day is archived only once all of them have folded it. */
    private readonly projections: readonly string[],
  ) {}

  /**
   * Archives and drops every day older than the retention allows: days before
   * `today − retentionDays − 1` (UTC). Ingest refuses events before `today − retentionDays`;
   * the day between is a grace for requests that were accepted just before midnight.
   * Finishes first what a crash left half done.
   */
  async applyRetention(retentionDays: number, now = Date.now()): Promise<ArchiveManifest[]> {
    await this.recover();
    // Ingest's own horizon (retentionStart), a day further back.
    const before = new Date(retentionStart(now, retentionDays + 1)).toISOString().slice(0, 10);
    const expired = (await this.partitionDays()).filter((p) => p.attached && p.day < before);
    const archived: ArchiveManifest[] = [];
    for (const { day } of expired) {
      const manifest = await this.archiveDay(day);
      if (manifest !== null) archived.push(manifest);
    }
    return archived;
  }

  /**
   * Archives a day and drops its partition. Returns null (and leaves the day in the log) when a
   * projection has not folded all of it yet.
   */
  async archiveDay(day: string): Promise<ArchiveManifest | null> {
    const table = dayTable(day);
    const partition = (await this.partitionDays()).find((p) => p.day === day);
    if (partition === undefined) throw new Error(`the log has no partition for ${day}`);
    if (partition.detachPending) await sql`ALTER TABLE outcome_events DETACH PARTITION ${sql.table(table)} FINALIZE`.execute(this.db);
    const manifest = await withRawClient(backgroundOf(this.db), async (client) => {
      await client.query('BEGIN');
      try {
        // Waits for writers still inserting into the day, and keeps new ones out until the files are written.
        await client.query(`LOCK TABLE ${quoted(table)} IN SHARE MODE`);
        await client.query(`SET LOCAL TimeZone = 'UTC'`);
        if (!(await this.folded(client, table))) {
          await client.query('ROLLBACK');
          return null;
        }
        const written = await writeDayArchive(this.root, await this.facts(client, day, table), client.query(copyTo(eventsAsJson(table))));
        await client.query('COMMIT');
        return written;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
    if (manifest === null) {
      // Not folded yet. A day a crash left detached goes back into the log, where projections can read it.
      if (!partition.attached || partition.detachPending) await this.attach(day);
      return null;
    }
    if (partition.attached && !partition.detachPending) {
      // Concurrently: ingest and reads of other days go on while it waits for queries that use the log.
      await sql`ALTER TABLE outcome_events DETACH PARTITION ${sql.table(table)} CONCURRENTLY`.execute(this.db);
    }
    await this.dropArchived(day, manifest);
    return manifest;
  }

  /** Drops a detached day whose archive holds exactly its events; re-attaches it otherwise. */
  private async dropArchived(day: string, manifest: ArchiveManifest): Promise<void> {
    const table = dayTable(day);
    await withRawClient(backgroundOf(this.db), async (client) => {
      await client.query('BEGIN');
      try {
        await client.query(`LOCK TABLE ${quoted(table)} IN ACCESS EXCLUSIVE MODE`);
        const facts = await this.facts(client, day, table);
        const same = facts.events === manifest.events && facts.lastPosition === manifest.lastPosition && (await this.folded(client, table));
        if (!same) {
          await client.query(attachSql(day));
          await client.query('COMMIT');
          throw new Error(`the partition of ${day} changed while it was archived; it is back in the log, and the next run archives it again`);
        }
        await client.query(
          `INSERT INTO outcome_archives (day, events, sha256, first_position, last_position) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (day) DO UPDATE SET events = excluded.events, sha256 = excluded.sha256, first_position = excluded.first_position,
             last_position = excluded.last_position, archived_at = now()`,
          [day, manifest.events, manifest.sha256, manifest.firstPosition, manifest.lastPosition],
        );
        await client.query(`DROP TABLE ${quoted(table)}`);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  private async attach(day: string): Promise<void> {
    await sql.raw(attachSql(day)).execute(this.db);
  }

  /**
   * Finishes what a crash left: half-written archive folders are removed, a detach left pending
   * is finalised, and a day detached but not dropped is archived again (its files may be
   * missing) and dropped.
   */
  async recover(): Promise<void> {
    await removePartialArchives(this.root);
    for (const partition of await this.partitionDays()) {
      if (!partition.attached || partition.detachPending) await this.archiveDay(partition.day);
    }
  }

  /** Puts archived days back into the log, with their original positions (behind every projection: nothing is folded twice). */
  async restore(days: readonly string[], onDay?: (day: string, events: number) => void): Promise<number> {
    let total = 0;
    for (const day of days) {
      const check = await verifyDayArchive(this.root, day);
      if (check.problems.length > 0) throw new Error(`the archive of ${day} does not verify: ${check.problems.join('; ')}`);
      if ((await this.partitionDays()).some((p) => p.day === day)) throw new Error(`${day} is in the log already`);
      await sql`SELECT ensure_outcome_event_days(${[day]}::date[], restoring => true)`.execute(this.db);
      const events = await withRawClient(backgroundOf(this.db), async (client) => {
        await client.query('BEGIN');
        try {
          const copy = client.query(copyFrom(`COPY outcome_events (${RESTORE_COLUMNS.join(', ')}) FROM STDIN`));
          await pipeline(Readable.from(restoreRows(this.root, day)), copy);
          await client.query('COMMIT');
          return Number(copy.rowCount);
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
      if (events !== check.manifest!.events) throw new Error(`restored ${events} events of ${day} where the archive holds ${check.manifest!.events}`);
      onDay?.(day, events);
      total += events;
    }
    return total;
  }

  /** Every archived day's files checked against their manifest and the catalog. */
  async verify(days?: readonly string[]): Promise<Verification[]> {
    const catalog = new Map((await this.db.selectFrom('outcome_archives').selectAll().execute()).map((row) => [row.day, row]));
    const wanted = days ?? [...new Set([...(await archivedDayFolders(this.root)), ...catalog.keys()])].sort();
    const results: Verification[] = [];
    // One day at a time: each is a file read end to end.
    for (const day of wanted) {
      const result = await verifyDayArchive(this.root, day);
      const row = catalog.get(day);
      if (row !== undefined && result.manifest !== null && (Number(row.events) !== result.manifest.events || row.sha256 !== result.manifest.sha256)) {
        result.problems.push(`the catalog records ${row.events} events, SHA-256 ${row.sha256}`);
      }
      results.push(result);
    }
    return results;
  }

  /** The days of the log and of the archive, in order. */
  async list(): Promise<LogDay[]> {
    const catalog = new Map((await this.db.selectFrom('outcome_archives').selectAll().execute()).map((row) => [row.day, row]));
    const partitions = new Map((await this.partitionDays()).map((p) => [p.day, p]));
    const days = [...new Set([...catalog.keys(), ...partitions.keys()])].sort();
    return days.map((day) => {
      const row = catalog.get(day);
      const partition = partitions.get(day);
      const state = partition === undefined ? 'archived' : !partition.attached || partition.detachPending ? 'detached' : row === undefined ? 'in-log' : 'restored';
      return { day, state, events: row === undefined ? null : Number(row.events), sha256: row?.sha256 ?? null };
    });
  }

  private async partitionDays(): Promise<{ day: string; attached: boolean; detachPending: boolean }[]> {
    const { rows } = await sql<{ name: string; attached: boolean; detach_pending: boolean }>`
      SELECT c.relname AS name, i.inhrelid IS NOT NULL AS attached, coalesce(i.inhdetachpending, false) AS detach_pending
      FROM pg_class c
      LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = 'outcome_events'::regclass
      WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND c.relname ~ '^outcome_events_[0-9]{8}$'
      ORDER BY 1`.execute(this.db);
    return rows.map((r) => ({ day: dayOfTable(r.name), attached: r.attached, detachPending: r.detach_pending }));
  }

  /** Whether every projection has folded every event of the table. */
  private async folded(client: pg.ClientBase, table: string): Promise<boolean> {
    const { rows } = await client.query<{ folded: boolean }>(
      `SELECT count(c.name) = cardinality($1::text[])
              AND coalesce(bool_and(last.t IS NULL OR (last.t, last.g) <= (c.transaction_id, c.global_position)), true) AS folded
       FROM projection_checkpoints c
       LEFT JOIN (SELECT transaction_id AS t, global_position AS g FROM ${quoted(table)} ORDER BY 1 DESC, 2 DESC LIMIT 1) AS last ON true
       WHERE c.name = ANY($1::text[])`,
      [this.projections],
    );
    return rows[0]!.folded;
  }

  private async facts(client: pg.ClientBase, day: string, table: string) {
    const { rows } = await client.query<{ events: string; first_at: Date | null; last_at: Date | null; first_pos: string | null; last_pos: string | null }>(
      `SELECT count(*)::text AS events, min(occurred_at) AS first_at, max(occurred_at) AS last_at,
              (SELECT transaction_id || ':' || global_position FROM ${quoted(table)} ORDER BY transaction_id, global_position LIMIT 1) AS first_pos,
              (SELECT transaction_id || ':' || global_position FROM ${quoted(table)} ORDER BY transaction_id DESC, global_position DESC LIMIT 1) AS last_pos
       FROM ${quoted(table)}`,
    );
    const r = rows[0]!;
    return {
      day, events: Number(r.events), firstOccurredAt: r.first_at?.toISOString() ?? null, lastOccurredAt: r.last_at?.toISOString() ?? null,
      firstPosition: r.first_pos, lastPosition: r.last_pos,
    };
  }
}

const attachSql = (day: string) => `ALTER TABLE outcome_events ATTACH PARTITION ${quoted(dayTable(day))} FOR VALUES FROM ('${day}') TO ('${shiftDay(day, 1)}')`;
/** Day tables are named from validated days (digits only): quoting is for form. */
const quoted = (table: string) => `"${table}"`;

function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The day's events as one JSON object a line, in commit order: the archive's NDJSON. */
const eventsAsJson = (table: string) => `COPY (
  SELECT json_build_object(
    'position', global_position::text, 'transactionId', transaction_id::text, 'platform', platform, 'id', event_id,
    'provider', provider, 'model', model, 'occurredAt', occurred_at, 'outcome', outcome, 'httpStatus', http_status,
    'errorCode', error_code, 'latencyMs', latency_ms, 'ttftMs', ttft_ms, 'recordedAt', recorded_at)
  FROM ${quoted(table)} ORDER BY transaction_id, global_position
) TO STDOUT`;

const RESTORE_COLUMNS = [
  'global_position', 'transaction_id', 'platform', 'event_id', 'provider', 'model', 'occurred_at', 'occurred_on',
  'outcome', 'http_status', 'error_code', 'latency_ms', 'ttft_ms', 'recorded_at',
] as const;

async function* restoreRows(root: string, day: string): AsyncGenerator<string> {
  let text = '';
  let rows = 0;
  for await (const e of readDayArchive(root, day)) {
    const nullable = (value: string | number | null) => (value === null ? NULL : escapeCopy(String(value)));
    text += [
      e.position, e.transactionId, escapeCopy(e.platform), escapeCopy(e.id), escapeCopy(e.provider), escapeCopy(e.model), e.occurredAt, day,
      e.outcome, nullable(e.httpStatus), nullable(e.errorCode), nullable(e.latencyMs), nullable(e.ttftMs), e.recordedAt,
    ].join('\t') + '\n';
    if (++rows % 1_000 === 0) {
      yield text;
      text = '';
    }
  }
  if (text !== '') yield text;
}
