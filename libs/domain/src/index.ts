export * from './slug';
export * from './timestamp';
export * from './outcome-event';
export * from './ingest-batch';
export * from './api-key';
export * from './errors';
