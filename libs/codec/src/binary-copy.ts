import { writeSketchPairs } from '@ledger/domain';

/**
 * Postgres' binary COPY format (`COPY … (FORMAT binary)`), both ways: a header (signature, flags
 * word, header-extension length and extension), rows — each its field count (int2) and every
 * field as its length (int4; -1 for NULL) and its bytes, big-endian, as the type's send function
 * writes them — and a trailer (field count -1).
 */
export const BINARY_COPY_SIGNATURE: Readonly<Buffer> = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** The header without extension: signature, flags word, extension length. */
export const BINARY_COPY_HEADER_BYTES = BINARY_COPY_SIGNATURE.length + 8;
/** The field count that ends the rows. */
export const BINARY_COPY_TRAILER = -1;
/** The length word of a NULL field. */
export const BINARY_COPY_NULL = -1;

/** Milliseconds from the Unix epoch to Postgres' (2000-01-01), which binary timestamps count from. */
export const PG_EPOCH_MS = 946_684_800_000;
/** The same in microseconds, the unit of binary timestamps. */
export const PG_EPOCH_US = PG_EPOCH_MS * 1000;

const TWO_32 = 4_294_967_296;
/** Bound here: an imported binding is a property load (a re-export getter) on every use, and the writer calls it per row. */
const writePairs = writeSketchPairs;

/**
 * Where a binary COPY stream's rows start (after its header and extension), or -1 while `buf`
 * does not hold the whole header yet. Throws when `buf` is not a binary COPY stream.
 */
export function binaryCopyRowsStart(buf: Buffer): number {
  const signature = Math.min(buf.length, BINARY_COPY_SIGNATURE.length);
  if (!buf.subarray(0, signature).equals(BINARY_COPY_SIGNATURE.subarray(0, signature))) throw new Error('not a binary COPY stream');
  if (buf.length < BINARY_COPY_HEADER_BYTES) return -1;
  const extension = buf.readUInt32BE(BINARY_COPY_SIGNATURE.length + 4);
  return buf.length < BINARY_COPY_HEADER_BYTES + extension ? -1 : BINARY_COPY_HEADER_BYTES + extension;
}

/** The int8 at byte `at` as a number (exact within ±2⁵³: a timestamp's microseconds are, for 285 years either side of 2000). */
export function readInt8(view: DataView, at: number): number {
  return view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
}

/** Writes an integer within ±2⁵³ as an int8 at byte `at`. */
export function writeInt8(view: DataView, at: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  view.setInt32(at, high);
  view.setUint32(at + 4, value - high * TWO_32);
}

/** A binary timestamp (microseconds since 2000-01-01) as epoch milliseconds. */
export const pgMicrosToEpochMs = (micros: number): number => Math.floor((micros + PG_EPOCH_US) / 1000);
/** Epoch milliseconds as a binary timestamp's microseconds. */
export const epochMsToPgMicros = (ms: number): number => (ms - PG_EPOCH_MS) * 1000;

/** Text fields, each as its length word and UTF-8 bytes, one after the other: a series' names written once, copied into every row. */
export function binaryTextFields(...values: readonly string[]): Buffer {
  return Buffer.concat(values.map((value) => {
    const bytes = Buffer.from(value, 'utf8');
    const length = Buffer.alloc(4);
    length.writeInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  }));
}

/*
 * Writing, a piece at a time: each function writes at byte `at` of `view` (big-endian, through a
 * DataView: its stores compile to single instructions) and returns where it stopped. Callers keep
 * `at` in a local and make sure of the room; hot loops bind these functions to module-local
 * names (an imported binding is a property load, through a re-export getter, on every use).
 */

/** The header, without extension (`BINARY_COPY_HEADER_BYTES`). */
export function writeBinaryCopyHeader(view: DataView, at: number): number {
  for (let i = 0; i < BINARY_COPY_SIGNATURE.length; i++) view.setUint8(at + i, BINARY_COPY_SIGNATURE[i]!);
  view.setInt32(at + BINARY_COPY_SIGNATURE.length, 0); // flags
  view.setInt32(at + BINARY_COPY_SIGNATURE.length + 4, 0); // header extension length
  return at + BINARY_COPY_HEADER_BYTES;
}

/** The start of a row of `fields` fields (2 bytes). */
export function writeRowStart(view: DataView, at: number, fields: number): number {
  view.setInt16(at, fields);
  return at + 2;
}

