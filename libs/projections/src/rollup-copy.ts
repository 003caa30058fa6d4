import { MINUTE_MS } from '@ledger/domain';
import { FoldedLog, newSketchScratch } from './log-fold';

/** The columns `foldedRollupsCopy` writes, in its order. */
export const ROLLUP_COPY_COLUMNS =
  'provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const PG_EPOCH_MS = 946_684_800_000;
const CHUNK = 1 << 20;

/**
 * A folded log's rollups as binary COPY (`COPY … FROM STDIN (FORMAT binary)`), in chunks of
 * about a megabyte, in primary-key order — (platform, provider, minute, model) — so that the key
 * is built from presorted rows. Binary spares Postgres parsing timestamps from text; sketches go
 * in as their stored bytes (big-endian int4 pairs, as `LatencySketch.toBytes` writes them).
 */
export function* foldedRollupsCopy(log: FoldedLog): Generator<Buffer> {
  const order = keyOrder(log);
  const names = log.series.map(seriesNames);
  const latencyScratch = newSketchScratch();
  const ttftScratch = newSketchScratch();
  let chunk = newChunk(CHUNK);
  let at = SIGNATURE.copy(chunk.buf, 0);
  chunk.view.setInt32(at, 0); // flags
  chunk.view.setInt32(at + 4, 0); // header extension length
  at += 8;
  for (let i = 0; i < order.rollups.length; i++) {
    const r = order.rollups[i]!;
    const seriesNames = names[order.series[i]!]!;
    const latency = log.sketchInto(r, 'latency', latencyScratch);
    const ttft = log.sketchInto(r, 'ttft', ttftScratch);
    const size = 2 + seriesNames.length + 12 + 5 * 8 + 4 + 4 * latency + 4 + 4 * ttft + 2;
    if (at + size > chunk.buf.length) {
      yield chunk.buf.subarray(0, at);
      chunk = newChunk(Math.max(CHUNK, size));
      at = 0;
    }
    const view = chunk.view;
    view.setInt16(at, 11);
    chunk.buf.set(seriesNames, at + 2);
    at += 2 + seriesNames.length;
    const micros = (log.minute[r]! * MINUTE_MS - PG_EPOCH_MS) * 1000;
    const high = Math.floor(micros / 4_294_967_296);
    view.setInt32(at, 8);
    view.setInt32(at + 4, high);
    view.setUint32(at + 8, micros - high * 4_294_967_296);
    at += 12;
    for (let outcome = 0; outcome < 5; outcome++) {
      view.setInt32(at, 4);
      view.setInt32(at + 4, log.count(r, outcome));
      at += 8;
    }
    at = writeSketchBytes(view, at, latencyScratch.pairs, latency);
    at = writeSketchBytes(view, at, ttftScratch.pairs, ttft);
  }
  if (at + 2 > chunk.buf.length) {
    yield chunk.buf.subarray(0, at);
    chunk = newChunk(2);
    at = 0;
  }
  chunk.view.setInt16(at, -1);
  yield chunk.buf.subarray(0, at + 2);
}

/**
 * Every rollup (and its series) in primary-key order: the series grouped by platform and
 * provider, and each group's models merged by minute (each series' rollups are in minute order).
 */
function keyOrder(log: FoldedLog): { rollups: Int32Array; series: Int32Array } {
  const bySeriesKey = log.series.map((_, i) => i).sort((a, b) => compareSeries(log.series[a]!, log.series[b]!));
  const total = log.rollupsOfSeries.reduce((sum, list) => sum + list.length, 0);
  const rollups = new Int32Array(total);
  const series = new Int32Array(total);
  let out = 0;
  for (let g = 0; g < bySeriesKey.length; ) {
    const { platform, provider } = log.series[bySeriesKey[g]!]!;
    let end = g + 1;
    while (end < bySeriesKey.length && log.series[bySeriesKey[end]!]!.platform === platform && log.series[bySeriesKey[end]!]!.provider === provider) end++;
    const group = bySeriesKey.slice(g, end); // this platform's models of this provider, by model
    log.mergeByMinute(group.map((s) => log.rollupsOfSeries[s]!), (rollup, k) => {
      rollups[out] = rollup;
      series[out++] = group[k]!;
    });
    g = end;
  }
  return { rollups, series };
}

/** A chunk and a big-endian view of it (DataView writes compile to single stores). */
function newChunk(size: number): { buf: Buffer; view: DataView } {
  const buf = Buffer.allocUnsafe(size);
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength) };
}

/** A sketch's n pair numbers as a bytea field: its length, then each as a big-endian int4. */
function writeSketchBytes(view: DataView, at: number, pairs: Int32Array, n: number): number {
  view.setInt32(at, 4 * n);
  at += 4;
  for (let i = 0; i < n; i++, at += 4) view.setInt32(at, pairs[i]!);
  return at;
}

/** provider, model and platform as three binary COPY text fields. */
function seriesNames(s: { provider: string; model: string; platform: string }): Buffer {
  return Buffer.concat([s.provider, s.model, s.platform].map((name) => {
    const bytes = Buffer.from(name, 'utf8');
    const length = Buffer.alloc(4);
    length.writeInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  }));
}

const compareSeries = (a: { provider: string; model: string; platform: string }, b: { provider: string; model: string; platform: string }) =>
  compareText(a.platform, b.platform) || compareText(a.provider, b.provider) || compareText(a.model, b.model);
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
