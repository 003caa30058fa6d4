import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { DB } from '@ledger/database';

export interface MaintenanceWindow {
  id: string;
  provider: string;
  /** Empty: every model of the provider. */
  models: string[];
  start: Date;
  end: Date;
  reason: string;
  declaredAt: Date;
}

/** The maintenance_windows read model. */
@Injectable()
export class MaintenanceRepository {
  async insert(db: Kysely<DB>, w: MaintenanceWindow): Promise<void> {
    await db
      .insertInto('maintenance_windows')
      .values({ id: w.id, provider: w.provider, models: w.models, start_at: w.start, end_at: w.end, reason: w.reason, declared_at: w.declaredAt })
      .execute();
  }

  /** A provider's windows overlapping [from, to). */
  async overlapping(db: Kysely<DB>, provider: string, from: Date, to: Date): Promise<MaintenanceWindow[]> {
    const rows = await db
      .selectFrom('maintenance_windows')
      .selectAll()
      .where('provider', '=', provider)
      .where('end_at', '>', from)
      .where('start_at', '<', to)
      .orderBy('start_at')
      .execute();
    return rows.map((r) => ({ id: r.id, provider: r.provider, models: r.models, start: r.start_at, end: r.end_at, reason: r.reason, declaredAt: r.declared_at }));
  }
}
