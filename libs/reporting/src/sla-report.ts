import { DateTime } from 'luxon';
import { ContractTerms, MINUTE_MS, Money, Period, PolicyKind, SlaEvaluation, StatusCount } from '@ledger/domain';
import type { ContractVersion } from './contract.repository';

/** The evaluation's figures a report carries as they are (already plain JSON). */
type EvaluatedFigures = Pick<SlaEvaluation, 'final' | 'uptimePercent' | 'met' | 'eligibleMinutes' | 'excludedMinutes' | 'downtimeMinutes' |
  'allowedDowntimeMinutes' | 'budgetRemainingMinutes' | 'budgetBurn' | 'creditPercent'>;

/** An SLA report as served and as frozen into statements: plain JSON, instants as RFC 3339. */
export interface SlaReportView extends EvaluatedFigures {
  contractId: string;
  contractVersion: number;
  /** True when the terms changed during the period: the terms in force at its end apply to all of it. */
  amendedDuringPeriod: boolean;
  platform: string;
  provider: string;
  policy: PolicyKind;
  period: string;
  periodStart: string;
  periodEnd: string;
  targetPercent: string;
  creditAmount: Money;
  claimDeadline: string;
  /**
   * The same instant in the contract's time zone, with its offset ("2026-07-31T00:00:00.000+02:00"):
   * the local midnight finance reads as the deadline's date. Absent from statements issued before it existed.
   */
  claimDeadlineLocal?: string;
  evidence: EvidenceRunView[];
  /** The contract's events in the period (all outcomes), when the report was computed. */
  eventsCounted: number;
}

/** A downtime run of a report (DowntimeRun): the evidence for a credit claim. */
export interface EvidenceRunView {
  start: string;
  end: string;
  minutes: number;
  eligibleRequests: number;
  failedRequests: number;
}

/** A run as served: its failures by status and error code are read from the log when asked for. */
export interface EvidenceRunWithBreakdown extends EvidenceRunView {
  statusBreakdown: () => Promise<StatusCount[]>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** An instant as RFC 3339 in a time zone, with that zone's offset. */
export const localInstant = (ms: number, timeZone: string) => DateTime.fromMillis(ms, { zone: timeZone }).toISO()!;

export function reportView(
  contract: ContractVersion,
  versions: readonly ContractVersion[],
  terms: ContractTerms,
  period: Period,
  result: SlaEvaluation,
  eventsCounted: number,
): SlaReportView {
  return {
    contractId: contract.id,
    contractVersion: contract.version,
    amendedDuringPeriod: versions.some((v) => v.version > 1 && v.inForceFrom > period.start && v.inForceFrom < period.end),
    platform: terms.platform,
    provider: terms.provider,
    policy: terms.policy.kind,
    period: period.label,
    periodStart: iso(period.start),
    periodEnd: iso(period.end),
    final: result.final,
    uptimePercent: result.uptimePercent,
    targetPercent: terms.targetPercent,
    met: result.met,
    eligibleMinutes: result.eligibleMinutes,
    excludedMinutes: result.excludedMinutes,
    downtimeMinutes: result.downtimeMinutes,
    allowedDowntimeMinutes: result.allowedDowntimeMinutes,
    budgetRemainingMinutes: result.budgetRemainingMinutes,
    budgetBurn: result.budgetBurn,
    creditPercent: result.creditPercent,
    creditAmount: result.credit,
    claimDeadline: iso(result.claimDeadline),
    claimDeadlineLocal: localInstant(result.claimDeadline, terms.timeZone),
    evidence: result.evidence.map((r) => ({
      start: iso(r.start * MINUTE_MS),
      end: iso(r.end * MINUTE_MS),
      minutes: r.minutes,
      eligibleRequests: r.eligibleRequests,
      failedRequests: r.failedRequests,
    })),
    eventsCounted,
  };
}

/** The figures a statement freezes; a live report "differs" when any of them changed. */
export function sameFigures(a: SlaReportView, b: SlaReportView): boolean {
  // Listed field by field: a statement comes back from jsonb, which does not keep key order.
  const figures = (r: SlaReportView) =>
    JSON.stringify([
      r.uptimePercent, r.met, r.eligibleMinutes, r.excludedMinutes, r.downtimeMinutes, r.creditPercent,
      r.creditAmount.amount, r.creditAmount.currency,
      r.evidence.map((e) => [e.start, e.end, e.minutes, e.eligibleRequests, e.failedRequests]),
    ]);
  return figures(a) === figures(b);
}
