import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import Decimal from 'decimal.js';
import { sql, Transaction } from 'kysely';
import {
  Claim, claimAsOf, ClaimListing, ClaimOutcome, ClaimStatus, claimStatus, claimTotals, ClaimTotals, fileClaim, ForbiddenError, InputError, isOpen, isResolved, resolveClaim, withdrawClaim,
} from '@ledger/domain';
import { Database, DB, InjectDatabase, InjectReadDatabase } from '@ledger/database';
import { AdminEventRepository, EvidenceReader } from '@ledger/event-store';
import { ClaimRepository } from './claim.repository';
import { ContractRepository, ContractVersion } from './contract.repository';
import { periodTerms, requireInTerm } from './sla-report.service';
import { Statement, StatementRepository } from './statement.repository';

/** Injection token: whether the scheduler opens a draft claim for every statement with a credit (AUTO_OPEN_CLAIMS). */
export const AUTO_OPEN_CLAIMS = Symbol('AUTO_OPEN_CLAIMS');

/** Who acts: the key's id (the claim's history names it) and the platform it is bound to (null: a staff key). */
export interface ClaimActor {
  keyId: string | null;
  platform: string | null;
}

export interface ClaimQuery {
  status?: ClaimStatus | undefined;
  provider?: string | undefined;
  platform?: string | undefined;
  /** Claims whose deadline is before this instant (epoch ms). */
  dueBefore?: number | undefined;
}

const SCHEDULER: ClaimActor = { keyId: null, platform: null };

/**
 * Claims (concepts §10): opened from a period's latest statement with a credit, filed with the
 * provider, resolved with the credited amount. Every transition is an admin event and the
 * claim's row, in one transaction, under the row's lock. The worker's scheduler records drafts
 * expiring at their deadline (a draft reads as EXPIRED from the deadline on either way) and, with
 * AUTO_OPEN_CLAIMS (default on), opens a draft for every statement with a credit that has none.
 */
