import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { PlatformAction, PlatformActionKind } from '@ledger/domain';
import type { DB, PlatformActionRow } from '@ledger/database';

/** A recorded action with the platform that took it. */
export interface RecordedAction extends PlatformAction {
  platform: string;
}

/** The platform actions log (concepts §11): append, idempotent by (platform, id); read by time. */
@Injectable()
export class PlatformActionRepository {
  /**
   * Appends the actions whose ids the platform has not used yet, in one statement; returns the
   * stored action of every id it had already (to tell duplicates from conflicts).
   */
  async append(db: Kysely<DB>, platform: string, actions: readonly PlatformAction[]): Promise<Map<string, PlatformAction>> {
    if (actions.length === 0) return new Map();
    const inserted = await db.insertInto('platform_actions')
      .values(actions.map((a) => ({
        platform, action_id: a.id, provider: a.provider, model: a.model, action: a.action, occurred_at: a.occurredAtIso, target: a.target, reason: a.reason,
      })))
      .onConflict((oc) => oc.columns(['platform', 'action_id']).doNothing())
      .returning('action_id')
      .execute();
    const fresh = new Set(inserted.map((r) => r.action_id));
    const repeated = actions.filter((a) => !fresh.has(a.id)).map((a) => a.id);
    if (repeated.length === 0) return new Map();
    const rows = await db.selectFrom('platform_actions').selectAll().where('platform', '=', platform).where('action_id', 'in', repeated).execute();
    return new Map(rows.map((r) => [r.action_id, fromRow(r)]));
  }

  /** Actions in [from, to), optionally of one platform and one provider, by time. */
  async list(db: Kysely<DB>, filter: { from: Date; to: Date; platform?: string | undefined; provider?: string | undefined }): Promise<RecordedAction[]> {
    let query = db.selectFrom('platform_actions').selectAll().where('occurred_at', '>=', filter.from).where('occurred_at', '<', filter.to);
    if (filter.platform !== undefined) query = query.where('platform', '=', filter.platform);
    if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
    return (await query.orderBy('occurred_at').orderBy('platform').orderBy('action_id').execute()).map(fromRow);
  }

  /**
   * Every action before `to`, of one platform and one provider when named: a report needs those
   * before its window too, to know where it starts (a disable long ago may still hold).
   */
  async before(db: Kysely<DB>, filter: { to: Date; platform?: string | undefined; provider?: string | undefined }): Promise<RecordedAction[]> {
    let query = db.selectFrom('platform_actions').selectAll().where('occurred_at', '<', filter.to);
    if (filter.platform !== undefined) query = query.where('platform', '=', filter.platform);
    if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
    return (await query.orderBy('occurred_at').orderBy('platform').orderBy('action_id').execute()).map(fromRow);
  }
}

function fromRow(r: PlatformActionRow): RecordedAction {
  return {
    platform: r.platform, id: r.action_id, provider: r.provider, model: r.model, action: r.action as PlatformActionKind,
    occurredAt: r.occurred_at.getTime(), occurredAtIso: r.occurred_at.toISOString(), target: r.target, reason: r.reason,
  };
}
