import { randomBytes } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { AlertRuleInput, alertRuleSettings, AlertRuleSettings, changesEvaluation, InputError } from '@ledger/domain';
import type { Transaction } from 'kysely';
import { Database, DB, InjectDatabase, InjectReadDatabase } from '@ledger/database';
import { AdminEventRepository } from '@ledger/event-store';
import { ContractRepository } from '@ledger/reporting';
import { AlertsOptions, InjectAlertsOptions } from '../alerts-options';
import { checkWebhookUrl } from '../webhook';
import { AlertRule, AlertRuleRepository } from './alert-rule.repository';

/** A rule just created, with its signing secret: the only time the secret is shown. */
export interface CreatedAlertRule {
  rule: AlertRule;
  secret: string;
}

/**
 * Alert rules (admin): each change an admin event plus its alert_rules row, in one transaction.
 * The events carry the settings, never the secret.
 */
@Injectable()
export class AlertRuleService {
  private readonly read: Database;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly rules: AlertRuleRepository,
    private readonly contracts: ContractRepository,
    private readonly adminEvents: AdminEventRepository,
    @InjectAlertsOptions() private readonly options: AlertsOptions,
    @Optional() @InjectReadDatabase() readDb?: Database,
  ) {
    this.read = readDb ?? db;
  }

  async create(input: AlertRuleInput, actor: string | null, now = new Date()): Promise<CreatedAlertRule> {
    const settings = await this.validated(input);
    const id = `rule_${randomBytes(8).toString('hex')}`;
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const rule: AlertRule = { ...settings, id, version: 1, secretSealed: this.options.secrets.seal(secret, id), createdAt: now, updatedAt: now, deletedAt: null };
    await this.db.transaction().execute(async (trx) => {
      await this.rules.save(trx, rule);
      await this.adminEvents.append(trx, { type: 'AlertRuleCreated', data: { id, ...settings }, actor });
    });
    return { rule, secret };
  }

  /** New settings for a rule; its alerts are derived again when what it evaluates changed. The secret stays. */
  async update(id: string, input: AlertRuleInput, actor: string | null, now = new Date()): Promise<AlertRule> {
    const settings = await this.validated(input);
    return this.db.transaction().execute(async (trx) => {
      const before = await this.live(trx, id);
      const rule: AlertRule = { ...before, ...settings, version: before.version + (changesEvaluation(before, settings) ? 1 : 0), updatedAt: now };
      await this.rules.save(trx, rule);
      await this.adminEvents.append(trx, { type: 'AlertRuleUpdated', data: { id, ...settings }, actor });
      return rule;
    });
  }

  /** Deletes a rule: it is evaluated no more, and an alert of it still open is withdrawn (a RESOLVED is sent). */
  async delete(id: string, actor: string | null, now = new Date()): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const rule = await this.live(trx, id);
      await this.rules.save(trx, { ...rule, deletedAt: now, updatedAt: now });
      await this.adminEvents.append(trx, { type: 'AlertRuleDeleted', data: { id }, actor });
    });
  }

  async list(): Promise<AlertRule[]> {
    return this.rules.list(this.read);
  }

  /** The signing secret of a rule (to sign deliveries, and `cli alerts test`). */
  secretOf(rule: AlertRule): string {
    return this.options.secrets.open(rule.secretSealed, rule.id);
  }

  /** A rule not deleted, locked until the transaction ends (one change at a time). */
  private async live(trx: Transaction<DB>, id: string): Promise<AlertRule> {
    const rule = await this.rules.get(trx, id, { forUpdate: true });
    if (rule === null || rule.deletedAt !== null) throw new InputError(`no alert rule ${JSON.stringify(id)}`);
    return rule;
  }

  private async validated(input: AlertRuleInput): Promise<AlertRuleSettings> {
    const settings = alertRuleSettings(input);
    const problem = await checkWebhookUrl(settings.webhookUrl, this.options.allowPrivateWebhooks);
    if (problem !== null) throw new InputError(`webhookUrl: ${problem}`);
    if (settings.contractId !== null && (await this.contracts.versions(this.db, settings.contractId)).length === 0) {
      throw new InputError(`no contract ${JSON.stringify(settings.contractId)}`);
    }
    return settings;
  }
}
