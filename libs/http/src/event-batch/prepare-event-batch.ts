import secureJson from 'secure-json-parse';
import { BatchPlan, planIngestBatch, ValidationContext } from '@ledger/domain';
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

/**
 * A body read and validated: the top-level `platform` it names (if any), how many entries it
 * holds, and the plan to append; or, when it holds no batch at all, why (a 400).
 */
export type PreparedEventBatch = { claimedPlatform: unknown } & (
  | { ok: true; entryCount: number; plan: BatchPlan }
  | { ok: false; message: string }
);

/** Fastify's own answers for JSON bodies it cannot parse, kept so the answer does not depend on where parsing runs. */
export const EMPTY_JSON_BODY = "Body cannot be empty when content-type is set to 'application/json'";
export const INVALID_JSON_BODY = "Body is not valid JSON but content-type is set to 'application/json'";

/**
 * Parses and validates an ingest body: JSON as Fastify would (a `__proto__` or `constructor`
 * key refuses the body), or NDJSON line by line; then plans the batch (api.md § Ingest). Pure,
 * and costly in proportion to the batch: it is what the ingest thread runs.
 */
export function prepareEventBatch({ contentType, bytes, context }: EventBatchInput): PreparedEventBatch {
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
