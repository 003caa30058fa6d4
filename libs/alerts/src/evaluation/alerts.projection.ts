import { Injectable } from '@nestjs/common';
import { Transaction } from 'kysely';
import type { DB } from '@ledger/database';
import type { LogPosition } from '@ledger/event-store';
import {
  CheckpointRepository, DetectionPolicyRepository, LogBatch, Projection, RebuildContext, RebuiltReadModels, RollupChangeRepository, TIMELINE_PROJECTION,
} from '@ledger/projections';
import { ContractRepository } from '@ledger/reporting';
import { AlertDeliveryRepository } from '../delivery/alert-delivery.repository';
import { AlertRuleRepository } from '../rules/alert-rule.repository';
import { AlertEvaluator } from './alert-evaluator';
import { AlertInputsRepository } from './alert-inputs.repository';
import { AlertRepository } from './alert.repository';

export const ALERTS_PROJECTION = 'alerts';

/** How often an idle evaluation looks for rules to evaluate anew (created, changed, deleted). */
const SETTLE_EVERY_MS = 1_000;

/**
 * The alerts (alert-evaluator.ts) as a projection that follows the timeline: each batch takes the
 * minutes the timeline's batches changed (alert_rollup_changes) and evaluates the rules through
 * the new horizon, writing the transitions' deliveries to the outbox in the batch's transaction.
 * When idle, it evaluates rules that were created or changed since. A rebuild derives every
 * alert again from the rebuilt rollups and delivers nothing.
 */
@Injectable()
export class AlertsProjection implements Projection {
  readonly name = ALERTS_PROJECTION;
  readonly follows = TIMELINE_PROJECTION;
  readonly tables = [
    { name: 'alerts', bulkLoad: false }, { name: 'alert_rule_progress', bulkLoad: false }, { name: 'alert_rule_states', bulkLoad: false },
    { name: 'alert_horizon', bulkLoad: false },
  ] as const;
  private settledAt = 0;

  constructor(
    private readonly changes: RollupChangeRepository,
    private readonly evaluator: AlertEvaluator,
    private readonly checkpoints: CheckpointRepository,
  ) {}

  async fold(trx: Transaction<DB>, batch: LogBatch): Promise<number> {
    if (batch.events === null) throw new Error(`${this.name} evaluates what the timeline has folded, and is run as its follower`);
    const changes = await this.changes.takeMinuteSpans(trx, batch.after, batch.end);
    await this.evaluator.evaluate(trx, changes, { deliver: true, now: new Date(), position: { after: positionKey(batch.after), end: positionKey(batch.end) } });
    return batch.events;
  }

  async settle(trx: Transaction<DB>, now: number): Promise<void> {
    if (now - this.settledAt < SETTLE_EVERY_MS) return;
    this.settledAt = now;
    const at = positionKey((await this.checkpoints.get(trx, ALERTS_PROJECTION)).position);
    await this.evaluator.evaluate(trx, [], { deliver: true, now: new Date(now), position: { after: at, end: at } });
  }

  async rebuild(context: RebuildContext): Promise<RebuiltReadModels> {
    return context.inAsideTransaction(async (trx) => {
      context.report('evaluating alerts');
      await this.evaluator.evaluate(trx, [], { deliver: false, now: new Date() });
      return { events: (await this.checkpoints.get(trx, TIMELINE_PROJECTION)).eventsFolded };
    });
  }
}

const positionKey = (position: LogPosition) => `${position.transactionId}:${position.globalPosition}`;

/** The projection wired by hand (the CLI and tests build a runner without Nest). */
export function createAlertsProjection(): AlertsProjection {
  const evaluator = new AlertEvaluator(
    new AlertRuleRepository(), new AlertRepository(), new AlertInputsRepository(), new ContractRepository(), new DetectionPolicyRepository(), new AlertDeliveryRepository(),
  );
  return new AlertsProjection(new RollupChangeRepository(), evaluator, new CheckpointRepository());
}
