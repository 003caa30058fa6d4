import { NO_OUTCOMES } from '../detection';
import { addErrorStatus, countedErrors, DEFAULT_FAILURE_RULES, eventFails, largestStatusCounts, statusMatches, tallyOf } from './failure-rules';

describe('failure rules (concepts §9)', () => {
  it('matches an error status exactly or by its class; an error without a status matches nothing', () => {
    expect(['529', '503', '500', '429', 'none'].map((key) => statusMatches(key, ['5xx']))).toEqual([true, true, true, false, false]);
    expect(['529', '503', '429'].map((key) => statusMatches(key, ['529', '429']))).toEqual([true, false, true]);
  });

  it('tallies counts: an error that does not count stays eligible, a timeout that does not count does not', () => {
    const counts = { ...NO_OUTCOMES, successes: 90, errors: 6, timeouts: 3, rateLimited: 5, clientErrors: 7, errorStatuses: { '529': 2, '5xx': 2, '404': 3, '4xx': 3, none: 1 } };
    expect(tallyOf(DEFAULT_FAILURE_RULES, counts)).toEqual({ eligible: 99, failures: 9 });
    const google = { ...DEFAULT_FAILURE_RULES, errorStatuses: ['5xx'] };
    expect(countedErrors(google, counts)).toBe(2);
    expect(tallyOf(google, counts, countedErrors(google, counts))).toEqual({ eligible: 99, failures: 5 });
    const strict = { countRateLimited: true, countTimeouts: false, errorStatuses: ['404', '529'] };
    expect(tallyOf(strict, counts, countedErrors(strict, counts))).toEqual({ eligible: 101, failures: 10 });
    // Without statuses, every error counts: a partial count is a caller's mistake.
    expect(() => tallyOf(DEFAULT_FAILURE_RULES, counts, 2)).toThrow('every error counts');
  });

  it('keeps each status and its class, so that an entry is one lookup', () => {
    const counts: Record<string, number> = {};
    for (const status of [529, 529, 503, 404, null]) addErrorStatus(counts, status);
    expect(counts).toEqual({ '529': 2, '503': 1, '5xx': 3, '404': 1, '4xx': 1, none: 1 });
    expect(countedErrors({ errorStatuses: ['404', '5xx'] }, { ...NO_OUTCOMES, errors: 5, errorStatuses: counts })).toBe(4);
  });

  it('judges one event as the counts do', () => {
    const rules = { countRateLimited: false, countTimeouts: false, errorStatuses: ['5xx'] };
    expect([eventFails(rules, 'error', 502), eventFails(rules, 'error', null), eventFails(rules, 'timeout', null), eventFails(rules, 'success', 200)]).toEqual([true, false, false, false]);
    expect(eventFails(DEFAULT_FAILURE_RULES, 'error', null)).toBe(true);
  });

  it('keeps the five largest status counts, ties by status then code, a missing one last', () => {
    const row = (httpStatus: number | null, errorCode: string | null, count: number) => ({ httpStatus, errorCode, count });
    const counts = [row(null, 'timeout', 9), row(529, 'overloaded_error', 4_210), row(500, null, 9), row(500, 'api_error', 9), row(503, null, 2), row(429, 'x', 1), row(502, 'y', 3)];
    expect(largestStatusCounts(counts)).toEqual([row(529, 'overloaded_error', 4_210), row(500, 'api_error', 9), row(500, null, 9), row(null, 'timeout', 9), row(502, 'y', 3)]);
  });
});
