import Decimal from 'decimal.js';
import FractionJs from 'fraction.js';
import { OutcomeCounts } from '../detection';
import { MINUTE_MS } from '../minute';
import { parseRatio, rateAtLeast } from '../ratio';
import { ContractTerms } from './contract';
import { Money, percentOf } from './money';
import { Period, plusDays } from './period';

/** A run of consecutive downtime minutes, the evidence for a credit claim. Minutes are indexes, `end` exclusive. */
export interface DowntimeRun {
  start: number;
  end: number;
  minutes: number;
  eligibleRequests: number;
  failedRequests: number;
}

export interface SlaInput {
  terms: ContractTerms;
  period: Period;
  /** The contract's events per minute (its platform, provider and models, summed over models). */
  minutes: ReadonlyMap<number, OutcomeCounts>;
  /** Minute ranges [from, to) of the contract's maintenance windows. */
  maintenance: readonly (readonly [number, number])[];
  now: number;
}

export interface SlaEvaluation {
  /** Exact uptime in percent. */
  uptime: Fraction;
  /** Rounded half-up to 4 places. */
  uptimePercent: string;
  met: boolean;
  eligibleMinutes: number;
  excludedMinutes: number;
  downtimeMinutes: number | null;
  allowedDowntimeMinutes: string | null;
  budgetRemainingMinutes: string | null;
  budgetBurn: string | null;
  creditPercent: string;
  credit: Money;
  claimDeadline: number;
  final: boolean;
  evidence: DowntimeRun[];
}

/** Exact rationals (BigInt numerator and denominator). */
const Fraction = FractionJs;
type Fraction = InstanceType<typeof FractionJs>;

const HUNDRED = new Fraction(100);

/** An exact value as a decimal string, rounded half-up (half away from zero) at `places`. */
export function roundHalfUp(value: Fraction, places: number): string {
  return new Decimal(value.n.toString()).mul(value.s < 0n ? -1 : 1).div(value.d.toString()).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed(places);
}

