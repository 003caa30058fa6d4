import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { contractTallySql, eligibleSql, failuresSql } from '@ledger/codec';
import { ContractTerms, MINUTE_MS } from '@ledger/domain';
import type { DB } from '@ledger/database';

/** What a MODEL_STATUS rule reads: one provider's traffic, over all platforms or one, and all models or one. */
export interface ModelScope {
  provider: string;
  platform: string | null;
  model: string | null;
}

/** Failures and eligible requests of one model in one minute (epoch minutes), as detection counts them. */
export interface ModelMinute {
  model: string;
  minute: number;
  failures: number;
  eligible: number;
}

/** A contract's failures and eligible requests in one minute, under its failure rules. */
export interface ContractMinute {
  minute: number;
  failures: number;
  eligible: number;
}

const at = (minute: number) => new Date(minute * MINUTE_MS);
const epochMinute = sql<number>`(extract(epoch FROM minute) / 60)::int`;

/** The alert evaluation's reads of the minute rollups (the timeline's read model). */
@Injectable()
export class AlertInputsRepository {
  /** Per model and minute of [first, last], the scope's counts (platforms summed), by minute. */
  async modelMinutes(db: Kysely<DB>, scope: ModelScope, first: number, last: number): Promise<ModelMinute[]> {
    let query = db.selectFrom('minute_rollups')
      .select([
        'model', epochMinute.as('minute'),
        sql<string>`sum(${failuresSql(null)})`.as('failures'), sql<string>`sum(${eligibleSql(null)})`.as('eligible'),
      ])
      .where('provider', '=', scope.provider)
      .where('minute', '>=', at(first)).where('minute', '<=', at(last));
    if (scope.platform !== null) query = query.where('platform', '=', scope.platform);
    if (scope.model !== null) query = query.where('model', '=', scope.model);
    const rows = await query.groupBy(['model', 'minute']).orderBy('minute').execute();
    return rows.map((r) => ({ model: r.model, minute: r.minute, failures: Number(r.failures), eligible: Number(r.eligible) }));
  }

  /** Per minute of [first, last] with traffic, the contract's tally under its failure rules. */
  async contractMinutes(db: Kysely<DB>, terms: ContractTerms, first: number, last: number): Promise<ContractMinute[]> {
    const { failures, eligible } = contractTallySql(null, terms);
    let query = db.selectFrom('minute_rollups')
      .select([epochMinute.as('minute'), sql<string>`sum(${failures})`.as('failures'), sql<string>`sum(${eligible})`.as('eligible')])
      .where('platform', '=', terms.platform).where('provider', '=', terms.provider)
      .where('minute', '>=', at(first)).where('minute', '<=', at(last));
    if (terms.models.length > 0) query = query.where('model', 'in', terms.models);
    const rows = await query.groupBy('minute').orderBy('minute').execute();
    return rows.map((r) => ({ minute: r.minute, failures: Number(r.failures), eligible: Number(r.eligible) }));
  }

  /** The first minute with traffic of a provider (on one platform), or null. */
  async firstMinute(db: Kysely<DB>, provider: string, platform: string | null): Promise<number | null> {
    let query = db.selectFrom('minute_rollups').select(epochMinute.as('minute')).where('provider', '=', provider);
    if (platform !== null) query = query.where('platform', '=', platform);
    const row = await query.orderBy('minute').limit(1).executeTakeFirst();
    return row?.minute ?? null;
  }

  /** The latest minute with traffic of any series, or null. */
  async latestMinute(db: Kysely<DB>): Promise<number | null> {
    const row = await db.selectFrom('minute_rollups').select(epochMinute.as('minute')).orderBy('minute', 'desc').limit(1).executeTakeFirst();
    return row?.minute ?? null;
  }
}
