import { Module } from '@nestjs/common';
import { EventStoreModule } from '@ledger/event-store';
import { ReportingModule } from '@ledger/reporting';
import { HealthController } from './health.controller';
import { IngestController } from './ingest.controller';
import { ReportsController } from './reports.controller';

/** The REST surface: ingest, exports and health. */
@Module({ imports: [EventStoreModule, ReportingModule], controllers: [IngestController, ReportsController, HealthController] })
export class HttpModule {}

/** Health endpoints alone, for processes that serve no API (ROLE=worker). */
@Module({ controllers: [HealthController] })
export class HealthModule {}
