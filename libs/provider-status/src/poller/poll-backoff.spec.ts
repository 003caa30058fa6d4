import { MAX_RETRY_DELAY_MS, retryDelayMs } from './poll-backoff';

describe('retryDelayMs', () => {
  it('waits one poll interval after the first failure, doubling with each further one', () => {
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, 300))).toEqual([300_000, 600_000, 1_200_000, 2_400_000]);
  });

  it('waits at most an hour, however many failures', () => {
    expect(retryDelayMs(5, 300)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(5_000, 5)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('refuses a failure count that is not a whole number from 1', () => {
    for (const failures of [0, -1, 1.5]) expect(() => retryDelayMs(failures, 300)).toThrow(RangeError);
  });
});
