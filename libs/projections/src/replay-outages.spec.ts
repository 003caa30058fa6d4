import fc from 'fast-check';
import { BinaryCopyWriter } from '@ledger/codec';
import { classifier, DAY_MS, DEFAULT_DETECTION_POLICY, deriveOutages, SeriesMinute } from '@ledger/domain';
import { DetectionPolicies } from './detection-policy.repository';
import { FoldedLog, LogFolder, OUTCOME_CODES } from './log-fold';
import { incidentsOfOutages, ReplayedOutages } from './replay-outages';
import { dayStretches } from './timeline.projection';

const SUCCESS = OUTCOME_CODES.indexOf('success');
const ERROR = OUTCOME_CODES.indexOf('error');
const START = Date.parse('2026-10-01T00:00:00Z');
const SERIES = [
  { platform: 'acme', provider: 'openai', model: 'gpt-4o' },
  { platform: 'globex', provider: 'openai', model: 'gpt-4o' },
  { platform: 'acme', provider: 'anthropic', model: 'claude-sonnet' },
] as const;

interface Row {
  series: number;
  at: number;
  outcome: number;
}

/** The rows as the COPY of the log streams them. */
function fold(rows: readonly Row[]): FoldedLog {
  const copy = new BinaryCopyWriter(64 + rows.length * 100);
  for (const { series, at, outcome } of rows) {
    copy.row(8);
    const { platform, provider, model } = SERIES[series]!;
    for (const text of [platform, provider, model]) copy.text(text);
    copy.timestamp(at);
    copy.int2(outcome);
    copy.int4(100);
    copy.null();
    if (outcome === ERROR) copy.int2(503);
    else copy.null();
  }
  const folder = new LogFolder();
  folder.push(Buffer.concat(copy.end()));
  return folder.finish();
}

/**
 * Three days of traffic around midnights, with bursts of errors — some of them across a
 * midnight, so that an outage spans two stretches.
 */
const traffic = fc
  .array(
    fc.record({
      series: fc.integer({ min: 0, max: SERIES.length - 1 }),
      // Minutes around the two midnights, where stretches meet.
      minute: fc.oneof(fc.integer({ min: 1_380, max: 1_500 }), fc.integer({ min: 2_820, max: 2_940 }), fc.integer({ min: 0, max: 3 * 1_440 - 1 })),
      errors: fc.integer({ min: 0, max: 12 }),
      successes: fc.integer({ min: 0, max: 12 }),
    }),
    { maxLength: 300 },
  )
  .map((minutes) =>
    minutes.flatMap(({ series, minute, errors, successes }): Row[] => [
      ...Array.from({ length: errors }, (_, i) => ({ series, at: START + minute * 60_000 + i, outcome: ERROR })),
      ...Array.from({ length: successes }, (_, i) => ({ series, at: START + minute * 60_000 + 30_000 + i, outcome: SUCCESS })),
    ]),
  );

/** The outages of the rows derived the plain way: every minute of every series, counted from the rows, through the domain's rule. */
function plainOutages(rows: readonly Row[], policies: DetectionPolicies) {
  const series = new Map<string, { provider: string; model: string; platform: string | null; minutes: Map<number, SeriesMinute> }>();
  for (const row of rows) {
    const { provider, model, platform } = SERIES[row.series]!;
    for (const on of [platform, null]) {
      const key = `${provider}/${model}/${on ?? '*'}`;
      if (!series.has(key)) series.set(key, { provider, model, platform: on, minutes: new Map() });
      const minutes = series.get(key)!.minutes;
      const at = Math.floor(row.at / 60_000);
      if (!minutes.has(at)) minutes.set(at, { minute: at, counts: { successes: 0, errors: 0, timeouts: 0, rateLimited: 0, clientErrors: 0 }, failingPlatforms: [] });
      const minute = minutes.get(at)!;
      if (row.outcome === ERROR) {
        minute.counts.errors++;
        if (!minute.failingPlatforms.includes(platform)) minute.failingPlatforms = [...minute.failingPlatforms, platform];
      } else minute.counts.successes++;
    }
  }
  return [...series.values()].flatMap(({ provider, model, platform, minutes }) => {
    const inOrder = [...minutes.values()].sort((a, b) => a.minute - b.minute);
    return deriveOutages(inOrder, classifier(policies.forModel(provider, model))).map((o) => ({ ...o, provider, model, platform }));
  });
}

