// The ingest thread's entry point (Piscina): each task is one body to parse and validate.
import { prepareEventBatch } from './prepare-event-batch';

export default prepareEventBatch;
