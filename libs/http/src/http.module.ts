import { Global, Module } from '@nestjs/common';
import { AlertsModule } from '@ledger/alerts';
import { ProjectionsModule } from '@ledger/projections';
import { EventStoreModule } from '@ledger/event-store';
import { ReportingModule } from '@ledger/reporting';
import { ProviderStatusModule } from '@ledger/provider-status';
import { HealthController } from './health.controller';
import { BatchRequests } from './batch-request';
import { ActionsController, IngestController } from './ingest.controller';
import { EventBatchPreparer } from './event-batch/event-batch-preparer';
import { IngestGate } from './ingest-gate';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { OpenSloController } from './openslo.controller';
import { ProviderIncidentsController } from './provider-incidents.controller';
import { TracesController } from './otlp/traces.controller';
import { ReplicaLag } from './replica-lag';
import { ReportsController } from './reports.controller';

/** This process's Prometheus metrics, recorded by the REST and GraphQL adapters alike. */
@Global()
@Module({ imports: [ProjectionsModule, AlertsModule, ProviderStatusModule], providers: [Metrics, ReplicaLag], exports: [Metrics, ReplicaLag] })
export class MetricsModule {}

/** The REST surface: ingest, provider status-page imports, exports, metrics and health. */
@Module({
  imports: [EventStoreModule, ReportingModule, ProviderStatusModule, MetricsModule, AlertsModule],
  controllers: [IngestController, ActionsController, TracesController, ProviderIncidentsController, ReportsController, OpenSloController, MetricsController, HealthController],
  providers: [IngestGate, BatchRequests, EventBatchPreparer],
})
export class HttpModule {}

/** Health endpoints alone, for processes that serve no API (ROLE=worker). */
@Module({ controllers: [HealthController], providers: [ReplicaLag] })
export class HealthModule {}
