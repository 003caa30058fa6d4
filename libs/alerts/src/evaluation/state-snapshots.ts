import type { SubjectState } from '@ledger/domain';

/** The last minute of the UTC hour holding `minute` (epoch minutes). */
export const hourEnd = (minute: number) => Math.floor(minute / 60) * 60 + 59;

/** The first minute of the UTC hour holding `minute`: where a rewind to `minute` restarts. */
export const hourStart = (minute: number) => Math.floor(minute / 60) * 60;

export interface StateSnapshot {
  ruleId: string;
  subject: string;
  minute: number;
  state: SubjectState;
}

interface Subject {
  ruleId: string;
  subject: string;
  /** The state stored last (or the one a rewind started from). */
  stored: string;
  /** The latest state and the minute it was reached, not stored yet. */
  pending: { minute: number; state: SubjectState } | null;
}

/**
 * Which states of a rule's subjects are stored: the state at the end of each UTC hour and at the
 * end of each evaluation, and only where it differs from the one stored before. So the state at
 * any hour's end (and at any evaluation's end) is the last one stored at or before it — a rewind
 * to a minute restarts from the start of its hour, from the state stored last before it — while a
 * rule whose state moves every minute (a run of bad minutes, a burning contract) stores at most
 * one row an hour rather than sixty.
 */
export class StateSnapshots {
  private readonly subjects = new Map<string, Subject>();
  readonly toStore: StateSnapshot[] = [];

  /** The state a subject starts an evaluation from (the last stored), or quiet when none. */
  starting(ruleId: string, subject: string, state: SubjectState): void {
    this.subjects.set(`${ruleId}\u0000${subject}`, { ruleId, subject, stored: JSON.stringify(state), pending: null });
  }

  /** The subject's state changed at `minute` (minutes in increasing order per subject). */
  changed(ruleId: string, subject: string, minute: number, state: SubjectState, quiet: SubjectState): void {
    const key = `${ruleId}\u0000${subject}`;
    let entry = this.subjects.get(key);
    if (entry === undefined) this.subjects.set(key, (entry = { ruleId, subject, stored: JSON.stringify(quiet), pending: null }));
    // An hour ended since the last change: the state at its end is that change's.
    if (entry.pending !== null && hourEnd(entry.pending.minute) < minute) this.store(entry, hourEnd(entry.pending.minute));
    entry.pending = { minute, state };
  }

  /** Ends the evaluation at `horizon`: each pending state is stored at its hour's end, or at the horizon if that comes first. */
  finish(horizon: number): StateSnapshot[] {
    for (const entry of this.subjects.values()) if (entry.pending !== null) this.store(entry, Math.min(hourEnd(entry.pending.minute), horizon));
    return this.toStore;
  }

  private store(entry: Subject, minute: number): void {
    const text = JSON.stringify(entry.pending!.state);
    if (text !== entry.stored) this.toStore.push({ ruleId: entry.ruleId, subject: entry.subject, minute, state: entry.pending!.state });
    entry.stored = text;
    entry.pending = null;
  }
}
