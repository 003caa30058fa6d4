import { z } from 'zod';
import { MODEL_PATTERN, SLUG_PATTERN } from './slug';
import { canonicalIso, parseRfc3339 } from './timestamp';

/** What a platform observed for one provider request (concepts §2). */
export const OUTCOMES = ['success', 'error', 'timeout', 'rate_limited', 'client_error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A validated outcome event, as it is stored in the log (the platform comes from the API key). */
export interface OutcomeEvent {
  id: string;
  provider: string;
  model: string;
  /** Epoch milliseconds, UTC. */
  occurredAt: number;
  /** The same instant as `YYYY-MM-DDTHH:mm:ss.sssZ`, the form in which it is stored. */
  occurredAtIso: string;
  outcome: Outcome;
  httpStatus: number | null;
  errorCode: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
}

/** How far ahead of the server clock an event may claim to have happened. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Durations are stored as Postgres `integer`. */
const MAX_DURATION_MS = 2_147_483_647;

// Postgres text cannot hold U+0000, so it is refused here rather than failing the whole batch there.
// eslint-disable-next-line no-control-regex
const NO_NUL = /^[^\u0000]*$/;
const duration = (field: string) =>
  z
    .number({ error: `${field} must be a number of milliseconds` })
    .int(`${field} must be a whole number of milliseconds`)
    .min(0, `${field} must not be negative`)
    .max(MAX_DURATION_MS, `${field} must be at most ${MAX_DURATION_MS}`)
    .nullish();

// The rules and their messages. An event is first checked by `acceptedOutcomeEvent` (the same
// rules, written out, quicker); the schema runs only for an event that fails them, to say why.
const eventSchema = z.object({
  id: z
    .string({ error: 'id is required and must be a string' })
    .min(1, 'id must not be empty')
    .max(128, 'id must be at most 128 characters')
    .regex(NO_NUL, 'id must not contain the NUL character (U+0000)'),
  provider: z
    .string({ error: 'provider is required and must be a string' })
    .regex(SLUG_PATTERN, 'provider must be a lowercase slug: [a-z0-9][a-z0-9._-]{0,63}'),
  model: z
    .string({ error: 'model is required and must be a string' })
    .regex(MODEL_PATTERN, 'model must be a lowercase slug of at most 128 characters: [a-z0-9][a-z0-9._-]*'),
  occurredAt: z.string({
    error: 'occurredAt is required and must be an RFC 3339 timestamp string with an offset',
  }),
  outcome: z.enum(OUTCOMES, { error: `outcome must be one of ${OUTCOMES.join(', ')}` }),
  httpStatus: z
    .number({ error: 'httpStatus must be an integer' })
    .int('httpStatus must be an integer')
    .min(100, 'httpStatus must be between 100 and 599')
    .max(599, 'httpStatus must be between 100 and 599')
    .nullish(),
  errorCode: z
    .string({ error: 'errorCode must be a string' })
    .max(128, 'errorCode must be at most 128 characters')
    .regex(NO_NUL, 'errorCode must not contain the NUL character (U+0000)')
    .nullish(),
  latencyMs: duration('latencyMs'),
  ttftMs: duration('ttftMs'),
});

export type EventValidation =
  | { ok: true; event: OutcomeEvent }
  | { ok: false; id: string | null; errors: string[] };

export interface ValidationContext {
  /** Server time in epoch milliseconds (injected so the rule is testable). */
  now: number;
  /** The platform of the API key that posted the event. */
  platform: string;
  /**
   * With raw-event retention: how many whole UTC days before today the log still accepts
   * (older days are archived). Unset → any past time (backfill).
   */
  retentionDays?: number;
}

/** The first UTC day (epoch ms of its midnight) the log accepts events of, with `retentionDays` of retention at `now`. */
export function retentionStart(now: number, retentionDays: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - retentionDays * DAY_MS;
}
const DAY_MS = 86_400_000;

/** Validates one raw event against every rule of concepts §2; all problems are reported, not just the first. */
export function validateOutcomeEvent(raw: unknown, context: ValidationContext): EventValidation {
  const event = acceptedOutcomeEvent(raw, context);
  return event !== null ? { ok: true, event } : explainOutcomeEvent(raw, context);
}

/**
 * The event, when `raw` breaks no rule; null when it breaks any. The same rules as the schema's,
 * written out for the common case: ingest runs this for every event, and it takes a fraction of
 * the schema's time. Only a refused event goes on to `explainOutcomeEvent`, which names every
 * problem. (A property test holds the two to the same verdicts and the same events.)
 */
export function acceptedOutcomeEvent(raw: unknown, context: ValidationContext): OutcomeEvent | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const fields = raw as Record<string, unknown>;
  const { id, provider, model, occurredAt: time, outcome, errorCode } = fields;
  if (fields.platform !== undefined && fields.platform !== context.platform) return null;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128 || id.includes('\0')) return null;
  if (typeof provider !== 'string' || !SLUG_PATTERN.test(provider)) return null;
  if (typeof model !== 'string' || !MODEL_PATTERN.test(model)) return null;
  if (typeof outcome !== 'string' || !OUTCOME_SET.has(outcome)) return null;
  if (errorCode != null && (typeof errorCode !== 'string' || errorCode.length > 128 || errorCode.includes('\0'))) return null;
  const httpStatus = integerIn(fields.httpStatus, 100, 599);
  const latencyMs = integerIn(fields.latencyMs, 0, MAX_DURATION_MS);
  const ttftMs = integerIn(fields.ttftMs, 0, MAX_DURATION_MS);
  if (httpStatus === undefined || latencyMs === undefined || ttftMs === undefined) return null;
  if (typeof time !== 'string') return null;
  const occurredAt = parseRfc3339(time);
  if (occurredAt === null || !timeAccepted(occurredAt, context)) return null;
  const occurredAtIso = canonicalIso(time, occurredAt);
  const code = (errorCode as string | null | undefined) ?? null;
  return { id, provider, model, occurredAt, occurredAtIso, outcome: outcome as Outcome, httpStatus, errorCode: code, latencyMs, ttftMs };
}

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);

