import { Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { Claim, ClaimStatus, claimStatus, ClaimTransition, EvidenceRunDigest } from '@ledger/domain';
import type { ClaimRow, DB } from '@ledger/database';

export interface ClaimFilter {
  status?: ClaimStatus | undefined;
  provider?: string | undefined;
  platform?: string | undefined;
  contractId?: string | undefined;
  period?: string | undefined;
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

  /** Claims matching the filter, by deadline (the most urgent first), then id. */
  async list(db: Kysely<DB>, filter: ClaimFilter = {}): Promise<Claim[]> {
    let query = db.selectFrom('claims').selectAll();
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.provider !== undefined) query = query.where('provider', '=', filter.provider);
    if (filter.platform !== undefined) query = query.where('platform', '=', filter.platform);
    if (filter.contractId !== undefined) query = query.where('contract_id', '=', filter.contractId);
    if (filter.period !== undefined) query = query.where('period', '=', filter.period);
    return (await query.orderBy('claim_deadline').orderBy('id').execute()).map(fromRow);
  }

  /** Drafts whose deadline is at or before `now`: the scheduler records their expiry. */
  async draftsDue(db: Kysely<DB>, now: Date): Promise<Claim[]> {
    const rows = await db.selectFrom('claims').selectAll().where('status', '=', 'DRAFT').where('claim_deadline', '<=', now).orderBy('claim_deadline').execute();
    return rows.map(fromRow);
  }
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
    evidenceRuns: (row.evidence_runs as StoredRun[]).map((r) => ({ ...r, start: Date.parse(r.start), end: Date.parse(r.end) })),
    history: (row.history as StoredTransition[]).map((t) => ({ ...t, at: Date.parse(t.at) })),
  };
}
