import type { OutcomeEvent } from '@ledger/domain';
import { COPY_TEXT_NULL as NULL, escapeCopy } from './copy-text';

/** Columns written by a COPY of outcome events, in the order `outcomeEventsCopyText` writes them. */
export const OUTCOME_COPY_COLUMNS = [
  'platform', 'event_id', 'provider', 'model', 'occurred_at', 'occurred_on', 'outcome',
  'http_status', 'error_code', 'latency_ms', 'ttft_ms',
] as const;

/** Events per chunk of COPY text: small strings stay in V8's young generation, cheap to collect. */
const CHUNK = 500;

/** The COPY text of `events`, in chunks, for streaming into `COPY … FROM STDIN`. */
export function* outcomeEventsCopyChunks(platform: string, events: readonly OutcomeEvent[]): Generator<string> {
  for (let start = 0; start < events.length; start += CHUNK) {
    yield outcomeEventsCopyText(platform, events.slice(start, start + CHUNK));
  }
}

/**
 * Encodes events as Postgres COPY text format (@ledger/codec): tab-separated, `\N` for null,
 * free-text values escaped. Provider, model and outcome are validated slugs/enums and need no
 * escaping.
 */
export function outcomeEventsCopyText(platform: string, events: readonly OutcomeEvent[]): string {
  let text = '';
  for (const e of events) {
    text +=
      `${platform}\t${escapeCopy(e.id)}\t${e.provider}\t${e.model}\t${e.occurredAtIso}\t${occurredOn(e)}\t${e.outcome}\t` +
      `${e.httpStatus ?? NULL}\t${e.errorCode === null ? NULL : escapeCopy(e.errorCode)}\t` +
      `${e.latencyMs ?? NULL}\t${e.ttftMs ?? NULL}\n`;
  }
  return text;
}

/** The UTC day an event occurred on, `YYYY-MM-DD`: the log's partition key. `occurredAtIso` is canonical UTC. */
export function occurredOn(event: OutcomeEvent): string {
  return event.occurredAtIso.slice(0, event.occurredAtIso.indexOf('T'));
}

/**
 * A batch of outcome events as the log's COPY takes it: what the ingest thread hands back instead
 * of the events themselves. The COPY text is UTF-8 bytes, written where the caller asked (memory
 * shared with the event loop) or in a buffer of their own that a thread can transfer; the event
 * loop writes them to Postgres as they are.
 */
export interface EncodedOutcomeBatch {
  copyBytes: Uint8Array;
  eventCount: number;
  /** The distinct UTC days of the events' occurredAt: the log partitions they need. */
  days: string[];
}

/** The batch encoded; its COPY text written at the start of `into` when it fits there, else in a buffer of its own. */
export function encodeOutcomeBatch(platform: string, events: readonly OutcomeEvent[], into?: Uint8Array): EncodedOutcomeBatch {
  const copyBytes = utf8Concatenated([...outcomeEventsCopyChunks(platform, events)], into);
  return { copyBytes, eventCount: events.length, days: [...new Set(events.map(occurredOn))] };
}

/**
 * Strings written one after another as UTF-8 into `into` when they fit, or else into a buffer
 * that holds nothing else (never a slice of Node's shared pool, so it can be transferred between
 * threads). Written a chunk at a time: one string of the whole batch would be a large V8 object,
 * costly to allocate and collect.
 */
function utf8Concatenated(chunks: readonly string[], into: Uint8Array | undefined): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += Buffer.byteLength(chunk, 'utf8');
  const bytes = into !== undefined && length <= into.byteLength
    ? Buffer.from(into.buffer, into.byteOffset, length)
    : Buffer.allocUnsafeSlow(length);
  let offset = 0;
  for (const chunk of chunks) offset += bytes.write(chunk, offset, 'utf8');
  return bytes;
}
