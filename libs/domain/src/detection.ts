import { parseRatio, Ratio, rateAtLeast } from './ratio';

/** Status of one minute of a series (concepts §4), from best to worst. */
export const MINUTE_STATUSES = ['no_data', 'operational', 'degraded', 'partial_outage', 'major_outage'] as const;
export type MinuteStatus = (typeof MINUTE_STATUSES)[number];

/** Detection thresholds for a series; defaults per concepts §4, overridable per provider and model. */
export interface DetectionPolicy {
  minSamples: number;
  /** Decimal strings, compared exactly. */
  degradedAt: string;
  partialAt: string;
  majorAt: string;
  mergeGapMinutes: number;
  liveWindowMinutes: number;
}

export const DEFAULT_DETECTION_POLICY: DetectionPolicy = {
  minSamples: 5,
  degradedAt: '0.05',
  partialAt: '0.25',
  majorAt: '0.75',
  mergeGapMinutes: 2,
  liveWindowMinutes: 5,
};

/** Outcome counts of a set of events (a minute, a window, a month). */
export interface OutcomeCounts {
  successes: number;
  errors: number;
  timeouts: number;
  rateLimited: number;
  clientErrors: number;
}

export const NO_OUTCOMES: OutcomeCounts = { successes: 0, errors: 0, timeouts: 0, rateLimited: 0, clientErrors: 0 };

export function addCounts(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  return {
    successes: a.successes + b.successes,
    errors: a.errors + b.errors,
    timeouts: a.timeouts + b.timeouts,
    rateLimited: a.rateLimited + b.rateLimited,
    clientErrors: a.clientErrors + b.clientErrors,
  };
}

/** Detection counts no throttling: failures = error + timeout; eligible = success + failures (concepts §2). */
export function failuresOf(c: OutcomeCounts): number {
  return c.errors + c.timeouts;
}

export function eligibleOf(c: OutcomeCounts): number {
  return c.successes + failuresOf(c);
}

/** A policy with its thresholds parsed once, for classifying many minutes. */
export interface Classifier {
  policy: DetectionPolicy;
  status(failures: number, eligible: number): MinuteStatus;
}

export function classifier(policy: DetectionPolicy): Classifier {
  const major: Ratio = parseRatio(policy.majorAt);
  const partial: Ratio = parseRatio(policy.partialAt);
  const degraded: Ratio = parseRatio(policy.degradedAt);
  return {
    policy,
    status(failures, eligible) {
      if (eligible < policy.minSamples || eligible === 0) return 'no_data';
      if (rateAtLeast(failures, eligible, major)) return 'major_outage';
      if (rateAtLeast(failures, eligible, partial)) return 'partial_outage';
      if (rateAtLeast(failures, eligible, degraded)) return 'degraded';
      return 'operational';
    },
  };
}

export function isBad(status: MinuteStatus): boolean {
  return status === 'degraded' || status === 'partial_outage' || status === 'major_outage';
}

export function worse(a: MinuteStatus, b: MinuteStatus): MinuteStatus {
  return MINUTE_STATUSES.indexOf(a) >= MINUTE_STATUSES.indexOf(b) ? a : b;
}

/** The largest merge gap a policy may set: how far back a later outage can still join an incident. */
export const MAX_MERGE_GAP_MINUTES = 60;

/** Checks a policy's values; returns the problems (empty when valid). */
export function detectionPolicyProblems(p: DetectionPolicy): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(p.minSamples) || p.minSamples < 1) problems.push('minSamples must be a whole number ≥ 1');
  if (!Number.isInteger(p.mergeGapMinutes) || p.mergeGapMinutes < 0 || p.mergeGapMinutes > MAX_MERGE_GAP_MINUTES) {
    problems.push(`mergeGapMinutes must be a whole number from 0 to ${MAX_MERGE_GAP_MINUTES}`);
  }
  if (!Number.isInteger(p.liveWindowMinutes) || p.liveWindowMinutes < 1 || p.liveWindowMinutes > 60) {
    problems.push('liveWindowMinutes must be a whole number from 1 to 60');
  }
  const ratios: Ratio[] = [];
  for (const [name, value] of [['degradedAt', p.degradedAt], ['partialAt', p.partialAt], ['majorAt', p.majorAt]] as const) {
    try {
      const r = parseRatio(value);
      if (r.numerator === 0 || r.numerator > r.denominator) problems.push(`${name} must be in (0, 1]`);
      ratios.push(r);
    } catch {
      problems.push(`${name} must be a decimal in (0, 1], e.g. "0.25"`);
    }
  }
  if (ratios.length === 3) {
    const [d, pa, m] = ratios as [Ratio, Ratio, Ratio];
    const le = (a: Ratio, b: Ratio) => a.numerator * b.denominator <= b.numerator * a.denominator;
    if (!le(d, pa) || !le(pa, m)) problems.push('thresholds must satisfy degradedAt ≤ partialAt ≤ majorAt');
  }
  return problems;
}