/** Evaluates one contract over one period (DOMAIN §6). Pure: every input is given, `now` included. */
export function evaluateSla({ terms, period, minutes, maintenance, now }: SlaInput): SlaEvaluation {
  const first = period.start / MINUTE_MS;
  const length = (period.end - period.start) / MINUTE_MS;
  const excluded = excludedMinutes(terms, first, length, maintenance);
  const failuresOf = (c: OutcomeCounts) => c.errors + c.timeouts + (terms.countRateLimited ? c.rateLimited : 0);
  const eligibleOf = (c: OutcomeCounts) => c.successes + failuresOf(c);

  let excludedCount = 0;
  for (let i = 0; i < length; i++) excludedCount += excluded[i]!;
  const eligibleMinutes = length - excludedCount;

  // Only minutes with events matter below (a minute without data is up): walk them in order.
  const data: [number, OutcomeCounts][] = [];
  if (minutes.size * 16 > length) {
    for (let i = 0; i < length; i++) {
      const counts = excluded[i] ? undefined : minutes.get(first + i);
      if (counts !== undefined) data.push([i, counts]);
    }
  } else {
    for (const [minute, counts] of minutes) {
      const i = minute - first;
      if (i >= 0 && i < length && !excluded[i]) data.push([i, counts]);
    }
    data.sort((a, b) => a[0] - b[0]);
  }

  // Runs of consecutive minutes that fail the policy's threshold, broken by any other minute
  // (excluded ones included): the evidence, and for DOWNTIME_MINUTES the downtime itself.
  const threshold = parseRatio(terms.policy.errorRateThreshold);
  const evidence: DowntimeRun[] = [];
  let run: DowntimeRun | null = null;
  for (const [i, c] of data) {
    const eligible = eligibleOf(c);
    const failures = failuresOf(c);
    const down = eligible >= terms.policy.minSamples && eligible > 0 && rateAtLeast(failures, eligible, threshold);
    if (run !== null && (!down || run.end !== first + i)) {
      if (run.minutes >= terms.policy.minConsecutiveMinutes) evidence.push(run);
      run = null;
    }
    if (!down) continue;
    run ??= { start: first + i, end: first + i, minutes: 0, eligibleRequests: 0, failedRequests: 0 };
    run.end = first + i + 1;
    run.minutes += 1;
    run.eligibleRequests += eligible;
    run.failedRequests += failures;
  }
  if (run !== null && run.minutes >= terms.policy.minConsecutiveMinutes) evidence.push(run);

  let uptime: Fraction;
  let downtimeMinutes: number | null = null;
  switch (terms.policy.kind) {
    case 'DOWNTIME_MINUTES': {
      downtimeMinutes = evidence.reduce((sum, r) => sum + r.minutes, 0);
      uptime = eligibleMinutes === 0 ? HUNDRED : HUNDRED.mul(eligibleMinutes - downtimeMinutes).div(eligibleMinutes);
      break;
    }
    case 'AVERAGE_ERROR_RATE': {
      // Windows of windowMinutes from the period start; one whose minutes are all excluded is skipped.
      const w = terms.policy.windowMinutes;
      let windows = 0;
      for (let start = 0; start < length; start += w) {
        for (let i = start; i < Math.min(start + w, length); i++) {
          if (!excluded[i]) {
            windows += 1;
            break;
          }
        }
      }
      const perWindow = new Map<number, { eligible: number; failures: number }>();
      for (const [i, c] of data) {
        const window = Math.floor(i / w);
        const sums = perWindow.get(window) ?? { eligible: 0, failures: 0 };
        sums.eligible += eligibleOf(c);
        sums.failures += failuresOf(c);
        perWindow.set(window, sums);
      }
      let sum = new Fraction(0);
      for (const { eligible, failures } of perWindow.values()) if (eligible > 0 && failures > 0) sum = sum.add(new Fraction(failures, eligible));
      uptime = windows === 0 ? HUNDRED : HUNDRED.sub(HUNDRED.mul(sum).div(windows));
      break;
    }
    case 'REQUEST_SUCCESS_RATIO': {
      let eligible = 0;
      let failures = 0;
      for (const [, c] of data) {
        eligible += eligibleOf(c);
        failures += failuresOf(c);
      }
      uptime = eligible === 0 ? HUNDRED : HUNDRED.mul(eligible - failures).div(eligible);
      break;
    }
  }

  const target = new Fraction(terms.targetPercent);
  // The lowest uptimeBelow that the exact uptime is strictly below (tiers are sorted highest first).
  const tier = [...terms.creditTiers].reverse().find((t) => uptime.compare(new Fraction(t.uptimeBelow)) < 0);
  const creditPercent = new Decimal(tier?.creditPercent ?? '0').toFixed(2);

  let allowed: Fraction | null = null;
  let budgetBurn: string | null = null;
  if (downtimeMinutes !== null) {
    allowed = new Fraction(1).sub(target.div(100)).mul(eligibleMinutes);
    const elapsed = new Fraction(Math.min(Math.max(now - period.start, 0), period.end - period.start), period.end - period.start);
    if (allowed.compare(0) > 0 && elapsed.compare(0) > 0) {
      budgetBurn = roundHalfUp(new Fraction(downtimeMinutes).div(allowed).div(elapsed), 4);
    }
  }

  return {
    uptime,
    uptimePercent: roundHalfUp(uptime, 4),
    met: uptime.compare(target) >= 0,
    eligibleMinutes,
    excludedMinutes: excludedCount,
    downtimeMinutes,
    allowedDowntimeMinutes: allowed === null ? null : roundHalfUp(allowed, 4),
    budgetRemainingMinutes: allowed === null ? null : roundHalfUp(allowed.sub(downtimeMinutes!), 4),
    budgetBurn,
    creditPercent,
    credit: percentOf(terms.monthlyFee, creditPercent),
    claimDeadline: plusDays(period.end, terms.claimWindowDays, terms.timeZone),
    final: now >= period.end,
    evidence,
  };
}

/**
 * Excluded minutes of the period, by offset: outside [effectiveFrom, effectiveTo) — a minute
 * counts only when it lies wholly inside — or overlapping one of the maintenance ranges.
 */
function excludedMinutes(terms: ContractTerms, first: number, length: number, maintenance: SlaInput['maintenance']): Uint8Array {
  const excluded = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const start = (first + i) * MINUTE_MS;
    if (start < terms.effectiveFrom || (terms.effectiveTo !== null && start + MINUTE_MS > terms.effectiveTo)) excluded[i] = 1;
  }
  for (const [from, to] of maintenance) {
    for (let m = Math.max(from, first); m < Math.min(to, first + length); m++) excluded[m - first] = 1;
  }
  return excluded;
}
