import { Module } from '@nestjs/common';
import { EventStoreModule } from '@ledger/event-store';
import { ProjectionsModule } from '@ledger/projections';
import { ReportingModule } from '@ledger/reporting';
import { AlertQueries } from './alert-queries';
import { AlertDeliveryRepository } from './delivery/alert-delivery.repository';
import { AlertEvaluator } from './evaluation/alert-evaluator';
import { AlertInputsRepository } from './evaluation/alert-inputs.repository';
import { AlertRepository } from './evaluation/alert.repository';
import { AlertsProjection } from './evaluation/alerts.projection';
import { AlertRuleRepository } from './rules/alert-rule.repository';
import { AlertRuleService } from './rules/alert-rule.service';

const providers = [
  AlertRuleRepository, AlertRuleService, AlertRepository, AlertInputsRepository, AlertEvaluator, AlertsProjection, AlertDeliveryRepository, AlertQueries,
];

/**
 * Alerts (concepts §10): rules, their evaluation (a projection), the outbox and its reads.
 * The sender (WebhookSender) runs in the worker role; ALERTS_OPTIONS comes from the app module.
 */
@Module({ imports: [EventStoreModule, ProjectionsModule, ReportingModule], providers, exports: providers })
export class AlertsModule {}
