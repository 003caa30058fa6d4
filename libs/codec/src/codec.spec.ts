import fc from 'fast-check';
import { sql } from 'kysely';
import { LatencySketch, MAX_SKETCH_BUCKET, ZERO_BUCKET } from '@ledger/domain';
import {
  BINARY_COPY_HEADER_BYTES, BinaryCopyWriter, binaryCopyRowsStart, binaryTextFields, contractTallySql, decodeSketchPairs, eligibleSql, encodeMinuteMix,
  encodeSketchPairs, epochMsToPgMicros, escapeCopy, failuresSql, forEachMinuteMix, latencyBucketSql, PG_EPOCH_MS, pgMicrosToEpochMs,
  readInt8, sketchedBucketSql, sqlText, writeInt8, writeSketchPairs,
} from './index';

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const INT4_MAX = 2_147_483_647;

/** Sorted, distinct buckets with counts ≥ 1: [bucket, count, …]. */
const sketchPairs = fc
  .uniqueArray(fc.integer({ min: ZERO_BUCKET, max: MAX_SKETCH_BUCKET }), { maxLength: 60 })
  .chain((buckets) => fc.tuple(fc.constant(buckets.sort((a, b) => a - b)), fc.array(fc.integer({ min: 1, max: INT4_MAX }), { minLength: buckets.length, maxLength: buckets.length })))
  .map(([buckets, counts]) => buckets.flatMap((b, i) => [b, counts[i]!]));

describe('sketch pairs (the stored form of a latency sketch)', () => {
  it('is fixed: big-endian int4 (bucket, count) pairs by bucket, eight bytes a pair', () => {
    const pairs = [ZERO_BUCKET, 1, 231, 2, MAX_SKETCH_BUCKET, INT4_MAX];
    expect(hex(encodeSketchPairs(pairs))).toBe('ffffffff00000001' + '000000e700000002' + '000004337fffffff');
    expect(MAX_SKETCH_BUCKET).toBe(1_075);
    expect(decodeSketchPairs(Buffer.from('ffffffff00000001000000e700000002', 'hex'))).toEqual([-1, 1, 231, 2]);
    // What LatencySketch stores is this form.
    expect(hex(new LatencySketch().add(100).add(0).add(100).toBytes())).toBe('ffffffff00000001000000e700000002');
  });

  it('round-trips any sketch, and LatencySketch reads it back', () => {
    fc.assert(
      fc.property(sketchPairs, (pairs) => {
        const bytes = encodeSketchPairs(pairs);
        expect(bytes.byteLength).toBe(pairs.length * 4);
        expect(decodeSketchPairs(bytes)).toEqual(pairs);
        expect(LatencySketch.fromBytes(bytes).toPairs()).toEqual(pairs);
        expect(LatencySketch.fromPairs(pairs).toBytes()).toEqual(bytes);
      }),
    );
  });

  it('writes a prefix of the pairs at an offset, reads a view into a larger buffer', () => {
    const buf = Buffer.alloc(4 + 16 + 4, 0xee);
    const end = writeSketchPairs(new DataView(buf.buffer, buf.byteOffset, buf.length), 4, Int32Array.of(3, 1, 9, 4, 77, 77), 4);
    expect(end).toBe(20);
    expect(buf.toString('hex')).toBe('eeeeeeee' + '0000000300000001' + '0000000900000004' + 'eeeeeeee');
    expect(decodeSketchPairs(buf.subarray(4, 20))).toEqual([3, 1, 9, 4]);
    expect(hex(encodeSketchPairs([]))).toBe('');
    expect(decodeSketchPairs(new Uint8Array(0))).toEqual([]);
  });

  it('refuses what the form cannot hold rather than wrap it silently', () => {
    expect(() => encodeSketchPairs([1, 2, 3])).toThrow('even count');
    expect(() => encodeSketchPairs([5, 1, 5, 1])).toThrow('not an int4 above the one before it');
    expect(() => encodeSketchPairs([5, 1, 4, 1])).toThrow('not an int4 above the one before it');
    expect(() => encodeSketchPairs([5, 0])).toThrow('not an int4 of at least 1');
    expect(() => encodeSketchPairs([5, INT4_MAX + 1])).toThrow('not an int4 of at least 1');
    expect(() => encodeSketchPairs([5, 1.5])).toThrow('not an int4 of at least 1');
    expect(() => encodeSketchPairs([2 ** 31, 1])).toThrow('not an int4');
    expect(() => decodeSketchPairs(new Uint8Array(7))).toThrow('7 bytes is not whole (bucket, count) pairs');
    // The controls: the largest values it holds.
    expect(decodeSketchPairs(encodeSketchPairs([-(2 ** 31), INT4_MAX, INT4_MAX, 1]))).toEqual([-(2 ** 31), INT4_MAX, INT4_MAX, 1]);
  });
});

