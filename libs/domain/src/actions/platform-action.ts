import { z } from 'zod';
import { MODEL_PATTERN, SLUG_PATTERN } from '../slug';
import { canonicalIso, parseRfc3339 } from '../timestamp';
import type { EntryValidation } from '../ingest-batch';
import { MAX_FUTURE_SKEW_MS } from '../outcome-event';

/** What a platform did about a provider (concepts §11): routed away from it, or back to it. */
export const PLATFORM_ACTION_KINDS = ['disable', 'enable', 'failover', 'failback'] as const;
export type PlatformActionKind = (typeof PLATFORM_ACTION_KINDS)[number];

/** Actions that route traffic away from a provider (or one of its models), and those that bring it back. */
export const ROUTING_AWAY: ReadonlySet<PlatformActionKind> = new Set(['disable', 'failover']);

/** One action of a platform, as recorded. Instants are epoch milliseconds. */
export interface PlatformAction {
  id: string;
  provider: string;
  /** The model it concerns; null for the whole provider. */
  model: string | null;
  action: PlatformActionKind;
  occurredAt: number;
  /** The same instant as stored, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  occurredAtIso: string;
  /** Where traffic went instead (another provider, a model), when the platform says. */
  target: string | null;
  reason: string | null;
}

// eslint-disable-next-line no-control-regex
const NO_NUL = /^[^\u0000]*$/;
const text = (field: string, max: number) =>
  z.string({ error: `${field} must be a string` }).max(max, `${field} must be at most ${max} characters`).regex(NO_NUL, `${field} must not contain the NUL character (U+0000)`).nullish();

const actionSchema = z.object({
  id: z.string({ error: 'id is required and must be a string' }).min(1, 'id must not be empty').max(128, 'id must be at most 128 characters').regex(NO_NUL, 'id must not contain the NUL character (U+0000)'),
  provider: z.string({ error: 'provider is required and must be a string' }).regex(SLUG_PATTERN, 'provider must be a lowercase slug: [a-z0-9][a-z0-9._-]{0,63}'),
  model: z.string({ error: 'model must be a string' }).regex(MODEL_PATTERN, 'model must be a lowercase slug of at most 128 characters: [a-z0-9][a-z0-9._-]*').nullish(),
  action: z.enum(PLATFORM_ACTION_KINDS, { error: `action must be one of ${PLATFORM_ACTION_KINDS.join(', ')}` }),
  occurredAt: z.string({ error: 'occurredAt is required and must be an RFC 3339 timestamp string with an offset' }),
  target: text('target', 200),
  reason: text('reason', 1000),
});

/** Validates one raw action; all problems are reported at once. The platform comes from the key, as for outcome events. */
export function validatePlatformAction(raw: unknown, context: { now: number; platform: string }): EntryValidation<PlatformAction> {
  const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, id, errors: ['an action must be a JSON object'] };
  const errors: string[] = [];
  const claimed = (raw as { platform?: unknown }).platform;
  if (claimed !== undefined && claimed !== context.platform) {
    errors.push(`platform is taken from the API key ("${context.platform}"); the action claims ${JSON.stringify(claimed)}`);
  }
  // The API names actions in upper case (DISABLE); either case is accepted.
  const input = typeof (raw as { action?: unknown }).action === 'string' ? { ...raw, action: ((raw as { action: string }).action).toLowerCase() } : raw;
  const parsed = actionSchema.safeParse(input);
  if (!parsed.success) for (const issue of parsed.error.issues) errors.push(issue.message);
  const claimedTime = (raw as { occurredAt?: unknown }).occurredAt;
  let occurredAt: number | null = null;
  if (typeof claimedTime === 'string') {
    occurredAt = parseRfc3339(claimedTime);
    if (occurredAt === null) errors.push('occurredAt must be an RFC 3339 timestamp with an offset, e.g. 2026-06-07T09:04:00Z');
    else if (occurredAt > context.now + MAX_FUTURE_SKEW_MS) errors.push(`occurredAt ${claimedTime} is more than 5 minutes ahead of server time ${new Date(context.now).toISOString()}`);
  }
  if (!parsed.success || errors.length > 0 || occurredAt === null) return { ok: false, id, errors };
  const f = parsed.data;
  return {
    ok: true,
    event: {
      id: f.id, provider: f.provider, model: f.model ?? null, action: f.action, occurredAt, occurredAtIso: canonicalIso(f.occurredAt, occurredAt),
      target: f.target ?? null, reason: f.reason ?? null,
    },
  };
}

/** Whether two actions with one id say the same thing (a re-sent action is a duplicate, a different one a conflict). */
export function samePlatformAction(a: PlatformAction, b: PlatformAction): boolean {
  return a.provider === b.provider && a.model === b.model && a.action === b.action && a.occurredAt === b.occurredAt && a.target === b.target && a.reason === b.reason;
}
