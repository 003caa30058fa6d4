import fc from 'fast-check';
import { OutcomeCounts } from '@ledger/domain';
import { changedHour, HourSums, minutePeakPpb, summedHour } from './hour-sums';

const counts = (successes: number, errors: number, timeouts = 0, rateLimited = 0, clientErrors = 0): OutcomeCounts => ({ successes, errors, timeouts, rateLimited, clientErrors });

/** An hour summed from scratch: what a rebuild writes. */
function summed(minutes: readonly { counts: OutcomeCounts; statuses: Record<string, number> | null }[]): HourSums {
  const total = counts(0, 0);
  let statuses: Record<string, number> | null = null;
  let peakPpb = 0;
  let peakRlPpb = 0;
  for (const m of minutes) {
    total.successes += m.counts.successes;
    total.errors += m.counts.errors;
    total.timeouts += m.counts.timeouts;
    total.rateLimited += m.counts.rateLimited;
    total.clientErrors += m.counts.clientErrors;
    for (const [k, n] of Object.entries(m.statuses ?? {})) (statuses ??= {})[k] = (statuses[k] ?? 0) + n;
    if (minutePeakPpb(m.counts, false) > peakPpb) peakPpb = minutePeakPpb(m.counts, false);
    if (minutePeakPpb(m.counts, true) > peakRlPpb) peakRlPpb = minutePeakPpb(m.counts, true);
  }
  return { counts: total, errorStatuses: statuses, peakPpb, peakRlPpb };
}

describe('hour sums', () => {
  it('peaks in parts per billion, rounded up, with and without rate-limited requests', () => {
    expect(minutePeakPpb(counts(2, 1), false)).toBe(333_333_334);
    expect(minutePeakPpb(counts(1, 1), false)).toBe(500_000_000);
    expect(minutePeakPpb(counts(0, 0, 0, 5), false)).toBe(0);
    expect(minutePeakPpb(counts(0, 0, 0, 5), true)).toBe(1_000_000_000);
    expect(minutePeakPpb(counts(0, 0, 0, 0, 9), true)).toBe(0);
    // Counts an int4 can hold, and a ratio just under 1: exact (BigInt past doubles' safe integers).
    expect(minutePeakPpb(counts(1, 2_147_483_646), false)).toBe(1_000_000_000);
    expect(minutePeakPpb(counts(1, 9_000_000), false)).toBe(999_999_889);
  });

  it('adds a new minute, and raises a peak when a minute goes up', () => {
    const first = changedHour(null, [{ before: null, after: counts(3, 1), addedStatuses: { '500': 1, '5xx': 1 } }]);
    expect(first).toEqual({ counts: counts(3, 1), errorStatuses: { '500': 1, '5xx': 1 }, peakPpb: 250_000_000, peakRlPpb: 250_000_000 });
    const second = changedHour(first as HourSums, [{ before: counts(3, 1), after: counts(3, 3), addedStatuses: { '529': 2, '5xx': 2 } }]);
    expect(second).toEqual({ counts: counts(3, 3), errorStatuses: { '500': 1, '529': 2, '5xx': 3 }, peakPpb: 500_000_000, peakRlPpb: 500_000_000 });
  });

  it('asks for a rescan when the minute that held a peak goes down, or when its hour is missing', () => {
    const hour = summed([{ counts: counts(1, 1), statuses: null }, { counts: counts(3, 1), statuses: null }]);
    expect(changedHour(hour, [{ before: counts(1, 1), after: counts(5, 1), addedStatuses: null }])).toBe('rescan');
    // Another minute going down does not move the peak.
    expect(changedHour(hour, [{ before: counts(3, 1), after: counts(9, 1), addedStatuses: null }])).toMatchObject({ peakPpb: 500_000_000 });
    expect(changedHour(null, [{ before: counts(1, 1), after: counts(2, 1), addedStatuses: null }])).toBe('rescan');
  });

  it('rounds up exactly where doubles alone would not', () => {
    fc.assert(
      fc.property(fc.nat({ max: 20_000_000 }), fc.nat({ max: 20_000_000 }), (successes, errors) => {
        const eligible = BigInt(successes + errors);
        const exact = eligible === 0n ? 0 : Number((BigInt(errors) * 1_000_000_000n + eligible - 1n) / eligible);
        expect(minutePeakPpb(counts(successes, errors), false)).toBe(exact);
      }),
      { numRuns: 2_000 },
    );
  });

  it('sums an hour from its minutes as folding them one by one would', () => {
    const minutes: { counts: OutcomeCounts; errorStatuses: Record<string, number> | null }[] = [
      { counts: counts(3, 1, 1, 2), errorStatuses: { '500': 1, '5xx': 1 } }, { counts: counts(0, 0, 0, 4), errorStatuses: null }, { counts: counts(9, 2), errorStatuses: { '529': 2, '5xx': 2 } },
    ];
    expect(summedHour(minutes)).toEqual(changedHour(null, minutes.map((m) => ({ before: null, after: m.counts, addedStatuses: m.errorStatuses }))));
    expect(summedHour(minutes)).toMatchObject({ errorStatuses: { '500': 1, '529': 2, '5xx': 3 }, peakPpb: 400_000_000, peakRlPpb: 1_000_000_000 });
  });

  it('equals the hour summed from scratch after any sequence of folds', () => {
    const outcome = fc.record({ minute: fc.integer({ min: 0, max: 5 }), kind: fc.constantFrom('s', 'e', 't', 'r', 'c'), status: fc.constantFrom('500', '529', 'none') });
    fc.assert(
      fc.property(fc.array(fc.array(outcome, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 12 }), (batches) => {
        const minutes = new Map<number, { counts: OutcomeCounts; statuses: Record<string, number> | null }>();
        let hour: HourSums | null = null;
        let rescans = 0;
        for (const batch of batches) {
          const byMinute = new Map<number, typeof batch>();
          for (const event of batch) byMinute.set(event.minute, [...(byMinute.get(event.minute) ?? []), event]);
          const changes = [...byMinute].map(([minute, events]) => {
            const before = minutes.get(minute) ?? null;
            const after = { ...(before?.counts ?? counts(0, 0)) };
            let added: Record<string, number> | null = null;
            for (const { kind, status } of events) {
              if (kind === 's') after.successes++;
              else if (kind === 't') after.timeouts++;
              else if (kind === 'r') after.rateLimited++;
              else if (kind === 'c') after.clientErrors++;
              else {
                after.errors++;
                for (const key of status === 'none' ? ['none'] : [status, '5xx']) (added ??= {})[key] = (added[key] ?? 0) + 1;
              }
            }
            const statuses = added === null ? (before?.statuses ?? null) : { ...before?.statuses };
            for (const [k, n] of Object.entries(added ?? {})) statuses![k] = (statuses![k] ?? 0) + n;
            minutes.set(minute, { counts: after, statuses });
            return { before: before?.counts ?? null, after, addedStatuses: added };
          });
          const next = changedHour(hour, changes);
          if (next === 'rescan') rescans++;
          hour = next === 'rescan' ? summed([...minutes.values()]) : next;
        }
        expect(hour).toEqual(summed([...minutes.values()]));
        return rescans <= batches.length;
      }),
      { numRuns: 500 },
    );
  });
});
