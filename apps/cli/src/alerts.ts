import { Command } from 'commander';
import { InputError } from '@ledger/domain';
import { AlertRuleRepository, alertsOptions, sendTestDelivery } from '@ledger/alerts';
import type { CliContext } from './cli-context';

type WithContext = (work: (context: CliContext) => Promise<void>) => Promise<void>;

/** `alerts list` and `alerts test RULE`: an operator's look at the rules, and a signed test delivery. */
export function alertsCommand(withContext: WithContext): Command {
  const alerts = new Command('alerts').description('list alert rules and send a test delivery');
  alerts
    .command('list')
    .description('the alert rules, with where their webhooks go')
    .action(() =>
      withContext(async ({ db }) => {
        const rules = await new AlertRuleRepository().list(db);
        if (rules.length === 0) console.log('No alert rules yet (createAlertRule in GraphQL).');
        for (const r of rules) {
          const scope = r.kind === 'MODEL_STATUS' ? `${r.provider}/${r.model ?? '*'}${r.platform === null ? '' : ` on ${r.platform}`}, ${r.minSeverity} for ${r.forMinutes} min` : `contract ${r.contractId}, ${r.minSeverity} and up`;
          console.log(`${r.id}  ${r.enabled ? 'enabled ' : 'disabled'}  ${r.kind.padEnd(12)} ${r.name} — ${scope} → ${r.webhookUrl} (${r.format})`);
        }
      }),
    );
  alerts
    .command('test <rule>')
    .description("send one signed test delivery to a rule's webhook now and print what the receiver answered (exit code 1 unless 2xx)")
    .action((ruleId: string) =>
      withContext(async ({ db, config }) => {
        const rule = await new AlertRuleRepository().get(db, ruleId);
        if (rule === null || rule.deletedAt !== null) throw new InputError(`no alert rule ${JSON.stringify(ruleId)}; \`alerts list\` shows them`);
        const { deliveryId, body, result } = await sendTestDelivery(rule, alertsOptions(config.alerts));
        console.log(`Sent a test delivery of rule ${rule.id} ("${rule.name}") to ${rule.webhookUrl}`);
        console.log(`  X-Ledger-Delivery: ${deliveryId}`);
        console.log(`  body (${rule.format}): ${body.length > 200 ? `${body.slice(0, 200)}…` : body}`);
        if (result.ok) console.log(`The receiver answered ${result.statusCode} in ${Math.round(result.durationMs)} ms.`);
        else {
          console.log(`The delivery failed: ${result.error} (after ${Math.round(result.durationMs)} ms).`);
          process.exitCode = 1;
        }
      }),
    );
  return alerts;
}
