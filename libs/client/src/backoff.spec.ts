import { backoffDelayMs, MAX_RETRY_AFTER_MS, parseRetryAfterMs, retryDelayMs } from './backoff';

const policy = { initialDelayMs: 200, maxDelayMs: 30_000 };

describe('backoffDelayMs (full jitter)', () => {
  it('stays within [0, min(max, initial · 2^attempt)] for every attempt', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(30_000, 200 * 2 ** attempt);
      expect(backoffDelayMs(attempt, policy, () => 0)).toBe(0);
      expect(backoffDelayMs(attempt, policy, () => 0.999_999)).toBe(Math.floor(0.999_999 * ceiling));
      for (let i = 0; i < 20; i++) {
        const delay = backoffDelayMs(attempt, policy);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it('doubles its ceiling per attempt up to the maximum', () => {
    const ceilings = [0, 1, 2, 3, 7, 8, 1000].map((attempt) => backoffDelayMs(attempt, policy, () => 0.5) * 2);
    expect(ceilings).toEqual([200, 400, 800, 1600, 25_600, 30_000, 30_000]);
  });
});

describe('retryDelayMs', () => {
  it('waits at least what Retry-After asks, plus the jitter', () => {
    expect(retryDelayMs(0, 5_000, policy, () => 0)).toBe(5_000);
    expect(retryDelayMs(0, 5_000, policy, () => 0.5)).toBe(5_100);
    expect(retryDelayMs(3, null, policy, () => 0.5)).toBe(800);
  });

  it('takes an absurd Retry-After as the ceiling', () => {
    expect(retryDelayMs(0, 86_400_000, policy, () => 0)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-06-07T09:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfterMs('1', now)).toBe(1_000);
    expect(parseRetryAfterMs(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfterMs('0', now)).toBe(0);
  });

  it('reads an HTTP-date (IMF-fixdate and RFC 850), a past one as 0', () => {
    expect(parseRetryAfterMs('Sun, 07 Jun 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Sunday, 07-Jun-26 09:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfterMs('Sat, 06 Jun 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('is null when absent or unreadable', () => {
    for (const value of [null, undefined, '', '-1', '1.5', 'soon', 'tomorrow', '2026-06-07T09:00:30Z', 'Sun, 07 Jun 2026 09:00:30 CEST']) {
      expect(parseRetryAfterMs(value, now)).toBeNull();
    }
  });
});
