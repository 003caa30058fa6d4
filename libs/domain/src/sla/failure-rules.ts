import type { OutcomeCounts } from '../detection';
import type { Outcome } from '../outcome-event';
import type { ContractTerms } from './contract';

/**
 * What a contract counts as a failure (concepts §9): detection's classification (errors and
 * timeouts fail, client errors are not eligible), adjusted by the contract's rules — the
 * statuses an error must have, whether timeouts and throttling count. Every SLA figure of a
 * contract goes through `tallyOf`; outage detection does not (it keeps the default).
 */
export type FailureRules = Pick<ContractTerms, 'countRateLimited' | 'countTimeouts' | 'errorStatuses'>;

/** The rules of a contract that says nothing beyond the defaults. */
export const DEFAULT_FAILURE_RULES: FailureRules = { countRateLimited: false, countTimeouts: true, errorStatuses: null };

/**
 * A minute's `error` outcomes by HTTP status, as the rollups store them: each status ("529"), each
 * status's class ("5xx": the sum of its statuses), and "none" for errors without a status. The
 * classes are kept so that a contract's entries are each one lookup (`countedErrors`).
 */
export type ErrorStatusCounts = Readonly<Record<string, number>>;

/** The key of an error's status in `ErrorStatusCounts`. */
export const errorStatusKey = (httpStatus: number | null): string => (httpStatus === null ? 'none' : String(httpStatus));

/** Adds `n` errors of a status to counts being built: under the status and under its class. */
export function addErrorStatus(counts: Record<string, number>, httpStatus: number | null, n = 1): void {
  const key = errorStatusKey(httpStatus);
  counts[key] = (counts[key] ?? 0) + n;
  if (httpStatus !== null) {
    const statusClass = `${key[0]}xx`;
    counts[statusClass] = (counts[statusClass] ?? 0) + n;
  }
}

/** Whether an error's status key matches one of `entries` ("529", or a class "5xx"); "none" matches nothing. */
export function statusMatches(key: string, entries: readonly string[]): boolean {
  if (key === 'none') return false;
  return entries.includes(key) || entries.includes(`${key[0]}xx`);
}

/** A minute's counts, with its errors by status when a contract's rules need them. */
export interface ContractCounts extends OutcomeCounts {
  errorStatuses?: ErrorStatusCounts | null;
}

/**
 * The errors that count as failures: all of them, or with `errorStatuses` those whose status
 * matches — the sum of the counts under the entries (a contract's entries never overlap: a
 * status whose class is listed is dropped). Errors whose status is not known (rollups of days
 * archived before statuses were kept) then count as not matching.
 */
export function countedErrors(rules: Pick<FailureRules, 'errorStatuses'>, counts: ContractCounts): number {
  if (rules.errorStatuses === null) return counts.errors;
  return rules.errorStatuses.reduce((sum, entry) => sum + (counts.errorStatuses?.[entry] ?? 0), 0);
}

/** Eligible requests and failures, as a contract counts them. */
export interface Tally {
  eligible: number;
  failures: number;
}

/**
 * The failures and eligible requests of counts under a contract's rules. `matchedErrors`: the
 * errors that count (`countedErrors`); all of them when the contract names no statuses. An error
 * that does not count is still eligible; a timeout that does not count is not.
 */
export function tallyOf(rules: FailureRules, c: OutcomeCounts, matchedErrors: number = c.errors): Tally {
  if (rules.errorStatuses === null && matchedErrors !== c.errors) throw new Error('every error counts when a contract names no statuses');
  const timeouts = rules.countTimeouts ? c.timeouts : 0;
  const throttled = rules.countRateLimited ? c.rateLimited : 0;
  return { eligible: c.successes + c.errors + timeouts + throttled, failures: matchedErrors + timeouts + throttled };
}

/** Whether one event is a failure under a contract's rules: `tallyOf` event by event (evidence, claim packets). */
export function eventFails(rules: FailureRules, outcome: Outcome, httpStatus: number | null): boolean {
  switch (outcome) {
    case 'error':
      return rules.errorStatuses === null || statusMatches(errorStatusKey(httpStatus), rules.errorStatuses);
    case 'timeout':
      return rules.countTimeouts;
    case 'rate_limited':
      return rules.countRateLimited;
    default:
      return false;
  }
}

/** Failures with one HTTP status and error code (null: none), for an evidence run's `statusBreakdown`. */
export interface StatusCount {
  httpStatus: number | null;
  errorCode: string | null;
  count: number;
}

/** The `limit` largest counts: count descending, then by status, then by code, a missing one last. */
export function largestStatusCounts(counts: readonly StatusCount[], limit = 5): StatusCount[] {
  const nullsLast = (a: number | string | null, b: number | string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  return [...counts].sort((a, b) => b.count - a.count || nullsLast(a.httpStatus, b.httpStatus) || nullsLast(a.errorCode, b.errorCode)).slice(0, limit);
}
