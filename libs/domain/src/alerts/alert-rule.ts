import { InputError } from '../errors';
import { MODEL_PATTERN, SLUG_PATTERN } from '../slug';
import { AlertSeverity } from './burn-rate';
import { ALERTABLE_STATUSES, AlertableStatus } from './model-status';

export const ALERT_KINDS = ['MODEL_STATUS', 'BURN_RATE'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** How a webhook body is shaped: the ledger's JSON, or a Slack incoming-webhook message. */
export const WEBHOOK_FORMATS = ['JSON', 'SLACK'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Minutes in a row a MODEL_STATUS rule needs, when the rule does not say. */
export const DEFAULT_FOR_MINUTES = 3;
/** The longest run a MODEL_STATUS rule may ask for: a day. */
export const MAX_FOR_MINUTES = 1440;

/** What a rule watches and when it fires (concepts §10), its secret aside. */
export interface AlertRuleSettings {
  name: string;
  kind: AlertKind;
  /** MODEL_STATUS: the provider watched; BURN_RATE: null (the contract's provider). */
  provider: string | null;
  /** MODEL_STATUS: one model, or null for each of the provider's models. */
  model: string | null;
  /** MODEL_STATUS: one platform's traffic, or null for every platform's. */
  platform: string | null;
  /** BURN_RATE: the contract whose error budget burns. */
  contractId: string | null;
  /** MODEL_STATUS: the mildest minute status that counts; BURN_RATE: the mildest severity that opens an episode. */
  minSeverity: AlertableStatus | AlertSeverity;
  /** MODEL_STATUS: minutes in a row to fire and to resolve; BURN_RATE: unused (1). */
  forMinutes: number;
  webhookUrl: string;
  format: WebhookFormat;
  enabled: boolean;
}

/** A rule as a client sends it (GraphQL AlertRuleInput); minSeverity in the API's upper case. */
export interface AlertRuleInput {
  name: string;
  kind: string;
  provider?: string | null;
  model?: string | null;
  platform?: string | null;
  contractId?: string | null;
  minSeverity?: string | null;
  forMinutes?: number | null;
  webhookUrl: string;
  format?: string | null;
  enabled?: boolean | null;
}

/**
 * The settings of a rule input, defaults filled in (MODEL_STATUS: PARTIAL_OUTAGE for 3 minutes;
 * BURN_RATE: TICKET, i.e. every condition; JSON; enabled), or an InputError listing every problem.
 * The webhook URL's address is checked apart (it needs DNS).
 */
export function alertRuleSettings(input: AlertRuleInput): AlertRuleSettings {
  const problems: string[] = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) problems.push('name must be 1 to 200 characters');
  if (!(ALERT_KINDS as readonly string[]).includes(input.kind)) problems.push(`kind must be one of ${ALERT_KINDS.join(', ')}`);
  const kind = input.kind as AlertKind;
  const format = (input.format ?? 'JSON') as WebhookFormat;
  if (!WEBHOOK_FORMATS.includes(format)) problems.push(`format must be one of ${WEBHOOK_FORMATS.join(', ')}`);
  if (input.webhookUrl.length > 2000) problems.push('webhookUrl must be at most 2,000 characters');
  let minSeverity: AlertableStatus | AlertSeverity = 'TICKET';
  let forMinutes = 1;
  if (kind === 'MODEL_STATUS') {
    if (!input.provider || !SLUG_PATTERN.test(input.provider)) problems.push('a MODEL_STATUS rule needs a provider (a slug such as "anthropic")');
    if (input.model != null && !MODEL_PATTERN.test(input.model)) problems.push(`model ${JSON.stringify(input.model)} is not a model name`);
    if (input.platform != null && !SLUG_PATTERN.test(input.platform)) problems.push(`platform ${JSON.stringify(input.platform)} is not a platform slug`);
    if (input.contractId != null) problems.push('a MODEL_STATUS rule watches a provider, not a contract: leave contractId out');
    const status = (input.minSeverity ?? 'PARTIAL_OUTAGE').toLowerCase();
    if ((ALERTABLE_STATUSES as readonly string[]).includes(status)) minSeverity = status as AlertableStatus;
    else problems.push('minSeverity of a MODEL_STATUS rule must be DEGRADED, PARTIAL_OUTAGE or MAJOR_OUTAGE');
    forMinutes = input.forMinutes ?? DEFAULT_FOR_MINUTES;
    if (!Number.isInteger(forMinutes) || forMinutes < 1 || forMinutes > MAX_FOR_MINUTES) problems.push(`forMinutes must be a whole number from 1 to ${MAX_FOR_MINUTES}`);
  } else if (kind === 'BURN_RATE') {
    if (!input.contractId) problems.push('a BURN_RATE rule needs a contractId');
    if (input.provider != null || input.model != null || input.platform != null) {
      problems.push("a BURN_RATE rule watches its contract's provider, models and platform: leave provider, model and platform out");
    }
    const severity = input.minSeverity ?? 'TICKET';
    if (severity === 'PAGE' || severity === 'TICKET') minSeverity = severity;
    else problems.push('minSeverity of a BURN_RATE rule must be TICKET (every condition) or PAGE (the fast conditions only)');
    if (input.forMinutes != null) problems.push('forMinutes is for MODEL_STATUS rules; a BURN_RATE rule resolves after 15 minutes without a condition');
  }
  if (problems.length > 0) throw new InputError(problems.join('; '));
  return {
    name,
    kind,
    provider: kind === 'MODEL_STATUS' ? input.provider! : null,
    model: kind === 'MODEL_STATUS' ? (input.model ?? null) : null,
    platform: kind === 'MODEL_STATUS' ? (input.platform ?? null) : null,
    contractId: kind === 'BURN_RATE' ? input.contractId! : null,
    minSeverity,
    forMinutes,
    webhookUrl: input.webhookUrl,
    format,
    enabled: input.enabled ?? true,
  };
}

/** Whether a change of settings changes what the rule evaluates (and so its alerts are derived again). */
export function changesEvaluation(before: AlertRuleSettings, after: AlertRuleSettings): boolean {
  return (['kind', 'provider', 'model', 'platform', 'contractId', 'minSeverity', 'forMinutes', 'enabled'] as const).some((key) => before[key] !== after[key]);
}
