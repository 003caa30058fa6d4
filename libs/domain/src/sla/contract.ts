import Decimal from 'decimal.js';
import { InputError } from '../errors';
import { MODEL_PATTERN, SLUG_PATTERN } from '../slug';
import { parseRfc3339 } from '../timestamp';
import { minorUnitDigits, Money } from './money';
import { isValidTimeZone } from './period';

export const POLICY_KINDS = ['DOWNTIME_MINUTES', 'AVERAGE_ERROR_RATE', 'REQUEST_SUCCESS_RATIO'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** An SLA policy with every parameter set (defaults from concepts §6 filled in). */
export interface SlaPolicy {
  kind: PolicyKind;
  errorRateThreshold: string;
  minSamples: number;
  minConsecutiveMinutes: number;
  windowMinutes: number;
}

export interface CreditTier {
  uptimeBelow: string;
  creditPercent: string;
}

/** The terms of a contract (concepts §6); instants are epoch milliseconds. */
export interface ContractTerms {
  platform: string;
  provider: string;
  /** Empty: every model of the provider. */
  models: string[];
  timeZone: string;
  targetPercent: string;
  policy: SlaPolicy;
  countRateLimited: boolean;
  /** Whether timeouts count as failures; when not, they are not eligible at all (concepts §9). */
  countTimeouts: boolean;
  /**
   * The HTTP statuses ("529") and classes ("5xx") an `error` must have to count as a failure;
   * null: every error counts. Lower case, distinct, sorted, no status whose class is listed.
   */
  errorStatuses: string[] | null;
  /** A credit below this (after rounding, in the fee's currency) is 0; null: none. */
  minimumCredit: Money | null;
  /** Sorted by uptimeBelow, highest first. */
  creditTiers: CreditTier[];
  monthlyFee: Money;
  claimWindowDays: number;
  effectiveFrom: number;
  effectiveTo: number | null;
}

/** Contract input as a client sends it (GraphQL ContractInput); optional fields take concepts §6 defaults. */
export interface ContractInput {
  platform: string;
  provider: string;
  models?: string[] | null;
  timeZone?: string | null;
  targetPercent: string;
  policy: {
    kind: string;
    errorRateThreshold?: string | null;
    minSamples?: number | null;
    minConsecutiveMinutes?: number | null;
    windowMinutes?: number | null;
  };
  countRateLimited?: boolean | null;
  countTimeouts?: boolean | null;
  errorStatuses?: string[] | null;
  minimumCredit?: Money | null;
  creditTiers?: CreditTier[] | null;
  monthlyFee: Money;
  claimWindowDays?: number | null;
  effectiveFrom: string;
  effectiveTo?: string | null;
}

const DECIMAL = /^\d+(\.\d+)?$/;
/** An `errorStatuses` entry, lower case: a status 100–599, or a class such as 5xx. */
const ERROR_STATUS_ENTRY = /^[1-5](\d\d|xx)$/;

function decimalIn(value: string, field: string, problems: string[], { min, max, minInclusive }: { min: number; max: number; minInclusive: boolean }): void {
  if (!DECIMAL.test(value)) {
    problems.push(`${field} must be a decimal number such as "99.9", not "${value}"`);
    return;
  }
  const d = new Decimal(value);
  if ((minInclusive ? d.lt(min) : d.lte(min)) || d.gt(max)) {
    problems.push(`${field} must be in ${minInclusive ? '[' : '('}${min}, ${max}], not ${value}`);
  }
}

function wholeIn(value: number, field: string, problems: string[], min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) problems.push(`${field} must be a whole number from ${min} to ${max}`);
}

