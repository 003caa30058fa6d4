import { Module } from '@nestjs/common';
import { EventStoreModule } from '@ledger/event-store';
import { HealthController } from './health.controller';
import { IngestController } from './ingest.controller';

/** The REST surface: ingest and health. */
@Module({ imports: [EventStoreModule], controllers: [IngestController, HealthController] })
export class HttpModule {}

/** Health endpoints alone, for processes that serve no API (ROLE=worker). */
@Module({ controllers: [HealthController] })
export class HealthModule {}
