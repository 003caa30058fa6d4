import { DateTime, IANAZone } from 'luxon';
import { InputError } from '../errors';
import { MINUTE_MS } from '../minute';

/** An SLA period: a calendar month in the contract's time zone (concepts §3), as [start, end). */
export interface Period {
  label: string;
  timeZone: string;
  start: number;
  end: number;
}

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** The month `label` ("YYYY-MM") in `timeZone`. DST changes make it 60 minutes shorter or longer. */
export function periodOf(label: string, timeZone: string): Period {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (!match) throw new InputError(`period must be a month written YYYY-MM, not "${label}"`);
  const start = DateTime.fromObject({ year: Number(match[1]), month: Number(match[2]), day: 1 }, { zone: timeZone });
  if (!start.isValid) throw new InputError(`unknown time zone "${timeZone}"`);
  return { label, timeZone, start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() };
}

/** The label of the month containing an instant, in a time zone. */
export function periodLabelAt(instant: number, timeZone: string): string {
  return DateTime.fromMillis(instant, { zone: timeZone }).toFormat('yyyy-MM');
}

/** The period before `period`. */
export function previousPeriod(period: Period): Period {
  return periodOf(DateTime.fromMillis(period.start, { zone: period.timeZone }).minus({ months: 1 }).toFormat('yyyy-MM'), period.timeZone);
}

/** The period after `period`. */
export function nextPeriod(period: Period): Period {
  return periodOf(DateTime.fromMillis(period.start, { zone: period.timeZone }).plus({ months: 1 }).toFormat('yyyy-MM'), period.timeZone);
}

/** A contract's term: from `effectiveFrom` on, until `effectiveTo` when it was ended (epoch ms). */
export interface ContractTerm {
  effectiveFrom: number;
  effectiveTo: number | null;
}

/** Whether any of the period lies within the term: a report or statement of it means something. */
export function periodInTerm(period: Period, term: ContractTerm): boolean {
  return period.end > term.effectiveFrom && (term.effectiveTo === null || period.start < term.effectiveTo);
}

/** "from 15 May 2026 (Europe/Berlin) until 1 Jan 2027": the term in the contract's own calendar. */
export function termWords(term: ContractTerm, timeZone: string): string {
  const day = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).toFormat('d LLL yyyy');
  return `from ${day(term.effectiveFrom)}${term.effectiveTo === null ? '' : ` until ${day(term.effectiveTo)}`} (${timeZone})`;
}

export function periodMinutes(period: Period): number {
  return (period.end - period.start) / MINUTE_MS;
}

/** `days` calendar days after an instant, in a time zone (so a DST change keeps local midnight). */
export function plusDays(instant: number, days: number, timeZone: string): number {
  return DateTime.fromMillis(instant, { zone: timeZone }).plus({ days }).toMillis();
}
