import Decimal from 'decimal.js';
import FractionJs from 'fraction.js';
import { MINUTE_MS } from '../minute';
import { ContractTerms } from './contract';
import { ContractCounts } from './failure-rules';
import { Money, percentOf } from './money';
import { Period, plusDays } from './period';
import { ContractTraffic, downMinuteTest, ExcludedMinutes, trafficFromMinutes } from './traffic';

/** A run of consecutive downtime minutes, the evidence for a credit claim. Minutes are epoch minutes, `end` exclusive. */
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
  /** The contract's events per minute (its platform, provider and models, summed over models), with errors by status when its rules name statuses. */
  minutes: ReadonlyMap<number, ContractCounts>;
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

/** Evaluates one contract over one period (concepts §6) from its per-minute counts. Pure: every input is given, `now` included. */
export function evaluateSla({ terms, period, minutes, maintenance, now }: SlaInput): SlaEvaluation {
  const excluded = new ExcludedMinutes(terms, period, maintenance);
  return evaluateTraffic({ terms, period, traffic: trafficFromMinutes(terms, period, minutes, excluded), excluded, now });
}

export interface SlaTrafficInput {
  terms: ContractTerms;
  period: Period;
  /** The contract's traffic in the period, summarised (see ContractTraffic). */
  traffic: ContractTraffic;
  excluded: ExcludedMinutes;
  now: number;
}

/** Evaluates one contract over one period (concepts §6) from a summary of its traffic. Pure. */
export function evaluateTraffic({ terms, period, traffic, excluded, now }: SlaTrafficInput): SlaEvaluation {
  const length = (period.end - period.start) / MINUTE_MS;
  const eligibleMinutes = length - excluded.count;

  // Runs of consecutive eligible minutes that fail the policy's threshold, broken by any other
  // minute (excluded ones included): the evidence, and for DOWNTIME_MINUTES the downtime itself.
  const isDown = downMinuteTest(terms.policy);
  const down = [...traffic.candidateMinutes]
    .filter(([minute, tally]) => !excluded.has(minute) && isDown(tally))
    .sort((a, b) => a[0] - b[0]);
  const evidence: DowntimeRun[] = [];
  let run: DowntimeRun | null = null;
  for (const [minute, { eligible, failures }] of down) {
    if (run !== null && run.end !== minute) {
      if (run.minutes >= terms.policy.minConsecutiveMinutes) evidence.push(run);
      run = null;
    }
    run ??= { start: minute, end: minute, minutes: 0, eligibleRequests: 0, failedRequests: 0 };
    run.end = minute + 1;
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
      const windows = excluded.windowsWithEligibleMinutes(period, terms.policy.windowMinutes);
      let sum = new Fraction(0);
      for (const { eligible, failures } of traffic.windows.values()) if (eligible > 0 && failures > 0) sum = sum.add(new Fraction(failures, eligible));
      uptime = windows === 0 ? HUNDRED : HUNDRED.sub(HUNDRED.mul(sum).div(windows));
      break;
    }
    case 'REQUEST_SUCCESS_RATIO': {
      const { eligible, failures } = traffic.eligibleTotal;
      uptime = eligible === 0 ? HUNDRED : HUNDRED.mul(eligible - failures).div(eligible);
      break;
    }
  }

  const target = new Fraction(terms.targetPercent);
  // The lowest uptimeBelow that the exact uptime is strictly below (tiers are sorted highest first).
  const tier = [...terms.creditTiers].reverse().find((t) => uptime.compare(new Fraction(t.uptimeBelow)) < 0);
  // The tier's percent exactly (at least 2 decimals): the credit is that percent of the fee, never of a rounded one.
  let tierPercent = new Decimal(tier?.creditPercent ?? '0');
  let credit = percentOf(terms.monthlyFee, tierPercent.toFixed());
  // A credit below the contract's minimum (after rounding) is no credit at all (concepts §9).
  if (terms.minimumCredit !== null && new Decimal(credit.amount).lt(terms.minimumCredit.amount)) {
    tierPercent = new Decimal(0);
    credit = percentOf(terms.monthlyFee, '0');
  }
  const creditPercent = tierPercent.toFixed(Math.max(2, tierPercent.decimalPlaces()));

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
    excludedMinutes: excluded.count,
    downtimeMinutes,
    allowedDowntimeMinutes: allowed === null ? null : roundHalfUp(allowed, 4),
    budgetRemainingMinutes: allowed === null ? null : roundHalfUp(allowed.sub(downtimeMinutes!), 4),
    budgetBurn,
    creditPercent,
    credit,
    claimDeadline: plusDays(period.end, terms.claimWindowDays, terms.timeZone),
    final: now >= period.end,
    evidence,
  };
}
