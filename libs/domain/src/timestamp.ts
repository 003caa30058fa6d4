/**
 * RFC 3339 date-time with a mandatory offset (`Z` or `±hh:mm`), as concepts §2 requires.
 * `Date.parse` alone accepts far more (`2026-06-07`, `June 7`), so the shape is checked first
 * and the calendar fields are checked again after parsing (rejecting `2026-02-30`).
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp to epoch milliseconds (sub-millisecond digits are truncated), or null. */
export function parseRfc3339(value: string): number | null {
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  let offsetMinutes = 0;
  if (sign) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 23 || offM > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const millis = frac ? Number(frac.slice(1, 4).padEnd(3, '0')) : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, as Date#toISOString writes it (and most clients send). */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The canonical UTC form of a parsed timestamp: the input itself when it is already in that
 * form (formatting a Date costs more than validating and parsing one), else formatted anew.
 */
export function canonicalIso(input: string, epochMillis: number): string {
  return CANONICAL.test(input) ? input : new Date(epochMillis).toISOString();
}