/** The trailer (2 bytes). */
export function writeBinaryCopyTrailer(view: DataView, at: number): number {
  view.setInt16(at, BINARY_COPY_TRAILER);
  return at + 2;
}

/** A NULL field (4 bytes). */
export function writeNullField(view: DataView, at: number): number {
  view.setInt32(at, BINARY_COPY_NULL);
  return at + 4;
}

/** An int2 field (6 bytes). */
export function writeInt2Field(view: DataView, at: number, value: number): number {
  view.setInt32(at, 2);
  view.setInt16(at + 4, value);
  return at + 6;
}

/** An int4 field (8 bytes). */
export function writeInt4Field(view: DataView, at: number, value: number): number {
  view.setInt32(at, 4);
  view.setInt32(at + 4, value);
  return at + 8;
}

/** A timestamp or timestamptz field at epoch milliseconds (12 bytes). */
export function writeTimestampField(view: DataView, at: number, epochMs: number): number {
  view.setInt32(at, 8);
  writeInt8(view, at + 4, epochMsToPgMicros(epochMs));
  return at + 12;
}

/** A bytea field holding a sketch's stored form: the first `length` numbers of [bucket, count, …] (4 + 4·length bytes). */
export function writeSketchField(view: DataView, at: number, pairs: ArrayLike<number>, length: number): number {
  view.setInt32(at, 4 * length);
  return writePairs(view, at + 4, pairs, length);
}

/** The bytes of a jsonb field holding `json` (JSON text): version 1, then the text (UTF-8). */
export function jsonbFieldBytes(json: string): Buffer {
  const text = Buffer.from(json, 'utf8');
  const field = Buffer.allocUnsafe(4 + 1 + text.length);
  field.writeInt32BE(1 + text.length, 0);
  field[4] = 1;
  text.copy(field, 5);
  return field;
}

/**
 * A binary COPY stream in chunks of about `chunkSize` bytes, for code that is not in a hot loop
 * (tests, small loads): header first, trailer by `end`. Before each row, `reserve` its size:
 * when the chunk has no room left, it returns the chunk's bytes to send and starts the next one.
 */
export class BinaryCopyWriter {
  private buf: Buffer;
  private view: DataView;
  private at: number;

  constructor(private readonly chunkSize = 1 << 20) {
    this.buf = Buffer.allocUnsafe(Math.max(chunkSize, BINARY_COPY_HEADER_BYTES));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.at = writeBinaryCopyHeader(this.view, 0);
  }

  /** Makes room for `bytes` more; returns the full chunk to send when it had to start a new one, else null. */
  reserve(bytes: number): Buffer | null {
    if (this.at + bytes <= this.buf.length) return null;
    const full = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkSize, bytes));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.at = 0;
    return full.length > 0 ? full : null;
  }

  row(fields: number): void {
    this.at = writeRowStart(this.view, this.at, fields);
  }

  null(): void {
    this.at = writeNullField(this.view, this.at);
  }

  int2(value: number): void {
    this.at = writeInt2Field(this.view, this.at, value);
  }

  int4(value: number): void {
    this.at = writeInt4Field(this.view, this.at, value);
  }

  timestamp(epochMs: number): void {
    this.at = writeTimestampField(this.view, this.at, epochMs);
  }

  /** Fields already encoded (`binaryTextFields`). */
  encoded(fields: Uint8Array): void {
    this.buf.set(fields, this.at);
    this.at += fields.length;
  }

  /** A text field (4 bytes and its UTF-8 bytes). */
  text(value: string): void {
    const length = this.buf.write(value, this.at + 4, 'utf8');
    if (Buffer.byteLength(value, 'utf8') !== length) throw new RangeError('no room reserved for the text field');
    this.view.setInt32(this.at, length);
    this.at += 4 + length;
  }

  sketch(pairs: ArrayLike<number>, length: number): void {
    this.at = writeSketchField(this.view, this.at, pairs, length);
  }

  /** The trailer; returns the chunks left to send (the last one, or two when the trailer needed a new one). */
  end(): Buffer[] {
    const full = this.reserve(2);
    this.at = writeBinaryCopyTrailer(this.view, this.at);
    const last = this.buf.subarray(0, this.at);
    return full === null ? [last] : [full, last];
  }
}
