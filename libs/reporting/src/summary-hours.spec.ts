import { encodeSketchPairs, forEachMinuteMix } from '@ledger/codec';
import { summarizeHours } from './summary-hours';
import type { RollupRow } from './vendor-summary.repository';

const HOUR = 60; // minutes
const M = 29_000_000 - (29_000_000 % HOUR); // a minute index at the start of an hour
const sketch = (...pairs: number[]) => Buffer.from(encodeSketchPairs(pairs));

function rollup(platform: string, model: string, minute: number, counts: Partial<Record<'successes' | 'errors' | 'timeouts' | 'rate_limited' | 'client_errors', number>>, latency = sketch()): RollupRow {
  return {
    platform, provider: 'vendor', model, minute,
    successes: 0, errors: 0, timeouts: 0, rate_limited: 0, client_errors: 0, ...counts,
    latency_sketch: latency, ttft_sketch: sketch(),
  };
}

const mixOf = (bytes: Buffer) => {
  const triples: number[][] = [];
  forEachMinuteMix(bytes, (failures, eligible, minutes) => triples.push([failures, eligible, minutes]));
  return triples;
};

describe('summarizeHours', () => {
  const hours = summarizeHours([
    rollup('x', 'a', M, { successes: 10, errors: 1 }, sketch(100, 4, 120, 6)),
    rollup('x', 'b', M, { successes: 5, timeouts: 2 }, sketch(120, 1)),
    rollup('y', 'a', M + 1, { successes: 3, rate_limited: 1, client_errors: 2 }),
    rollup('x', 'a', M + HOUR, { errors: 4 }),
  ]);
  const row = (start: number, platform: string, model: string) => {
    const found = hours.find((h) => h.start === start * 60_000)?.rows.find((r) => r.platform === platform && r.model === model);
    if (found === undefined) throw new Error(`no row ${platform}/${model} at ${start}`);
    return found;
  };

  it('gives each hour the rows of every series its rollups touch: model and provider, on each platform and over all', () => {
    expect(hours.map((h) => h.start)).toEqual([M * 60_000, (M + HOUR) * 60_000]);
    expect(hours[0]!.rows.map((r) => `${r.platform}/${r.model}`).sort()).toEqual(['/', '/a', '/b', 'x/', 'x/a', 'x/b', 'y/', 'y/a']);
    expect(hours[1]!.rows.map((r) => `${r.platform}/${r.model}`).sort()).toEqual(['/', '/a', 'x/', 'x/a']);
  });

  it('sums counts and merges latency sketches per series', () => {
    expect(row(M, '', '')).toMatchObject({ successes: 18, errors: 1, timeouts: 2, rate_limited: 1, client_errors: 2 });
    expect(row(M, '', 'a')).toMatchObject({ successes: 13, errors: 1, timeouts: 0, rate_limited: 1, client_errors: 2 });
    expect(row(M, 'x', '').latency_sketch).toEqual(sketch(100, 4, 120, 7));
    expect(row(M, 'y', 'a').latency_sketch).toEqual(sketch());
  });

  it("judges a series' minute on its rollups of that minute together (throttling and client errors never eligible)", () => {
    // x over both models at M: failures 1 + 2, eligible 11 + 7 — one minute, not two.
    expect(mixOf(row(M, 'x', '').minute_mix)).toEqual([[3, 18, 1]]);
    // Model a over all platforms: M on x (1 of 11) and M+1 on y (0 of 3), by failures then eligible.
    expect(mixOf(row(M, '', 'a').minute_mix)).toEqual([[0, 3, 1], [1, 11, 1]]);
    expect(mixOf(row(M, '', '').minute_mix)).toEqual([[0, 3, 1], [3, 18, 1]]);
    expect(mixOf(row(M + HOUR, 'x', 'a').minute_mix)).toEqual([[4, 4, 1]]);
  });
});
