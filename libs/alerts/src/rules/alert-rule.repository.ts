import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import type { AlertKind, AlertRuleSettings, WebhookFormat } from '@ledger/domain';
import type { AlertRuleRow, DB } from '@ledger/database';

/** A stored rule: its settings, its sealed secret and its bookkeeping. */
export interface AlertRule extends AlertRuleSettings {
  id: string;
  /** Counts the changes that altered what it evaluates (changesEvaluation). */
  version: number;
  secretSealed: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** The alert_rules read model, written in the transaction of each rule's admin event. */
@Injectable()
export class AlertRuleRepository {
  async save(db: Kysely<DB>, rule: AlertRule): Promise<void> {
    const row = toRow(rule);
    const { id: _id, created_at: _created, ...changes } = row;
    await db.insertInto('alert_rules').values(row).onConflict((oc) => oc.column('id').doUpdateSet(changes)).execute();
  }

  /** One rule, deleted ones too; `forUpdate` locks it until the transaction ends. */
  async get(db: Kysely<DB>, id: string, options: { forUpdate?: boolean } = {}): Promise<AlertRule | null> {
    let query = db.selectFrom('alert_rules').selectAll().where('id', '=', id);
    if (options.forUpdate === true) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** The rules not deleted, by name then id. */
  async list(db: Kysely<DB>): Promise<AlertRule[]> {
    const rows = await db.selectFrom('alert_rules').selectAll().where('deleted_at', 'is', null).orderBy('name').orderBy('id').execute();
    return rows.map(fromRow);
  }

  /** Every rule, deleted and disabled ones too (the evaluation forgets their alerts). */
  async all(db: Kysely<DB>): Promise<AlertRule[]> {
    return (await db.selectFrom('alert_rules').selectAll().orderBy('id').execute()).map(fromRow);
  }

  /** Rules by id, deleted ones too (alerts and deliveries name their rule). */
  async byIds(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, AlertRule>> {
    if (ids.length === 0) return new Map();
    const rows = await db.selectFrom('alert_rules').selectAll().where('id', 'in', [...new Set(ids)]).execute();
    return new Map(rows.map((row) => [row.id, fromRow(row)]));
  }
}

function toRow(rule: AlertRule) {
  return {
    id: rule.id, name: rule.name, kind: rule.kind, provider: rule.provider, model: rule.model, platform: rule.platform, contract_id: rule.contractId,
    min_severity: rule.minSeverity, for_minutes: rule.forMinutes, webhook_url: rule.webhookUrl, format: rule.format, enabled: rule.enabled,
    secret_sealed: rule.secretSealed, version: rule.version, created_at: rule.createdAt, updated_at: rule.updatedAt, deleted_at: rule.deletedAt,
  };
}

function fromRow(row: AlertRuleRow): AlertRule {
  return {
    id: row.id, name: row.name, kind: row.kind as AlertKind, provider: row.provider, model: row.model, platform: row.platform, contractId: row.contract_id,
    minSeverity: row.min_severity as AlertRule['minSeverity'], forMinutes: row.for_minutes, webhookUrl: row.webhook_url, format: row.format as WebhookFormat,
    enabled: row.enabled, secretSealed: row.secret_sealed, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at, deletedAt: row.deleted_at,
  };
}
