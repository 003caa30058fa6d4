import { OUTCOMES, type OutcomeEventInput, type WireEvent } from './types';

// The service's rules (docs/concepts.md §2), checked here so that an event it would refuse is
// counted and reported at `record()` instead of travelling. Copied, not imported: the client
// depends on nothing.
const PROVIDER = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MODEL = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;
const MAX_ID_LENGTH = 128;
const MAX_ERROR_CODE_LENGTH = 128;
const MAX_DURATION_MS = 2_147_483_647;
const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);

export type PreparedEvent = { ok: true; event: WireEvent } | { ok: false; id: string | null; problems: string[] };

/**
 * Checks an event and fixes what must not change between attempts: the id (generated when
 * absent) and `occurredAt` (defaulted to `now`, written as RFC 3339). Durations are rounded and
 * an over-long `errorCode` is cut; anything else the service would refuse is a problem.
 */
export function prepareEvent(input: OutcomeEventInput, now: number, newId: () => string): PreparedEvent {
  if (typeof input !== 'object' || input === null) return { ok: false, id: null, problems: ['an event must be an object'] };
  const problems: string[] = [];
  const id = input.id ?? newId();
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH || id.includes('\u0000')) {
    problems.push(`id must be a string of 1–${MAX_ID_LENGTH} characters without NUL`);
  }
  if (typeof input.provider !== 'string' || !PROVIDER.test(input.provider)) {
    problems.push(`provider must be a lowercase slug [a-z0-9][a-z0-9._-]{0,63}, not ${describe(input.provider)}`);
  }
  if (typeof input.model !== 'string' || !MODEL.test(input.model)) {
    problems.push(`model must be a lowercase slug of at most 128 characters [a-z0-9][a-z0-9._-]*, not ${describe(input.model)}`);
  }
  if (typeof input.outcome !== 'string' || !OUTCOME_SET.has(input.outcome)) {
    problems.push(`outcome must be one of ${OUTCOMES.join(', ')}, not ${describe(input.outcome)}`);
  }
  const occurredAt = occurredAtText(input.occurredAt, now);
  if (occurredAt === null) problems.push('occurredAt must be an RFC 3339 timestamp with an offset, a valid Date or epoch milliseconds');
  const httpStatus = input.httpStatus ?? undefined;
  if (httpStatus !== undefined && !(Number.isInteger(httpStatus) && httpStatus >= 100 && httpStatus <= 599)) {
    problems.push(`httpStatus must be an integer between 100 and 599, not ${describe(httpStatus)}`);
  }
  const errorCode = input.errorCode ?? undefined;
  if (errorCode !== undefined && typeof errorCode !== 'string') problems.push(`errorCode must be a string, not ${describe(errorCode)}`);
  const latencyMs = duration(input.latencyMs, 'latencyMs', problems);
  const ttftMs = duration(input.ttftMs, 'ttftMs', problems);
  if (problems.length > 0 || occurredAt === null) return { ok: false, id: typeof id === 'string' ? id.slice(0, MAX_ID_LENGTH) : null, problems };

  const event: WireEvent = { id, provider: input.provider, model: input.model, occurredAt, outcome: input.outcome };
  if (httpStatus !== undefined) event.httpStatus = httpStatus;
  const code = typeof errorCode === 'string' ? cleanErrorCode(errorCode) : null;
  if (code !== null) event.errorCode = code;
  if (latencyMs !== undefined) event.latencyMs = latencyMs;
  if (ttftMs !== undefined) event.ttftMs = ttftMs;
  return { ok: true, event };
}

/**
 * An error code the service accepts: NUL removed, cut to 128 characters (not inside a
 * surrogate pair); null when nothing is left.
 */
export function cleanErrorCode(code: string): string | null {
  let cleaned = code.replaceAll('\u0000', '').trim();
  if (cleaned.length > MAX_ERROR_CODE_LENGTH) {
    cleaned = cleaned.slice(0, MAX_ERROR_CODE_LENGTH);
    if (/[\uD800-\uDBFF]$/.test(cleaned)) cleaned = cleaned.slice(0, -1);
  }
  return cleaned === '' ? null : cleaned;
}

function occurredAtText(value: OutcomeEventInput['occurredAt'] | null, now: number): string | null {
  if (value === undefined || value === null) return new Date(now).toISOString();
  if (value instanceof Date || typeof value === 'number') {
    const time = value instanceof Date ? value.getTime() : value;
    return Number.isFinite(time) && !Number.isNaN(new Date(time).getTime()) ? new Date(time).toISOString() : null;
  }
  return typeof value === 'string' && isRfc3339(value) ? value : null;
}

/** The shape of RFC 3339 with an offset, and a date that exists (not 2026-02-30). */
function isRfc3339(text: string): boolean {
  const match = RFC3339.exec(text);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, , , offsetHours, offsetMinutes] = match.map(Number);
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return (
    month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour! <= 23 && minute! <= 59 && second! <= 59 &&
    (match[9] === undefined || (offsetHours! <= 23 && offsetMinutes! <= 59))
  );
}

function duration(value: number | null | undefined, field: string, problems: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const rounded = typeof value === 'number' ? Math.round(value) : Number.NaN;
  if (!(rounded >= 0 && rounded <= MAX_DURATION_MS)) {
    problems.push(`${field} must be a number of milliseconds from 0 to ${MAX_DURATION_MS}, not ${describe(value)}`);
    return undefined;
  }
  return rounded;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === undefined ? 'missing' : String(value);
}
