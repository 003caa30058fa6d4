import { ErrorStatusCounts, NO_OUTCOMES, OutcomeCounts } from '@ledger/domain';

/**
 * One series' hour of minute rollups, summed (hour_rollups): the counts, the errors by status,
 * and two peaks — the highest ceil(10⁹ × failures / eligible) of its minutes counting errors and
 * timeouts, and counting rate-limited requests too. No contract counts more of a minute's
 * requests as failures than the matching peak does, so an hour whose peak is below a contract's
 * threshold holds no minute at or above it.
 */
export interface HourSums {
  counts: OutcomeCounts;
  errorStatuses: ErrorStatusCounts | null;
  /** Parts per billion: integers from 0 to 10⁹. */
  peakPpb: number;
  peakRlPpb: number;
}

/** A minute rollup a fold changed: its counts before (null: new) and after, and the statuses of the errors it added. */
export interface MinuteChange {
  before: OutcomeCounts | null;
  after: OutcomeCounts;
  addedStatuses: ErrorStatusCounts | null;
}

/** A minute's counts and errors by status. */
export interface MinuteSums {
  counts: OutcomeCounts;
  errorStatuses: ErrorStatusCounts | null;
}

/**
 * ceil(10⁹ × failures / eligible) of one minute, 0 when it has no eligible request. Exact: in
 * doubles while every product is a safe integer (always, for counts below 9 million), else in BigInt.
 */
export function minutePeakPpb(counts: OutcomeCounts, withRateLimited: boolean): number {
  const failures = counts.errors + counts.timeouts + (withRateLimited ? counts.rateLimited : 0);
  const eligible = counts.successes + failures;
  if (eligible === 0) return 0;
  const scaled = failures * 1e9;
  if (scaled + eligible > Number.MAX_SAFE_INTEGER) return Number((BigInt(failures) * 1_000_000_000n + BigInt(eligible) - 1n) / BigInt(eligible));
  // The double quotient may be one off the integer one; the remainder says which way.
  let quotient = Math.floor(scaled / eligible);
  let remainder = scaled - quotient * eligible;
  if (remainder < 0) {
    quotient -= 1;
    remainder += eligible;
  } else if (remainder >= eligible) {
    quotient += 1;
    remainder -= eligible;
  }
  return remainder === 0 ? quotient : quotient + 1;
}

const PEAKS = [{ key: 'peakPpb', withRateLimited: false }, { key: 'peakRlPpb', withRateLimited: true }] as const;

/**
 * The hour after `changes` to its minutes, from what was stored (null: the hour had no minute
 * before). Sums take the changes' differences. A peak takes the changed minutes' new values,
 * unless a minute that held it went down: then only the other minutes can tell — `'rescan'`,
 * and the hour is summed from its minutes. So is an hour missing while its minutes were not.
 */
export function changedHour(stored: HourSums | null, changes: readonly MinuteChange[]): HourSums | 'rescan' {
  const counts = { ...(stored?.counts ?? NO_OUTCOMES) };
  let statuses: Record<string, number> | null = stored?.errorStatuses == null ? null : { ...stored.errorStatuses };
  const peaks = { peakPpb: stored?.peakPpb ?? 0, peakRlPpb: stored?.peakRlPpb ?? 0 };
  for (const { before, after, addedStatuses } of changes) {
    if (before !== null && stored === null) return 'rescan';
    const base = before ?? NO_OUTCOMES;
    counts.successes += after.successes - base.successes;
    counts.errors += after.errors - base.errors;
    counts.timeouts += after.timeouts - base.timeouts;
    counts.rateLimited += after.rateLimited - base.rateLimited;
    counts.clientErrors += after.clientErrors - base.clientErrors;
    for (const [status, n] of Object.entries(addedStatuses ?? {})) (statuses ??= {})[status] = (statuses[status] ?? 0) + n;
    for (const { key, withRateLimited } of PEAKS) {
      const now = minutePeakPpb(after, withRateLimited);
      if (before !== null && stored !== null) {
        const was = minutePeakPpb(before, withRateLimited);
        if (now < was && was === stored[key]) return 'rescan';
      }
      if (now > peaks[key]) peaks[key] = now;
    }
  }
  return { counts, errorStatuses: statuses, ...peaks };
}

/** An hour summed from all its minutes (a rebuild, a rescan): `changedHour` from nothing, in one loop. */
export function summedHour(minutes: readonly MinuteSums[]): HourSums {
  const summer = new HourSummer();
  for (const minute of minutes) summer.add(minute.counts, minute.errorStatuses);
  return summer.sums();
}

/** `summedHour` a minute at a time, keeping none of what it is given (a rebuild sums millions of minutes). */
export class HourSummer {
  private readonly counts = { ...NO_OUTCOMES };
  private statuses: Record<string, number> | null = null;
  private peakPpb = 0;
  private peakRlPpb = 0;

  add(counts: OutcomeCounts, errorStatuses: ErrorStatusCounts | null): void {
    const sums = this.counts;
    sums.successes += counts.successes;
    sums.errors += counts.errors;
    sums.timeouts += counts.timeouts;
    sums.rateLimited += counts.rateLimited;
    sums.clientErrors += counts.clientErrors;
    if (errorStatuses !== null) for (const status in errorStatuses) (this.statuses ??= {})[status] = (this.statuses[status] ?? 0) + errorStatuses[status]!;
    this.peakPpb = Math.max(this.peakPpb, minutePeakPpb(counts, false));
    this.peakRlPpb = Math.max(this.peakRlPpb, minutePeakPpb(counts, true));
  }

  sums(): HourSums {
    return { counts: { ...this.counts }, errorStatuses: this.statuses, peakPpb: this.peakPpb, peakRlPpb: this.peakRlPpb };
  }
}
