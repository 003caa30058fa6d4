/** The longest wait after failures: a feed that is back is polled again within the hour. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * How long to wait before polling a feed again after `consecutiveFailures` (1 or more) failed
 * polls in a row: pollSeconds · 2^(failures − 1), at most an hour. No jitter: one worker polls a
 * feed at a time, so there is no crowd of retries to spread out.
 */
export function retryDelayMs(consecutiveFailures: number, pollSeconds: number): number {
  if (!Number.isInteger(consecutiveFailures) || consecutiveFailures < 1) throw new RangeError(`consecutiveFailures must be a whole number from 1, not ${consecutiveFailures}`);
  // Past 2^1023 the power is Infinity, which min() still caps.
  return Math.min(MAX_RETRY_DELAY_MS, pollSeconds * 1000 * 2 ** (consecutiveFailures - 1));
}
