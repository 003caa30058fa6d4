import fc from 'fast-check';
import { LatencySketch, OUTCOMES, sketchBucket, sketchedBucket } from '@ledger/domain';
import { BinaryCopyWriter } from '@ledger/codec';
import { LogFolder, OUTCOME_CODES } from './log-fold';
import { SketchBuckets } from './sketch-buckets';

interface Row {
  platform: string;
  provider: string;
  model: string;
  /** Milliseconds since the Unix epoch. */
  at: number;
  outcome: number;
  latency: number | null;
  ttft: number | null;
  /** An error's HTTP status (absent or null: none). */
  status?: number | null;
}

const ERROR = OUTCOME_CODES.indexOf('error');
const PG_EPOCH_MS = 946_684_800_000;

/** The binary COPY stream Postgres sends for the replay query's rows (written with the codec's writer, in one chunk). */
function binaryCopy(rows: readonly Row[]): Buffer {
  const copy = new BinaryCopyWriter(64 + rows.length * 400);
  for (const r of rows) {
    copy.row(8);
    for (const text of [r.platform, r.provider, r.model]) copy.text(text);
    copy.timestamp(r.at);
    copy.int2(r.outcome);
    for (const value of [r.latency, r.ttft]) {
      if (value === null) copy.null();
      else copy.int4(value);
    }
    // An error's status, 0 for none (the replay query's CASE); NULL for the other outcomes.
    if (r.outcome === ERROR) copy.int2(r.status ?? 0);
    else copy.null();
  }
  return Buffer.concat(copy.end());
}

/** What folding must give, computed the plain way. */
function expected(rows: readonly Row[]) {
  const byKey = new Map<string, { counts: number[]; latency: LatencySketch; ttft: LatencySketch; statuses: Record<string, number> | null }>();
  for (const r of rows) {
    const key = `${r.platform}/${r.provider}/${r.model}/${Math.floor(r.at / 60_000)}`;
    let entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, (entry = { counts: [0, 0, 0, 0, 0], latency: new LatencySketch(), ttft: new LatencySketch(), statuses: null }));
    entry.counts[r.outcome]!++;
    if (r.latency !== null) entry.latency.addToBucket(r.latency, 1);
    if (r.ttft !== null) entry.ttft.addToBucket(r.ttft, 1);
    if (r.outcome === ERROR) {
      // Each status, and its class ("5xx") beside it.
      entry.statuses ??= {};
      for (const key of r.status == null ? ['none'] : [String(r.status), `${String(r.status)[0]}xx`]) entry.statuses[key] = (entry.statuses[key] ?? 0) + 1;
    }
  }
  return new Map([...byKey].map(([key, e]) => [key, { counts: e.counts, latency: e.latency.toPairs(), ttft: e.ttft.toPairs(), errorStatuses: e.statuses }]));
}

function folded(stream: Buffer, cuts: readonly number[]) {
  const folder = new LogFolder();
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    folder.push(stream.subarray(at, cut));
    at = cut;
  }
  folder.push(stream.subarray(at));
  const log = folder.finish();
  // One entry per series: a series met again is found again, not made twice.
  expect(new Set(log.series.map((s) => `${s.platform}/${s.provider}/${s.model}`)).size).toBe(log.series.length);
  const result = new Map<string, { counts: number[]; latency: number[]; ttft: number[]; errorStatuses: Record<string, number> | null }>();
  log.series.forEach((s, i) => {
    let previous = -Infinity;
    for (const r of log.rollupsOfSeries[i]!) {
      const minute = log.minute[r]!;
      expect(minute).toBeGreaterThan(previous); // sorted, one rollup per minute
      previous = minute;
      const c = log.countsOf(r);
      result.set(`${s.platform}/${s.provider}/${s.model}/${minute}`, {
        counts: [c.successes, c.errors, c.timeouts, c.rateLimited, c.clientErrors],
        latency: log.sketchPairs(r, 'latency'),
        ttft: log.sketchPairs(r, 'ttft'),
        errorStatuses: log.errorStatuses(r) as Record<string, number> | null,
      });
    }
  });
  return { events: log.events, rollups: result };
}

