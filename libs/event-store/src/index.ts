export { OutcomeEventRepository, toOutcomeEvent } from './outcome-event.repository';
export { AdminEventRepository } from './admin-event.repository';
export type { AdminEvent } from './admin-event.repository';
export { IngestService } from './ingest.service';
export { EventStoreModule } from './event-store.module';
export { OutcomeLogReader, LOG_START, isAfter } from './outcome-log.reader';
export type { LogPosition, LogChange, RowsCopyOptions } from './outcome-log.reader';
