import secureJson from 'secure-json-parse';
import { BatchPlan, planIngestBatch, ValidationContext } from '@ledger/domain';
import { encodeOutcomeBatch } from '@ledger/codec';
import type { EncodedPlan } from '@ledger/event-store';
import { entriesFromBody, NDJSON } from '../event-body';

/**
 * The body of a `POST /v1/events`, as the content-type parsers hand it over: its bytes, unparsed,
 * so that parsing and validating happen on the ingest thread rather than the event loop.
 */
export class RawEventBatch {
  constructor(readonly bytes: Uint8Array) {}
}

export interface EventBatchInput {
  contentType: string;
  bytes: Uint8Array;
  context: ValidationContext;
}

/** A body read: the top-level `platform` it names (if any), and its entries' count and plan; or, when it holds no batch at all, why (a 400). */
export type ReadEventBatch<P> = { claimedPlatform: unknown } & (
  | { ok: true; entryCount: number; plan: P }
  | { ok: false; message: string }
);

/** What the ingest thread answers: the plan encoded for the log's COPY (cheap to hand back). */
export type PreparedEventBatch = ReadEventBatch<EncodedPlan>;

/** Fastify's own answers for JSON bodies it cannot parse, kept so the answer does not depend on where parsing runs. */
export const EMPTY_JSON_BODY = "Body cannot be empty when content-type is set to 'application/json'";
export const INVALID_JSON_BODY = "Body is not valid JSON but content-type is set to 'application/json'";

/**
 * Parses and validates an ingest body: JSON as Fastify would (a `__proto__` or `constructor`
 * key refuses the body), or NDJSON line by line; then plans the batch (api.md § Ingest). Pure,
 * and costly in proportion to the batch.
 */
export function readEventBatch({ contentType, bytes, context }: EventBatchInput): ReadEventBatch<BatchPlan> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let body: unknown;
  if (contentType.startsWith(NDJSON)) {
    body = text;
  } else {
    if (text.length === 0) return { ok: false, message: EMPTY_JSON_BODY, claimedPlatform: undefined };
    try {
      body = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      return { ok: false, message: INVALID_JSON_BODY, claimedPlatform: undefined };
    }
  }
  const claimedPlatform = typeof body === 'object' && body !== null ? (body as { platform?: unknown }).platform : undefined;
  const read = entriesFromBody(contentType, body, 'events');
  if (!read.ok) return { ...read, claimedPlatform };
  return { ok: true, claimedPlatform, entryCount: read.entries.length, plan: planIngestBatch(read.entries, context) };
}

/** `readEventBatch`, with the plan's events encoded as COPY text: what the ingest thread runs. */
export function prepareEventBatch(input: EventBatchInput): PreparedEventBatch {
  const read = readEventBatch(input);
  if (!read.ok) return read;
  const { events, rejected, duplicates } = read.plan;
  return { ...read, plan: { batch: encodeOutcomeBatch(input.context.platform, events), rejected, duplicates } };
}

/** The full plan of a body the thread has read already (for the slower path of `appendEncoded`). */
export function planEventBatch(input: EventBatchInput): BatchPlan {
  const read = readEventBatch(input);
  if (!read.ok) throw new Error(`a body read once could not be read again: ${read.message}`);
  return read.plan;
}