const rowArb = fc.record({
  platform: fc.constantFrom('notion', 'acme-wiki', 'é-platform'),
  provider: fc.constantFrom('anthropic', 'openai'),
  model: fc.constantFrom('m-1', 'a-much-longer-model-name-to-cross-chunk-boundaries'),
  // Minutes on both sides of the Unix and Postgres epochs, and far ones.
  at: fc.oneof(fc.integer({ min: -5 * 60_000, max: 5 * 60_000 }), fc.integer({ min: PG_EPOCH_MS - 120_000, max: PG_EPOCH_MS + 120_000 }),
    fc.integer({ min: 0, max: 8_000_000_000_000 })),
  outcome: fc.integer({ min: 0, max: OUTCOME_CODES.length - 1 }),
  latency: fc.option(fc.integer({ min: -1, max: 1_100 })),
  ttft: fc.option(fc.integer({ min: -1, max: 1_100 })),
  status: fc.option(fc.constantFrom(500, 502, 503, 529, 404)),
});

describe('LogFolder', () => {
  it('folds a binary COPY stream into one rollup per series and minute, wherever the chunks are cut', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 300 }), fc.array(fc.nat(), { maxLength: 40 }), (rows, rawCuts) => {
        const stream = binaryCopy(rows);
        const result = folded(stream, rawCuts.map((c) => c % (stream.length + 1)));
        expect(result.events).toBe(rows.length);
        expect(result.rollups).toEqual(expected(rows));
      }),
      { numRuns: 300 },
    );
  });

  it('takes the stream one byte at a time, and many rows of one minute', () => {
    const rows: Row[] = Array.from({ length: 500 }, (_, i) => ({
      platform: 'notion', provider: 'anthropic', model: 'm-1', at: Date.UTC(2026, 5, 7, 9, 0, i % 60), outcome: i % 5,
      latency: i % 5 === 0 ? i % 37 : null, ttft: i % 10 === 0 ? 3 : null, status: i % 3 === 0 ? null : 529 + (i % 2),
    }));
    const stream = binaryCopy(rows);
    const result = folded(stream, Array.from({ length: stream.length }, (_, i) => i));
    expect(result.rollups).toEqual(expected(rows));
    expect(result.rollups.size).toBe(1);
    // The 100 errors (i = 1, 6, 11, …) by status: 33 with none (i divisible by 3), the others 529 or 530 as i is even or odd.
    expect([...result.rollups.values()][0]!.errorStatuses).toEqual({ none: 33, '529': 33, '530': 34, '5xx': 67 });
  });

  it('finds a series\' earlier minutes again among many, and minutes older than all of them', () => {
    const minute = (m: number) => Date.UTC(2026, 5, 7) + m * 60_000;
    const row = (m: number, outcome: number): Row => ({ platform: 'notion', provider: 'anthropic', model: 'm-1', at: minute(m), outcome, latency: m % 40, ttft: null });
    const rows: Row[] = [];
    for (let m = 0; m < 3_000; m++) rows.push(row(m, 0));
    // Late events: minutes the series has (in order) and minutes before all of them, twice each.
    for (let m = 0; m < 3_000; m += 7) rows.push(row(m, 1));
    for (let m = -1; m > -300; m -= 3) rows.push(row(m, 2), row(m, 3));
    const result = folded(binaryCopy(rows), []);
    expect(result.rollups).toEqual(expected(rows));
    expect(result.rollups.size).toBe(3_000 + 100);
  });

  it('keeps count of thousands of series and late minutes (its tables grow)', () => {
    const rows: Row[] = [];
    // 1,200 series, each with its minutes arriving newest first: every rollup after a series' first is late.
    for (let m = 3; m >= 0; m--) {
      for (let s = 0; s < 1_200; s++) {
        rows.push({ platform: `p-${s % 7}`, provider: 'anthropic', model: `m-${s}`, at: Date.UTC(2026, 5, 7, 9, m), outcome: s % 5, latency: s % 90, ttft: null });
      }
    }
    const result = folded(binaryCopy(rows), [1_000, 50_000]);
    expect(result.rollups).toEqual(expected(rows));
    expect(result.rollups.size).toBe(4 * 1_200);
  });

  it('merges series by minute, a minute\'s rollups in the lists\' order', () => {
    const at = (m: number) => Date.UTC(2026, 5, 7, 9, m);
    const row = (model: string, m: number): Row => ({ platform: 'notion', provider: 'anthropic', model, at: at(m), outcome: 0, latency: null, ttft: null });
    const folder = new LogFolder();
    folder.push(binaryCopy([row('a', 3), row('b', 1), row('a', 1), row('b', 4), row('a', 0), row('b', 3)]));
    const log = folder.finish();
    const lists = ['b', 'a'].map((model) => log.rollupsOfSeries[log.series.findIndex((s) => s.model === model)]!);
    const visited: string[] = [];
    log.mergeByMinute(lists, (rollup, list, minute) => {
      expect(log.minute[rollup]).toBe(minute);
      visited.push(`${minute - Math.floor(at(0) / 60_000)}${['b', 'a'][list]}`);
    });
    expect(visited).toEqual(['0a', '1b', '1a', '3b', '3a', '4b']);
  });

  it('refuses a stream that ends in the middle of a row', () => {
    const stream = binaryCopy([{ platform: 'p', provider: 'q', model: 'm', at: 0, outcome: 0, latency: 5, ttft: null }]);
    const folder = new LogFolder();
    folder.push(stream.subarray(0, stream.length - 5));
    expect(() => folder.finish()).toThrow('the replay stream ended in the middle');
    // The control: the whole stream folds.
    const whole = new LogFolder();
    whole.push(stream);
    expect(whole.finish().events).toBe(1);
  });

  it('refuses what is not the replay stream: another format, rows of other fields, unknown outcome codes', () => {
    expect(() => new LogFolder().push(Buffer.from('platform\tprovider\n'))).toThrow('not a binary COPY stream');
    const other = new BinaryCopyWriter();
    other.row(2);
    other.int4(1);
    other.int4(2);
    expect(() => new LogFolder().push(Buffer.concat(other.end()))).toThrow('replay row with 2 fields, expected 8');
    const row: Row = { platform: 'p', provider: 'q', model: 'm', at: 0, outcome: OUTCOME_CODES.length, latency: null, ttft: null };
    expect(() => new LogFolder().push(binaryCopy([row]))).toThrow(`unknown outcome code ${OUTCOME_CODES.length}`);
  });
});

