import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';

/** Row counts of the tables a request could write to: the logs and what is derived straight from them. */
export interface StoredCounts {
  outcomeEvents: number;
  adminEvents: number;
  apiKeys: number;
  contracts: number;
}

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

  /** Outcome events with this event id, on any platform. */
  async findAnywhere(id: string) {
    return this.db.selectFrom('outcome_events').select(['platform', 'event_id']).where('event_id', '=', id).execute();
  }

  /** How many rows the logs, the key table and the contract table hold now. */
  async storedCounts(): Promise<StoredCounts> {
    const { rows } = await sql<{ outcome_events: string; admin_events: string; api_keys: string; contracts: string }>`
      SELECT (SELECT count(*) FROM outcome_events) AS outcome_events, (SELECT count(*) FROM admin_events) AS admin_events,
             (SELECT count(*) FROM api_keys) AS api_keys, (SELECT count(*) FROM contracts) AS contracts`.execute(this.db);
    const row = rows[0]!;
    return { outcomeEvents: Number(row.outcome_events), adminEvents: Number(row.admin_events), apiKeys: Number(row.api_keys), contracts: Number(row.contracts) };
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
