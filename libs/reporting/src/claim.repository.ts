import { Injectable } from '@nestjs/common';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { Claim, ClaimListing, ClaimStanding, ClaimStatus, claimStatus, ClaimTransition, EvidenceRunDigest } from '@ledger/domain';
import type { ClaimRow, DB } from '@ledger/database';

export interface ClaimFilter {
  provider?: string | undefined;
  platform?: string | undefined;
  contractId?: string | undefined;
  period?: string | undefined;
}

export interface ClaimListFilter extends ClaimFilter {
  /** The status as it is at `now` (a DRAFT past its deadline is EXPIRED). */
  status?: ClaimStatus | undefined;
  /** Claims whose deadline is before this instant (epoch ms). */
  dueBefore?: number | undefined;
}

type StoredTransition = Omit<ClaimTransition, 'at'> & { at: string };
type StoredRun = Omit<EvidenceRunDigest, 'start' | 'end'> & { start: string; end: string };

/** The claims read model: one row per claim, written in the transaction of its admin event. */
@Injectable()
export class ClaimRepository {
  /** Writes a claim as it now is (new, or after a transition). */
  async save(db: Kysely<DB>, claim: Claim): Promise<void> {
    const row = toRow(claim);
    await db.insertInto('claims').values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({
        status: row.status, credited_amount: row.credited_amount, filed_at: row.filed_at, reference: row.reference,
        resolved_at: row.resolved_at, history: row.history,
      }))
      .execute();
  }

  /** One claim; `forUpdate` locks its row until the transaction ends (one transition at a time). */
  async get(db: Kysely<DB>, id: string, options: { forUpdate?: boolean } = {}): Promise<Claim | null> {
    let query = db.selectFrom('claims').selectAll().where('id', '=', id);
    if (options.forUpdate === true) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row === undefined ? null : fromRow(row);
  }

  /** Claims matching the filter as they are at `now`, by deadline (the most urgent first), then id; without their evidence runs. */
  async list(db: Kysely<DB>, filter: ClaimListFilter = {}, now = Date.now()): Promise<ClaimListing[]> {
    let query = filtered(db.selectFrom('claims').select(LISTING_COLUMNS), filter);
    const at = new Date(now);
    // The status as `statusAsOf` (@ledger/domain) gives it: a DRAFT at or past its deadline is EXPIRED.
    if (filter.status === 'DRAFT') query = query.where('status', '=', 'DRAFT').where('claim_deadline', '>', at);
    else if (filter.status === 'EXPIRED') query = query.where((eb) => eb.or([eb('status', '=', 'EXPIRED'), eb.and([eb('status', '=', 'DRAFT'), eb('claim_deadline', '<=', at)])]));
    else if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.dueBefore !== undefined) query = query.where('claim_deadline', '<', new Date(filter.dueBefore));
    return (await query.orderBy('claim_deadline').orderBy('id').execute()).map(listingFromRow);
  }

  /**
   * What totals need of the claims matching the filter, summed in SQL per provider, currency and
   * recorded status: one standing per group rather than one per claim. Only filed and resolved
   * claims count toward totals — a draft counts for nothing, expired or not, nor does a withdrawn
   * claim — and totals are sums, so `claimTotals` gives the same from these as from each claim.
   */
  async standings(db: Kysely<DB>, filter: ClaimFilter = {}): Promise<ClaimStanding[]> {
    const rows = await filtered(db.selectFrom('claims'), filter)
      .where('status', 'in', COUNTED_STATUSES)
      .select((eb) => ['provider', 'currency', 'status', eb.fn.sum<string>('claimed_amount').as('claimed'), eb.fn.sum<string | null>('credited_amount').as('credited')])
      .groupBy(['provider', 'currency', 'status'])
      .execute();
    return rows.map((row) => ({
      provider: row.provider,
      status: row.status as ClaimStatus,
      // Filed and resolved claims no longer expire: their deadline does not enter the totals.
      claimDeadline: Infinity,
      claimedAmount: { amount: row.claimed, currency: row.currency },
      creditedAmount: row.credited === null ? null : { amount: row.credited, currency: row.currency },
    }));
  }

  /** Drafts whose deadline is at or before `now`: the scheduler records their expiry. */
  async draftsDue(db: Kysely<DB>, now: Date): Promise<Claim[]> {
    const rows = await db.selectFrom('claims').selectAll().where('status', '=', 'DRAFT').where('claim_deadline', '<=', now).orderBy('claim_deadline').execute();
    return rows.map(fromRow);
  }
}