@Injectable()
export class ClaimService {
  private readonly logger = new Logger(ClaimService.name);
  private readonly read: Database;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly claims: ClaimRepository,
    private readonly contracts: ContractRepository,
    private readonly statements: StatementRepository,
    private readonly evidence: EvidenceReader,
    private readonly adminEvents: AdminEventRepository,
    @Optional() @Inject(AUTO_OPEN_CLAIMS) private readonly autoOpen: boolean = true,
    /** Where queries read; the primary when omitted. Transitions read and write the primary. */
    @Optional() @InjectReadDatabase() readDb?: Database,
  ) {
    this.read = readDb ?? db;
  }

  /** Claims as they are at `now` (a draft past its deadline is EXPIRED); a platform key sees its own platform's only. */
  async list(query: ClaimQuery, actor: ClaimActor, now = Date.now()): Promise<ClaimListing[]> {
    const filter = { ...query, platform: ownPlatform(actor, query.platform) };
    return (await this.claims.list(this.read, filter, now)).map((c) => claimAsOf(c, now));
  }

  async get(id: string, actor: ClaimActor, now = Date.now()): Promise<Claim> {
    const claim = await this.claims.get(this.read, id);
    if (claim === null) throw new InputError(`no claim ${id}`);
    requireOwn(claim, actor);
    return claimAsOf(claim, now);
  }

  async summary(provider: string | undefined, actor: ClaimActor, now = Date.now()): Promise<ClaimTotals[]> {
    return claimTotals(await this.claims.standings(this.read, { provider, platform: ownPlatform(actor) }), now);
  }

  /**
   * Opens a DRAFT claim for a contract's ended period from its latest statement, which must show a
   * credit; pins the statement's version and credit, and the digest of its evidence's events.
   */
  async open(contractId: string, label: string, actor: ClaimActor, now = Date.now()): Promise<Claim> {
    const versions = await this.contracts.versions(this.db, contractId);
    if (versions.length === 0) throw new InputError(`no contract ${contractId}`);
    const platform = versions[0]!.terms.platform;
    if (actor.platform !== null && actor.platform !== platform) {
      throw new ForbiddenError(`contract ${contractId} is platform "${platform}"'s; this key acts for platform "${actor.platform}" only`);
    }
    requireInTerm(versions, label);
    const { period } = periodTerms(versions, label);
    if (now < period.end) throw new InputError(`${label} has not ended yet (it ends ${new Date(period.end).toISOString()}): a claim is opened from the statement issued after it`);
    const statement = (await this.statements.list(this.db, contractId, label)).at(-1);
    if (statement === undefined) {
      throw new InputError(`no statement has been issued for ${label} yet: issue one (issueStatement), or let the scheduler issue it 48 h after the period ends`);
    }
    const { creditAmount, claimDeadline } = statement.report;
    if (new Decimal(creditAmount.amount).isZero()) {
      throw new InputError(`no credit is due for ${label}: statement version ${statement.version} shows uptime ${statement.report.uptimePercent} % and a credit of 0`);
    }
    if (now >= Date.parse(claimDeadline)) throw new InputError(`the claim deadline for ${label} passed at ${claimDeadline}`);
    await this.refuseIfClaimed(this.db, contractId, label, now);

    const terms = versionOf(versions, statement.report.contractVersion).terms;
    const ranges = statement.report.evidence.map((run) => ({ start: Date.parse(run.start), end: Date.parse(run.end) }));
    const digest = await this.evidence.digest(this.db, { platform, provider: terms.provider, models: terms.models }, ranges);
    const claim: Claim = {
      id: `clm_${randomBytes(8).toString('hex')}`, contractId, platform, provider: terms.provider, period: label, statementVersion: statement.version,
      claimedAmount: creditAmount, creditedAmount: null, claimDeadline: Date.parse(claimDeadline), filedAt: null, reference: null, resolvedAt: null,
      evidenceEvents: digest.events, evidenceDigest: digest.digest,
      evidenceRuns: ranges.map((range, i) => ({ ...range, ...digest.ranges[i]! })),
      history: [{ status: 'DRAFT', at: now, actor: actor.keyId, note: null }],
    };
    return this.db.transaction().execute(async (trx) => {
      // One claim per contract and period at a time: the check again, under a lock, in the transaction that writes.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`claim:${contractId}:${label}`}))`.execute(trx);
      await this.refuseIfClaimed(trx, contractId, label, now);
      await this.record(trx, 'ClaimOpened', claim, actor, {
        contractId, period: label, statementVersion: claim.statementVersion, claimedAmount: claim.claimedAmount,
        evidenceEvents: claim.evidenceEvents, evidenceDigest: claim.evidenceDigest,
      });
      return claim;
    });
  }

  async file(id: string, input: { reference?: string | null; note?: string | null }, actor: ClaimActor, now = Date.now()): Promise<Claim> {
    return this.transition(id, actor, 'ClaimFiled', (claim) => fileClaim(claim, { at: now, actor: actor.keyId, ...input }), input);
  }

  async resolve(id: string, input: { outcome: ClaimOutcome; creditedAmount: string; note?: string | null }, actor: ClaimActor, now = Date.now()): Promise<Claim> {
    return this.transition(id, actor, 'ClaimResolved', (claim) => resolveClaim(claim, { at: now, actor: actor.keyId, ...input }), input);
  }

  async withdraw(id: string, input: { note?: string | null }, actor: ClaimActor, now = Date.now()): Promise<Claim> {
    return this.transition(id, actor, 'ClaimWithdrawn', (claim) => withdrawClaim(claim, { at: now, actor: actor.keyId, ...input }), input);
  }

  /** Records the expiry of every draft whose deadline has passed, at its deadline. Returns how many. */
  async expireDue(now = Date.now()): Promise<number> {
    let expired = 0;
    for (const due of await this.claims.draftsDue(this.db, new Date(now))) {
      await this.db.transaction().execute(async (trx) => {
        const claim = await this.claims.get(trx, due.id, { forUpdate: true });
        if (claim === null || claimStatus(claim) !== 'DRAFT') return;
        const after = claimAsOf(claim, now);
        await this.record(trx, 'ClaimExpired', after, SCHEDULER, { deadline: new Date(claim.claimDeadline).toISOString() });
        expired++;
      });
    }
    return expired;
  }

  /**
   * Opens a draft for every contract period whose latest statement shows a credit and that has no
   * claim yet (a withdrawn or expired one does not count again), before its deadline. Returns how many.
   */
  async openDueDrafts(now = Date.now()): Promise<number> {
    let opened = 0;
    for (const [contractId, versions] of await this.contracts.list(this.db, {})) {
      for (const statement of latestPerPeriod(await this.statements.list(this.db, contractId))) {
        if (new Decimal(statement.report.creditAmount.amount).isZero() || now >= Date.parse(statement.report.claimDeadline)) continue;
        if ((await this.claims.list(this.db, { contractId, period: statement.period })).length > 0) continue;
        try {
          await this.open(contractId, statement.period, { keyId: null, platform: versions[0]!.terms.platform }, now);
          opened++;
        } catch (error) {
          // Another worker opened it meanwhile, or the statement changed: the next round looks again.
          this.logger.warn(`could not open a draft claim for ${contractId} ${statement.period}: ${(error as Error).message}`);
        }
      }
    }
    return opened;
  }

  @Interval('claims', 60_000)
  async scheduled(): Promise<void> {
    try {
      const expired = await this.expireDue();
      const opened = this.autoOpen ? await this.openDueDrafts() : 0;
      if (expired + opened > 0) this.logger.log(`claims: ${opened} draft(s) opened, ${expired} expired`);
    } catch (error) {
      this.logger.error(`the claims schedule failed: ${(error as Error).message}`);
    }
  }

  private async transition(id: string, actor: ClaimActor, type: string, change: (claim: Claim) => Claim, data: Record<string, unknown>): Promise<Claim> {
    return this.db.transaction().execute(async (trx) => {
      const claim = await this.claims.get(trx, id, { forUpdate: true });
      if (claim === null) throw new InputError(`no claim ${id}`);
      requireOwn(claim, actor);
      const changed = change(claim);
      await this.record(trx, type, changed, actor, data);
      return changed;
    });
  }

  private async record(trx: Transaction<DB>, type: string, claim: Claim, actor: ClaimActor, data: Record<string, unknown>): Promise<void> {
    await this.adminEvents.append(trx, { type, data: { claimId: claim.id, status: claimStatus(claim), ...data }, actor: actor.keyId });
    await this.claims.save(trx, claim);
  }

  private async refuseIfClaimed(db: Database | Transaction<DB>, contractId: string, label: string, now: number): Promise<void> {
    const existing = (await this.claims.list(db, { contractId, period: label })).map((c) => claimAsOf(c, now)).find((c) => isOpen(claimStatus(c)) || isResolved(claimStatus(c)));
    if (existing !== undefined) throw new InputError(`claim ${existing.id} for ${contractId} ${label} is already ${claimStatus(existing)}`);
  }
}

/** The platform a query is limited to: a platform key's own (asking for another is refused), else what a staff key asked. */
function ownPlatform(actor: ClaimActor, asked?: string): string | undefined {
  if (actor.platform === null) return asked;
  if (asked !== undefined && asked !== actor.platform) throw new ForbiddenError(`this key reads platform "${actor.platform}" only, not "${asked}"`);
  return actor.platform;
}

function requireOwn(claim: Claim, actor: ClaimActor): void {
  if (actor.platform !== null && actor.platform !== claim.platform) {
    throw new ForbiddenError(`claim ${claim.id} is platform "${claim.platform}"'s; this key acts for platform "${actor.platform}" only`);
  }
}

function versionOf(versions: readonly ContractVersion[], version: number): ContractVersion {
  return versions.find((v) => v.version === version) ?? versions.at(-1)!;
}

/** Each period's latest statement. */
function latestPerPeriod(statements: readonly Statement[]): Statement[] {
  const latest = new Map<string, Statement>();
  for (const s of statements) if ((latest.get(s.period)?.version ?? 0) < s.version) latest.set(s.period, s);
  return [...latest.values()];
}
