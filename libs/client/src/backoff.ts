export interface BackoffPolicy {
  /** The cap of the first retry's wait; it doubles with every attempt. */
  initialDelayMs: number;
  /** The most the exponential part may reach. */
  maxDelayMs: number;
}

/** A `Retry-After` asking for more than this is taken as this: a confused proxy must not park the client for hours. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * "Full jitter" (exponential backoff with jitter): a uniformly random wait in
 * `[0, min(maxDelayMs, initialDelayMs · 2^attempt)]`, so that clients that failed together do
 * not retry together. `attempt` counts from 0 (the first retry).
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random() * ceiling);
}

/**
 * How long to wait before the next attempt: at least what the server asked for in
 * `Retry-After` (up to MAX_RETRY_AFTER_MS), plus the jittered backoff (which spreads the
 * clients that the same answer told to come back at the same second).
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, policy: BackoffPolicy, random: () => number = Math.random): number {
  const asked = retryAfterMs === null ? 0 : Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS);
  return asked + backoffDelayMs(attempt, policy, random);
}

/**
 * `Retry-After` in milliseconds from `now`: delta-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`, a date in the past meaning 0). Null when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its weekday and zone; Date.parse alone would take far more ("3", "tomorrow").
  if (!/^[A-Za-z]{3,9},\s+\d{1,2}[\s-][A-Za-z]{3}[\s-]\d{2,4}\s+\d{2}:\d{2}:\d{2}\s+GMT$/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
