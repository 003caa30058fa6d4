import { Module } from '@nestjs/common';
import { AdminEventRepository } from './admin-event.repository';
import { IngestService } from './ingest.service';
import { OutcomeEventRepository } from './outcome-event.repository';
import { EvidenceReader } from './evidence.reader';
import { OutcomeLogReader } from './outcome-log.reader';

@Module({
  providers: [OutcomeEventRepository, AdminEventRepository, IngestService, OutcomeLogReader, EvidenceReader],
  exports: [OutcomeEventRepository, AdminEventRepository, IngestService, OutcomeLogReader, EvidenceReader],
})
export class EventStoreModule {}
