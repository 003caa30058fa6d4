import { NO_OUTCOMES } from './detection';
import { LatencySketch } from './latency-sketch';
import { scoreVendors, VendorWindow } from './vendor-score';

const window = (model: string, overrides: Partial<VendorWindow> = {}): VendorWindow => ({
  provider: 'p',
  model,
  counts: { ...NO_OUTCOMES, successes: 90, errors: 10 },
  latency: new LatencySketch().add(100, 10),
  ttft: new LatencySketch(),
  minutesWithStatus: 4,
  operationalMinutes: 3,
  outages: { count: 0, minutes: 0, longest: 0 },
  windowMinutes: 1_000,
  ...overrides,
});

describe('scoreVendors', () => {
  it('scores a window as concepts §7 defines it', () => {
    const [score] = scoreVendors([window('m', { outages: { count: 3, minutes: 30, longest: 20 } })]);
    expect(score).toMatchObject({
      eligibleRequests: 100,
      availabilityPercent: 90,
      operationalMinutesPercent: 75,
      outages: 3,
      outageMinutes: 30,
      mttrMinutes: 10,
      mtbfMinutes: (1_000 - 30) / 3,
      longestOutageMinutes: 20,
      ttftP95Ms: null,
      rank: 1,
    });
    expect(Math.abs(score!.p95LatencyMs! - 100)).toBeLessThanOrEqual(1);
  });

  it('leaves outage figures and shares null when there is nothing to divide', () => {
    const [score] = scoreVendors([window('m', { counts: NO_OUTCOMES, minutesWithStatus: 0, operationalMinutes: 0 })]);
    expect(score).toMatchObject({ availabilityPercent: null, operationalMinutesPercent: null, mttrMinutes: null, mtbfMinutes: null, longestOutageMinutes: null });
  });

  it('ranks by availability descending, then p95 latency ascending', () => {
    const ranked = scoreVendors([
      window('slow', { latency: new LatencySketch().add(900, 10) }),
      window('worse', { counts: { ...NO_OUTCOMES, successes: 80, errors: 20 } }),
      window('fast'),
    ]);
    expect(ranked.map((s) => [s.model, s.rank])).toEqual([['fast', 1], ['slow', 2], ['worse', 3]]);
  });
});
