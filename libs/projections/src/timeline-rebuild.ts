import { sql, Transaction } from 'kysely';
import type pg from 'pg';
import { Database, DB, withRawClient } from '@ledger/database';
import { OutcomeLogReader } from '@ledger/event-store';
import { CheckpointRepository } from './checkpoint.repository';
import { DetectionPolicyRepository } from './detection-policy.repository';
import { MinuteRollupRepository } from './minute-rollup.repository';
import { OutageDeriver } from './outage-deriver';
import { OutageRepository } from './outage.repository';
import { deriveFoldedOutages } from './replay-outages';
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
 *    into rollups in memory (log-fold.ts); all outages derived from them in the same pass.
 * 2. Writing: outages and rollups COPY'd into bare tables created in the same transaction
 *    (so the rows are written frozen: no later pass sets their hint bits).
 * 3. Indexing: the public tables' keys and indexes built on the filled tables; the aside
 *    checkpoint set to exactly the horizon folded.
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
  const derived = log === null ? [] : deriveFoldedOutages(log, policies);
  progress.folded = log?.events ?? 0;
  report({ ...progress, phase: 'writing' });
  await inRebuildSchema(db, async (client) => {
    // Read models start bare: bulk-loading a table and then indexing it beats updating indexes row
    // by row. Created in the transaction that fills them, so COPY can write the rows frozen.
    for (const table of READ_MODELS) await client.query(`CREATE TABLE ${REBUILD_SCHEMA}.${table} (LIKE public.${table} INCLUDING DEFAULTS)`);
    await outages.copyIn(client, derived);
    if (log !== null) await rollups.copyFolded(client, log);
  });

  report({ ...progress, phase: 'indexing' });
  await db.transaction().execute(async (trx) => {
    await useRebuildSchema(trx);
    // Room to sort each index in memory rather than in temporary files.
    await sql`SET LOCAL maintenance_work_mem = '512MB'`.execute(trx);
    for (const table of READ_MODELS) await copyIndexes(trx, table);
    if (end === null) return;
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
  // Fresh tables have no planner statistics until autovacuum gets to them.
  await sql`ANALYZE minute_rollups, outages`.execute(db);
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

/** Gives an aside table the primary key and indexes of its public twin, under the same names. */
async function copyIndexes(trx: Transaction<DB>, table: string): Promise<void> {
  const { rows: keys } = await sql<{ name: string; definition: string }>`
    SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
    WHERE conrelid = ${`public.${table}`}::regclass AND contype = 'p'`.execute(trx);
  for (const key of keys) {
    await sql`ALTER TABLE ${sql.id(REBUILD_SCHEMA, table)} ADD CONSTRAINT ${sql.id(key.name)} ${sql.raw(key.definition)}`.execute(trx);
  }
  const { rows: indexes } = await sql<{ definition: string }>`
    SELECT indexdef AS definition FROM pg_indexes i
    WHERE schemaname = 'public' AND tablename = ${table}
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.conrelid = ${`public.${table}`}::regclass)`.execute(trx);
  for (const index of indexes) {
    // pg_indexes gives "CREATE INDEX name ON public.table USING …": the same, on the aside table.
    await sql.raw(index.definition.replace(` ON public.${table} `, ` ON ${REBUILD_SCHEMA}.${table} `)).execute(trx);
  }
}

/** Replaces public.<table> with the rebuilt one (its indexes already carry the original names). */
async function swapIn(trx: Transaction<DB>, table: string): Promise<void> {
  await sql`DROP TABLE ${sql.id('public', table)}`.execute(trx);
  await sql`ALTER TABLE ${sql.id(REBUILD_SCHEMA, table)} SET SCHEMA public`.execute(trx);
}
