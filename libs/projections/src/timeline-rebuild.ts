import { sql, Transaction } from 'kysely';
import type pg from 'pg';
import { Database, DB, withRawClient } from '@ledger/database';
import { OutcomeLogReader } from '@ledger/event-store';
import { CheckpointRepository } from './checkpoint.repository';
import { DetectionPolicyRepository } from './detection-policy.repository';
import { MinuteRollupRepository } from './minute-rollup.repository';
import { OutageDeriver } from './outage-deriver';
import { OutageRepository } from './outage.repository';
import { deriveFoldedOutagesInTurns } from './replay-outages';
import { createTimelineProjection, lockProjection, TIMELINE_PROJECTION } from './timeline.projection';

const REBUILD_SCHEMA = 'timeline_rebuild';
const READ_MODELS = ['minute_rollups', 'outages'] as const;
const REBUILD_LOCK = 'rebuild:timeline';

/** What a rebuild is doing, in order. */
export type RebuildPhase = 'folding' | 'writing' | 'indexing' | 'catching-up' | 'swapped';

export interface RebuildProgress {
  folded: number;
  /** Events to fold: an upper bound while folding (the last event's position), exact at the end. */
  total: number;
  phase: RebuildPhase;
}

/**
 * Replays the whole outcome log into fresh read models built aside (schema timeline_rebuild),
 * then swaps them in with one transaction under the projection's lock: readers see the old
 * read models until the commit and the new ones after, never a half-built state.
 *
 * 1. Folding: one scan of the log up to the commit horizon, streamed as binary COPY and folded
 *    into rollups in memory (log-fold.ts).
 * 2. Writing: rollups COPY'd, in primary-key order, into bare tables created in the same
 *    transaction (so the rows are written frozen: no later pass sets their hint bits), while
 *    all outages are derived from the folded rollups (replay-outages.ts); then the outages.
 * 3. Indexing: the public tables' keys and indexes built on the filled tables, two at a time;
 *    the aside checkpoint set to exactly the horizon folded.
 * 4. Catching up and swapping: under the projection's lock, events committed meanwhile are
 *    folded incrementally, outages derived again if a policy changed meanwhile, the tables and
 *    the checkpoint swapped in, in one transaction.
 *
 * It needs three connections of the pool at once (its lock, the log scan, a transaction).
 * The aside tables are ordinary (logged) tables: the swap's commit makes the rebuilt models
 * durable like any other write. A crash before it leaves the public models untouched and an
 * aside schema the next rebuild drops.
 */
export async function rebuildTimeline(db: Database, options: RebuildOptions = {}): Promise<RebuildProgress> {
  // One rebuild at a time: a second one would drop the aside tables under the first, which could
  // then swap in half-built tables. A session lock on a connection of its own, for the whole run.
  return withRawClient(db, async (client) => {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [REBUILD_LOCK]);
    if (!rows[0]!.locked) throw new Error('another rebuild of the timeline is running; try again when it has finished');
    try {
      return await rebuildLocked(db, options);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [REBUILD_LOCK]);
    }
  });
}

export interface RebuildOptions {
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
}

