export { HttpModule, HealthModule } from './http.module';
export { createFastifyAdapter, MAX_BODY_BYTES } from './fastify-adapter';
export { entriesFromBody, entriesFromNdjson, NDJSON } from './event-body';