/** Validates contract input and fills in defaults; every problem is reported at once. */
export function contractTerms(input: ContractInput): ContractTerms {
  const problems: string[] = [];
  if (!SLUG_PATTERN.test(input.platform)) problems.push('platform must be a lowercase slug');
  if (!SLUG_PATTERN.test(input.provider)) problems.push('provider must be a lowercase slug');
  const models = [...new Set(input.models ?? [])].sort();
  for (const m of models) if (!MODEL_PATTERN.test(m)) problems.push(`model "${m}" is not a lowercase slug`);
  const timeZone = input.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) problems.push(`timeZone must be an IANA time zone such as "America/New_York", not "${timeZone}"`);
  decimalIn(input.targetPercent, 'targetPercent', problems, { min: 0, max: 100, minInclusive: false });

  const kind = input.policy.kind as PolicyKind;
  if (!POLICY_KINDS.includes(kind)) problems.push(`policy.kind must be one of ${POLICY_KINDS.join(', ')}`);
  const policy: SlaPolicy = {
    kind,
    errorRateThreshold: input.policy.errorRateThreshold ?? '0.05',
    minSamples: input.policy.minSamples ?? 1,
    minConsecutiveMinutes: input.policy.minConsecutiveMinutes ?? 1,
    windowMinutes: input.policy.windowMinutes ?? 5,
  };
  decimalIn(policy.errorRateThreshold, 'policy.errorRateThreshold', problems, { min: 0, max: 1, minInclusive: false });
  // Thresholds are compared as exact integer ratios (ratio.ts), which hold up to 9 decimals.
  if (/\.\d{10,}$/.test(policy.errorRateThreshold)) problems.push('policy.errorRateThreshold may have at most 9 decimals');
  wholeIn(policy.minSamples, 'policy.minSamples', problems, 1, 1_000_000);
  wholeIn(policy.minConsecutiveMinutes, 'policy.minConsecutiveMinutes', problems, 1, 1_440);
  wholeIn(policy.windowMinutes, 'policy.windowMinutes', problems, 1, 1_440);

  const creditTiers = [...(input.creditTiers ?? [])];
  creditTiers.forEach((t, i) => {
    decimalIn(t.uptimeBelow, `creditTiers[${i}].uptimeBelow`, problems, { min: 0, max: 100, minInclusive: false });
    decimalIn(t.creditPercent, `creditTiers[${i}].creditPercent`, problems, { min: 0, max: 100, minInclusive: false });
  });
  if (problems.length === 0) {
    creditTiers.sort((a, b) => new Decimal(b.uptimeBelow).cmp(a.uptimeBelow));
    for (let i = 1; i < creditTiers.length; i++) {
      const higher = creditTiers[i - 1]!;
      const lower = creditTiers[i]!;
      if (new Decimal(higher.uptimeBelow).eq(lower.uptimeBelow)) problems.push(`two credit tiers share uptimeBelow ${lower.uptimeBelow}`);
      else if (!new Decimal(lower.creditPercent).gt(higher.creditPercent)) {
        problems.push(`creditPercent must grow as uptime falls: below ${lower.uptimeBelow} gives ${lower.creditPercent}, below ${higher.uptimeBelow} gives ${higher.creditPercent}`);
      }
    }
  }

  const digits = minorUnitDigits(input.monthlyFee.currency);
  if (digits === null) problems.push(`monthlyFee.currency must be an ISO 4217 code such as USD, not "${input.monthlyFee.currency}"`);
  else if (!DECIMAL.test(input.monthlyFee.amount)) problems.push('monthlyFee.amount must be a non-negative decimal such as "48250.00"');
  else if ((input.monthlyFee.amount.split('.')[1] ?? '').length > digits) {
    problems.push(`monthlyFee.amount has more decimals than ${input.monthlyFee.currency} allows (${digits})`);
  }
  // Lower case, distinct, sorted; a status whose class is listed too says nothing more (and would count twice).
  const lowered = input.errorStatuses == null ? null : new Set(input.errorStatuses.map((entry) => entry.toLowerCase()));
  const errorStatuses = lowered === null ? null : [...lowered].filter((entry) => entry.endsWith('xx') || !lowered.has(`${entry[0]}xx`)).sort();
  for (const entry of errorStatuses ?? []) {
    if (!ERROR_STATUS_ENTRY.test(entry)) problems.push(`errorStatuses entries are HTTP statuses such as "529" or classes such as "5xx", not "${entry}"`);
  }
  if (errorStatuses !== null && errorStatuses.length === 0) problems.push('errorStatuses must name at least one status or class (leave it out to count every error)');
  const minimumCredit = input.minimumCredit ?? null;
  if (minimumCredit !== null) {
    if (minimumCredit.currency !== input.monthlyFee.currency) {
      problems.push(`minimumCredit must be in the fee's currency (${input.monthlyFee.currency}), not ${minimumCredit.currency}`);
    } else if (digits !== null && !DECIMAL.test(minimumCredit.amount)) problems.push('minimumCredit.amount must be a non-negative decimal such as "1.00"');
    else if (digits !== null && (minimumCredit.amount.split('.')[1] ?? '').length > digits) {
      problems.push(`minimumCredit.amount has more decimals than ${minimumCredit.currency} allows (${digits})`);
    }
  }
  const claimWindowDays = input.claimWindowDays ?? 30;
  wholeIn(claimWindowDays, 'claimWindowDays', problems, 1, 3_650);

  const effectiveFrom = parseRfc3339(input.effectiveFrom);
  if (effectiveFrom === null) problems.push('effectiveFrom must be an RFC 3339 timestamp');
  const effectiveTo = input.effectiveTo == null ? null : parseRfc3339(input.effectiveTo);
  if (input.effectiveTo != null && effectiveTo === null) problems.push('effectiveTo must be an RFC 3339 timestamp');
  if (effectiveFrom !== null && effectiveTo !== null && effectiveTo <= effectiveFrom) problems.push('effectiveTo must be after effectiveFrom');

  if (problems.length > 0) throw new InputError(problems.join('; '));
  return {
    platform: input.platform,
    provider: input.provider,
    models,
    timeZone,
    targetPercent: input.targetPercent,
    policy,
    countRateLimited: input.countRateLimited ?? false,
    countTimeouts: input.countTimeouts ?? true,
    errorStatuses,
    minimumCredit: minimumCredit === null ? null : { amount: minimumCredit.amount, currency: minimumCredit.currency },
    creditTiers,
    monthlyFee: { amount: input.monthlyFee.amount, currency: input.monthlyFee.currency },
    claimWindowDays,
    effectiveFrom: effectiveFrom!,
    effectiveTo,
  };
}

/** Whether a maintenance window naming `windowModels` excludes minutes of a contract covering `contractModels` (concepts §6). */
export function maintenanceApplies(windowModels: readonly string[], contractModels: readonly string[]): boolean {
  if (windowModels.length === 0 || contractModels.length === 0) return true;
  return windowModels.some((m) => contractModels.includes(m));
}
