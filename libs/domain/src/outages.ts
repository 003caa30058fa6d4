import { Classifier, eligibleOf, failuresOf, isBad, MinuteStatus, OutcomeCounts, worse } from './detection';
import { minuteOf } from './minute';

/** One minute of a series that has events, with what an outage needs to know about it. */
export interface SeriesMinute {
  /** Minute index since the epoch (see minute.ts). */
  minute: number;
  counts: OutcomeCounts;
  /** Platforms with at least one failure in this minute. */
  failingPlatforms: readonly string[];
}

/**
 * A maximal run of bad minutes of one series, runs separated by at most `mergeGapMinutes`
 * other minutes being one outage (concepts §5). Minutes are indexes; `end` is exclusive.
 */
export interface Outage {
  start: number;
  end: number;
  severity: MinuteStatus;
  /** Highest error rate among its bad minutes, as an exact fraction. */
  peakFailures: number;
  peakEligible: number;
  /** Summed over all its minutes, gap minutes included. */
  eligibleRequests: number;
  failedRequests: number;
  platformsAffected: number;
}

/** Derives the outages of a series from its minutes (sorted by minute, one entry per minute with events). */
export function deriveOutages(minutes: readonly SeriesMinute[], classify: Classifier): Outage[] {
  const gap = classify.policy.mergeGapMinutes;
  const outages: Outage[] = [];
  let current: { startIndex: number; lastBadIndex: number; severity: MinuteStatus; peakF: number; peakE: number } | null = null;

  const close = (c: NonNullable<typeof current>) => {
    let eligible = 0;
    let failed = 0;
    const platforms = new Set<string>();
    for (let i = c.startIndex; i <= c.lastBadIndex; i++) {
      const m = minutes[i]!;
      eligible += eligibleOf(m.counts);
      failed += failuresOf(m.counts);
      for (const p of m.failingPlatforms) platforms.add(p);
    }
    outages.push({
      start: minutes[c.startIndex]!.minute,
      end: minutes[c.lastBadIndex]!.minute + 1,
      severity: c.severity,
      peakFailures: c.peakF,
      peakEligible: c.peakE,
      eligibleRequests: eligible,
      failedRequests: failed,
      platformsAffected: platforms.size,
    });
  };

  minutes.forEach((m, index) => {
    const failures = failuresOf(m.counts);
    const eligible = eligibleOf(m.counts);
    const status = classify.status(failures, eligible);
    if (!isBad(status)) return;
    if (current !== null && m.minute - minutes[current.lastBadIndex]!.minute - 1 <= gap) {
      current.lastBadIndex = index;
      current.severity = worse(current.severity, status);
      if (failures * current.peakE > current.peakF * eligible) {
        current.peakF = failures;
        current.peakE = eligible;
      }
      return;
    }
    if (current !== null) close(current);
    current = { startIndex: index, lastBadIndex: index, severity: status, peakF: failures, peakE: eligible };
  });
  if (current !== null) close(current);
  return outages;
}

/**
 * Which minutes of a series `deriveOutages` needs, asked in minute order: its bad minutes and
 * those at most `mergeGapMinutes` after one. An outage runs from a bad minute to a bad minute at
 * most that far apart and sums the minutes in between; no other minute changes an outage, so
 * deriving from these alone gives the same outages — and a replay holds the few minutes around
 * outages instead of every minute of every series.
 */
export function outageMinutesFilter(classify: Classifier): (minute: number, counts: OutcomeCounts) => boolean {
  const gap = classify.policy.mergeGapMinutes;
  let lastBad = -Infinity;
  return (minute, counts) => {
    if (isBad(classify.status(failuresOf(counts), eligibleOf(counts)))) {
      lastBad = minute;
      return true;
    }
    return minute - lastBad <= gap;
  };
}

/**
 * An outage is ongoing while its last bad minute is within `mergeGapMinutes` of now (concepts §5):
 * counted in whole minutes from the last bad minute to the minute `now` falls in.
 */
export function isOngoing(outage: { end: number }, mergeGapMinutes: number, nowMs: number): boolean {
  return minuteOf(nowMs) - (outage.end - 1) <= mergeGapMinutes;
}
