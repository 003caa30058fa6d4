import { Inject } from '@nestjs/common';
import type { AppConfig } from '@ledger/config';
import { SecretBox } from './rules/secret-box';
import type { RetrySchedule } from './webhook';

/** What the alerts need from the configuration (AppConfig.alerts). */
export interface AlertsOptions {
  secrets: SecretBox;
  /** Webhooks may target loopback and private addresses (tests, a receiver inside the network). */
  allowPrivateWebhooks: boolean;
  retry: RetrySchedule;
}

export const ALERTS_OPTIONS = Symbol('ALERTS_OPTIONS');
export const InjectAlertsOptions = () => Inject(ALERTS_OPTIONS);

/** The options from AppConfig.alerts: the secrets key from the environment, else from its key file. */
export function alertsOptions(config: AppConfig['alerts']): AlertsOptions {
  return {
    secrets: config.secretsKey !== undefined ? SecretBox.fromKeyText(config.secretsKey) : SecretBox.fromKeyFile(config.secretsKeyFile),
    allowPrivateWebhooks: config.allowPrivateWebhooks,
    retry: { baseDelayMs: config.retryBaseDelayMs, giveUpMs: config.retryForMs },
  };
}
