import fc from 'fast-check';
import { classifier, DEFAULT_DETECTION_POLICY, DetectionPolicy, MinuteStatus, OutcomeCounts } from './detection';
import { deriveOutages, isOngoing, outageMinutesFilter, SeriesMinute } from './outages';

const classify = classifier(DEFAULT_DETECTION_POLICY);
const counts = (successes: number, errors: number, extra: Partial<OutcomeCounts> = {}): OutcomeCounts => ({
  successes, errors, timeouts: 0, rateLimited: 0, clientErrors: 0, ...extra,
});
const minute = (m: number, c: OutcomeCounts, failingPlatforms: string[] = c.errors + c.timeouts > 0 ? ['p'] : []): SeriesMinute => ({
  minute: m, counts: c, failingPlatforms,
});

describe('minute status (concepts §4)', () => {
  it.each([
    [4, 0, 'no_data'], // fewer than minSamples eligible
    [0, 4, 'no_data'],
    [20, 0, 'operational'],
    [96, 4, 'operational'], // 4 %
    [95, 5, 'degraded'], // exactly 5 %
    [76, 24, 'degraded'],
    [75, 25, 'partial_outage'], // exactly 25 %
    [26, 74, 'partial_outage'],
    [25, 75, 'major_outage'], // exactly 75 %
    [0, 5, 'major_outage'],
  ])('%i successes and %i failures → %s', (s, f, expected) => {
    expect(classify.status(f, s + f)).toBe(expected);
  });

  it('excludes client errors and throttling from eligibility', () => {
    expect(classify.status(0, 0)).toBe('no_data');
  });
});

describe('deriveOutages', () => {
  it('merges runs separated by at most mergeGapMinutes other minutes, counting gap minutes', () => {
    const outages = deriveOutages(
      [
        minute(10, counts(9, 1)), // 10 % degraded
        minute(11, counts(10, 0)),
        minute(13, counts(2, 8), ['a', 'b']), // 80 % major, two minutes later: merged (1 other minute, 12)
        minute(17, counts(5, 5)), // 50 %: 3 other minutes after 13 → a new outage
      ],
      classify,
    );
    expect(outages).toEqual([
      { start: 10, end: 14, severity: 'major_outage', peakFailures: 8, peakEligible: 10, eligibleRequests: 30, failedRequests: 9, platformsAffected: 3 },
      { start: 17, end: 18, severity: 'partial_outage', peakFailures: 5, peakEligible: 10, eligibleRequests: 10, failedRequests: 5, platformsAffected: 1 },
    ]);
  });

  it('treats runs exactly mergeGapMinutes apart as one outage', () => {
    expect(deriveOutages([minute(0, counts(0, 5)), minute(3, counts(0, 5))], classify)).toHaveLength(1);
    expect(deriveOutages([minute(0, counts(0, 5)), minute(4, counts(0, 5))], classify)).toHaveLength(2);
  });

  it('reports no outage for a series without bad minutes', () => {
    expect(deriveOutages([minute(1, counts(100, 1)), minute(2, counts(2, 2))], classify)).toEqual([]);
  });

  it('is ongoing while its last bad minute is within mergeGapMinutes of now', () => {
    const outage = { end: 101 }; // last bad minute 100
    expect(isOngoing(outage, 2, 102 * 60_000 + 59_999)).toBe(true);
    expect(isOngoing(outage, 2, 103 * 60_000)).toBe(false);
  });

  describe('equals a brute-force reading of concepts §4–5', () => {
    const policyArb = fc.record({
      minSamples: fc.integer({ min: 1, max: 6 }),
      degradedAt: fc.constantFrom('0.05', '0.1'),
      partialAt: fc.constantFrom('0.25', '0.3'),
      majorAt: fc.constantFrom('0.75', '0.9'),
      mergeGapMinutes: fc.integer({ min: 0, max: 4 }),
      liveWindowMinutes: fc.constant(5),
    });
    const minutesArb = fc
      .uniqueArray(
        fc.record({
          minute: fc.integer({ min: 0, max: 60 }),
          successes: fc.integer({ min: 0, max: 12 }),
          errors: fc.integer({ min: 0, max: 12 }),
          timeouts: fc.integer({ min: 0, max: 3 }),
          rateLimited: fc.integer({ min: 0, max: 3 }),
          clientErrors: fc.integer({ min: 0, max: 3 }),
          failingPlatforms: fc.subarray(['a', 'b', 'c']),
        }),
        { selector: (m) => m.minute, maxLength: 40 },
      )
      .map((ms) => ms.sort((x, y) => x.minute - y.minute));

    it('for random series and policies', () => {
      fc.assert(
        fc.property(minutesArb, policyArb, (raw, policy) => {
          const series = raw.map(({ minute: m, failingPlatforms, ...c }) => ({ minute: m, counts: c, failingPlatforms }));
          expect(deriveOutages(series, classifier(policy))).toEqual(bruteForceOutages(series, policy));
        }),
        { numRuns: 500 },
      );
    });

    it('from the minutes outageMinutesFilter keeps, as from all of them', () => {
      fc.assert(
        fc.property(minutesArb, policyArb, (raw, policy) => {
          const series = raw.map(({ minute: m, failingPlatforms, ...c }) => ({ minute: m, counts: c, failingPlatforms }));
          const classify = classifier(policy);
          const keep = outageMinutesFilter(classify);
          const kept = series.filter((m) => keep(m.minute, m.counts));
          expect(deriveOutages(kept, classify)).toEqual(deriveOutages(series, classify));
        }),
        { numRuns: 500 },
      );
    });
  });

  it('keeps bad minutes and those within the merge gap after one, and no others', () => {
    const classify = classifier({ ...DEFAULT_DETECTION_POLICY, mergeGapMinutes: 2 });
    const keep = outageMinutesFilter(classify);
    const good = { successes: 10, errors: 0, timeouts: 0, rateLimited: 0, clientErrors: 0 };
    const bad = { ...good, successes: 0, errors: 10 };
    const offered = [[1, good], [2, bad], [3, good], [4, good], [5, good], [9, bad], [11, good], [12, good]] as const;
    expect(offered.filter(([minute, counts]) => keep(minute, counts)).map(([minute]) => minute)).toEqual([2, 3, 4, 9, 11]);
  });
});

