/**
 * RFC 3339 date-time with a mandatory offset (`Z` or `±hh:mm`), as concepts §2 requires.
 * `Date.parse` alone accepts far more (`2026-06-07`, `June 7`), so the shape is checked first
 * and the calendar fields are checked again after parsing (rejecting `2026-02-30`).
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp to epoch milliseconds (sub-millisecond digits are truncated), or null. */
export function parseRfc3339(value: string): number | null {
  const canonical = parseCanonical(value);
  if (canonical !== null) return canonical;
  const m = RFC3339.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  let offsetMinutes = 0;
  if (sign) {
    const offH = Number(oh);
    const offM = Number(om);
    if (offH > 23 || offM > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const millis = frac ? Number(frac.slice(1, 4).padEnd(3, '0')) : 0;
  const local = calendarMillis(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), millis);
  return local === null ? null : local - offsetMinutes * 60_000;
}

/**
 * The instant of a timestamp in the canonical form (see `canonicalIso`), read character by
 * character; null when it is not in that form or names no real date. Nearly every client sends
 * this form, and ingest reads one per event: this is several times quicker than the general parse.
 */
export function parseCanonical(value: string): number | null {
  if (
    value.length !== 24 || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH || value.charCodeAt(10) !== UPPER_T ||
    value.charCodeAt(13) !== COLON || value.charCodeAt(16) !== COLON || value.charCodeAt(19) !== DOT || value.charCodeAt(23) !== UPPER_Z
  ) {
    return null;
  }
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  const hour = digitsAt(value, 11, 2);
  const minute = digitsAt(value, 14, 2);
  const second = digitsAt(value, 17, 2);
  const millis = digitsAt(value, 20, 3);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || millis < 0) return null;
  return calendarMillis(year, month, day, hour, minute, second, millis);
}

const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const UPPER_T = 0x54;
const UPPER_Z = 0x5a;
const ZERO = 0x30;

/** The number written by `count` ASCII digits of `value` from `start`; -1 when one is not a digit. */
function digitsAt(value: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const digit = value.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** Epoch milliseconds of a UTC calendar date and time, or null when the fields name no real one (2026-02-30, 24:00). */
function calendarMillis(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number | null {
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  const instant = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC reads years 0–99 as 1900–1999; RFC 3339's four digits mean the year itself.
  return year >= 100 ? instant : new Date(instant).setUTCFullYear(year);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
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
