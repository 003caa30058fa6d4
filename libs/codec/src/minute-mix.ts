/**
 * The stored form of a minute mix (vendor_summaries.minute_mix): how many minutes had each
 * (failures, eligible), as triples (failures, eligible, minutes) of big-endian int4s, by
 * failures and then eligible — one form, so that equal mixes are equal bytes; only minutes with
 * eligible requests. Twelve bytes a triple.
 */
export const MINUTE_MIX_TRIPLE_BYTES = 12;

/**
 * [failures, eligible, minutes, …] in the stored form. Refuses (RangeError) what the form cannot
 * hold: numbers beyond int4 or negative (DataView would wrap them), triples out of order.
 */
export function encodeMinuteMix(triples: ArrayLike<number>): Uint8Array {
  if (triples.length % 3 !== 0) throw new RangeError(`minute mix triples need a multiple of 3 numbers, got ${triples.length}`);
  const bytes = new Uint8Array(triples.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < triples.length; i++) {
    const value = triples[i]!;
    if ((value | 0) !== value || value < 0) throw new RangeError(`minute mix number ${value} is not a non-negative int4`);
    view.setInt32(i * 4, value);
  }
  for (let i = 3; i < triples.length; i += 3) {
    const [f0, e0, f1, e1] = [triples[i - 3]!, triples[i - 2]!, triples[i]!, triples[i + 1]!];
    if (!(f1 > f0 || (f1 === f0 && e1 > e0))) throw new RangeError(`minute mix (${f1}, ${e1}) does not come after (${f0}, ${e0})`);
  }
  return bytes;
}

/** Visits the triples of a minute mix's stored form. Refuses bytes that are not whole triples. */
export function forEachMinuteMix(bytes: Uint8Array, visit: (failures: number, eligible: number, minutes: number) => void): void {
  if (bytes.byteLength % MINUTE_MIX_TRIPLE_BYTES !== 0) throw new RangeError(`a stored minute mix of ${bytes.byteLength} bytes is not whole triples`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.byteLength; at += MINUTE_MIX_TRIPLE_BYTES) visit(view.getInt32(at), view.getInt32(at + 4), view.getInt32(at + 8));
}
