import { cleanErrorCode } from './event';
import type { Outcome } from './types';

/** What a provider call came to, as `track()` records it. */
export interface CallClassification {
  outcome: Outcome;
  httpStatus: number | null;
  errorCode: string | null;
}

// Names of timeout errors: the Anthropic and OpenAI SDKs' APIConnectionTimeoutError, the
// DOMException of AbortSignal.timeout(), undici's (Node's fetch) connect/headers/body timeouts.
// The SDKs leave `name` as "Error": their class name is read too (see errorName).
const TIMEOUT_NAMES = new Set(['APIConnectionTimeoutError', 'TimeoutError', 'ConnectTimeoutError', 'HeadersTimeoutError', 'BodyTimeoutError']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
// The caller's own cancellation: not the provider's doing.
const ABORT_NAMES = new Set(['AbortError', 'APIUserAbortError']);
const MENTIONS_TIMEOUT = /time[ds]?[ -]?out/i;
/** The SDKs' message for a timeout, for bundles whose minifier renamed the class. */
const SDK_TIMEOUT_MESSAGE = /^request timed out\.?$/i;

/**
 * Classifies what a provider call threw, from the shapes the official SDKs (and most HTTP
 * clients) give their errors:
 *
 * - HTTP status from `status`, `statusCode` or `response.status`: 429 → `rate_limited`;
 *   408 and 504 → `timeout`; any other 4xx → `client_error`; 5xx (529 included) → `error`.
 * - Without a status: a timeout (`APIConnectionTimeoutError`, `TimeoutError`, an `AbortError`
 *   caused by a timeout, `ETIMEDOUT`…) → `timeout`; the caller's own abort
 *   (`APIUserAbortError`, another `AbortError`) → `client_error`; anything else (connection
 *   refused or reset, a bug) → `error`.
 * - `errorCode`: Anthropic's error type from the body (`error.error.error.type`, e.g.
 *   `overloaded_error`), else `code`, then `type` (OpenAI: `rate_limit_exceeded`,
 *   `server_error`), then the body's `code`/`type`, then the cause's `code` (`ECONNREFUSED`);
 *   without a status, the error's name as a last resort. Cut to 128 characters.
 */
export function classifyError(error: unknown): CallClassification {
  const httpStatus = statusOf(error);
  return { outcome: failureOutcome(error, httpStatus), httpStatus, errorCode: errorCodeOf(error, httpStatus) };
}

/**
 * Classifies what a provider call returned: `success`, unless it is a fetch Response (a
 * `status` number and an `ok` boolean) that is not ok, which is classified by its status as
 * `classifyError` would.
 */
export function classifyResult(result: unknown): CallClassification {
  const status = field(result, 'status');
  const ok = field(result, 'ok');
  if (typeof ok !== 'boolean' || !isHttpStatus(status)) return { outcome: 'success', httpStatus: null, errorCode: null };
  return { outcome: ok ? 'success' : failureOutcome(null, status), httpStatus: status, errorCode: null };
}

function failureOutcome(error: unknown, status: number | null): Outcome {
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 504) return 'timeout';
  if (status !== null && status >= 400 && status < 500) return 'client_error';
  if (status !== null && status >= 500) return 'error';
  if (isTimeout(error, 0)) return 'timeout';
  if (ABORT_NAMES.has(errorName(error))) return 'client_error';
  return 'error';
}

function statusOf(error: unknown): number | null {
  const response = field(error, 'response');
  for (const candidate of [field(error, 'status'), field(error, 'statusCode'), field(response, 'status'), field(response, 'statusCode')]) {
    const status = typeof candidate === 'string' && /^\d{3}$/.test(candidate) ? Number(candidate) : candidate;
    if (isHttpStatus(status)) return status;
  }
  return null;
}

/** A timeout by its name or code, an abort or ECONNABORTED saying "timeout", or caused by one (a few levels down). */
function isTimeout(error: unknown, depth: number): boolean {
  if (error === null || error === undefined || depth > 3) return false;
  const name = errorName(error);
  const code = String(field(error, 'code'));
  const message = String(field(error, 'message'));
  if (TIMEOUT_NAMES.has(name) || TIMEOUT_CODES.has(code) || SDK_TIMEOUT_MESSAGE.test(message)) return true;
  if ((name === 'AbortError' || code === 'ECONNABORTED') && MENTIONS_TIMEOUT.test(message)) return true;
  return isTimeout(field(error, 'cause'), depth + 1);
}

function errorCodeOf(error: unknown, status: number | null): string | null {
  const body = field(error, 'error');
  const candidates = [
    field(field(body, 'error'), 'type'), // Anthropic: the body is {"type":"error","error":{"type":"overloaded_error",…}}
    field(error, 'code'), // OpenAI (from its body), Node's system errors
    field(error, 'type'), // OpenAI; the Anthropic SDK's newer versions copy the body's type here
    field(body, 'code'),
    field(body, 'type'),
    field(field(error, 'cause'), 'code'), // fetch's "fetch failed" TypeError: ECONNREFUSED, ECONNRESET…
  ];
  for (const candidate of candidates) {
    // Strings only: a DOMException's numeric legacy `code` (20, 23) says nothing. And "error"
    // alone is the Anthropic envelope's type, not a reason.
    if (typeof candidate === 'string' && candidate !== 'error') {
      const code = cleanErrorCode(candidate);
      if (code !== null) return code;
    }
  }
  const name = errorName(error);
  return status === null && name !== '' && name !== 'Error' && name !== 'Object' ? cleanErrorCode(name) : null;
}

/** The error's `name`, or its class's name when `name` is the generic "Error" (as the SDKs leave it). */
function errorName(error: unknown): string {
  const name = field(error, 'name');
  if (typeof name === 'string' && name !== 'Error') return name;
  const className = field(field(error, 'constructor'), 'name');
  return typeof className === 'string' && className !== '' ? className : typeof name === 'string' ? name : '';
}

function isHttpStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}

/** A property of something that may be anything (a getter that throws reads as undefined). */
function field(value: unknown, key: string): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
