import { Injectable } from '@nestjs/common';
import { Kysely, sql, Transaction } from 'kysely';
import type { DB } from '@ledger/database';
import { LOG_START, LogPosition } from '@ledger/event-store';

export interface Checkpoint {
  name: string;
  position: LogPosition;
  eventsFolded: number;
  updatedAt: Date;
}

/** Projection checkpoints: read, and advanced compare-and-set in the projection's own transaction. */
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

  async all(db: Kysely<DB>): Promise<Checkpoint[]> {
    const rows = await db.selectFrom('projection_checkpoints').selectAll().orderBy('name').execute();
    return rows.map(toCheckpoint);
  }
}

function toCheckpoint(row: { name: string; transaction_id: bigint; global_position: bigint; events_folded: bigint; updated_at: Date }): Checkpoint {
  return {
    name: row.name,
    position: row.transaction_id === 0n && row.global_position === 0n ? LOG_START : { transactionId: row.transaction_id, globalPosition: row.global_position },
    eventsFolded: Number(row.events_folded),
    updatedAt: row.updated_at,
  };
}