/** An optional integer field: null when absent or null, the number when a whole one in [min, max], undefined when neither. */
function integerIn(value: unknown, min: number, max: number): number | null | undefined {
  if (value == null) return null;
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

/** The event, or every problem with it, from the schema and the time's own rules. */
export function explainOutcomeEvent(raw: unknown, context: ValidationContext): EventValidation {
  const id = rawId(raw);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, id, errors: ['an event must be a JSON object'] };
  }
  const errors: string[] = [];
  const claimed = (raw as { platform?: unknown }).platform;
  if (claimed !== undefined && claimed !== context.platform) {
    errors.push(
      `platform is taken from the API key ("${context.platform}"); the event claims ${JSON.stringify(claimed)}`,
    );
  }
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) for (const issue of parsed.error.issues) errors.push(issue.message);
  // The time's own rules too, whatever else is wrong: a rejection names every problem at once.
  const claimedTime = (raw as { occurredAt?: unknown }).occurredAt;
  const occurredAt = typeof claimedTime === 'string' ? checkOccurredAt(claimedTime, context, errors) : null;
  if (!parsed.success || errors.length > 0 || occurredAt === null) return { ok: false, id, errors };
  const fields = parsed.data;
  return {
    ok: true,
    event: {
      id: fields.id,
      provider: fields.provider,
      model: fields.model,
      occurredAt,
      occurredAtIso: canonicalIso(fields.occurredAt, occurredAt),
      outcome: fields.outcome,
      httpStatus: fields.httpStatus ?? null,
      errorCode: fields.errorCode ?? null,
      latencyMs: fields.latencyMs ?? null,
      ttftMs: fields.ttftMs ?? null,
    },
  };
}

/** The instant of an RFC 3339 `occurredAt`, or null with the reason added to `errors` (not a timestamp, in the future, before retention). */
function checkOccurredAt(text: string, context: ValidationContext, errors: string[]): number | null {
  const occurredAt = parseRfc3339(text);
  if (occurredAt === null) {
    errors.push('occurredAt must be an RFC 3339 timestamp with an offset, e.g. 2026-06-07T09:02:13.512Z');
  } else if (timeAccepted(occurredAt, context)) {
    return occurredAt;
  } else if (occurredAt < EARLIEST_INSTANT) {
    errors.push(`occurredAt ${text} is before 0001-01-01T00:00:00Z, the earliest instant the log can store (Postgres has no year 0)`);
  } else if (occurredAt > context.now + MAX_FUTURE_SKEW_MS) {
    errors.push(`occurredAt ${text} is more than 5 minutes ahead of server time ${new Date(context.now).toISOString()}`);
  } else if (context.retentionDays !== undefined) {
    const start = new Date(retentionStart(context.now, context.retentionDays)).toISOString().slice(0, 10);
    errors.push(`occurredAt ${text} is before ${start}: raw events are kept ${context.retentionDays} days, older days are archived`);
  }
  return null;
}

/** Postgres has no year 0 (RFC 3339 has): it would refuse the whole batch's COPY over one such event. */
const EARLIEST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');

/** An instant the log accepts now: from year 1, at most 5 minutes ahead, and (with retention) not in an archived day. */
function timeAccepted(occurredAt: number, context: ValidationContext): boolean {
  if (occurredAt < EARLIEST_INSTANT || occurredAt > context.now + MAX_FUTURE_SKEW_MS) return false;
  return context.retentionDays === undefined || occurredAt >= retentionStart(context.now, context.retentionDays);
}

/** Two events with the same id are duplicates only when every stored field is identical. */
export function sameOutcomeEvent(a: OutcomeEvent, b: OutcomeEvent): boolean {
  return (
    a.id === b.id &&
    a.provider === b.provider &&
    a.model === b.model &&
    a.occurredAt === b.occurredAt &&
    a.outcome === b.outcome &&
    a.httpStatus === b.httpStatus &&
    a.errorCode === b.errorCode &&
    a.latencyMs === b.latencyMs &&
    a.ttftMs === b.ttftMs
  );
}

/** The id to name a rejected event by; an over-long one is cut, so a rejection never echoes megabytes back. */
function rawId(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { id?: unknown }).id;
  if (typeof id !== 'string') return null;
  return id.length > 128 ? `${id.slice(0, 128)}…` : id;
}
