import { MAX_FEED_BYTES } from '@ledger/domain';

/** One deadline per poll, connect to the last byte of the body. */
export const FEED_TIMEOUT_MS = 10_000;

export const FEED_USER_AGENT = 'sla-ledger-status-feeds';

export interface FeedRequest {
  url: string;
  /** The ETag of the last answer imported, sent as If-None-Match; null for an unconditional GET. */
  etag: string | null;
  /** FEED_TIMEOUT_MS by default. */
  timeoutMs?: number;
  /** Abandons the request (the process is stopping). */
  signal?: AbortSignal;
}

/** What one poll got: nothing new since `etag`, a JSON body (not yet checked as a feed), or why not. */
export type FeedAnswer =
  | { kind: 'not-modified' }
  | { kind: 'feed'; json: unknown; etag: string | null }
  | { kind: 'failure'; reason: string };

const LIMIT_IN_WORDS = `${MAX_FEED_BYTES / 1024 / 1024} MiB`;

/**
 * GETs a status feed and says what came back; never throws. Only a 2xx JSON answer of at most
 * MAX_FEED_BYTES that parses is a feed; a 304 to a conditional request is "not modified". The
 * body is read as a stream and the connection dropped as soon as it passes the limit, so an
 * oversized answer costs at most the limit in memory. The timeout covers the whole exchange,
 * body included, so a server trickling bytes cannot hold a poll.
 */
export async function fetchFeed(request: FeedRequest): Promise<FeedAnswer> {
  const timeoutMs = request.timeoutMs ?? FEED_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = request.signal === undefined ? deadline : AbortSignal.any([deadline, request.signal]);
  try {
    const response = await fetch(request.url, { headers: headersFor(request.etag), signal });
    return await readAnswer(response, request.etag !== null);
  } catch (error) {
    if (deadline.aborted) return failure(`no complete answer within ${Number((timeoutMs / 1000).toFixed(3))} s`);
    if (request.signal?.aborted === true) return failure('abandoned: the process is stopping');
    return failure(describeError(error));
  }
}

function headersFor(etag: string | null): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': FEED_USER_AGENT };
  if (etag !== null) headers['if-none-match'] = etag;
  return headers;
}

async function readAnswer(response: Response, conditional: boolean): Promise<FeedAnswer> {
  if (response.status === 304 && conditional) {
    await discard(response);
    return { kind: 'not-modified' };
  }
  if (!response.ok) {
    await discard(response);
    return failure(`answered ${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`);
  }
  const type = mediaType(response.headers.get('content-type'));
  if (type === null || !(type === 'application/json' || type.endsWith('+json'))) {
    await discard(response);
    return failure(type === null ? 'answered without a content type, not JSON' : `answered ${type}, not JSON`);
  }
  const declaredLength = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declaredLength > MAX_FEED_BYTES) {
    await discard(response);
    return failure(`the body is ${declaredLength} bytes, over the ${LIMIT_IN_WORDS} limit`);
  }
  const body = await readUpTo(response, MAX_FEED_BYTES);
  if (body === null) return failure(`the body passed the ${LIMIT_IN_WORDS} limit: abandoned`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return failure('the body is not UTF-8 text');
  }
  try {
    return { kind: 'feed', json: JSON.parse(text), etag: response.headers.get('etag') };
  } catch (error) {
    return failure(`the body is not JSON: ${(error as Error).message}`);
  }
}

/** The body, or null once it passes `limit` bytes: then the stream is cancelled, which drops the connection. */
async function readUpTo(response: Response, limit: number): Promise<Uint8Array | null> {
  if (response.body === null) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
}

/** Drops a body unread (closing the connection rather than reading it to reuse it). */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** `application/json; charset=utf-8` → `application/json`; null when absent or blank. */
function mediaType(header: string | null): string | null {
  const type = header?.split(';')[0]!.trim().toLowerCase() ?? '';
  return type === '' ? null : type;
}

function failure(reason: string): FeedAnswer {
  return { kind: 'failure', reason };
}

/**
 * A fetch error in words: undici's own message is only "fetch failed", its cause says why
 * (connect ECONNREFUSED …, getaddrinfo ENOTFOUND …). Duck-typed: errors from Node's internals
 * may come from another realm (a jest sandbox).
 */
function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { message, cause } = error as { message?: unknown; cause?: unknown };
  const own = typeof message === 'string' && message !== '' ? message : String(error);
  if (typeof cause !== 'object' || cause === null) return own;
  const { message: causeMessage, code } = cause as { message?: unknown; code?: unknown };
  const why = typeof causeMessage === 'string' && causeMessage !== '' ? causeMessage : typeof code === 'string' ? code : null;
  return why === null ? own : `${own}: ${why}`;
}