/** The statuses whose claims count toward totals (claimTotals, @ledger/domain). */
const COUNTED_STATUSES: ClaimStatus[] = ['FILED', 'ACCEPTED', 'PARTIALLY_ACCEPTED', 'DENIED'];

/** Every column but the evidence runs, which only a claim's packet reads. */
const LISTING_COLUMNS = [
  'id', 'contract_id', 'platform', 'provider', 'period', 'statement_version', 'claimed_amount', 'currency', 'credited_amount', 'claim_deadline',
  'filed_at', 'reference', 'resolved_at', 'evidence_events', 'evidence_digest', 'history',
] as const satisfies readonly (keyof ClaimRow)[];

/** The provider, platform, contract and period parts of a filter. */
function filtered<Q extends SelectQueryBuilder<DB, 'claims', object>>(query: Q, filter: ClaimFilter): Q {
  let q = query;
  if (filter.provider !== undefined) q = q.where('provider', '=', filter.provider) as Q;
  if (filter.platform !== undefined) q = q.where('platform', '=', filter.platform) as Q;
  if (filter.contractId !== undefined) q = q.where('contract_id', '=', filter.contractId) as Q;
  if (filter.period !== undefined) q = q.where('period', '=', filter.period) as Q;
  return q;
}

function toRow(claim: Claim) {
  return {
    id: claim.id,
    contract_id: claim.contractId,
    platform: claim.platform,
    provider: claim.provider,
    period: claim.period,
    status: claimStatus(claim),
    statement_version: claim.statementVersion,
    claimed_amount: claim.claimedAmount.amount,
    currency: claim.claimedAmount.currency,
    credited_amount: claim.creditedAmount?.amount ?? null,
    claim_deadline: new Date(claim.claimDeadline),
    filed_at: claim.filedAt === null ? null : new Date(claim.filedAt),
    reference: claim.reference,
    resolved_at: claim.resolvedAt === null ? null : new Date(claim.resolvedAt),
    evidence_events: claim.evidenceEvents,
    evidence_digest: claim.evidenceDigest,
    evidence_runs: JSON.stringify(claim.evidenceRuns.map((r): StoredRun => ({ ...r, start: new Date(r.start).toISOString(), end: new Date(r.end).toISOString() }))),
    history: JSON.stringify(claim.history.map((t): StoredTransition => ({ ...t, at: new Date(t.at).toISOString() }))),
    opened_at: new Date(claim.history[0]!.at),
  };
}

function fromRow(row: ClaimRow): Claim {
  return {
    ...listingFromRow(row),
    evidenceRuns: (row.evidence_runs as StoredRun[]).map((r) => ({ ...r, start: Date.parse(r.start), end: Date.parse(r.end) })),
  };
}

function listingFromRow(row: Pick<ClaimRow, (typeof LISTING_COLUMNS)[number]>): ClaimListing {
  return {
    id: row.id,
    contractId: row.contract_id,
    platform: row.platform,
    provider: row.provider,
    period: row.period,
    statementVersion: row.statement_version,
    claimedAmount: { amount: row.claimed_amount, currency: row.currency },
    creditedAmount: row.credited_amount === null ? null : { amount: row.credited_amount, currency: row.currency },
    claimDeadline: row.claim_deadline.getTime(),
    filedAt: row.filed_at?.getTime() ?? null,
    reference: row.reference,
    resolvedAt: row.resolved_at?.getTime() ?? null,
    evidenceEvents: Number(row.evidence_events),
    evidenceDigest: row.evidence_digest,
    history: (row.history as StoredTransition[]).map((t) => ({ ...t, at: Date.parse(t.at) })),
  };
}
