/**
 * Where the events of a JSON ingest body lie, found in its bytes without parsing it whole.
 *
 * Parsing a 1 MB body whole means one 1 MB string (a large V8 object, slow to allocate and to
 * collect) and all its 5,000 parsed entries alive at once (so every young-generation collection
 * during the batch copies them). Found in the bytes, each entry can be decoded and parsed on its
 * own, validated, and let go. This is only a quicker way to the same answer: it recognises one
 * shape, the one platforms send, and anything else is for the whole-body parse to read.
 */

const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const EVENTS_KEY = Buffer.from('"events"', 'ascii');

/**
 * The start and end offsets (pairs, end exclusive) of every entry of a body shaped exactly
 * `{"events": [{…}, {…}, …]}`, with JSON's whitespace anywhere between; null for any other shape
 * (another key, an entry that is not an object, an unterminated string, trailing bytes …).
 *
 * Each entry is delimited by matching its braces outside strings, and is not checked here: the
 * caller parses each on its own, and must take the whole-body path when one does not parse.
 * When every entry parses, the body is valid JSON (the frame around them is checked here to
 * the byte) and the entries are exactly those the whole body would give.
 */
export function eventArraySlices(bytes: Uint8Array): Int32Array | null {
  let at = skipWhitespace(bytes, 0);
  if (bytes[at] !== OPEN_BRACE) return null;
  at = skipWhitespace(bytes, at + 1);
  if (!EVENTS_KEY.every((byte, i) => bytes[at + i] === byte)) return null;
  at = skipWhitespace(bytes, at + EVENTS_KEY.length);
  if (bytes[at] !== COLON) return null;
  at = skipWhitespace(bytes, at + 1);
  if (bytes[at] !== OPEN_BRACKET) return null;
  at = skipWhitespace(bytes, at + 1);
  const offsets: number[] = [];
  if (bytes[at] === CLOSE_BRACKET) {
    at += 1;
  } else {
    for (;;) {
      if (bytes[at] !== OPEN_BRACE) return null;
      const end = closingOffset(bytes, at);
      if (end < 0) return null;
      offsets.push(at, end);
      at = skipWhitespace(bytes, end);
      if (bytes[at] === CLOSE_BRACKET) break;
      if (bytes[at] !== COMMA) return null;
      at = skipWhitespace(bytes, at + 1);
    }
    at += 1;
  }
  at = skipWhitespace(bytes, at);
  if (bytes[at] !== CLOSE_BRACE) return null;
  return skipWhitespace(bytes, at + 1) === bytes.length ? Int32Array.from(offsets) : null;
}

function skipWhitespace(bytes: Uint8Array, from: number): number {
  let at = from;
  for (;;) {
    const byte = bytes[at];
    if (byte !== SPACE && byte !== LINE_FEED && byte !== CARRIAGE_RETURN && byte !== TAB) return at;
    at += 1;
  }
}

/** The offset just past the brace that closes the one at `start` (braces and brackets counted alike, strings skipped); -1 when the bytes end first. */
function closingOffset(bytes: Uint8Array, start: number): number {
  let depth = 0;
  for (let at = start; at < bytes.length; at++) {
    const byte = bytes[at];
    if (byte === QUOTE) {
      for (at += 1; at < bytes.length && bytes[at] !== QUOTE; at++) if (bytes[at] === BACKSLASH) at += 1;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) return at + 1;
    }
  }
  return -1;
}
