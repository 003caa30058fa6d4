/** How long one delivery attempt may take, connect to complete answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** How long after its first attempt a delivery is retried before it is given up as FAILED. */
export const DELIVERY_GIVE_UP_MS = 24 * 3_600_000;

/** The delay after the first failed attempt, before jitter. */
export const RETRY_BASE_DELAY_MS = 10_000;

/** Each further failure multiplies the delay by this. */
export const RETRY_BACKOFF_FACTOR = 2;

/** The longest delay between two attempts, before jitter: a receiver that is back is reached within the hour. */
export const RETRY_MAX_DELAY_MS = 3_600_000;

/** How a delivery is retried: the first delay and how long after the first attempt it is given up (operators may change both). */
export interface RetrySchedule {
  baseDelayMs: number;
  giveUpMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { baseDelayMs: RETRY_BASE_DELAY_MS, giveUpMs: DELIVERY_GIVE_UP_MS };

/**
 * The delay before attempt `attempt + 1`, once `attempt` attempts (1 or more) have failed: the
 * exponential delay min(1 h, 10 s · 2^(attempt − 1)), jittered to between half and all of it,
 * in whole milliseconds. The jitter spreads out the retries of deliveries that failed together
 * (a receiver that was down), so that they do not all hit it again at the same instant; keeping
 * at least half keeps the backoff a backoff.
 */
export function nextAttemptDelayMs(attempt: number, random: () => number = Math.random, schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number from 1, not ${attempt}`);
  // Past 2^1023 the power is Infinity, which min() still caps.
  const exponential = Math.min(RETRY_MAX_DELAY_MS, schedule.baseDelayMs * RETRY_BACKOFF_FACTOR ** (attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * When to try a delivery next, in epoch milliseconds, after `failedAttempts` failed attempts, the
 * last failing at `now`; null when that would be later than 24 h after the first attempt (at
 * `firstAttemptAt`): the delivery has then FAILED. So the last attempt happens no later than
 * 24 h after the first.
 */
export function nextAttemptAt(
  firstAttemptAt: number, failedAttempts: number, now: number, random: () => number = Math.random, schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE,
): number | null {
  const at = now + nextAttemptDelayMs(failedAttempts, random, schedule);
  return at > firstAttemptAt + schedule.giveUpMs ? null : at;
}
