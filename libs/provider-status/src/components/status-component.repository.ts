import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { ComponentMapping } from '@ledger/domain';
import type { DB } from '@ledger/database';

/** Each provider's mapping of status-page components to models. */
@Injectable()
export class StatusComponentRepository {
  async forProvider(db: Kysely<DB>, provider: string): Promise<ComponentMapping[]> {
    const rows = await db.selectFrom('status_components').select(['component', 'models']).where('provider', '=', provider).orderBy('component').execute();
    return rows.map((r) => ({ component: r.component, models: r.models }));
  }

  /** Replaces a provider's whole mapping. */
  async replace(db: Kysely<DB>, provider: string, mapping: readonly ComponentMapping[]): Promise<void> {
    await db.deleteFrom('status_components').where('provider', '=', provider).execute();
    if (mapping.length === 0) return;
    await db.insertInto('status_components').values(mapping.map((m) => ({ provider, component: m.component, models: m.models }))).execute();
  }
}
