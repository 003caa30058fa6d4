import type { ProviderMinutes } from '@ledger/projections';
import type { ContractMinute } from './alert-inputs.repository';

interface Entry {
  provider: string;
  /** The span of minutes read (with or without traffic): [first, last]. */
  first: number;
  last: number;
  minutes: Map<number, ContractMinute>;
}

/**
 * The per-minute tallies that burn-rate rules read, kept between the evaluations of one process:
 * each evaluation needs 72 hours of them per contract, and only their last minutes change. It is
 * valid only across consecutive evaluations by this process — each says where in the log it
 * starts and ends, and an evaluation that does not start where the last one ended (another
 * process folded in between) starts from nothing. Minutes at or after a change are read again.
 */
export class ContractMinuteCache {
  private readonly entries = new Map<string, Entry>();
  private validAt: string | null = null;

  /** Starts an evaluation of the log after `after` (null: none to rely on) with the changes the timeline reported. */
  begin(after: string | null, changes: readonly ProviderMinutes[]): void {
    if (after === null || after !== this.validAt) this.entries.clear();
    for (const change of changes) {
      for (const entry of this.entries.values()) {
        if (entry.provider !== change.provider || entry.last < change.first) continue;
        for (const minute of entry.minutes.keys()) if (minute >= change.first) entry.minutes.delete(minute);
        entry.last = change.first - 1;
      }
    }
    this.validAt = null;
  }

  /** Ends an evaluation that reached `end` in the log (null: do not rely on it). */
  end(end: string | null): void {
    this.validAt = end;
  }

  /** The tallies of `key`'s minutes in [first, last], reading from `load` only the minutes not held. */
  async read(key: string, provider: string, first: number, last: number, load: (first: number, last: number) => Promise<ContractMinute[]>): Promise<ContractMinute[]> {
    let entry = this.entries.get(key);
    if (entry === undefined || entry.first > first || entry.last < first - 1) {
      entry = { provider, first, last, minutes: new Map((await load(first, last)).map((m) => [m.minute, m])) };
      this.entries.set(key, entry);
    } else if (entry.last < last) {
      for (const m of await load(entry.last + 1, last)) entry.minutes.set(m.minute, m);
      entry.last = last;
    }
    // Minutes before the window will never be asked for again (windows only move forward, or are rewound and read again).
    for (const minute of entry.minutes.keys()) if (minute < first) entry.minutes.delete(minute);
    entry.first = Math.max(entry.first, first);
    return [...entry.minutes.values()].filter((m) => m.minute <= last);
  }
}
