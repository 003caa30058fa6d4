import { MINUTE_MS, WebhookFormat } from '@ledger/domain';
import type { AlertRule } from '../rules/alert-rule.repository';
import type { StoredAlert } from '../evaluation/alert.repository';
import type { DeliveryTransition } from './alert-delivery.repository';

const iso = (minute: number) => new Date(minute * MINUTE_MS).toISOString();

/** The model an alert concerns: a MODEL_STATUS rule's own, or the one of its provider it fired for; null for a contract's. */
export function alertModel(rule: AlertRule, alert: Pick<StoredAlert, 'subject'>): string | null {
  return rule.kind === 'MODEL_STATUS' ? (rule.model ?? alert.subject) : null;
}

const STATUS_WORDS: Record<string, string> = { degraded: 'degraded or worse', partial_outage: 'a partial outage or worse', major_outage: 'a major outage' };

/** One line a person reads: what the alert is about and what holds. */
export function alertSummary(rule: AlertRule, alert: Pick<StoredAlert, 'subject' | 'severity' | 'resolvedMinute'>): string {
  const resolved = alert.resolvedMinute === null ? '' : ' — resolved';
  if (rule.kind === 'MODEL_STATUS') {
    const model = alertModel(rule, alert);
    const where = rule.platform === null ? 'all platforms' : rule.platform;
    return `${rule.provider}/${model} (${where}): ${STATUS_WORDS[rule.minSeverity] ?? rule.minSeverity} for ${rule.forMinutes} minute${rule.forMinutes === 1 ? '' : 's'} in a row${resolved}`;
  }
  const how = alert.severity === 'PAGE' ? 'more than 14.4× over 1 h and 5 min, or 6× over 6 h and 30 min' : 'more than 3× over 24 h and 2 h, or 1× over 72 h and 6 h';
  return `contract ${rule.contractId}: error budget burning ${how} (${alert.severity})${resolved}`;
}

/**
 * The JSON body of a delivery (docs/alerts.md § Webhooks): the same bytes on every attempt.
 * `late`: the transition was found after later minutes had been evaluated (late events);
 * `withdrawn`: a RESOLVED sent because late events or a change of the rule undid the episode.
 */
export function deliveryBody(
  rule: AlertRule, alert: StoredAlert, transition: DeliveryTransition, flags: { late: boolean; withdrawn: boolean },
): Record<string, unknown> {
  return {
    type: `alert.${transition.toLowerCase()}`,
    transition,
    alert: {
      id: alert.id,
      state: transition === 'RESOLVED' ? 'RESOLVED' : 'FIRING',
      severity: alert.severity,
      startedAt: iso(alert.startedMinute),
      resolvedAt: alert.resolvedMinute === null ? null : iso(alert.resolvedMinute),
      summary: alertSummary(rule, alert),
      model: alertModel(rule, alert),
    },
    rule: { id: rule.id, name: rule.name, kind: rule.kind, provider: rule.provider, platform: rule.platform, contractId: rule.contractId },
    late: flags.late,
    withdrawn: flags.withdrawn,
  };
}

/** The bytes to POST for a stored body, in the rule's format: the body itself, or a Slack incoming-webhook message. */
export function renderBody(body: Record<string, unknown>, format: WebhookFormat): string {
  if (format === 'JSON') return JSON.stringify(body);
  const alert = body.alert as { severity: string; summary: string; startedAt: string; resolvedAt: string | null; id: string };
  const rule = body.rule as { name: string };
  const icon = body.transition === 'RESOLVED' ? ':white_check_mark:' : alert.severity === 'PAGE' ? ':rotating_light:' : ':warning:';
  const when = alert.resolvedAt === null ? `since ${alert.startedAt}` : `${alert.startedAt} – ${alert.resolvedAt}`;
  const notes = [body.late === true ? 'found late' : null, body.withdrawn === true ? 'withdrawn: later data showed it did not hold' : null].filter(Boolean);
  const text = `${icon} *${String(body.transition)}* ${alert.severity} — ${rule.name}\n${alert.summary}\n${when}${notes.length > 0 ? ` (${notes.join('; ')})` : ''} · alert ${alert.id}`;
  return JSON.stringify({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
}
