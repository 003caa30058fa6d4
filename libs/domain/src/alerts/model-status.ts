import { MINUTE_STATUSES, MinuteStatus } from '../detection';

/** The statuses a MODEL_STATUS rule may fire at, from the mildest. */
export const ALERTABLE_STATUSES = ['degraded', 'partial_outage', 'major_outage'] as const satisfies readonly MinuteStatus[];
export type AlertableStatus = (typeof ALERTABLE_STATUSES)[number];

/** Where a MODEL_STATUS rule stands after some minutes, in minute order. */
export interface ModelStatusState {
  /** Epoch minute its episode started (the first minute of the run that fired it); null when not firing. */
  firingSince: number | null;
  /** The current run of minutes that count against the state (bad while resolved, better while firing): its first minute and length. */
  runStart: number | null;
  runLength: number;
}

export const MODEL_STATUS_QUIET: ModelStatusState = { firingSince: null, runStart: null, runLength: 0 };

export type ModelStatusTransition = { kind: 'FIRING'; startedAt: number } | { kind: 'RESOLVED'; startedAt: number; resolvedAt: number };

const rank = (status: MinuteStatus) => MINUTE_STATUSES.indexOf(status);

/**
 * One minute of a MODEL_STATUS rule (concepts §10): it fires when `forMinutes` minutes in a
 * row are at least `minSeverity`, its episode starting at the first of them, and resolves when
 * `forMinutes` minutes in a row are better, at the first of those. A minute without data neither
 * counts nor breaks a run: no traffic says nothing about the model (a platform that routed away
 * from it sends none).
 */
export function stepModelStatus(state: ModelStatusState, minute: number, status: MinuteStatus, rule: { minSeverity: AlertableStatus; forMinutes: number }): { state: ModelStatusState; transition: ModelStatusTransition | null } {
  if (status === 'no_data') return { state, transition: null };
  const bad = rank(status) >= rank(rule.minSeverity);
  const firing = state.firingSince !== null;
  // While resolved, bad minutes build a run; while firing, better ones do; the other kind ends it.
  if (bad !== firing) {
    const runStart = state.runStart ?? minute;
    const runLength = state.runLength + 1;
    if (runLength < rule.forMinutes) return { state: { ...state, runStart, runLength }, transition: null };
    if (!firing) return { state: { firingSince: runStart, runStart: null, runLength: 0 }, transition: { kind: 'FIRING', startedAt: runStart } };
    return { state: MODEL_STATUS_QUIET, transition: { kind: 'RESOLVED', startedAt: state.firingSince!, resolvedAt: runStart } };
  }
  return { state: { ...state, runStart: null, runLength: 0 }, transition: null };
}
