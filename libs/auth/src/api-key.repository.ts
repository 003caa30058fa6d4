import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { ApiKeyRow, Database, DB, InjectDatabase } from '@ledger/database';

/** The api_keys read model: written with each key event, read on every request. */
@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  async insert(
    trx: Transaction<DB>,
    key: { id: string; platform: string | null; name: string | null; scopes: string[]; secretHash: Buffer; createdAt: Date },
  ): Promise<void> {
    await trx
      .insertInto('api_keys')
      .values({
        id: key.id,
        platform: key.platform,
        name: key.name,
        scopes: key.scopes,
        secret_hash: key.secretHash,
        created_at: key.createdAt,
      })
      .execute();
  }

  /** Marks a key revoked; false when it is unknown or already revoked. */
  async revoke(trx: Transaction<DB>, id: string, at: Date): Promise<boolean> {
    const result = await trx
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async findActive(id: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  }

  async list(): Promise<ApiKeyRow[]> {
    return this.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  }
}
