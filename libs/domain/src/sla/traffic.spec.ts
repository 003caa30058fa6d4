import fc from 'fast-check';
import { MINUTE_MS } from '../minute';
import { periodOf } from './period';
import { ExcludedMinutes } from './traffic';

/** Minute by minute, as concepts §6 reads: excluded when not wholly inside the contract's validity, or overlapped by maintenance. */
function bruteForce(effectiveFrom: number, effectiveTo: number | null, first: number, length: number, maintenance: [number, number][]): Uint8Array {
  const excluded = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const start = (first + i) * MINUTE_MS;
    if (start < effectiveFrom || (effectiveTo !== null && start + MINUTE_MS > effectiveTo)) excluded[i] = 1;
  }
  for (const [from, to] of maintenance) {
    for (let m = Math.max(from, first); m < Math.min(to, first + length); m++) excluded[m - first] = 1;
  }
  return excluded;
}

describe('ExcludedMinutes', () => {
  it('agrees with a minute-by-minute reading: count, membership and windows with an eligible minute', () => {
    const periods = [periodOf('2026-06', 'UTC'), periodOf('2026-11', 'America/New_York'), periodOf('2026-02', 'Asia/Kolkata')];
    fc.assert(
      fc.property(
        fc.constantFrom(...periods),
        fc.option(fc.integer({ min: -50_000_000, max: 45_000 * MINUTE_MS }), { nil: null }),
        fc.option(fc.integer({ min: 0, max: 46_000 * MINUTE_MS }), { nil: null }),
        fc.array(fc.tuple(fc.integer({ min: -100, max: 45_000 }), fc.integer({ min: 0, max: 5_000 })), { maxLength: 5 }),
        fc.integer({ min: 1, max: 1_440 }),
        (period, fromOffset, toOffset, windows, width) => {
          const first = period.start / MINUTE_MS;
          const length = (period.end - period.start) / MINUTE_MS;
          const effectiveFrom = period.start + (fromOffset ?? -MINUTE_MS);
          const effectiveTo = toOffset === null ? null : Math.max(effectiveFrom + 1, period.start + toOffset);
          const maintenance = windows.map(([at, minutes]) => [first + at, first + at + minutes] as [number, number]);
          const excluded = new ExcludedMinutes({ effectiveFrom, effectiveTo }, period, maintenance);
          const expected = bruteForce(effectiveFrom, effectiveTo, first, length, maintenance);

          expect(excluded.count).toBe(expected.reduce((sum, x) => sum + x, 0));
          const wrong: number[] = [];
          for (let i = 0; i < length; i += 7) if (excluded.has(first + i) !== (expected[i] === 1)) wrong.push(i);
          for (const [a, b] of excluded.ranges) {
            if (excluded.has(a - 1) || !excluded.has(a) || !excluded.has(b - 1) || excluded.has(b)) wrong.push(a - first);
          }
          expect(wrong).toEqual([]);
          let windowsWithEligible = 0;
          for (let start = 0; start < length; start += width) {
            for (let i = start; i < Math.min(start + width, length); i++) {
              if (expected[i] === 0) {
                windowsWithEligible += 1;
                break;
              }
            }
          }
          expect(excluded.windowsWithEligibleMinutes(period, width)).toBe(windowsWithEligible);
        },
      ),
      { numRuns: 100 },
    );
  });
});