describe('minute mix (the stored form of vendor_summaries.minute_mix)', () => {
  it('is fixed: big-endian int4 (failures, eligible, minutes) triples, by failures then eligible', () => {
    expect(hex(encodeMinuteMix([0, 5, INT4_MAX, 1, 20, 3]))).toBe('00000000000000057fffffff' + '000000010000001400000003');
  });

  it('round-trips, and refuses what it cannot hold', () => {
    const mixes = fc
      .uniqueArray(fc.tuple(fc.nat(INT4_MAX), fc.nat(INT4_MAX)), { selector: ([f, e]) => `${f}/${e}`, maxLength: 40 })
      .chain((pairs) => fc.tuple(fc.constant(pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1])), fc.array(fc.nat(INT4_MAX), { minLength: pairs.length, maxLength: pairs.length })))
      .map(([pairs, minutes]) => pairs.flatMap(([f, e], i) => [f, e, minutes[i]!]));
    fc.assert(
      fc.property(mixes, (triples) => {
        const back: number[] = [];
        forEachMinuteMix(encodeMinuteMix(triples), (f, e, n) => back.push(f, e, n));
        expect(back).toEqual(triples);
      }),
    );
    expect(() => encodeMinuteMix([1, 2])).toThrow('multiple of 3');
    expect(() => encodeMinuteMix([1, 2, INT4_MAX + 1])).toThrow('not a non-negative int4');
    expect(() => encodeMinuteMix([-1, 2, 3])).toThrow('not a non-negative int4');
    expect(() => encodeMinuteMix([1, 20, 3, 0, 5, 1])).toThrow('(0, 5) does not come after (1, 20)');
    expect(() => encodeMinuteMix([1, 20, 3, 1, 20, 1])).toThrow('does not come after');
    expect(() => forEachMinuteMix(new Uint8Array(13), () => undefined)).toThrow('not whole triples');
  });
});

describe('binary COPY', () => {
  it('is fixed: header, rows of length-prefixed big-endian fields, trailer', () => {
    const copy = new BinaryCopyWriter();
    copy.row(6);
    copy.int2(3);
    copy.int4(-2);
    copy.null();
    copy.timestamp(PG_EPOCH_MS + 60_000);
    copy.encoded(binaryTextFields('é'));
    copy.sketch([ZERO_BUCKET, 2], 2);
    expect(copy.end().map((chunk) => chunk.toString('hex'))).toEqual([
      '5047434f50590aff0d0a00' + '00000000' + '00000000' + // signature, flags, header extension length
        '0006' + '000000020003' + '00000004fffffffe' + 'ffffffff' + '000000080000000003938700' + '00000002c3a9' +
        '00000008ffffffff00000002' +
        'ffff', // trailer
    ]);
  });

  it('gives the same bytes whatever the chunk size, a row never cut', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.integer(), fc.integer({ min: -1e12, max: 1e13 })), { maxLength: 30 }), fc.integer({ min: 1, max: 200 }), (rows, chunkSize) => {
        const write = (size: number) => {
          const copy = new BinaryCopyWriter(size);
          const chunks: Buffer[] = [];
          for (const [text, n, at] of rows) {
            const full = copy.reserve(2 + 4 + Buffer.byteLength(text) + 8 + 12);
            if (full !== null) chunks.push(Buffer.from(full));
            copy.row(3);
            copy.text(text);
            copy.int4(n);
            copy.timestamp(at);
          }
          return [...chunks, ...copy.end().map((c) => Buffer.from(c))];
        };
        const whole = Buffer.concat(write(1 << 16));
        const chunks = write(chunkSize);
        expect(Buffer.concat(chunks)).toEqual(whole);
        // Each chunk after the first starts with a row (or the trailer).
        for (const chunk of chunks.slice(1)) expect([3, -1]).toContain(chunk.readInt16BE(0));
        expect(binaryCopyRowsStart(whole)).toBe(BINARY_COPY_HEADER_BYTES);
      }),
      { numRuns: 200 },
    );
  });

  it('finds where the rows start once the header is all there, and refuses other streams', () => {
    const header = Buffer.concat(new BinaryCopyWriter().end()).subarray(0, BINARY_COPY_HEADER_BYTES);
    for (let n = 0; n < header.length; n++) expect(binaryCopyRowsStart(header.subarray(0, n))).toBe(-1);
    expect(binaryCopyRowsStart(header)).toBe(BINARY_COPY_HEADER_BYTES);
    const withExtension = Buffer.from(header);
    withExtension.writeUInt32BE(3, 15);
    expect(binaryCopyRowsStart(Buffer.concat([withExtension, Buffer.from([1, 2])]))).toBe(-1);
    expect(binaryCopyRowsStart(Buffer.concat([withExtension, Buffer.from([1, 2, 3])]))).toBe(BINARY_COPY_HEADER_BYTES + 3);
    expect(() => binaryCopyRowsStart(Buffer.from('PGCOPY\n\xfe', 'latin1'))).toThrow('not a binary COPY stream');
    expect(() => binaryCopyRowsStart(Buffer.from('id\tname\n'))).toThrow('not a binary COPY stream');
  });

  it('writes int8s and timestamps exactly, either side of both epochs', () => {
    const view = new DataView(new ArrayBuffer(8));
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        writeInt8(view, 0, value);
        expect(view.getBigInt64(0)).toBe(BigInt(value));
        expect(readInt8(view, 0)).toBe(value);
      }),
    );
    for (const ms of [0, -1, PG_EPOCH_MS, PG_EPOCH_MS - 1, Date.UTC(2100, 0, 1), Date.UTC(1900, 0, 1, 0, 0, 0, 1)]) {
      expect(pgMicrosToEpochMs(epochMsToPgMicros(ms))).toBe(ms);
    }
    expect(epochMsToPgMicros(PG_EPOCH_MS)).toBe(0);
    expect(pgMicrosToEpochMs(-1)).toBe(PG_EPOCH_MS - 1); // a microsecond before 2000 lies in the millisecond before it
  });
});