describe('LogFolder with raw latencies (bucketed in Node)', () => {
  const buckets = SketchBuckets.fromAnswers(new Map(SketchBuckets.candidates().map((v) => [v, sketchBucket(v)])))!;

  it('buckets only the latencies that count, as the domain does (sketchedBucket)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ outcome: fc.nat(OUTCOME_CODES.length - 1), latency: fc.option(fc.nat(2_147_483_647)), ttft: fc.option(fc.nat(70_000)) }), { maxLength: 200 }), (raw) => {
        const rows: Row[] = raw.map((r) => ({ platform: 'p', provider: 'q', model: 'm', at: Date.UTC(2026, 5, 7, 9), ...r }));
        const folder = new LogFolder(buckets);
        folder.push(binaryCopy(rows));
        const log = folder.finish();
        const latency = new LatencySketch();
        const ttft = new LatencySketch();
        for (const r of rows) {
          const l = sketchedBucket(OUTCOMES[r.outcome]!, r.latency);
          const t = sketchedBucket(OUTCOMES[r.outcome]!, r.ttft);
          if (l !== null) latency.addToBucket(l, 1);
          if (t !== null) ttft.addToBucket(t, 1);
        }
        const rollup = log.rollupsOfSeries[0]?.[0];
        expect(rollup === undefined ? [] : log.sketchPairs(rollup, 'latency')).toEqual(latency.toPairs());
        expect(rollup === undefined ? [] : log.sketchPairs(rollup, 'ttft')).toEqual(ttft.toPairs());
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a negative latency', () => {
    const folder = new LogFolder(buckets);
    expect(() => folder.push(binaryCopy([{ platform: 'p', provider: 'q', model: 'm', at: 0, outcome: 0, latency: -3, ttft: null }]))).toThrow('a negative latency (-3 ms)');
  });

  it('tells failing rollups (errors or timeouts; rate-limited and client errors are not failures)', () => {
    const rows: Row[] = [0, 1, 2, 3, 4].map((outcome) => ({ platform: 'p', provider: 'q', model: `m-${outcome}`, at: 0, outcome, latency: null, ttft: null }));
    const folder = new LogFolder();
    folder.push(binaryCopy(rows));
    const log = folder.finish();
    expect(log.series.map((s, i) => [s.model, log.failing(log.rollupsOfSeries[i]![0]!)])).toEqual([
      ['m-0', false], ['m-1', true], ['m-2', true], ['m-3', false], ['m-4', false],
    ]);
  });
});

