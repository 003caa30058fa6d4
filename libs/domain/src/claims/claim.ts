import Decimal from 'decimal.js';
import { InputError } from '../errors';
import { minorUnitDigits, Money } from '../sla/money';

/** A claim's lifecycle (concepts §10): DRAFT → FILED → ACCEPTED | PARTIALLY_ACCEPTED | DENIED; DRAFT | FILED → WITHDRAWN; DRAFT → EXPIRED. */
export const CLAIM_STATUSES = ['DRAFT', 'FILED', 'ACCEPTED', 'PARTIALLY_ACCEPTED', 'DENIED', 'WITHDRAWN', 'EXPIRED'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export const CLAIM_OUTCOMES = ['ACCEPTED', 'PARTIALLY_ACCEPTED', 'DENIED'] as const;
export type ClaimOutcome = (typeof CLAIM_OUTCOMES)[number];

/** One step of a claim's history. `actor`: the key that took it (null: the scheduler). */
export interface ClaimTransition {
  status: ClaimStatus;
  /** Epoch milliseconds. */
  at: number;
  actor: string | null;
  note: string | null;
}

/** A claim for the credit of one contract and one ended period, pinned to a statement version. */
export interface Claim {
  id: string;
  contractId: string;
  platform: string;
  provider: string;
  /** The month, YYYY-MM. */
  period: string;
  statementVersion: number;
  /** The statement's credit, pinned when the claim was opened. */
  claimedAmount: Money;
  /** Set on resolution. */
  creditedAmount: Money | null;
  /** Epoch milliseconds: filing at or after it is refused; a draft expires at it. */
  claimDeadline: number;
  filedAt: number | null;
  /** The provider's ticket or case number, given when filing. */
  reference: string | null;
  resolvedAt: number | null;
  /** The contract's events in the evidence runs' minutes, and their SHA-256 (concepts §10), when the claim was opened. */
  evidenceEvents: number;
  evidenceDigest: string;
  /** The same per evidence run (epoch ms, `end` exclusive), so that a check can tell which run a changed log differs in. */
  evidenceRuns: readonly EvidenceRunDigest[];
  history: readonly ClaimTransition[];
}

/** One evidence run's events and their digest (the same lines, only that run's). */
export interface EvidenceRunDigest {
  start: number;
  end: number;
  events: number;
  digest: string;
}

/** A claim without its evidence runs: what lists show. */
export type ClaimListing = Omit<Claim, 'evidenceRuns'>;

export const claimStatus = (claim: Pick<Claim, 'history'>): ClaimStatus => claim.history.at(-1)!.status;

/** A recorded status as it is at `now`: a DRAFT is EXPIRED from its deadline on, recorded or not. */
export const statusAsOf = (recorded: ClaimStatus, claimDeadline: number, now: number): ClaimStatus =>
  recorded === 'DRAFT' && now >= claimDeadline ? 'EXPIRED' : recorded;

const RESOLVED: readonly ClaimStatus[] = ['ACCEPTED', 'PARTIALLY_ACCEPTED', 'DENIED'];
export const isResolved = (status: ClaimStatus) => RESOLVED.includes(status);
/** Open: it may still be filed or resolved. */
export const isOpen = (status: ClaimStatus) => status === 'DRAFT' || status === 'FILED';

/** The deadline as words for a refusal. */
const deadlineText = (claim: Claim) => new Date(claim.claimDeadline).toISOString();

/**
 * The claim as of `now`: a draft whose deadline has passed has been EXPIRED since the deadline,
 * whether or not the scheduler has recorded it yet.
 */
export function claimAsOf<C extends Pick<Claim, 'history' | 'claimDeadline'>>(claim: C, now: number): C {
  const recorded = claimStatus(claim);
  if (statusAsOf(recorded, claim.claimDeadline, now) === recorded) return claim;
  return { ...claim, history: [...claim.history, { status: 'EXPIRED', at: claim.claimDeadline, actor: null, note: 'the claim deadline passed without the claim being filed' }] };
}

export interface TransitionInput {
  at: number;
  actor: string | null;
  note?: string | null;
}

function transition(claim: Claim, status: ClaimStatus, { at, actor, note }: TransitionInput, changes: Partial<Claim> = {}): Claim {
  return { ...claim, ...changes, history: [...claim.history, { status, at, actor, note: note ?? null }] };
}

function refuseUnless(claim: Claim, at: number, allowed: readonly ClaimStatus[], doing: string): void {
  const status = claimStatus(claimAsOf(claim, at));
  if (allowed.includes(status)) return;
  if (status === 'EXPIRED') throw new InputError(`claim ${claim.id} expired at its deadline ${deadlineText(claim)}: it can no longer be ${doing}`);
  throw new InputError(`claim ${claim.id} is ${status}: only a ${allowed.join(' or ')} claim can be ${doing}`);
}

/** DRAFT → FILED, before the deadline. */
export function fileClaim(claim: Claim, input: TransitionInput & { reference?: string | null }): Claim {
  refuseUnless(claim, input.at, ['DRAFT'], 'filed');
  return transition(claim, 'FILED', input, { filedAt: input.at, reference: input.reference ?? null });
}

/**
 * FILED → ACCEPTED (credited = claimed), PARTIALLY_ACCEPTED (strictly between 0 and claimed) or
 * DENIED (0), in the claimed amount's currency and minor unit.
 */
export function resolveClaim(claim: Claim, input: TransitionInput & { outcome: ClaimOutcome; creditedAmount: string }): Claim {
  refuseUnless(claim, input.at, ['FILED'], 'resolved');
  const { currency, amount: claimed } = claim.claimedAmount;
  const digits = minorUnitDigits(currency) ?? 2;
  if (!/^\d+(\.\d+)?$/.test(input.creditedAmount) || (input.creditedAmount.split('.')[1] ?? '').length > digits) {
    throw new InputError(`creditedAmount must be a non-negative amount in ${currency} with at most ${digits} decimals, not "${input.creditedAmount}"`);
  }
  const credited = new Decimal(input.creditedAmount);
  const range = {
    ACCEPTED: { ok: credited.eq(claimed), rule: `equal to the claimed ${claimed} ${currency}` },
    PARTIALLY_ACCEPTED: { ok: credited.gt(0) && credited.lt(claimed), rule: `more than 0 and less than the claimed ${claimed} ${currency}` },
    DENIED: { ok: credited.eq(0), rule: '0' },
  }[input.outcome];
  if (!range.ok) throw new InputError(`a claim ${input.outcome} is credited ${range.rule}, not ${input.creditedAmount} ${currency}`);
  return transition(claim, input.outcome, input, { resolvedAt: input.at, creditedAmount: { amount: credited.toFixed(digits), currency } });
}

/** DRAFT | FILED → WITHDRAWN. */
export function withdrawClaim(claim: Claim, input: TransitionInput): Claim {
  refuseUnless(claim, input.at, ['DRAFT', 'FILED'], 'withdrawn');
  return transition(claim, 'WITHDRAWN', input);
}

/** Claimed and credited amounts of one provider in one currency (concepts §10). */
export interface ClaimTotals {
  provider: string;
  currency: string;
  /** Claimed amounts of the claims filed with the provider (FILED or resolved). */
  claimed: string;
  /** Credited amounts of the resolved claims. */
  credited: string;
  /** Claimed amounts of the FILED claims: what the provider has not answered yet. */
  outstanding: string;
  /** credited / claimed over the resolved claims, 4 decimals (half-up); null before any is resolved. */
  recoveryRate: string | null;
}

/** What the totals need of a claim: its amounts, deadline and recorded status. */
export type ClaimStanding = Pick<Claim, 'provider' | 'claimedAmount' | 'creditedAmount' | 'claimDeadline'> & { status: ClaimStatus };

export const standingOf = (claim: Claim): ClaimStanding => ({ ...claim, status: claimStatus(claim) });

/** Totals per provider and currency, sorted by provider then currency; claims are taken as they are at `now`. */
export function claimTotals(claims: readonly ClaimStanding[], now: number): ClaimTotals[] {
  const groups = new Map<string, { provider: string; currency: string; claimed: Decimal; credited: Decimal; outstanding: Decimal; resolvedClaimed: Decimal; resolved: number }>();
  for (const claim of claims) {
    const status = statusAsOf(claim.status, claim.claimDeadline, now);
    if (status !== 'FILED' && !isResolved(status)) continue;
    const key = `${claim.provider}\u0000${claim.claimedAmount.currency}`;
    let group = groups.get(key);
    if (group === undefined) {
      const zero = new Decimal(0);
      groups.set(key, (group = { provider: claim.provider, currency: claim.claimedAmount.currency, claimed: zero, credited: zero, outstanding: zero, resolvedClaimed: zero, resolved: 0 }));
    }
    group.claimed = group.claimed.add(claim.claimedAmount.amount);
    if (status === 'FILED') group.outstanding = group.outstanding.add(claim.claimedAmount.amount);
    else {
      group.credited = group.credited.add(claim.creditedAmount!.amount);
      group.resolvedClaimed = group.resolvedClaimed.add(claim.claimedAmount.amount);
      group.resolved++;
    }
  }
  return [...groups.values()]
    .sort((a, b) => (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0))
    .map((g) => {
      const digits = minorUnitDigits(g.currency) ?? 2;
      return {
        provider: g.provider,
        currency: g.currency,
        claimed: g.claimed.toFixed(digits),
        credited: g.credited.toFixed(digits),
        outstanding: g.outstanding.toFixed(digits),
        recoveryRate: g.resolved === 0 || g.resolvedClaimed.isZero() ? null : g.credited.div(g.resolvedClaimed).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
      };
    });
}

/**
 * One event's line of the evidence digest (concepts §10): id, occurredAt (RFC 3339 UTC with
 * milliseconds), model, outcome and HTTP status (empty when absent), tab-separated, LF-ended.
 */
export function evidenceDigestLine(event: { id: string; occurredAt: number; model: string; outcome: string; httpStatus: number | null }): string {
  return `${event.id}\t${new Date(event.occurredAt).toISOString()}\t${event.model}\t${event.outcome}\t${event.httpStatus ?? ''}\n`;
}
