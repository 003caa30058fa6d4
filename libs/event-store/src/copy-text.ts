import type { OutcomeEvent } from '@ledger/domain';

/** Columns written by a COPY of outcome events, in the order `outcomeEventsCopyText` writes them. */
export const OUTCOME_COPY_COLUMNS = [
  'platform', 'event_id', 'provider', 'model', 'occurred_at', 'outcome',
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
 * Encodes events as Postgres COPY text format: tab-separated, `\N` for null, with
 * backslash, tab, newline and carriage return escaped in free-text values. Provider, model
 * and outcome are validated slugs/enums and need no escaping.
 */
export function outcomeEventsCopyText(platform: string, events: readonly OutcomeEvent[]): string {
  let text = '';
  for (const e of events) {
    text +=
      `${platform}\t${escapeCopy(e.id)}\t${e.provider}\t${e.model}\t${e.occurredAtIso}\t${e.outcome}\t` +
      `${e.httpStatus ?? '\\N'}\t${e.errorCode === null ? '\\N' : escapeCopy(e.errorCode)}\t` +
      `${e.latencyMs ?? '\\N'}\t${e.ttftMs ?? '\\N'}\n`;
  }
  return text;
}

const SPECIAL = /[\\\t\n\r]/;

export function escapeCopy(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
