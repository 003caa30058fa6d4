import { sql, Transaction } from 'kysely';
import type { Database, DB } from '@ledger/database';
import { OutcomeLogReader } from '@ledger/event-store';
import { CheckpointRepository } from './checkpoint.repository';
import { DetectionPolicyRepository } from './detection-policy.repository';
import { MinuteRollupRepository } from './minute-rollup.repository';
import { OutageDeriver } from './outage-deriver';
import { OutageRepository } from './outage.repository';
import { createTimelineProjection, lockProjection, TIMELINE_PROJECTION } from './timeline.projection';

const REBUILD_SCHEMA = 'timeline_rebuild';
const READ_MODELS = ['minute_rollups', 'outages'] as const;

export interface RebuildProgress {
  folded: number;
  total: number;
}

/**
 * Replays the whole outcome log into fresh read models built aside (schema timeline_rebuild):
 * Postgres groups the log into minute rollups in one statement, outages are derived once per
 * series, and events that arrived meanwhile are folded incrementally. Then the tables are
 * swapped in with one transaction under the projection's lock: readers see the old read
 * models until the commit and the new ones after, never a half-built state.
 */
export async function rebuildTimeline(
  db: Database,
  options: { batchSize?: number; onProgress?: (progress: RebuildProgress) => void } = {},
): Promise<RebuildProgress> {
  const batchSize = options.batchSize ?? 250_000;
  const projection = createTimelineProjection(db);
  const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM outcome_events`.execute(db);
  const progress: RebuildProgress = { folded: 0, total: Number(rows[0]!.n) };

  await db.transaction().execute(async (trx) => {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(REBUILD_SCHEMA)} CASCADE`.execute(trx);
    await sql`CREATE SCHEMA ${sql.id(REBUILD_SCHEMA)}`.execute(trx);
    // Read models start bare: bulk-loading a table and then indexing it beats updating indexes row by row.
    for (const table of READ_MODELS) {
      await sql`CREATE TABLE ${sql.id(REBUILD_SCHEMA, table)} (LIKE ${sql.id('public', table)} INCLUDING DEFAULTS)`.execute(trx);
    }
    await sql`CREATE TABLE ${sql.id(REBUILD_SCHEMA, 'projection_checkpoints')} (LIKE public.projection_checkpoints INCLUDING ALL)`.execute(trx);
  });

  // Replay the log up to the current commit horizon into the aside rollups in one statement,
  // and set the aside checkpoint there; outages are derived once afterwards.
  await db.transaction().execute(async (trx) => {
    await useRebuildSchema(trx);
    // Room to group the whole log in memory rather than in temporary files.
    await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
    const end = await new OutcomeLogReader().lastVisible(trx);
    const folded = end === null ? 0 : await new MinuteRollupRepository().replayLog(trx, end);
    await copyIndexes(trx, 'minute_rollups');
    if (end === null) return;
    const checkpoints = new CheckpointRepository();
    const start = await checkpoints.get(trx, TIMELINE_PROJECTION);
    await checkpoints.advance(trx, TIMELINE_PROJECTION, start.position, end, folded);
    progress.folded += folded;
    options.onProgress?.({ ...progress, total: Math.max(progress.total, progress.folded) });
  });
  await db.transaction().execute(async (trx) => {
    await useRebuildSchema(trx);
    const rollups = new MinuteRollupRepository();
    const deriver = new OutageDeriver(rollups, new OutageRepository());
    const policies = await new DetectionPolicyRepository().load(trx);
    for (const series of await rollups.allSeries(trx)) await deriver.rederiveAll(trx, series, policies);
    await copyIndexes(trx, 'outages');
  });

  await db.transaction().execute(async (trx) => {
    await lockProjection(trx, TIMELINE_PROJECTION);
    await useRebuildSchema(trx);
    for (;;) {
      const result = await projection.stepLocked(trx, { batchSize, deriveOutages: true });
      if (result.status !== 'folded') break;
      progress.folded += result.events;
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
  options.onProgress?.({ ...progress, total: Math.max(progress.total, progress.folded) });
  return progress;
}

async function useRebuildSchema(trx: Transaction<DB>): Promise<void> {
  // Read models resolve to the aside tables; the log and the policies stay in public.
  await sql`SET LOCAL search_path TO ${sql.id(REBUILD_SCHEMA)}, public`.execute(trx);
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
