import secureJson from 'secure-json-parse';
import { BatchPlan, planIngestBatch, ValidationContext } from '@ledger/domain';
import { encodeOutcomeBatch } from '@ledger/codec';
import type { EncodedPlan } from '@ledger/event-store';
import { entriesFromBody, NDJSON } from '../event-body';
import { eventArraySlices } from './event-array-slices';

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

/** A body prepared, and the body itself (for the slower path, which reads it again). */
export interface PreparedBody {
  prepared: PreparedEventBatch;
  input: EventBatchInput;
}

/** Fastify's own answers for JSON bodies it cannot parse, kept so the answer does not depend on where parsing runs. */
export const EMPTY_JSON_BODY = "Body cannot be empty when content-type is set to 'application/json'";
export const INVALID_JSON_BODY = "Body is not valid JSON but content-type is set to 'application/json'";

/**
 * Parses and validates an ingest body: JSON as Fastify would (a `__proto__` or `constructor`
 * key refuses the body), or NDJSON line by line; then plans the batch (api.md § Ingest). Pure,
 * and costly in proportion to the batch.
 */
export function readEventBatch({ contentType, bytes, context }: EventBatchInput): ReadEventBatch<BatchPlan> {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ndjson = contentType.startsWith(NDJSON);
  const usual = ndjson ? null : readEventArray(body, context);
  if (usual !== null) return usual;
  const text = body.toString('utf8');
  let parsed: unknown;
  if (ndjson) {
    parsed = text;
  } else {
    if (text.length === 0) return { ok: false, message: EMPTY_JSON_BODY, claimedPlatform: undefined };
    try {
      parsed = parseJson(text);
    } catch {
      return { ok: false, message: INVALID_JSON_BODY, claimedPlatform: undefined };
    }
  }
  const claimedPlatform = typeof parsed === 'object' && parsed !== null ? (parsed as { platform?: unknown }).platform : undefined;
  const read = entriesFromBody(contentType, parsed, 'events');
  if (!read.ok) return { ...read, claimedPlatform };
  return { ok: true, claimedPlatform, entryCount: read.entries.length, plan: planIngestBatch(read.entries, context) };
}

/**
 * The usual JSON body, `{"events": [...]}`, read an entry at a time (see event-array-slices.ts):
 * each entry is decoded and parsed from its own bytes as the plan asks for it. Null when the body
 * has another shape or an entry does not parse: the whole-body parse then gives the answer.
 */
function readEventArray(body: Buffer, context: ValidationContext): ReadEventBatch<BatchPlan> | null {
  const offsets = eventArraySlices(body);
  if (offsets === null) return null;
  try {
    return { ok: true, claimedPlatform: undefined, entryCount: offsets.length / 2, plan: planIngestBatch(entriesAt(body, offsets), context) };
  } catch {
    return null;
  }
}

/** Each entry between a pair of offsets, parsed when asked for. */
function* entriesAt(body: Buffer, offsets: Int32Array): Generator<unknown> {
  for (let i = 0; i < offsets.length; i += 2) yield parseJson(body.toString('utf8', offsets[i], offsets[i + 1]));
}

/** JSON.parse, refusing `__proto__` and `constructor` keys as Fastify's JSON parser does. */
function parseJson(text: string): unknown {
  return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
}

/**
 * `readEventBatch`, with the plan's events encoded as COPY text (at the start of `copyArea` when
 * it fits there): what the ingest thread runs.
 */
export function prepareEventBatch(input: EventBatchInput, copyArea?: Uint8Array): PreparedEventBatch {
  const read = readEventBatch(input);
  if (!read.ok) return read;
  const { events, rejected, duplicates } = read.plan;
  return { ...read, plan: { batch: encodeOutcomeBatch(input.context.platform, events, copyArea), rejected, duplicates } };
}

/** A prepared batch with its COPY text in other bytes (the same text, moved between threads or memories). */
export function withCopyBytes(prepared: PreparedEventBatch & { ok: true }, copyBytes: Uint8Array): PreparedEventBatch {
  const { plan } = prepared;
  return { ...prepared, plan: { ...plan, batch: { ...plan.batch, copyBytes } } };
}

/** The full plan of a body the thread has read already (for the slower path of `appendEncoded`). */
export function planEventBatch(input: EventBatchInput): BatchPlan {
  const read = readEventBatch(input);
  if (!read.ok) throw new Error(`a body read once could not be read again: ${read.message}`);
  return read.plan;
}
