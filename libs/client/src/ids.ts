interface RandomSource {
  randomUUID?: () => string;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

function randomSource(): RandomSource | undefined {
  return (globalThis as { crypto?: RandomSource }).crypto;
}

/** Whether this runtime can make event ids (Node ≥ 20, Deno, Bun and browsers all can). */
export function canMakeEventIds(): boolean {
  return typeof randomSource()?.getRandomValues === 'function';
}

/** A random UUID (v4) for an event that came without an id. */
export function newEventId(): string {
  const source = randomSource()!;
  if (typeof source.randomUUID === 'function') return source.randomUUID();
  // Browsers offer randomUUID only in secure contexts; getRandomValues everywhere.
  const bytes = source.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