describe('ReplayedOutages', () => {
  const policies = new DetectionPolicies([{ provider: 'anthropic', model: null, ...DEFAULT_DETECTION_POLICY, mergeGapMinutes: 5 }]);

  it('derives from the log folded a stretch of days at a time the outages and incidents of every minute', async () => {
    await fc.assert(
      fc.asyncProperty(traffic, fc.shuffledSubarray([1, 2]), async (rows, cuts) => {
        const expected = plainOutages(rows, policies);
        // Stretches ending at the chosen midnights; the rows within a stretch in any order.
        const bounds = [0, ...cuts.sort(), 3].map((day) => START + day * DAY_MS);
        const replayed = new ReplayedOutages(policies);
        for (let s = 0; s + 1 < bounds.length; s++) {
          replayed.add(fold(rows.filter((r) => r.at >= bounds[s]! && r.at < bounds[s + 1]!).reverse()));
        }
        const derived = await replayed.derive();
        expect(sorted(derived)).toEqual(sorted(expected));
        expect(sorted(incidentsOfOutages(derived, policies))).toEqual(sorted(incidentsOfOutages(expected, policies)));
      }),
      { numRuns: 60 },
    );
  });

  it('holds only the minutes outages need', async () => {
    const replayed = new ReplayedOutages(policies);
    // A day of healthy minutes on one series, then one bad minute.
    const healthy = Array.from({ length: 1_440 }, (_, m) => Array.from({ length: 5 }, (_, i) => ({ series: 0, at: START + m * 60_000 + i, outcome: SUCCESS }))).flat();
    const bad = Array.from({ length: 5 }, (_, i) => ({ series: 0, at: START + DAY_MS + i, outcome: ERROR }));
    replayed.add(fold(healthy));
    replayed.add(fold(bad));
    const held = (replayed as unknown as { series: Map<string, { minutes: unknown[] }> }).series;
    expect([...held.values()].map((s) => s.minutes.length)).toEqual([1, 1]);
    expect((await replayed.derive()).map((o) => [o.platform, o.start - START / 60_000, o.end - START / 60_000])).toEqual([['acme', 1_440, 1_441], [null, 1_440, 1_441]]);
  });

  it('refuses a stretch that goes back in time', () => {
    const replayed = new ReplayedOutages(policies);
    replayed.add(fold([{ series: 0, at: START + DAY_MS, outcome: SUCCESS }]));
    expect(() => replayed.add(fold([{ series: 0, at: START, outcome: SUCCESS }]))).toThrow(/offered after a later one/);
  });
});

describe('dayStretches', () => {
  const day = (d: string, mb: number) => ({ day: d, bytes: mb * 2 ** 20 });

  it('groups the days in order up to the budget, a day larger than it alone', () => {
    const stretches = dayStretches([day('2026-10-01', 40), day('2026-10-02', 50), day('2026-10-03', 30), day('2026-10-05', 200), day('2026-10-06', 10)], 100 * 2 ** 20);
    expect(stretches.map(({ days, bytes }) => [days, bytes / 2 ** 20])).toEqual([
      [['2026-10-01', '2026-10-02'], 90],
      [['2026-10-03'], 30],
      [['2026-10-05'], 200],
      [['2026-10-06'], 10],
    ]);
  });

  it('folds one day at a time with a budget of 0, and nothing of an empty log', () => {
    expect(dayStretches([day('2026-12-31', 1), day('2027-01-01', 1)], 0).map((s) => s.days)).toEqual([['2026-12-31'], ['2027-01-01']]);
    expect(dayStretches([], 1)).toEqual([]);
  });
});

const sorted = <T>(items: readonly T[]) => items.map((item) => JSON.stringify(item)).sort();
