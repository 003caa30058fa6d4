import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { DB } from '@ledger/database';

/** Administrative facts, each appended in the same transaction as the read model it changes. */
export interface AdminEvent {
  type: string;
  data: Record<string, unknown>;
  /** Id of the key that caused it; null when the operator acted through the CLI. */
  actor: string | null;
}

@Injectable()
export class AdminEventRepository {
  async append(trx: Transaction<DB>, event: AdminEvent): Promise<void> {
    await trx
      .insertInto('admin_events')
      .values({ type: event.type, data: JSON.stringify(event.data), actor: event.actor })
      .execute();
  }
}
