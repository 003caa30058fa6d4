import fc from 'fast-check';
import { LatencySketch, MAX_SKETCH_BUCKET, ZERO_BUCKET } from '@ledger/domain';
import { decodeSketchPairs, encodeMinuteMix, forEachMinuteMix } from '@ledger/codec';
import { DenseSketch, MinuteMix } from './vendor-window';

describe('MinuteMix', () => {
  it('stores the same bytes for the same mix, in whatever order its minutes were added (as SQL writes them: by failures, then eligible)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.nat(60), fc.integer({ min: 1, max: 5 })), { maxLength: 80 }), fc.func(fc.integer()), (minutes, shuffleKey) => {
        const a = new MinuteMix();
        const b = new MinuteMix();
        minutes.forEach(([f, e, n]) => a.add(f, e, n));
        [...minutes].sort((x, y) => shuffleKey(x) - shuffleKey(y)).forEach(([f, e, n]) => b.add(f, e, n));
        expect(b.toBytes()).toEqual(a.toBytes());
        const triples: number[] = [];
        forEachMinuteMix(a.toBytes(), (f, e, n) => triples.push(f, e, n));
        expect(Buffer.from(encodeMinuteMix(triples))).toEqual(a.toBytes()); // in the codec's order
        // Minutes without eligible requests are left out; the others add up.
        expect(triples.filter((_, i) => i % 3 === 2).reduce((x, y) => x + y, 0)).toBe(minutes.filter(([, e]) => e > 0).reduce((x, [, , n]) => x + n, 0));
      }),
    );
  });
});

describe('DenseSketch', () => {
  it('merges stored sketches into the stored form of their sum, from the zero bucket to the highest', () => {
    const a = new LatencySketch().addToBucket(ZERO_BUCKET, 2).addToBucket(40, 1).addToBucket(MAX_SKETCH_BUCKET, 3);
    const b = new LatencySketch().addToBucket(40, 5).addToBucket(7, 1);
    const dense = new DenseSketch();
    dense.addBytes(Buffer.from(a.toBytes()));
    dense.addBytes(Buffer.from(b.toBytes()));
    const sum = LatencySketch.fromPairs(a.toPairs()).merge(b);
    expect(decodeSketchPairs(dense.toBytes())).toEqual(sum.toPairs());
    expect(dense.toSketch().toPairs()).toEqual(sum.toPairs());
    expect(() => dense.addBytes(Buffer.from(new LatencySketch().addToBucket(MAX_SKETCH_BUCKET + 1, 1).toBytes()))).toThrow('out of range');
  });
});
