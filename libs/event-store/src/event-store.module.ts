import { Module } from '@nestjs/common';
import { AdminEventRepository } from './admin-event.repository';
import { IngestService } from './ingest.service';
import { OutcomeEventRepository } from './outcome-event.repository';
import { OutcomeLogReader } from './outcome-log.reader';

@Module({
  providers: [OutcomeEventRepository, AdminEventRepository, IngestService, OutcomeLogReader],
  exports: [OutcomeEventRepository, AdminEventRepository, IngestService, OutcomeLogReader],
})
export class EventStoreModule {}
