import { MinuteStatus } from '../detection';
import { AlertSeverity, BURN_RATE_CONDITIONS, BurnEpisode, burnRateSeverity, stepBurnEpisode, WindowTally } from './burn-rate';
import { AlertableStatus, MODEL_STATUS_QUIET, ModelStatusState, stepModelStatus } from './model-status';

/** Where one subject of a rule stands after a minute (a model of a MODEL_STATUS rule, the contract of a BURN_RATE rule). */
export type SubjectState = { kind: 'MODEL_STATUS'; status: ModelStatusState } | { kind: 'BURN_RATE'; episode: BurnEpisode | null };

/** A transition of an alert episode, as the evaluation of minute `decided` found it. Minutes are epoch minutes. */
export interface AlertTransition {
  transition: 'FIRING' | 'ESCALATED' | 'RESOLVED';
  decided: number;
  /** The episode's first minute. */
  startedAt: number;
  /** The episode's severity after the transition. */
  severity: AlertSeverity;
  /** RESOLVED: the first minute the episode no longer held. */
  resolvedAt: number | null;
}

/** A subject's state when nothing has happened yet (and after an episode resolved). */
export function quietState(kind: SubjectState['kind']): SubjectState {
  return kind === 'MODEL_STATUS' ? { kind, status: MODEL_STATUS_QUIET } : { kind, episode: null };
}

/** Whether a subject is quiet: no episode open and no run under way (nothing worth storing). */
export function isQuiet(state: SubjectState): boolean {
  return state.kind === 'MODEL_STATUS' ? state.status.firingSince === null && state.status.runLength === 0 : state.episode === null;
}

/** The episode a state has open: its first minute and severity, or null. */
export function openEpisode(state: SubjectState): { startedAt: number; severity: AlertSeverity } | null {
  if (state.kind === 'MODEL_STATUS') return state.status.firingSince === null ? null : { startedAt: state.status.firingSince, severity: 'PAGE' };
  return state.episode === null ? null : { startedAt: state.episode.startedAt, severity: state.episode.severity };
}

/** One minute of a MODEL_STATUS rule's subject; its alerts are PAGEs. */
export function stepModelStatusSubject(
  state: SubjectState & { kind: 'MODEL_STATUS' }, minute: number, status: MinuteStatus, rule: { minSeverity: AlertableStatus; forMinutes: number },
): { state: SubjectState; transition: AlertTransition | null } {
  const next = stepModelStatus(state.status, minute, status, rule);
  const t = next.transition;
  const transition: AlertTransition | null =
    t === null ? null
    : t.kind === 'FIRING' ? { transition: 'FIRING', decided: minute, startedAt: t.startedAt, severity: 'PAGE', resolvedAt: null }
    : { transition: 'RESOLVED', decided: minute, startedAt: t.startedAt, severity: 'PAGE', resolvedAt: t.resolvedAt };
  return { state: { kind: 'MODEL_STATUS', status: next.state }, transition };
}

/**
 * One minute of a BURN_RATE rule's contract: `severity` is the highest condition holding at the
 * minute (burnRateSeverity); a rule whose minSeverity is PAGE ignores the TICKET conditions.
 */
export function stepBurnRateSubject(
  state: SubjectState & { kind: 'BURN_RATE' }, minute: number, severity: AlertSeverity | null, minSeverity: AlertSeverity,
): { state: SubjectState; transition: AlertTransition | null } {
  const counted = minSeverity === 'PAGE' && severity === 'TICKET' ? null : severity;
  const next = stepBurnEpisode(state.episode, minute, counted);
  const t = next.transition;
  const episode = state.episode ?? next.episode!;
  const transition: AlertTransition | null =
    t === null ? null
    : t.kind === 'RESOLVED' ? { transition: 'RESOLVED', decided: minute, startedAt: episode.startedAt, severity: episode.severity, resolvedAt: t.at }
    : { transition: t.kind, decided: minute, startedAt: next.episode!.startedAt, severity: t.severity, resolvedAt: null };
  return { state: { kind: 'BURN_RATE', episode: next.episode }, transition };
}

/** The longest window any burn-rate condition reads, in minutes (72 h). */
export const LONGEST_BURN_WINDOW = Math.max(...BURN_RATE_CONDITIONS.map((c) => c.longMinutes));

/**
 * A contract's failures and eligible units per minute over a span, as prefix sums, so that each
 * window of every condition is two subtractions. Minutes before the span count nothing.
 */
export class MinuteTallies {
  private readonly failures: Float64Array;
  private readonly eligible: Float64Array;

  /** `tallyAt(minute)` for each minute of [first, last]. */
  constructor(
    readonly first: number,
    readonly last: number,
    tallyAt: (minute: number) => WindowTally,
  ) {
    const length = Math.max(0, last - first + 1);
    this.failures = new Float64Array(length + 1);
    this.eligible = new Float64Array(length + 1);
    for (let i = 0; i < length; i++) {
      const tally = tallyAt(first + i);
      this.failures[i + 1] = this.failures[i]! + tally.failures;
      this.eligible[i + 1] = this.eligible[i]! + tally.eligible;
    }
  }

  /** The tally of the `minutes` minutes ending at `end` (inclusive). */
  over(end: number, minutes: number): WindowTally {
    const hi = this.index(end + 1);
    const lo = this.index(end + 1 - minutes);
    return { failures: this.failures[hi]! - this.failures[lo]!, eligible: this.eligible[hi]! - this.eligible[lo]! };
  }

  /** The highest burn-rate severity holding at `end` for a contract with this target. */
  severityAt(end: number, targetPercent: string): AlertSeverity | null {
    return burnRateSeverity((minutes) => this.over(end, minutes), targetPercent);
  }

  private index(minute: number): number {
    return Math.min(Math.max(minute - this.first, 0), this.failures.length - 1);
  }
}
