import { MINUTE_MS } from '@ledger/domain';
import {
  BINARY_COPY_HEADER_BYTES, binaryTextFields, jsonbFieldBytes, writeBinaryCopyHeader, writeBinaryCopyTrailer, writeInt4Field, writeNullField,
  writeRowStart, writeSketchField, writeTimestampField,
} from '@ledger/codec';
import { FoldedLog, newSketchScratch } from './log-fold';

// The codec's field writers, bound here: an imported binding is a property load (a re-export
// getter) on every use, and these run for every rollup of a rebuild.
const rowStart = writeRowStart;
const int4Field = writeInt4Field;
const timestampField = writeTimestampField;
const sketchField = writeSketchField;
const nullField = writeNullField;

/** The columns `foldedRollupsCopy` writes, in its order. */
export const ROLLUP_COPY_COLUMNS =
  'provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch, error_statuses';
const FIELDS = 12;
const CHUNK = 1 << 20;

/**
 * A folded log's rollups (those `only` admits, when given) as binary COPY (`COPY … FROM STDIN
 * (FORMAT binary)`), in chunks of about a megabyte, in primary-key order — (platform, provider,
 * minute, model) — so that the key is built from presorted rows. Binary spares Postgres parsing timestamps from text; sketches go
 * in as their stored bytes (@ledger/codec), errors by status as jsonb.
 */
export function* foldedRollupsCopy(log: FoldedLog, only?: (rollup: number) => boolean): Generator<Buffer> {
  const order = keyOrder(log);
  const names = log.series.map((s) => binaryTextFields(s.provider, s.model, s.platform));
  const latencyScratch = newSketchScratch();
  const ttftScratch = newSketchScratch();
  let chunk = newChunk(CHUNK);
  let at = writeBinaryCopyHeader(chunk.view, 0);
  for (let i = 0; i < order.rollups.length; i++) {
    const r = order.rollups[i]!;
    if (only !== undefined && !only(r)) continue;
    const seriesNames = names[order.series[i]!]!;
    const latency = log.sketchInto(r, 'latency', latencyScratch);
    const ttft = log.sketchInto(r, 'ttft', ttftScratch);
    // Errors by status: on the few rollups with errors, as jsonb (queries match them against a contract's statuses).
    const statuses = log.errorStatuses(r);
    const statusField = statuses === null ? null : jsonbFieldBytes(JSON.stringify(statuses));
    const size = 2 + seriesNames.length + 12 + 5 * 8 + 4 + 4 * latency + 4 + 4 * ttft + (statusField?.length ?? 4);
    if (at + size > chunk.buf.length) {
      yield chunk.buf.subarray(0, at);
      chunk = newChunk(Math.max(CHUNK, size));
      at = 0;
    }
    const view = chunk.view;
    at = rowStart(view, at, FIELDS);
    chunk.buf.set(seriesNames, at);
    at += seriesNames.length;
    at = timestampField(view, at, log.minute[r]! * MINUTE_MS);
    for (let outcome = 0; outcome < 5; outcome++) at = int4Field(view, at, log.count(r, outcome));
    at = sketchField(view, at, latencyScratch.pairs, latency);
    at = sketchField(view, at, ttftScratch.pairs, ttft);
    if (statusField === null) at = nullField(view, at);
    else {
      chunk.buf.set(statusField, at);
      at += statusField.length;
    }
  }
  if (at + 2 > chunk.buf.length) {
    yield chunk.buf.subarray(0, at);
    chunk = newChunk(2);
    at = 0;
  }
  yield chunk.buf.subarray(0, writeBinaryCopyTrailer(chunk.view, at));
}

/** A chunk (room for the header at least) and a big-endian view of it. */
function newChunk(size: number): { buf: Buffer; view: DataView } {
  const buf = Buffer.allocUnsafe(Math.max(size, BINARY_COPY_HEADER_BYTES));
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength) };
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

const compareSeries = (a: { provider: string; model: string; platform: string }, b: { provider: string; model: string; platform: string }) =>
  compareText(a.platform, b.platform) || compareText(a.provider, b.provider) || compareText(a.model, b.model);
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
