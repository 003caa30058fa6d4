import { MINUTE_MS } from '@ledger/domain';
import { FoldedLog, newSketchScratch } from './log-fold';

/** The columns `foldedRollupsCopy` writes, in its order. */
export const ROLLUP_COPY_COLUMNS =
  'provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const PG_EPOCH_MS = 946_684_800_000;
const INT4_OID = 23;
const CHUNK = 1 << 20;

/**
 * A folded log's rollups as binary COPY (`COPY … FROM STDIN (FORMAT binary)`), in chunks of
 * about a megabyte, series by series in primary-key order. Binary spares Postgres parsing
 * timestamps and arrays from text, its largest cost when loading rollups; sketches go in as
 * one-dimensional int4 arrays ([bucket, count, …]), an empty one as '{}'.
 */
export function* foldedRollupsCopy(log: FoldedLog): Generator<Buffer> {
  const order = log.series.map((_, i) => i).sort((a, b) => compareSeries(log.series[a]!, log.series[b]!));
  const scratch = newSketchScratch();
  let buf = Buffer.allocUnsafe(CHUNK);
  let at = SIGNATURE.copy(buf, 0);
  at = int32(buf, 0, at); // flags
  at = int32(buf, 0, at); // header extension length
  for (const index of order) {
    const names = seriesNames(log.series[index]!);
    for (const r of log.rollupsOfSeries[index]!) {
      const latency = log.sketchInto(r, 'latency', scratch);
      const latencyPairs = scratch.pairs.slice(0, latency);
      const ttft = log.sketchInto(r, 'ttft', scratch);
      const size = 2 + names.length + 12 + 5 * 8 + arraySize(latency) + arraySize(ttft) + 2;
      if (at + size > buf.length) {
        yield buf.subarray(0, at);
        buf = Buffer.allocUnsafe(Math.max(CHUNK, size));
        at = 0;
      }
      at = int16(buf, 11, at);
      at += names.copy(buf, at);
      const micros = (log.minute[r]! * MINUTE_MS - PG_EPOCH_MS) * 1000;
      const high = Math.floor(micros / 4_294_967_296);
      at = int32(buf, 8, at);
      at = int32(buf, high, at);
      at = int32(buf, micros - high * 4_294_967_296, at);
      const counts = log.countsOf(r);
      for (const count of [counts.successes, counts.errors, counts.timeouts, counts.rateLimited, counts.clientErrors]) {
        at = int32(buf, 4, at);
        at = int32(buf, count, at);
      }
      at = writeIntArray(buf, at, latencyPairs, latency);
      at = writeIntArray(buf, at, scratch.pairs, ttft);
    }
  }
  if (at + 2 > buf.length) {
    yield buf.subarray(0, at);
    buf = Buffer.allocUnsafe(2);
    at = 0;
  }
  at = int16(buf, -1, at);
  yield buf.subarray(0, at);
}

/** Bytes of an int4 array field of n elements, its length word included. */
const arraySize = (n: number) => 4 + 12 + (n === 0 ? 0 : 8 + 8 * n);

/** An int4[] in Postgres' binary array format: dimensions, no nulls, element type, then each element. */
function writeIntArray(buf: Buffer, at: number, values: Int32Array, n: number): number {
  at = int32(buf, arraySize(n) - 4, at);
  at = int32(buf, n === 0 ? 0 : 1, at);
  at = int32(buf, 0, at);
  at = int32(buf, INT4_OID, at);
  if (n === 0) return at;
  at = int32(buf, n, at);
  at = int32(buf, 1, at);
  for (let i = 0; i < n; i++) {
    at = int32(buf, 4, at);
    at = int32(buf, values[i]!, at);
  }
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
  compareText(a.provider, b.provider) || compareText(a.model, b.model) || compareText(a.platform, b.platform);
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Big-endian writes without Buffer's bounds and range checks (the chunk is sized for the row beforehand).
function int32(buf: Buffer, value: number, at: number): number {
  buf[at] = value >>> 24;
  buf[at + 1] = value >>> 16;
  buf[at + 2] = value >>> 8;
  buf[at + 3] = value;
  return at + 4;
}

function int16(buf: Buffer, value: number, at: number): number {
  buf[at] = value >>> 8;
  buf[at + 1] = value;
  return at + 2;
}
