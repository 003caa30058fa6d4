// The ingest thread's entry point (Piscina): each task is one body to parse and validate.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { EventBatchInput, prepareEventBatch, PreparedBody, wholeBuffers } from './prepare-event-batch';

/** Prepares a body and hands back the plan and the body, their bytes moved to the event loop rather than copied. */
export default function prepareOnThread(input: EventBatchInput): ReturnType<typeof move> {
  const prepared = prepareEventBatch(input);
  const answer: PreparedBody = { prepared, input };
  const moved = wholeBuffers(input.bytes, ...(prepared.ok ? [prepared.plan.batch.copyBytes] : []));
  return move({ [transferableSymbol]: moved, [valueSymbol]: answer });
}
