import fc from 'fast-check';
import { binaryTextFields } from '@ledger/codec';
import { NONE, SeriesTable } from './series-table';

/** A series' key as the decoder hands it over: its three text fields, somewhere inside a larger buffer. */
function key(platform: string, provider: string, model: string, padding = 0) {
  const fields = binaryTextFields(platform, provider, model);
  const buf = Buffer.concat([Buffer.alloc(padding, 0xab), fields, Buffer.alloc(3, 0xcd)]);
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.length), start: padding, end: padding + fields.length };
}

const seriesOf = (table: SeriesTable, platform: string, provider: string, model: string, padding = 0) => {
  const k = key(platform, provider, model, padding);
  return table.seriesOf(k.buf, k.view, k.start, k.end);
};

describe('SeriesTable', () => {
  it('finds a series again by its key bytes, wherever they lie, and keeps its names', () => {
    const table = new SeriesTable();
    const a = seriesOf(table, 'notion', 'anthropic', 'm-1');
    const b = seriesOf(table, 'notion', 'anthropic', 'm-12');
    // Bytes that differ only in where one name ends and the next starts are another series.
    const c = seriesOf(table, 'notion', 'anthropicm', '-1');
    expect(new Set([a, b, c]).size).toBe(3);
    expect(seriesOf(table, 'notion', 'anthropic', 'm-1', 7)).toBe(a);
    expect(seriesOf(table, 'notion', 'anthropic', 'm-12', 1)).toBe(b);
    expect(table.finish().series).toEqual([
      { platform: 'notion', provider: 'anthropic', model: 'm-1' },
      { platform: 'notion', provider: 'anthropic', model: 'm-12' },
      { platform: 'notion', provider: 'anthropicm', model: '-1' },
    ]);
  });

  it('keeps one rollup per series and minute, in any order of arrival, listed by minute', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(40), fc.integer({ min: -3_000, max: 3_000 }), fc.nat(4)), { maxLength: 400 }), (events) => {
        const table = new SeriesTable();
        const ids = Array.from({ length: 41 }, (_, s) => seriesOf(table, `p-${s % 3}`, 'q', `m-${s}`));
        const expected = new Map<string, number[]>();
        for (const [s, minute, outcome] of events) {
          const rollup = table.rollupOf(ids[s]!, minute);
          table.addEvent(rollup, outcome, Math.abs(minute % 50), null);
          const counts = expected.get(`${s}/${minute}`) ?? [0, 0, 0, 0, 0];
          counts[outcome]!++;
          expected.set(`${s}/${minute}`, counts);
        }
        const t = table.finish();
        const found = new Map<string, number[]>();
        t.rollupsOfSeries.forEach((rollups, s) => {
          const minutes = Array.from(rollups, (r) => t.minute[r]!);
          expect(minutes).toEqual([...new Set(minutes)].sort((x, y) => x - y));
          for (const r of rollups) {
            found.set(`${s}/${t.minute[r]}`, Array.from(t.counts.subarray(r * 5, r * 5 + 5)));
            let entries = 0;
            for (let e = t.latencyHead[r]!; e !== NONE; e = t.next[e]!) {
              expect(t.bucket[e]).toBe(Math.abs(t.minute[r]! % 50));
              entries++;
            }
            expect(entries).toBe(found.get(`${s}/${t.minute[r]}`)!.reduce((x, y) => x + y, 0));
            expect(t.ttftHead[r]).toBe(NONE);
          }
        });
        expect(found).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('grows past its first sizes: thousands of series, late minutes and sketch entries', () => {
    const table = new SeriesTable();
    const ids = Array.from({ length: 3_000 }, (_, s) => seriesOf(table, 'p', 'q', `m-${s}`));
    for (let minute = 30; minute >= 0; minute--) for (const s of ids) table.addEvent(table.rollupOf(s, minute), 0, null, s);
    const t = table.finish();
    expect(t.series).toHaveLength(3_000);
    expect(t.rollupsOfSeries.every((rollups) => rollups.length === 31 && rollups.every((r, i) => t.minute[r] === i))).toBe(true);
    expect(t.bucket[t.ttftHead[t.rollupsOfSeries[2_999]![30]!]!]).toBe(2_999);
  });
});