/** concepts §4–5 read literally: classify every minute of the range, connect bad minutes whose distance is ≤ gap + 1. */
function bruteForceOutages(series: SeriesMinute[], policy: DetectionPolicy) {
  const rate = (f: number, e: number) => f / e;
  const statusOf = (c: OutcomeCounts): MinuteStatus => {
    const eligible = c.successes + c.errors + c.timeouts;
    const failures = c.errors + c.timeouts;
    if (eligible < policy.minSamples) return 'no_data';
    const r = rate(failures, eligible);
    if (r >= Number(policy.majorAt)) return 'major_outage';
    if (r >= Number(policy.partialAt)) return 'partial_outage';
    if (r >= Number(policy.degradedAt)) return 'degraded';
    return 'operational';
  };
  const order: MinuteStatus[] = ['no_data', 'operational', 'degraded', 'partial_outage', 'major_outage'];
  const byMinute = new Map(series.map((m) => [m.minute, m]));
  const bad = series.filter((m) => ['degraded', 'partial_outage', 'major_outage'].includes(statusOf(m.counts))).map((m) => m.minute);
  const groups: number[][] = [];
  for (const m of bad) {
    const last = groups.at(-1);
    if (last && m - last.at(-1)! - 1 <= policy.mergeGapMinutes) last.push(m);
    else groups.push([m]);
  }
  return groups.map((g) => {
    const start = g[0]!;
    const end = g.at(-1)! + 1;
    let eligible = 0;
    let failed = 0;
    const platforms = new Set<string>();
    for (let m = start; m < end; m++) {
      const entry = byMinute.get(m);
      if (!entry) continue;
      eligible += entry.counts.successes + entry.counts.errors + entry.counts.timeouts;
      failed += entry.counts.errors + entry.counts.timeouts;
      entry.failingPlatforms.forEach((p) => platforms.add(p));
    }
    const badEntries = g.map((m) => byMinute.get(m)!);
    const rates = badEntries.map((e) => ({ f: e.counts.errors + e.counts.timeouts, e: e.counts.successes + e.counts.errors + e.counts.timeouts }));
    const peak = rates.reduce((best, r) => (r.f * best.e > best.f * r.e ? r : best));
    const severity = badEntries.map((e) => statusOf(e.counts)).reduce((a, b) => (order.indexOf(a) >= order.indexOf(b) ? a : b));
    return { start, end, severity, peakFailures: peak.f, peakEligible: peak.e, eligibleRequests: eligible, failedRequests: failed, platformsAffected: platforms.size };
  });
}
