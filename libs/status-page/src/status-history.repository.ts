import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Database } from '@ledger/database';

export const DAY_MS = 86_400_000;

/** One model's requests on one UTC day, over all platforms. */
export interface ModelDay {
  provider: string;
  model: string;
  /** Days since the epoch (UTC). */
  day: number;
  successes: number;
  /** Errors and timeouts: the failures that count against availability (DOMAIN §4). */
  failures: number;
}

/** Daily sums of the minute rollups, for the status page's 90-day strips. */
@Injectable()
export class StatusHistoryRepository {
  async modelDays(db: Database, from: Date, to: Date): Promise<ModelDay[]> {
    const day = sql<number>`floor(extract(epoch FROM minute) / 86400)::int`;
    const rows = await db
      .selectFrom('minute_rollups')
      .select([
        'provider',
        'model',
        day.as('day'),
        sql<string>`sum(successes)::text`.as('successes'),
        sql<string>`sum(errors + timeouts)::text`.as('failures'),
      ])
      .where('minute', '>=', from)
      .where('minute', '<', to)
      .groupBy(['provider', 'model', day])
      .execute();
    return rows.map((r) => ({ provider: r.provider, model: r.model, day: r.day, successes: Number(r.successes), failures: Number(r.failures) }));
  }
}
