import { parseRetryAfterMs } from './backoff';
import { backgroundTimeout } from './timers';
import type { FetchLike } from './types';

/** One event the service refused, as its answer lists it. */
export interface RejectedEvent {
  index: number;
  id: string | null;
  errors: string[];
}

export type IngestAnswer =
  /** `200`: the batch is committed; `rejected` lists the events refused for good. */
  | { kind: 'acknowledged'; accepted: number; duplicates: number; rejected: RejectedEvent[] }
  /** 408, 429, 5xx, a network error, a timeout, an answer cut short: the same batch may be sent again. */
  | { kind: 'retry'; reason: string; status: number | null; retryAfterMs: number | null }
  /** Any other answer (401, 403, 413, an answer that is not the service's): sending it again would not help. */
  | { kind: 'refused'; reason: string; status: number };

export interface IngestRequest {
  fetch: FetchLike;
  /** `…/v1/events` */
  endpoint: string;
  apiKey: string;
  /** `{"events":[…]}`, serialised once per batch so that every attempt sends the same bytes. */
  body: string;
  timeoutMs: number;
  /** Aborts the request from outside (close() running out of time). */
  signal: AbortSignal;
  now: () => number;
}

/** Posts one batch and says what became of it. Never throws. */
export async function postBatch(request: IngestRequest): Promise<IngestAnswer> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  request.signal.addEventListener('abort', abort);
  const timer = backgroundTimeout(abort, request.timeoutMs);
  try {
    const response = await request.fetch(request.endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${request.apiKey}`, 'content-type': 'application/json' },
      body: request.body,
      signal: controller.signal,
    });
    // Read whole before judging: an answer cut short (the server killed mid-reply) is a network error.
    const text = await response.text();
    return judge(response.status, text, response.headers.get('retry-after'), request.now());
  } catch (error) {
    const reason = controller.signal.aborted && !request.signal.aborted ? `no answer within ${request.timeoutMs} ms` : describeNetworkError(error);
    return { kind: 'retry', reason, status: null, retryAfterMs: null };
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', abort);
  }
}

function judge(status: number, text: string, retryAfter: string | null, now: number): IngestAnswer {
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', reason: `answered ${status}${excerpt(text)}`, status, retryAfterMs: parseRetryAfterMs(retryAfter, now) };
  }
  if (status < 200 || status > 299) return { kind: 'refused', reason: `answered ${status}${excerpt(text)}`, status };
  const answer = parseAnswer(text);
  return answer ?? { kind: 'refused', reason: `answered ${status} with a body that is not an ingest answer${excerpt(text)}`, status };
}

function parseAnswer(text: string): IngestAnswer | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const { accepted, duplicates, rejected } = (body ?? {}) as Record<string, unknown>;
  if (typeof accepted !== 'number' || typeof duplicates !== 'number' || !Array.isArray(rejected)) return null;
  return {
    kind: 'acknowledged',
    accepted,
    duplicates,
    rejected: rejected.map((entry: Record<string, unknown>) => ({
      index: typeof entry?.index === 'number' ? entry.index : -1,
      id: typeof entry?.id === 'string' ? entry.id : null,
      errors: Array.isArray(entry?.errors) ? entry.errors.map(String) : [],
    })),
  };
}

function excerpt(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' ? '' : `: ${trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed}`;
}

function describeNetworkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : null;
  return `request failed: ${message}${detail !== null ? ` (${detail})` : ''}`;
}
