/** Minutes are identified by their index since the Unix epoch (UTC): minute m is [m·60 s, (m+1)·60 s). */
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

export function minuteOf(epochMillis: number): number {
  return Math.floor(epochMillis / MINUTE_MS);
}
