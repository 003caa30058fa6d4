import fc from 'fast-check';
import { sketchBucket } from '@ledger/domain';
import { SketchBuckets } from './sketch-buckets';

/** Postgres' answers, as the domain's Math.log-based bucket gives them. */
const answers = (bucket: (value: number) => number = sketchBucket) => new Map(SketchBuckets.candidates().map((v) => [v, bucket(v)]));

describe('SketchBuckets', () => {
  const table = SketchBuckets.fromAnswers(answers())!;

  it('buckets every value as the answers it was made from', () => {
    expect(table).not.toBeNull();
    for (let v = 0; v <= 200_000; v++) expect(table.of(v)).toBe(sketchBucket(v));
    for (const v of [(1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2_147_483_646, 2_147_483_647]) expect(table.of(v)).toBe(sketchBucket(v));
    fc.assert(fc.property(fc.integer({ min: 0, max: 2_147_483_647 }), (v) => table.of(v) === sketchBucket(v)), { numRuns: 20_000 });
  });

  it('follows the answers where they differ from Math.log, one threshold moved by one value', () => {
    const moved = answers();
    // The first value of a bucket in the millions now counts as the bucket below.
    const threshold = SketchBuckets.candidates().find((v) => v > 3_000_000 && sketchBucket(v) > sketchBucket(v - 1))!;
    moved.set(threshold, sketchBucket(threshold) - 1);
    const shifted = SketchBuckets.fromAnswers(moved)!;
    expect(shifted.of(threshold)).toBe(sketchBucket(threshold) - 1);
    expect(shifted.of(threshold + 1)).toBe(sketchBucket(threshold + 1));
    expect(shifted.of(threshold - 1)).toBe(sketchBucket(threshold - 1));
  });

  it('makes no table when the answers do not pin every threshold down', () => {
    const missing = answers();
    const threshold = SketchBuckets.candidates().find((v) => v > 1_000 && sketchBucket(v) > sketchBucket(v - 1))!;
    missing.delete(threshold - 1);
    expect(SketchBuckets.fromAnswers(missing)).toBeNull();
    // The control: the same answers with that one put back do make a table, and it knows the threshold.
    missing.set(threshold - 1, sketchBucket(threshold - 1));
    const whole = SketchBuckets.fromAnswers(missing);
    expect(whole).not.toBeNull();
    expect([whole!.of(threshold - 1), whole!.of(threshold)]).toEqual([sketchBucket(threshold) - 1, sketchBucket(threshold)]);
  });

  it('never makes a table that disagrees with an answer it was given', () => {
    const candidates = SketchBuckets.candidates();
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(candidates.length - 1), fc.integer({ min: -2, max: 2 })), { maxLength: 8 }), (changes) => {
      const given = answers();
      for (const [i, delta] of changes) given.set(candidates[i]!, sketchBucket(candidates[i]!) + delta);
      const made = SketchBuckets.fromAnswers(given);
      // Answers left as Math.log gives them (no change, or changes by 0) always make a table.
      if (changes.every(([, delta]) => delta === 0)) return made !== null && candidates.every((v) => made.of(v) === given.get(v));
      return made === null || candidates.every((v) => made.of(v) === given.get(v));
    }), { numRuns: 300, examples: [[[]], [[[0, 0], [candidates.length - 1, 0]]]] });
    // Changed answers that are still consistent (a threshold moved up by one value) make a table too.
    const threshold = candidates.find((v) => v > 1_000 && sketchBucket(v) > sketchBucket(v - 1))!;
    const moved = answers();
    moved.set(threshold, sketchBucket(threshold) - 1);
    const made = SketchBuckets.fromAnswers(moved);
    expect(made).not.toBeNull();
    expect(candidates.every((v) => made!.of(v) === moved.get(v))).toBe(true);
    expect(SketchBuckets.fromAnswers(new Map())).toBeNull();
  });
});
