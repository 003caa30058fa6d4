import { Injectable } from '@nestjs/common';
import type { AlertRuleInput } from '@ledger/domain';
import { AlertQueries, AlertRule, AlertRuleService } from '@ledger/alerts';
import type { AlertRuleInput as GraphqlAlertRuleInput, Resolvers } from './generated/schema-types';
import { asGraphql, requireScope } from './graphql-context';

/** A MODEL_STATUS rule's minute status in the API's upper case (PARTIAL_OUTAGE); a BURN_RATE severity as is. */
const apiSeverity = (rule: AlertRule) => rule.minSeverity.toUpperCase();

const ruleInput = (input: GraphqlAlertRuleInput): AlertRuleInput => ({ ...input, contractId: input.contractId ?? null });

/** Alerts (api.md § Alerts): rules and alerts are the admin's (they hold webhook URLs and notify people). */
@Injectable()
export class AlertsResolver {
  constructor(
    private readonly rules: AlertRuleService,
    private readonly queries: AlertQueries,
  ) {}

  resolvers(): Resolvers {
    return {
      AlertRule: {
        minSeverity: apiSeverity,
      },
      Alert: {
        deliveries: async (alert) => alert.deliveries(),
      },
      AlertDelivery: {
        attempt: (d) => d.attempts,
        at: (d) => d.attemptsMade.at(-1)?.at ?? d.createdAt,
        statusCode: (d) => d.attemptsMade.at(-1)?.statusCode ?? null,
        error: (d) => d.attemptsMade.at(-1)?.error ?? null,
        state: (d) => (d.state === 'CANCELLED' ? 'FAILED' : d.state),
        nextAttemptAt: (d) => (d.state === 'PENDING' ? d.nextAttemptAt : null),
        attempts: (d) => d.attemptsMade,
      },
      Query: {
        alertRules: async (_, _a, context) => {
          requireScope(context, 'admin');
          return this.rules.list();
        },
        alerts: async (_, a, context) => {
          requireScope(context, 'admin');
          return asGraphql(() => this.queries.list({ from: a.from.getTime(), to: a.to.getTime(), state: a.state ?? undefined, ruleId: a.ruleId ?? undefined }));
        },
      },
      Mutation: {
        createAlertRule: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return asGraphql(() => this.rules.create(ruleInput(a.input), principal.keyId));
        },
        updateAlertRule: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return asGraphql(() => this.rules.update(a.id, ruleInput(a.input), principal.keyId));
        },
        deleteAlertRule: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return asGraphql(async () => {
            await this.rules.delete(a.id, principal.keyId);
            return true;
          });
        },
      },
    };
  }
}
