import { Module } from '@nestjs/common';
import { AdminEventRepository } from './admin-event.repository';
import { IngestService } from './ingest.service';
import { OutcomeEventRepository } from './outcome-event.repository';

@Module({
  providers: [OutcomeEventRepository, AdminEventRepository, IngestService],
  exports: [OutcomeEventRepository, AdminEventRepository, IngestService],
})
export class EventStoreModule {}
