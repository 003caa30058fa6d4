import { DateTime } from 'luxon';
import { MINUTE_MS, MinuteStatus } from '@ledger/domain';
import { DAY_MS } from '../overview';

export const STATUS_LABEL: Record<MinuteStatus, string> = {
  operational: 'Operational',
  degraded: 'Degraded',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  no_data: 'No data',
};

/**
 * numerator / denominator as a percentage with `decimals` places, rounded down, in exact
 * integer arithmetic: a page never shows 100 % for a window that had any failure.
 */
export function percentFloor(numerator: number, denominator: number, decimals = 2): string {
  if (denominator <= 0) throw new RangeError('denominator must be positive');
  const scale = 10n ** BigInt(decimals);
  const scaled = (BigInt(numerator) * 100n * scale) / BigInt(denominator);
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(decimals, '0');
  return decimals === 0 ? `${whole}` : `${whole}.${fraction}`;
}

/** "45 min", "2 h 5 min", "3 d 4 h". */
export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 1440) {
    const rest = minutes % 60;
    return rest === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
  }
  const hours = Math.floor((minutes % 1440) / 60);
  return hours === 0 ? `${Math.floor(minutes / 1440)} d` : `${Math.floor(minutes / 1440)} d ${hours} h`;
}

/** A UTC day index as "Sun 7 Jun 2026". */
export function formatDay(day: number): string {
  return DateTime.fromMillis(day * DAY_MS, { zone: 'utc' }).toFormat('ccc d LLL yyyy');
}

/** A minute index as "7 Jun 2026, 09:01 UTC". */
export function formatMinute(minute: number): string {
  return formatInstant(minute * MINUTE_MS);
}

/** A minute index as its time of day alone, "09:31 UTC". */
export function formatClock(minute: number): string {
  return `${DateTime.fromMillis(minute * MINUTE_MS, { zone: 'utc' }).toFormat('HH:mm')} UTC`;
}

export function formatInstant(ms: number): string {
  return `${DateTime.fromMillis(ms, { zone: 'utc' }).toFormat('d LLL yyyy, HH:mm')} UTC`;
}

/** A UTC date as the value of an `<input type="date">`. */
export function isoDay(ms: number): string {
  return DateTime.fromMillis(ms, { zone: 'utc' }).toFormat('yyyy-LL-dd');
}

/** Milliseconds, rounded for reading: "182 ms", "1.24 s". */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** "459.1K", "1.2M": a count in a narrow column (the exact figure goes in its title). */
export function formatCompact(n: number): string {
  return COMPACT.format(n);
}
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** An exact decimal amount with thousands separators and its currency: "4,825.00 USD" (never through a float). */
export function formatMoney(money: { amount: string; currency: string }): string {
  const [whole, fraction] = money.amount.split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction === undefined ? '' : `.${fraction}`} ${money.currency}`;
}
