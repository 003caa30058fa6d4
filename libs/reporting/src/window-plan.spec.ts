import fc from 'fast-check';
import { BLOCK, DAY, HOUR, planWindow } from './window-plan';

describe('planWindow', () => {
  it('covers every minute of the window exactly once, with spans aligned and blocks and days before daysEnd', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 * DAY }), fc.integer({ min: 0, max: 120 * DAY }), fc.option(fc.integer({ min: 0, max: 400 * DAY })), (from, length, daysEnd) => {
        const to = from + length;
        const plan = planWindow(from, to, daysEnd === null ? null : Math.floor(daysEnd / DAY) * DAY);
        const pieces = [...plan.spans.flatMap((s) => s.ranges.map((r) => ({ ...s, r }))), ...plan.minutes.map((r) => ({ span: 1, r }))];
        for (const { span, r } of pieces) {
          expect(r[0] % span).toBe(0);
          expect(r[1] % span).toBe(0);
          if (span === BLOCK || span === DAY) expect(r[1]).toBeLessThanOrEqual(daysEnd ?? -1);
        }
        const sorted = pieces.map((p) => p.r).sort((a, b) => a[0] - b[0]);
        let at = from;
        for (const [a, b] of sorted) {
          expect(a).toBe(at);
          expect(b).toBeGreaterThan(a);
          at = b;
        }
        expect(at).toBe(length === 0 ? from : to);
      }),
    );
  });

  it('reads 90 days mostly as blocks, with days, hours and minutes only at the edges', () => {
    const to = Math.floor(Date.parse('2026-11-26T21:01:00Z') / 60_000);
    const plan = planWindow(to - 90 * DAY, to, Math.floor(to / DAY) * DAY);
    const count = (span: number) => plan.spans.find((s) => s.span === span)!.ranges.reduce((n, [a, b]) => n + (b - a) / span, 0);
    expect(count(BLOCK)).toBeGreaterThanOrEqual(7);
    expect(count(DAY)).toBeLessThanOrEqual(18);
    expect(count(HOUR)).toBeLessThanOrEqual(46);
    expect(plan.minutes.reduce((n, [a, b]) => n + b - a, 0)).toBeLessThan(2 * HOUR);
  });
});
