import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';

/** Direct reads of the log for assertions, on the spec's own database. */
export class LogReader {
  readonly db: Database;

  constructor(databaseUrl: string) {
    this.db = createDatabase({ url: databaseUrl, poolSize: 2 });
  }

  async count(platform?: string): Promise<number> {
    let query = this.db.selectFrom('outcome_events').select((eb) => eb.fn.countAll<bigint>().as('n'));
    if (platform) query = query.where('platform', '=', platform);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }

  async distinctIds(platform: string): Promise<number> {
    const { rows } = await sql<{ n: bigint }>`SELECT count(DISTINCT event_id) AS n FROM outcome_events WHERE platform = ${platform}`.execute(this.db);
    return Number(rows[0]!.n);
  }

  async find(platform: string, id: string) {
    return this.db.selectFrom('outcome_events').selectAll().where('platform', '=', platform).where('event_id', '=', id).executeTakeFirst();
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
