import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import pLimit from 'p-limit';
import { Database, InjectDatabase } from '@ledger/database';
import { AlertsOptions, InjectAlertsOptions } from '../alerts-options';
import { AlertRule, AlertRuleRepository } from '../rules/alert-rule.repository';
import { DELIVERY_TIMEOUT_MS, nextAttemptAt, postWebhook, signWebhook } from '../webhook';
import { AlertDeliveryRepository, Delivery } from './alert-delivery.repository';
import { renderBody } from './payload';

/** How often the sender looks for due deliveries. */
const POLL_MS = 250;
/** Deliveries leased per round, and sent at once. */
const LEASE_BATCH = 50;
const SENDS_AT_ONCE = 16;
/** Who makes the attempts of this process, as recorded with each. */
const SENT_BY = `${hostname()}:${process.pid}`;
/**
 * A lease outlives every attempt of its round: the last of the batch may start only once the
 * ones before it have had their timeouts, and the holder finishes (or dies) before another may take it.
 */
const LEASE_MS = (Math.ceil(LEASE_BATCH / SENDS_AT_ONCE) + 2) * DELIVERY_TIMEOUT_MS;

/**
 * Sends the outbox's deliveries (worker role): leases the due ones — any number of workers may
 * run, a lease lets one send a delivery at a time — POSTs each signed (X-Ledger-Delivery,
 * X-Ledger-Signature), and records the attempt: DELIVERED on a 2xx, else another try with
 * exponential backoff and jitter, FAILED once 24 hours have gone by since the first attempt.
 * A worker killed mid-send loses its lease when it expires, and the delivery is sent again: at
 * least once, never lost.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private running: Promise<void> | null = null;
  private stopping = false;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly outbox: AlertDeliveryRepository,
    private readonly rules: AlertRuleRepository,
    @InjectAlertsOptions() private readonly options: AlertsOptions,
  ) {}

  @Interval('alert-deliveries', POLL_MS)
  tick(): void {
    if (this.running !== null || this.stopping) return;
    this.running = this.sendDue()
      .then(() => undefined, (error: unknown) => this.logger.error(`sending deliveries failed: ${(error as Error).message}; the next round tries again`))
      .finally(() => (this.running = null));
  }

  /** Sends due deliveries until none is left (or the process stops). Returns how many attempts it made. */
  async sendDue(): Promise<number> {
    let attempts = 0;
    const limit = pLimit(SENDS_AT_ONCE);
    while (!this.stopping) {
      const leased = await this.outbox.lease(this.db, LEASE_BATCH, LEASE_MS, new Date());
      if (leased.length === 0) break;
      const rules = await this.rules.byIds(this.db, leased.map((d) => d.ruleId));
      await Promise.all(leased.map((delivery) => limit(() => this.send(delivery, rules.get(delivery.ruleId)))));
      attempts += leased.length;
      if (leased.length < LEASE_BATCH) break;
    }
    return attempts;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async send(delivery: Delivery, rule: AlertRule | undefined): Promise<void> {
    const started = new Date();
    const result = rule === undefined
      ? { ok: false, statusCode: null, error: `rule ${delivery.ruleId} no longer exists`, durationMs: 0 }
      : await this.post(delivery, rule, started);
    const retryAt = result.ok ? null : nextAttemptAt((delivery.firstAttemptAt ?? started).getTime(), delivery.attempts + 1, Date.now(), Math.random, this.options.retry);
    await this.outbox.recordAttempt(this.db, delivery, result, started, retryAt === null ? null : new Date(retryAt), SENT_BY);
    if (!result.ok && retryAt === null) this.logger.warn(`delivery ${delivery.id} (${delivery.transition} of ${delivery.alertId}) FAILED after ${delivery.attempts + 1} attempts: ${result.error}`);
  }

  private async post(delivery: Delivery, rule: AlertRule, at: Date) {
    const body = renderBody(delivery.body, rule.format);
    const signature = signWebhook(this.options.secrets.open(rule.secretSealed, rule.id), body, Math.floor(at.getTime() / 1000));
    return postWebhook({
      url: rule.webhookUrl, body, allowPrivate: this.options.allowPrivateWebhooks,
      headers: { 'content-type': 'application/json', 'x-ledger-delivery': delivery.id, 'x-ledger-signature': signature },
    });
  }
}
