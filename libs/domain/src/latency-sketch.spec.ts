import fc from 'fast-check';
import { LatencySketch, latencyCounts, MAX_LATENCY_MS, MAX_SKETCH_BUCKET, SKETCH_RELATIVE_ACCURACY, sketchBucket, sketchedBucket, ZERO_BUCKET } from './latency-sketch';
import { OUTCOMES } from './outcome-event';

/** The exact nearest-rank q-quantile. */
function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

function withinBound(estimate: number | null, exact: number): boolean {
  if (exact === 0) return estimate === 0;
  return estimate !== null && Math.abs(estimate - exact) <= SKETCH_RELATIVE_ACCURACY * exact + 1e-9;
}

const QUANTILES = [0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

describe('LatencySketch', () => {
  it('is empty without values', () => {
    expect(new LatencySketch().quantile(0.5)).toBeNull();
  });

  it('keeps zero exact', () => {
    expect(new LatencySketch().add(0).add(0).add(5).quantile(0.5)).toBe(0);
  });

  const samples: Record<string, fc.Arbitrary<number[]>> = {
    'uniform': fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 2_000 }),
    // log-normal-like: most requests fast, a long right tail
    'skewed': fc.array(fc.double({ min: 0, max: 1, noNaN: true }).map((u) => Math.round(Math.exp(5 + 4 * u * u))), { minLength: 1, maxLength: 2_000 }),
    // Pareto: heavy-tailed, up to hours
    'heavy-tailed': fc.array(fc.double({ min: 0.0001, max: 1, noNaN: true }).map((u) => Math.min(2 ** 31 - 1, Math.round(50 / u ** 1.5))), { minLength: 1, maxLength: 2_000 }),
  };

  it.each(Object.keys(samples))('is within 1 %% of the exact nearest-rank quantiles for %s samples', (kind) => {
    fc.assert(
      fc.property(samples[kind]!, (values) => {
        const sketch = new LatencySketch();
        values.forEach((v) => sketch.add(v));
        for (const q of QUANTILES) expect(withinBound(sketch.quantile(q), nearestRank(values, q))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('stores buckets as big-endian int4 pairs, by bucket, and reads them back', () => {
    const sketch = new LatencySketch().add(100).add(0).add(100);
    const bytes = sketch.toBytes();
    // The zero bucket (-1) with one value, then bucket ⌈ln 100 / ln γ⌉ = 231 with two.
    expect(Buffer.from(bytes).toString('hex')).toBe('ffffffff00000001' + '000000e700000002');
    expect(LatencySketch.fromBytes(bytes).toPairs()).toEqual(sketch.toPairs());
    expect(LatencySketch.fromBytes(new Uint8Array(0)).count).toBe(0);
  });

  it('refuses to store a count its stored form cannot hold (int4), rather than wrap it', () => {
    const sketch = new LatencySketch().addToBucket(5, 2 ** 31 - 1);
    expect(LatencySketch.fromBytes(sketch.toBytes()).toPairs()).toEqual([5, 2 ** 31 - 1]);
    expect(() => sketch.addToBucket(5, 1).toBytes()).toThrow(RangeError);
  });

  it('buckets latencies from the zero bucket up to that of the largest int4', () => {
    expect([sketchBucket(0), sketchBucket(1), sketchBucket(2), sketchBucket(MAX_LATENCY_MS)]).toEqual([ZERO_BUCKET, 0, 35, MAX_SKETCH_BUCKET]);
    expect(MAX_SKETCH_BUCKET).toBe(1_075);
  });

  it('sketches only successful requests\' latencies', () => {
    expect(OUTCOMES.filter(latencyCounts)).toEqual(['success']);
    expect(OUTCOMES.map((outcome) => sketchedBucket(outcome, 100))).toEqual([231, null, null, null, null]);
    expect(sketchedBucket('success', null)).toBeNull();
    expect(sketchedBucket('success', 0)).toBe(ZERO_BUCKET);
  });

  it('keeps the bound after merging minutes into longer periods and through the stored form', () => {
    fc.assert(
      fc.property(fc.array(samples['heavy-tailed']!, { minLength: 1, maxLength: 20 }), (minutes) => {
        const merged = new LatencySketch();
        for (const values of minutes) {
          const minute = new LatencySketch();
          values.forEach((v) => minute.add(v));
          merged.merge(LatencySketch.fromBytes(minute.toBytes()));
        }
        const all = minutes.flat();
        expect(merged.count).toBe(all.length);
        for (const q of QUANTILES) expect(withinBound(merged.quantile(q), nearestRank(all, q))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