describe('COPY text', () => {
  /** COPY text's reading of what escapeCopy writes (Postgres' own is checked in test/outcome-rules.e2e-spec.ts). */
  const unescape = (field: string) => field.replace(/\\(.)/gs, (_, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c);

  it('escapes the characters COPY text gives meaning to, and only those', () => {
    expect(escapeCopy('plain id')).toBe('plain id');
    expect(escapeCopy('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(escapeCopy('\\N')).toBe('\\\\N'); // a value that reads like NULL is not NULL
    expect(escapeCopy('')).toBe('');
  });

  it('round-trips any string, leaving no tab or line break in the field', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'é', '\\', '\t', '\n', '\r', 'N', ' ') }), (value) => {
        const field = escapeCopy(value);
        expect(field).not.toMatch(/[\t\n\r]/);
        expect(unescape(field)).toBe(value);
      }),
    );
  });
});

describe('outcome rules as SQL text', () => {
  it('compiles to fixed text, without parameters (COPY takes none)', () => {
    expect(sqlText(failuresSql(null))).toBe('("errors"::int8 + "timeouts")');
    const contract = contractTallySql('r', { countRateLimited: sql<number>`c.rl`, countTimeouts: true, errorStatuses: null });
    expect(sqlText(contract.failures)).toBe('("r"."errors"::int8 + "r"."timeouts"::int8 + c.rl * "r"."rate_limited"::int8)');
    expect(sqlText(contract.eligible)).toBe('("r"."successes"::int8 + "r"."errors" + "r"."timeouts"::int8 + c.rl * "r"."rate_limited"::int8)');
    expect(sqlText(eligibleSql('m'))).toBe('("m"."successes"::int8 + ("m"."errors"::int8 + "m"."timeouts"))');
    expect(sqlText(latencyBucketSql(sql.ref('latency_ms')))).toMatch(/^CASE WHEN "latency_ms" <= 0 THEN -1\s+ELSE ceil\(ln\("latency_ms"::float8\) \/ 0\.0200006667\d+::float8\)::int4 END$/);
    expect(sqlText(sketchedBucketSql(sql.ref('outcome'), sql.ref('ttft_ms')))).toMatch(/^CASE WHEN \("outcome" IN \('success'\)\) AND "ttft_ms" IS NOT NULL THEN CASE WHEN "ttft_ms" <= 0/);
  });

  it('refuses a fragment with parameters as text', () => {
    expect(() => sqlText(contractTallySql('r', { countRateLimited: sql<number>`${1}::int`, countTimeouts: false, errorStatuses: null }).failures)).toThrow('the SQL has 1 parameter(s)');
  });
});
