import { randomBytes } from 'node:crypto';
import { postWebhook, signWebhook, WebhookAttemptResult } from '../webhook';
import type { AlertsOptions } from '../alerts-options';
import type { AlertRule } from '../rules/alert-rule.repository';
import { renderBody } from './payload';

/**
 * Sends one signed test delivery to a rule's webhook now (`cli alerts test RULE`), outside the
 * outbox: a receiver can check its signature check and its routing before a real alert fires.
 */
export async function sendTestDelivery(rule: AlertRule, options: AlertsOptions, now = new Date()): Promise<{ deliveryId: string; body: string; result: WebhookAttemptResult }> {
  const deliveryId = `dlv_test_${randomBytes(8).toString('hex')}`;
  const body = renderBody({
    type: 'alert.test',
    transition: 'TEST',
    alert: { id: `${rule.id}.test`, state: 'FIRING', severity: 'PAGE', startedAt: now.toISOString(), resolvedAt: null, summary: `Test delivery of rule "${rule.name}": nothing is wrong`, model: rule.model },
    rule: { id: rule.id, name: rule.name, kind: rule.kind, provider: rule.provider, platform: rule.platform, contractId: rule.contractId },
    late: false,
    withdrawn: false,
  }, rule.format);
  const signature = signWebhook(options.secrets.open(rule.secretSealed, rule.id), body, Math.floor(now.getTime() / 1000));
  const result = await postWebhook({
    url: rule.webhookUrl, body, allowPrivate: options.allowPrivateWebhooks,
    headers: { 'content-type': 'application/json', 'x-ledger-delivery': deliveryId, 'x-ledger-signature': signature },
  });
  return { deliveryId, body, result };
}
