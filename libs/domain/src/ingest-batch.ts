import { OutcomeEvent, sameOutcomeEvent, validateOutcomeEvent, ValidationContext } from './outcome-event';

/** The most events one request (or one import batch) may carry (api.md § Ingest). */
export const MAX_EVENTS_PER_BATCH = 10_000;

/** One rejected event, named by its position in the batch and its id when it had one. */
export interface Rejection {
  index: number;
  id: string | null;
  errors: string[];
}

/** A batch entry that could not be read at all (an NDJSON line that is not JSON). */
export class UnreadableEntry {
  constructor(readonly reason: string) {}
}

/** The valid, distinct events of a batch, ready to append, and what was refused before touching the log. */
export interface BatchPlan<T = OutcomeEvent> {
  events: T[];
  /** `positions[i]` is the index in the original batch of `events[i]`. */
  positions: number[];
  rejected: Rejection[];
  /** Repeats of an identical event earlier in the same batch. */
  duplicates: number;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

/**
 * Validates every entry and removes repeats within the batch: an identical repeat is a
 * duplicate, a repeat of an id with different content is a conflict (the first one wins).
 */
export function planIngestBatch(entries: Iterable<unknown>, context: ValidationContext): BatchPlan {
  return planBatch(entries, (entry) => validateOutcomeEvent(entry, context), sameOutcomeEvent);
}

/** What validating one entry of a batch gives: the event, or its id (when it had one) and every problem. */
export type EntryValidation<T> = { ok: true; event: T } | { ok: false; id: string | null; errors: string[] };

/**
 * `planIngestBatch` for any kind of event with an id (outcome events, platform actions). The
 * entries may be read one at a time (an iterator that parses each as it is asked for): each is
 * let go once validated.
 */
export function planBatch<T extends { id: string }>(
  entries: Iterable<unknown>, validate: (entry: unknown) => EntryValidation<T>, same: (a: T, b: T) => boolean,
): BatchPlan<T> {
  const plan: BatchPlan<T> = { events: [], positions: [], rejected: [], duplicates: 0 };
  const seen = new Map<string, T>();
  let index = -1;
  for (const entry of entries) {
    index += 1;
    if (entry instanceof UnreadableEntry) {
      plan.rejected.push({ index, id: null, errors: [entry.reason] });
      continue;
    }
    const result = validate(entry);
    if (!result.ok) {
      plan.rejected.push({ index, id: result.id, errors: result.errors });
      continue;
    }
    const earlier = seen.get(result.event.id);
    if (earlier === undefined) {
      seen.set(result.event.id, result.event);
      plan.events.push(result.event);
      plan.positions.push(index);
    } else if (same(earlier, result.event)) {
      plan.duplicates += 1;
    } else {
      plan.rejected.push({ index, id: result.event.id, errors: [conflictInBatch(result.event.id)] });
    }
  }
  return plan;
}

/**
 * Completes a plan once the log has answered: `stored` holds, for every planned event whose
 * id the log already had, the event as originally recorded. Identical → duplicate; different → conflict.
 */
export function settleIngestBatch(plan: BatchPlan, stored: ReadonlyMap<string, OutcomeEvent>): IngestResult {
  return settleBatch(plan, stored, sameOutcomeEvent);
}

/** `settleIngestBatch` for any kind of event with an id. */
export function settleBatch<T extends { id: string }>(plan: BatchPlan<T>, stored: ReadonlyMap<string, T>, same: (a: T, b: T) => boolean): IngestResult {
  let accepted = 0;
  let duplicates = plan.duplicates;
  const rejected = [...plan.rejected];
  plan.events.forEach((event, i) => {
    const original = stored.get(event.id);
    if (original === undefined) accepted += 1;
    else if (same(original, event)) duplicates += 1;
    else rejected.push({ index: plan.positions[i]!, id: event.id, errors: [conflictInLog(event.id)] });
  });
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, duplicates, rejected };
}

function conflictInBatch(id: string): string {
  return `conflict: id "${id}" appears earlier in this batch with different content; the first one is kept`;
}

function conflictInLog(id: string): string {
  return `conflict: id "${id}" was already recorded with different content; the original is kept`;
}
