import { DELIVERY_GIVE_UP_MS, nextAttemptAt, nextAttemptDelayMs, RETRY_MAX_DELAY_MS } from './retry-schedule';

const lowest = (): number => 0;
const highest = (): number => 0.9999999999999999;
const middle = (): number => 0.5;

describe('nextAttemptDelayMs', () => {
  it('is half the exponential delay when random() is 0', () => {
    expect(nextAttemptDelayMs(1, lowest)).toBe(5_000);
    expect(nextAttemptDelayMs(2, lowest)).toBe(10_000);
    expect(nextAttemptDelayMs(3, lowest)).toBe(20_000);
    expect(nextAttemptDelayMs(9, lowest)).toBe(1_280_000);
    expect(nextAttemptDelayMs(10, lowest)).toBe(1_800_000);
  });

  it('is all of the exponential delay when random() is just under 1', () => {
    expect(nextAttemptDelayMs(1, highest)).toBe(10_000);
    expect(nextAttemptDelayMs(2, highest)).toBe(20_000);
    expect(nextAttemptDelayMs(9, highest)).toBe(2_560_000);
    // 10 s · 2^9 = 5,120 s: capped at the hour.
    expect(nextAttemptDelayMs(10, highest)).toBe(3_600_000);
  });

  it('stays between half and all of the exponential delay, in whole milliseconds', () => {
    for (let attempt = 1; attempt <= 30; attempt++) {
      const exponential = Math.min(3_600_000, 10_000 * 2 ** (attempt - 1));
      for (const r of [0, 0.123, 0.5, 0.777, 0.9999999999999999]) {
        const delay = nextAttemptDelayMs(attempt, () => r);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(exponential / 2);
        expect(delay).toBeLessThanOrEqual(exponential);
      }
    }
  });

  it('grows with each failure until the cap, then stays at it', () => {
    const delays = Array.from({ length: 60 }, (_, i) => nextAttemptDelayMs(i + 1, highest));
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(Math.max(...delays)).toBe(RETRY_MAX_DELAY_MS);
    expect(delays.slice(9).every((d) => d === RETRY_MAX_DELAY_MS)).toBe(true);
    // A huge attempt number (2^1100 overflows to Infinity) is still capped.
    expect(nextAttemptDelayMs(1_101, highest)).toBe(RETRY_MAX_DELAY_MS);
  });

  it('uses Math.random by default, within the bounds', () => {
    const delay = nextAttemptDelayMs(4);
    expect(delay).toBeGreaterThanOrEqual(40_000);
    expect(delay).toBeLessThanOrEqual(80_000);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %p', (attempt) => {
    expect(() => nextAttemptDelayMs(attempt, lowest)).toThrow(RangeError);
  });
});

describe('nextAttemptAt', () => {
  const first = Date.UTC(2026, 0, 1);

  it('is now plus the delay', () => {
    expect(nextAttemptAt(first, 1, first + 150, lowest)).toBe(first + 150 + 5_000);
    expect(nextAttemptAt(first, 3, first + 60_000, highest)).toBe(first + 60_000 + 40_000);
  });

  it('allows an attempt exactly 24 h after the first, and gives up on one any later', () => {
    const deadline = first + DELIVERY_GIVE_UP_MS;
    // Attempt 10 waits 1,800,000 ms with random() = 0.
    expect(nextAttemptAt(first, 10, deadline - 1_800_000, lowest)).toBe(deadline);
    expect(nextAttemptAt(first, 10, deadline - 1_799_999, lowest)).toBeNull();
    expect(nextAttemptAt(first, 40, deadline, lowest)).toBeNull();
  });

  it('never schedules an attempt later than 24 h after the first', () => {
    let now = first;
    for (let failed = 1; ; failed++) {
      const at = nextAttemptAt(first, failed, now, highest);
      if (at === null) break;
      expect(at).toBeLessThanOrEqual(first + DELIVERY_GIVE_UP_MS);
      now = at;
    }
    expect(now).toBeGreaterThan(first + DELIVERY_GIVE_UP_MS - RETRY_MAX_DELAY_MS);
  });

  it('fits as many attempts in 24 h as summing the delays by hand does (random() = 0.5, attempts taking no time)', () => {
    let attempts = 1;
    let now = first;
    for (;;) {
      const at = nextAttemptAt(first, attempts, now, middle);
      if (at === null) break;
      attempts++;
      now = at;
    }

    // Independently: delays are 3/4 of min(3,600 s, 10 s · 2^(n − 1)); count while the sum stays within 24 h.
    let expected = 1;
    let elapsedMs = 0;
    for (let failed = 1; ; failed++) {
      const exponentialMs = Math.min(3_600 * 1000, 10 * 1000 * Math.pow(2, failed - 1));
      const waitMs = Math.round(exponentialMs * 0.75);
      if (elapsedMs + waitMs > 24 * 60 * 60 * 1000) break;
      elapsedMs += waitMs;
      expected++;
    }

    expect(attempts).toBe(expected);
    // 7.5 s + 15 s + … + 1,920 s = 3,832.5 s over 9 waits, then 30 waits of 2,700 s: 40 attempts.
    expect(attempts).toBe(40);
  });
});
