export { HttpModule, HealthModule, MetricsModule } from './http.module';
export { createFastifyAdapter, MAX_BODY_BYTES } from './fastify-adapter';
export { entriesFromBody, entriesFromNdjson, NDJSON } from './event-body';
export { Metrics, rejectionReason } from './metrics';
export { DatabaseUnavailableFilter, isDatabaseUnavailable, DATABASE_UNAVAILABLE_BODY } from './database-unavailable';
export { ReplicaLag } from './replica-lag';
export type { ReplicaLagView } from './replica-lag';
export { INGEST_BACKPRESSURE, INGEST_CONCURRENCY, type IngestBackpressure } from './ingest-gate';
export { INGEST_THREADS } from './event-batch/event-batch-preparer';
