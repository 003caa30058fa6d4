import { MINUTE_MS } from '../minute';
import { parseRatio, rateAtLeast } from '../ratio';
import { ContractTerms, SlaPolicy } from './contract';
import { ContractCounts, countedErrors, FailureRules, Tally, tallyOf } from './failure-rules';
import { Period } from './period';

/**
 * What the SLA engine needs of a contract's traffic in a period (its platform, provider and
 * models, summed over models). Minutes are epoch minutes; windows are indexes of
 * `windowMinutes`-long windows from the period start.
 */
export interface ContractTraffic {
  /**
   * Every minute of the period that may fail the policy's threshold, excluded or not, with its
   * tally. Extra minutes are harmless: each one is checked exactly (`downMinuteTest`).
   */
  candidateMinutes: ReadonlyMap<number, Tally>;
  /** Summed over the period's eligible (not excluded) minutes: REQUEST_SUCCESS_RATIO. */
  eligibleTotal: Tally;
  /** Per window, summed over its eligible minutes: AVERAGE_ERROR_RATE. Windows without failures may be left out. */
  windows: ReadonlyMap<number, Tally>;
}

/** Maintenance as minute ranges [from, to). */
export type MinuteRanges = readonly (readonly [number, number])[];

/**
 * The excluded minutes of a period (concepts §6), as sorted, disjoint, non-adjacent ranges of
 * epoch minutes: outside [effectiveFrom, effectiveTo) — a minute counts only when it lies
 * wholly inside — or overlapping one of the maintenance ranges.
 */
export class ExcludedMinutes {
  readonly ranges: readonly (readonly [number, number])[];
  readonly count: number;

  constructor(terms: Pick<ContractTerms, 'effectiveFrom' | 'effectiveTo'>, period: Period, maintenance: MinuteRanges) {
    const first = period.start / MINUTE_MS;
    const end = period.end / MINUTE_MS;
    const clipped: [number, number][] = [];
    const add = (from: number, to: number) => {
      const a = Math.max(from, first);
      const b = Math.min(to, end);
      if (a < b) clipped.push([a, b]);
    };
    add(first, Math.ceil(terms.effectiveFrom / MINUTE_MS));
    if (terms.effectiveTo !== null) add(Math.floor(terms.effectiveTo / MINUTE_MS), end);
    for (const [from, to] of maintenance) add(from, to);
    clipped.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const [a, b] of clipped) {
      const last = merged.at(-1);
      if (last !== undefined && a <= last[1]) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    this.ranges = merged;
    this.count = merged.reduce((sum, [a, b]) => sum + (b - a), 0);
  }

  has(minute: number): boolean {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.ranges[mid]!;
      if (minute < a) hi = mid;
      else if (minute >= b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** How many `width`-minute windows from the period start hold at least one eligible minute. */
  windowsWithEligibleMinutes(period: Period, width: number): number {
    const first = period.start / MINUTE_MS;
    const length = (period.end - period.start) / MINUTE_MS;
    let windows = Math.ceil(length / width);
    // A window is wholly excluded only inside one range, since ranges are merged.
    for (const [a, b] of this.ranges) {
      for (let k = Math.ceil((a - first) / width); k * width < length; k++) {
        if (first + Math.min((k + 1) * width, length) > b) break;
        windows -= 1;
      }
    }
    return windows;
  }
}

/** Whether a minute with a given tally fails the policy: enough samples, and a failure rate at or above the threshold. */
export function downMinuteTest(policy: Pick<SlaPolicy, 'errorRateThreshold' | 'minSamples'>): (tally: Tally) => boolean {
  const threshold = parseRatio(policy.errorRateThreshold);
  return ({ eligible, failures }) => eligible >= policy.minSamples && eligible > 0 && rateAtLeast(failures, eligible, threshold);
}

/**
 * The traffic summary of per-minute counts, computed here in memory. The reporting read path
 * computes the same summary in SQL; this is the reference it is tested against.
 */
export function trafficFromMinutes(
  terms: FailureRules & Pick<ContractTerms, 'policy'>,
  period: Period,
  minutes: ReadonlyMap<number, ContractCounts>,
  excluded: ExcludedMinutes,
): ContractTraffic {
  const first = period.start / MINUTE_MS;
  const length = (period.end - period.start) / MINUTE_MS;
  const candidateMinutes = new Map<number, Tally>();
  const eligibleTotal: Tally = { eligible: 0, failures: 0 };
  const windows = new Map<number, Tally>();
  for (const [minute, counts] of minutes) {
    const i = minute - first;
    if (!(i >= 0 && i < length)) continue;
    const tally = tallyOf(terms, counts, countedErrors(terms, counts));
    candidateMinutes.set(minute, tally);
    if (excluded.has(minute)) continue;
    eligibleTotal.eligible += tally.eligible;
    eligibleTotal.failures += tally.failures;
    const w = Math.floor(i / terms.policy.windowMinutes);
    const sums = windows.get(w) ?? { eligible: 0, failures: 0 };
    sums.eligible += tally.eligible;
    sums.failures += tally.failures;
    windows.set(w, sums);
  }
  return { candidateMinutes, eligibleTotal, windows };
}
