import { Injectable, Optional } from '@nestjs/common';
import { MINUTE_MS } from '@ledger/domain';
import { Database, InjectDatabase, InjectReadDatabase } from '@ledger/database';
import { AlertDeliveryRepository, Delivery, DeliveryAttempt, OutboxStanding } from './delivery/alert-delivery.repository';
import { alertModel, alertSummary } from './delivery/payload';
import { AlertRepository, StoredAlert } from './evaluation/alert.repository';
import { AlertRule, AlertRuleRepository } from './rules/alert-rule.repository';

/** A delivery with the attempts made so far. */
export type DeliveryView = Delivery & { attemptsMade: DeliveryAttempt[] };

/** An alert as readers see it: instants, its rule, and a loader of its deliveries. */
export interface AlertView {
  id: string;
  rule: AlertRule;
  state: 'FIRING' | 'RESOLVED';
  severity: StoredAlert['severity'];
  model: string | null;
  startedAt: Date;
  resolvedAt: Date | null;
  summary: string;
  deliveries: () => Promise<DeliveryView[]>;
}

/** Reads of alerts and their deliveries (GraphQL, /status, /metrics), from the read database. */
@Injectable()
export class AlertQueries {
  private readonly read: Database;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly alerts: AlertRepository,
    private readonly rules: AlertRuleRepository,
    private readonly outbox: AlertDeliveryRepository,
    @Optional() @InjectReadDatabase() readDb?: Database,
  ) {
    this.read = readDb ?? db;
  }

  /** Alerts open at some time in [from, to), by start. */
  async list(filter: { from: number; to: number; state?: 'FIRING' | 'RESOLVED' | undefined; ruleId?: string | undefined }): Promise<AlertView[]> {
    const stored = await this.alerts.list(this.read, {
      from: Math.floor(filter.from / MINUTE_MS), to: Math.ceil(filter.to / MINUTE_MS), state: filter.state, ruleId: filter.ruleId,
    });
    return this.views(stored);
  }

  /** Alerts firing now, the latest first. */
  async firing(): Promise<AlertView[]> {
    return this.views(await this.alerts.firing(this.read));
  }

  /** The outbox's counts, from the primary (where the sender works). */
  async outboxStanding(now = new Date()): Promise<OutboxStanding> {
    return this.outbox.standing(this.db, now);
  }

  private async views(stored: readonly StoredAlert[]): Promise<AlertView[]> {
    const rules = await this.rules.byIds(this.read, stored.map((a) => a.ruleId));
    // One query for the deliveries of every alert listed, the first time any of them is asked for.
    let deliveries: ReturnType<AlertDeliveryRepository['ofAlerts']> | null = null;
    const load = () => (deliveries ??= this.outbox.ofAlerts(this.read, stored.map((a) => a.id)));
    return stored.flatMap((alert) => {
      const rule = rules.get(alert.ruleId);
      if (rule === undefined) return [];
      return [{
        id: alert.id, rule, state: alert.resolvedMinute === null ? 'FIRING' : 'RESOLVED', severity: alert.severity,
        model: alertModel(rule, alert),
        startedAt: new Date(alert.startedMinute * MINUTE_MS), resolvedAt: alert.resolvedMinute === null ? null : new Date(alert.resolvedMinute * MINUTE_MS),
        summary: alertSummary(rule, alert), deliveries: async () => (await load()).get(alert.id) ?? [],
      } satisfies AlertView];
    });
  }
}