async function rebuildLocked(db: Database, options: RebuildOptions): Promise<RebuildProgress> {
  const batchSize = options.batchSize ?? 250_000;
  const report = (progress: RebuildProgress) => options.onProgress?.({ ...progress, total: Math.max(progress.total, progress.folded) });
  const rollups = new MinuteRollupRepository();
  const outages = new OutageRepository();
  const policyRepository = new DetectionPolicyRepository();
  const checkpoints = new CheckpointRepository();

  await db.transaction().execute(async (trx) => {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(REBUILD_SCHEMA)} CASCADE`.execute(trx);
    await sql`CREATE SCHEMA ${sql.id(REBUILD_SCHEMA)}`.execute(trx);
    await sql`CREATE TABLE ${sql.id(REBUILD_SCHEMA, 'projection_checkpoints')} (LIKE public.projection_checkpoints INCLUDING ALL)`.execute(trx);
  });

  // Everything at or before the commit horizon is fixed: fold it all in one scan.
  const end = await db.transaction().execute((trx) => new OutcomeLogReader().lastVisible(trx));
  const progress: RebuildProgress = { folded: 0, total: end === null ? 0 : Number(end.globalPosition), phase: 'folding' };
  report(progress);
  const policies = await policyRepository.load(db);
  const log = end === null ? null : await rollups.replayLog(db, end, (folded) => report({ ...progress, folded }));
  progress.folded = log?.events ?? 0;
  report({ ...progress, phase: 'writing' });
  await inRebuildSchema(db, async (client) => {
    // Read models start bare: bulk-loading a table and then indexing it beats updating indexes row
    // by row. Created in the transaction that fills them, so COPY can write the rows frozen (and
    // mark them all-visible). Autovacuum stays away until the swap: it would find millions of new
    // rows and hold a lock the index builds wait for — for seconds — while finding nothing to do.
    for (const table of READ_MODELS) {
      await client.query(`CREATE TABLE ${REBUILD_SCHEMA}.${table} (LIKE public.${table} INCLUDING DEFAULTS) WITH (autovacuum_enabled = false)`);
    }
    if (log === null) return;
    // Postgres loads the rollups while Node derives the outages from them between chunks.
    const [derived] = await Promise.all([deriveFoldedOutagesInTurns(log, policies), rollups.copyFolded(client, log)]);
    await outages.copyIn(client, derived);
  });

  report({ ...progress, phase: 'indexing' });
  // Two at a time, each on a connection of its own: the rollups' key (presorted: the rows were
  // written in its order) beside the smaller indexes, so both cores stay busy.
  const definitions = (await Promise.all(READ_MODELS.map((table) => indexDefinitions(db, table)))).flat();
  await inParallel(2, definitions, (definition) => db.transaction().execute(async (trx) => {
    // Room to sort each index in memory rather than in temporary files.
    await sql`SET LOCAL maintenance_work_mem = '512MB'`.execute(trx);
    // Parallel workers would only contend with the other lane (and a presorted key gains nothing).
    await sql`SET LOCAL max_parallel_maintenance_workers = 0`.execute(trx);
    // Each build reads the table from its first page: joining the other lane's scan midway
    // (a synchronized scan) would hand the key's sort its rows rotated, no longer presorted —
    // five times the work.
    await sql`SET LOCAL synchronize_seqscans = off`.execute(trx);
    await sql.raw(definition.build).execute(trx);
  }));
  await db.transaction().execute(async (trx) => {
    for (const { adopt } of definitions) if (adopt !== undefined) await sql.raw(adopt).execute(trx);
    if (end === null) return;
    await useRebuildSchema(trx);
    const start = await checkpoints.get(trx, TIMELINE_PROJECTION);
    if (!(await checkpoints.advance(trx, TIMELINE_PROJECTION, start.position, end, progress.folded))) {
      throw new Error('the aside checkpoint moved during the rebuild');
    }
  });

  report({ ...progress, phase: 'catching-up' });
  const projection = createTimelineProjection(db);
  await db.transaction().execute(async (trx) => {
    await lockProjection(trx, TIMELINE_PROJECTION);
    await useRebuildSchema(trx);
    for (;;) {
      const result = await projection.stepLocked(trx, { batchSize, deriveOutages: true });
      if (result.status !== 'folded') break;
      progress.folded += result.events;
    }
    // A policy set while the log was folding re-derived the public outages, not these: derive them again.
    const current = await policyRepository.load(trx);
    if (!current.sameAs(policies)) {
      const deriver = new OutageDeriver(rollups, outages);
      for (const series of await rollups.allSeries(trx)) await deriver.rederiveAll(trx, series, current);
    }
    await sql`SET LOCAL search_path TO public`.execute(trx);
    for (const table of READ_MODELS) await swapIn(trx, table);
    await sql`
      INSERT INTO public.projection_checkpoints (name, transaction_id, global_position, events_folded, updated_at)
      SELECT name, transaction_id, global_position, events_folded, now() FROM ${sql.id(REBUILD_SCHEMA, 'projection_checkpoints')}
      WHERE name = ${TIMELINE_PROJECTION}
      ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position,
        events_folded = EXCLUDED.events_folded, updated_at = EXCLUDED.updated_at`.execute(trx);
    await sql`DROP SCHEMA ${sql.id(REBUILD_SCHEMA)} CASCADE`.execute(trx);
  });
  // Fresh tables have no planner statistics until autovacuum gets to them. Queries filter the
  // rollups on their key columns only; the sketch arrays would cost most of the sampling.
  await sql`ANALYZE minute_rollups (platform, provider, model, minute), outages`.execute(db);
  const done: RebuildProgress = { ...progress, total: progress.folded, phase: 'swapped' };
  report(done);
  return done;
}

async function useRebuildSchema(trx: Transaction<DB>): Promise<void> {
  // Read models resolve to the aside tables; the log and the policies stay in public.
  await sql`SET LOCAL search_path TO ${sql.id(REBUILD_SCHEMA)}, public`.execute(trx);
}

/** Runs `work` in a transaction of its own on a raw connection (for COPY) that resolves read models to the aside tables. */
async function inRebuildSchema(db: Database, work: (client: pg.ClientBase) => Promise<void>): Promise<void> {
  await withRawClient(db, async (client) => {
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL search_path TO ${REBUILD_SCHEMA}, public`);
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/**
 * The statements that give an aside table the primary key and indexes of its public twin, under
 * the same names, the primary key first. Each index is built with CREATE INDEX, which lets other
 * indexes of the table be built at the same time (ALTER TABLE … ADD PRIMARY KEY would lock the
 * table for its whole build); the key then adopts its index.
 */
async function indexDefinitions(db: Database, table: string): Promise<{ build: string; adopt?: string }[]> {
  const aside = `${REBUILD_SCHEMA}.${table}`;
  const { rows } = await sql<{ name: string; definition: string; primary: boolean }>`
    SELECT i.indexname AS name, i.indexdef AS definition,
           EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.conrelid = ${`public.${table}`}::regclass AND c.contype = 'p') AS primary
    FROM pg_indexes i WHERE i.schemaname = 'public' AND i.tablename = ${table}
    ORDER BY 3 DESC, 1`.execute(db);
  return rows.map((index) => ({
    // pg_indexes gives "CREATE [UNIQUE] INDEX name ON public.table USING …": the same, on the aside table.
    build: index.definition.replace(` ON public.${table} `, ` ON ${aside} `),
    adopt: index.primary ? `ALTER TABLE ${aside} ADD CONSTRAINT ${quoteIdentifier(index.name)} PRIMARY KEY USING INDEX ${quoteIdentifier(index.name)}` : undefined,
  }));
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Runs `work` on every item, at most `width` at once; after a failure, starts no more. */
async function inParallel<T>(width: number, items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      await work(items[next++]!).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

/** Replaces public.<table> with the rebuilt one (its indexes already carry the original names). */
async function swapIn(trx: Transaction<DB>, table: string): Promise<void> {
  await sql`DROP TABLE ${sql.id('public', table)}`.execute(trx);
  await sql`ALTER TABLE ${sql.id(REBUILD_SCHEMA, table)} SET SCHEMA public`.execute(trx);
  await sql`ALTER TABLE ${sql.id('public', table)} RESET (autovacuum_enabled)`.execute(trx);
}
