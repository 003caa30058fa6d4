import { Module } from '@nestjs/common';
import { ActionIngestService } from './action-ingest.service';
import { AdminEventRepository } from './admin-event.repository';
import { IngestService } from './ingest.service';
import { OutcomeEventRepository } from './outcome-event.repository';
import { EvidenceReader } from './evidence.reader';
import { OutcomeLogReader } from './outcome-log.reader';
import { PlatformActionRepository } from './platform-action.repository';

const providers = [OutcomeEventRepository, AdminEventRepository, IngestService, OutcomeLogReader, EvidenceReader, PlatformActionRepository, ActionIngestService];

@Module({ providers, exports: providers })
export class EventStoreModule {}
