import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { sql } from 'kysely';
import { InputError, nextPeriod, periodLabelAt, periodOf, previousPeriod } from '@ledger/domain';
import { Database, InjectDatabase, InjectReadDatabase } from '@ledger/database';
import { AdminEventRepository } from '@ledger/event-store';
import { ContractRepository, ContractVersion, termOf } from './contract.repository';
import { inTerm, requireInTerm, SlaReportService } from './sla-report.service';
import { Statement, StatementRepository } from './statement.repository';

/** How long after a period ends the scheduler issues its statement (concepts §6: 48 h). */
export const STATEMENT_GRACE_MS = 48 * 3_600_000;

/** Injection token: whether the scheduler issues statements by itself (AUTO_ISSUE_STATEMENTS). */
export const AUTO_ISSUE_STATEMENTS = Symbol('AUTO_ISSUE_STATEMENTS');

/**
 * Statements freeze a period's report. Issuing (by hand or by the scheduler) appends a new
 * version; issued versions never change (a trigger refuses it), so the audit trail stays.
 */
@Injectable()
export class StatementService {
  private readonly logger = new Logger(StatementService.name);

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly contracts: ContractRepository,
    private readonly statements: StatementRepository,
    private readonly reports: SlaReportService,
    private readonly adminEvents: AdminEventRepository,
    @Optional() @Inject(AUTO_ISSUE_STATEMENTS) private readonly autoIssue: boolean = true,
    /** Where the `statements` query reads; the primary when omitted. Issuing reads and writes the primary. */
    @Optional() @InjectReadDatabase() private readonly readDb?: Database,
  ) {}

  async issue(contractId: string, label: string, actor: string | null, now = Date.now()): Promise<Statement> {
    const versions = await this.contracts.versions(this.db, contractId);
    if (versions.length === 0) throw new InputError(`no contract ${contractId}`);
    requireInTerm(versions, label);
    return this.issueFor(versions, label, actor, now);
  }

  /** The statements issued for a contract (from the read database). */
  async list(contractId: string): Promise<Statement[]> {
    return this.statements.list(this.readDb ?? this.db, contractId);
  }

  /**
   * Issues a statement for every month of a contract's term that has ended, whose grace delay has
   * passed, and that has none yet — however long ago it ended (a service that was down, or a
   * contract defined after the fact, misses none) — and for no month outside the term.
   */
  async issueDue(now = Date.now()): Promise<number> {
    let issued = 0;
    for (const versions of (await this.contracts.list(this.db, {})).values()) {
      const { timeZone } = versions.at(-1)!.terms;
      const { effectiveFrom: first, effectiveTo } = termOf(versions);
      const stated = await this.statements.periodsStated(this.db, versions[0]!.id);
      // From the month before the start's: in another version's time zone, that month may reach into the term.
      for (let period = previousPeriod(periodOf(periodLabelAt(first, timeZone), timeZone)); period.end + STATEMENT_GRACE_MS <= now; period = nextPeriod(period)) {
        if (effectiveTo !== null && period.start >= effectiveTo) break;
        if (stated.has(period.label) || !inTerm(versions, period.label)) continue;
        await this.issueFor(versions, period.label, null, now, { onlyIfNone: true });
        issued++;
      }
    }
    return issued;
  }

  @Interval('statements', 60_000)
  async scheduled(): Promise<void> {
    if (this.autoIssue === false) return;
    try {
      const issued = await this.issueDue();
      if (issued > 0) this.logger.log(`issued ${issued} statement(s)`);
    } catch (error) {
      this.logger.error(`issuing statements failed: ${(error as Error).message}`);
    }
  }

  private async issueFor(versions: readonly ContractVersion[], label: string, actor: string | null, now: number, options = { onlyIfNone: false }): Promise<Statement> {
    const report = await this.reports.compute(versions, label, now);
    if (!report.final) throw new InputError(`period ${label} has not ended yet (it ends ${report.periodEnd})`);
    const contractId = versions[0]!.id;
    return this.db.transaction().execute(async (trx) => {
      // One issuer per contract at a time, so versions are numbered without gaps or clashes.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${'statement:' + contractId}))`.execute(trx);
      const existing = await this.statements.list(trx, contractId, label);
      if (options.onlyIfNone && existing.length > 0) return existing.at(-1)!;
      const statement: Statement = {
        contractId, period: label, version: (existing.at(-1)?.version ?? 0) + 1, issuedAt: new Date(now), report, eventsCounted: report.eventsCounted,
      };
      await this.adminEvents.append(trx, {
        type: 'StatementIssued',
        data: { contractId, period: label, version: statement.version, uptimePercent: report.uptimePercent, creditAmount: report.creditAmount },
        actor,
      });
      await this.statements.insert(trx, statement);
      return statement;
    });
  }
}
