import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { guardedLookup, hostOf, parseWebhookUrl, refusalOf, WebhookAddressError } from './address-guard';
import { DELIVERY_TIMEOUT_MS } from './retry-schedule';

/** One POST of a webhook delivery. */
export interface WebhookRequest {
  url: string;
  /** The JSON body, exactly as signed. */
  body: string;
  /** Sent as given (names lower-cased); content-type defaults to application/json, user-agent to sla-ledger-webhooks. */
  headers: Record<string, string>;
  /** Whether loopback, private and link-local targets are allowed (see refusalOf). */
  allowPrivate: boolean;
  /** One deadline for the whole attempt, connect to complete answer; DELIVERY_TIMEOUT_MS by default. */
  timeoutMs?: number;
}

/** How one attempt went: ok for a 2xx answer; otherwise the status (null when there was no answer) and why. */
export interface WebhookAttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** How much of a response body is read (and dropped) before the connection is closed instead. */
export const RESPONSE_BODY_LIMIT_BYTES = 64 * 1024;

export const WEBHOOK_USER_AGENT = 'sla-ledger-webhooks';

/**
 * POSTs one webhook delivery and says how it went; never throws, never rejects. A 2xx answer is
 * ok; any other status is not (redirects are not followed: a 3xx is not ok). The target's
 * addresses are checked at connect time (guardedLookup), IP literals before. The timeout is one
 * deadline for the whole attempt, not an idle timeout, so that a receiver trickling bytes cannot
 * hold a delivery worker; without a status line by then there was no answer. Once the status
 * line is in, it decides: the body is read and dropped, up to 64 KiB or until the deadline,
 * whichever first, and the connection then closed, so that no socket outlives the attempt.
 */
export function postWebhook(request: WebhookRequest): Promise<WebhookAttemptResult> {
  const timeoutMs = request.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const started = performance.now();
  return new Promise((resolve) => {
    let statusCode: number | null = null;
    let settled = false;
    let abort: () => void = () => undefined;
    const finish = (error: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort();
      const ok = error === null && statusCode !== null && statusCode >= 200 && statusCode < 300;
      const why = error ?? (ok ? null : `answered ${statusCode}`);
      resolve({ ok, statusCode, error: why, durationMs: Math.round(performance.now() - started) });
    };
    const timer = setTimeout(() => finish(statusCode === null ? `no answer in ${formatSeconds(timeoutMs)}` : null), timeoutMs);

    const target = targetOf(request.url, request.allowPrivate);
    if (typeof target === 'string') return finish(target);

    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      const outgoing = send(target, {
        method: 'POST',
        headers: headersFor(request),
        lookup: guardedLookup(request.allowPrivate),
        // No pooled sockets: a pooled socket would skip the address check of the policy at hand.
        agent: false,
      });
      abort = () => outgoing.destroy();
      outgoing.on('response', (response: IncomingMessage) => {
        statusCode = response.statusCode ?? null;
        drain(response, () => finish(null));
      });
      outgoing.on('error', (error) => finish(describeError(error)));
      outgoing.end(request.body);
    } catch (error) {
      // Synchronous failures of http.request, e.g. a header value with a newline in it.
      return finish(describeError(error));
    }
  });
}

/** The URL to post to, or why not: Node connects to an IP literal without calling `lookup`, so literals are checked here. */
function targetOf(url: string, allowPrivate: boolean): URL | string {
  const target = parseWebhookUrl(url);
  if (typeof target === 'string') return target;
  const host = hostOf(target);
  const refusal = isIP(host) !== 0 ? refusalOf(host, allowPrivate) : null;
  return refusal === null ? target : new WebhookAddressError(refusal).message;
}

/** The caller's headers, lower-cased so that theirs replace the defaults, with the body's length. */
function headersFor(request: WebhookRequest): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': WEBHOOK_USER_AGENT };
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers['content-length'] = String(Buffer.byteLength(request.body, 'utf8'));
  return headers;
}

/** Reads and drops a response body; `done` once it ended, broke off, or passed the limit. */
function drain(response: IncomingMessage, done: () => void): void {
  let read = 0;
  response.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > RESPONSE_BODY_LIMIT_BYTES) done();
  });
  response.on('end', done);
  response.on('error', done);
  response.on('close', done);
}

/**
 * An error's message; with several addresses tried (autoSelectFamily), Node's AggregateError has
 * none of its own. Duck-typed, not instanceof: errors from Node's internals may come from
 * another realm (a jest sandbox, a vm context).
 */
function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { message, code, errors } = error as { message?: unknown; code?: unknown; errors?: unknown };
  if (typeof message === 'string' && message !== '') return message;
  if (Array.isArray(errors) && errors.length > 0) return errors.map(describeError).join('; ');
  return typeof code === 'string' ? code : String(error);
}

/** Milliseconds as seconds, without trailing zeros: 10000 → "10 s", 200 → "0.2 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
