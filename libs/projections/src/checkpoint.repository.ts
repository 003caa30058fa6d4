import { Injectable } from '@nestjs/common';
import { Kysely, sql, Transaction } from 'kysely';
import type { DB, ProjectionCheckpointRow } from '@ledger/database';
import { LOG_START, LogPosition } from '@ledger/event-store';

export interface Checkpoint {
  name: string;
  position: LogPosition;
  eventsFolded: number;
  /** 1, plus one per rebuild swapped in: figures read from the read models are keyed on it. */
  generation: bigint;
  updatedAt: Date;
}

/** Where a projection's read models stand: what a cache of figures read from them keys on. */
export interface ReadModelVersion {
  generation: bigint;
  position: LogPosition;
}

/**
 * Projection checkpoints: read, and advanced compare-and-set in the projection's own transaction.
 * The table resolves through the search_path, so a rebuild's aside checkpoints are written with
 * the same code (see the projection runner).
 */
@Injectable()
export class CheckpointRepository {
  async get(trx: Transaction<DB>, name: string): Promise<Checkpoint> {
    await trx.insertInto('projection_checkpoints').values({ name, transaction_id: '0', global_position: '0', events_folded: '0' })
      .onConflict((oc) => oc.column('name').doNothing()).execute();
    const row = await trx.selectFrom('projection_checkpoints').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
    return toCheckpoint(row);
  }

  /** Moves the checkpoint from `from` to `to`; false when another runner moved it meanwhile. */
  async advance(trx: Transaction<DB>, name: string, from: LogPosition, to: LogPosition, events: number): Promise<boolean> {
    const result = await trx
      .updateTable('projection_checkpoints')
      .set({
        transaction_id: to.transactionId.toString(),
        global_position: to.globalPosition.toString(),
        events_folded: sql`events_folded + ${events}`,
        updated_at: sql`now()`,
      })
      .where('name', '=', name)
      .where(sql<boolean>`transaction_id = ${from.transactionId.toString()}::xid8`)
      .where('global_position', '=', from.globalPosition)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * Makes the checkpoints of `names` in `asideSchema` the public ones, each a generation later
   * than the public one it replaces (the swap of a rebuild).
   */
  async adoptAside(trx: Transaction<DB>, asideSchema: string, names: readonly string[]): Promise<void> {
    await sql`
      INSERT INTO public.projection_checkpoints (name, transaction_id, global_position, events_folded, generation, updated_at)
      SELECT a.name, a.transaction_id, a.global_position, a.events_folded, coalesce(p.generation, 1) + 1, now()
      FROM ${sql.id(asideSchema, 'projection_checkpoints')} a LEFT JOIN public.projection_checkpoints p USING (name)
      WHERE a.name = ANY(${names}::text[])
      ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position,
        events_folded = EXCLUDED.events_folded, generation = EXCLUDED.generation, updated_at = EXCLUDED.updated_at`.execute(trx);
  }

  async all(db: Kysely<DB>): Promise<Checkpoint[]> {
    const rows = await db.selectFrom('projection_checkpoints').selectAll().orderBy('name').execute();
    return rows.map(toCheckpoint);
  }
}

/** The timeline's name, and so its checkpoint's: the version of the rollups, outages and incidents. */
export const TIMELINE_PROJECTION = 'timeline';

/**
 * A projection's generation and position as one row of SQL (generation 1 at the log's start
 * before its first step), to read in the same statement as figures from its read models.
 */
export const readModelVersion = (name: string) => sql<{ cp_generation: bigint; cp_tx: bigint; cp_pos: bigint }>`
  SELECT coalesce(cp.generation, 1)::int8 AS cp_generation, coalesce(cp.transaction_id, '0'::xid8) AS cp_tx,
         coalesce(cp.global_position, 0)::int8 AS cp_pos
  FROM (SELECT 1) AS one LEFT JOIN projection_checkpoints cp ON cp.name = ${name}`;

export function toReadModelVersion(row: { cp_generation: bigint; cp_tx: bigint; cp_pos: bigint }): ReadModelVersion {
  return { generation: row.cp_generation, position: { transactionId: row.cp_tx, globalPosition: row.cp_pos } };
}

function toCheckpoint(row: ProjectionCheckpointRow): Checkpoint {
  return {
    name: row.name,
    position: row.transaction_id === 0n && row.global_position === 0n ? LOG_START : { transactionId: row.transaction_id, globalPosition: row.global_position },
    eventsFolded: Number(row.events_folded),
    generation: row.generation,
    updatedAt: row.updated_at,
  };
}
