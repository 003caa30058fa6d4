import { Injectable } from '@nestjs/common';
import { evaluateSla, InputError, maintenanceApplies, MINUTE_MS, Money, periodOf, totalsByCurrency } from '@ledger/domain';
import { Database, InjectDatabase } from '@ledger/database';
import { MinuteRollupRepository } from '@ledger/projections';
import { ContractRepository, ContractVersion, versionInForce } from './contract.repository';
import { MaintenanceRepository, MaintenanceWindow } from './maintenance.repository';
import { reportView, sameFigures, SlaReportView } from './sla-report';
import { Statement, StatementRepository } from './statement.repository';

const REPORT_CONCURRENCY = 4;

/** A live report, with how it compares to the latest statement issued for the period. */
export interface LiveSlaReport extends SlaReportView {
  statementVersion: number | null;
  eventsAfterStatement: number | null;
  differsFromStatement: boolean | null;
}

export interface CreditLine {
  contractId: string;
  platform: string;
  provider: string;
  uptimePercent: string;
  creditPercent: string;
  creditAmount: Money;
  claimDeadline: string;
  final: boolean;
}

export interface CreditSummary {
  period: string;
  totals: Money[];
  lines: CreditLine[];
}

/** SLA reports and credits, computed from the read models (minute rollups, contracts, maintenance), never from raw events. */
@Injectable()
export class SlaReportService {
  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly contracts: ContractRepository,
    private readonly maintenance: MaintenanceRepository,
    private readonly rollups: MinuteRollupRepository,
    private readonly statements: StatementRepository,
  ) {}

  /** `visibleTo`: a platform key sees only its own contracts (null = staff: all). */
  async report(contractId: string, label: string, visibleTo: string | null, now = Date.now()): Promise<LiveSlaReport> {
    const versions = await this.contracts.versions(this.db, contractId);
    if (versions.length === 0 || (visibleTo !== null && versions[0]!.terms.platform !== visibleTo)) {
      throw new InputError(`no contract ${contractId}`);
    }
    return this.live(versions, label, now);
  }

  async reports(label: string, filter: { platform?: string; provider?: string }, now = Date.now()): Promise<LiveSlaReport[]> {
    const all = [...(await this.contracts.list(this.db, filter)).values()];
    const latestStatements = await this.statements.latestForPeriod(this.db, label);
    // Maintenance windows are per provider: fetched once per provider (and time zone's month) for all contracts.
    const maintenance = new Map<string, Promise<MaintenanceWindow[]>>();
    for (const versions of all) {
      const period = periodOf(label, versions.at(-1)!.terms.timeZone);
      const key = versions.at(-1)!.terms.provider;
      if (!maintenance.has(key)) maintenance.set(key, this.maintenance.overlapping(this.db, key, new Date(period.start - 86_400_000), new Date(period.end + 86_400_000)));
    }
    // A few contracts at a time: enough to keep the pool busy, not so many that one request hogs it.
    const reports: LiveSlaReport[] = new Array(all.length);
    let next = 0;
    const worker = async () => {
      while (next < all.length) {
        const i = next++;
        reports[i] = await this.live(all[i]!, label, now, maintenance, latestStatements);
      }
    };
    await Promise.all(Array.from({ length: Math.min(REPORT_CONCURRENCY, all.length) }, worker));
    return reports;
  }

  async credits(label: string, filter: { platform?: string }, now = Date.now()): Promise<CreditSummary> {
    const reports = await this.reports(label, filter, now);
    const lines = reports.map((r) => ({
      contractId: r.contractId, platform: r.platform, provider: r.provider, uptimePercent: r.uptimePercent,
      creditPercent: r.creditPercent, creditAmount: r.creditAmount, claimDeadline: r.claimDeadline, final: r.final,
    }));
    return { period: label, lines, totals: totalsByCurrency(lines.map((l) => l.creditAmount)) };
  }

  /** The report of one contract version set for a period, without comparing with statements. */
  async compute(
    versions: readonly ContractVersion[],
    label: string,
    now: number,
    maintenance?: Map<string, Promise<MaintenanceWindow[]>>,
  ): Promise<SlaReportView> {
    const provisional = periodOf(label, versions.at(-1)!.terms.timeZone);
    const contract = versionInForce(versions, provisional.end);
    const terms = contract.terms;
    const period = periodOf(label, terms.timeZone);
    const from = new Date(period.start);
    const to = new Date(period.end);
    const [{ minutes, events }, windows] = await Promise.all([
      this.rollups.contractMinutes(this.db, {
        platform: terms.platform, provider: terms.provider, models: terms.models, from, to,
        failuresOnly: terms.policy.kind === 'DOWNTIME_MINUTES', countRateLimited: terms.countRateLimited,
      }),
      maintenance?.get(terms.provider) ?? this.maintenance.overlapping(this.db, terms.provider, from, to),
    ]);
    const ranges = windows
      .filter((w) => maintenanceApplies(w.models, terms.models))
      .map((w) => [Math.floor(w.start.getTime() / MINUTE_MS), Math.ceil(w.end.getTime() / MINUTE_MS)] as const);
    const result = evaluateSla({ terms, period, minutes, maintenance: ranges, now });
    return reportView(contract, versions, terms, period, result, events);
  }

  private async live(
    versions: readonly ContractVersion[],
    label: string,
    now: number,
    maintenance?: Map<string, Promise<MaintenanceWindow[]>>,
    latestStatements?: Map<string, Statement>,
  ): Promise<LiveSlaReport> {
    const report = await this.compute(versions, label, now, maintenance);
    const latest = latestStatements ? latestStatements.get(report.contractId) : (await this.statements.list(this.db, report.contractId, label)).at(-1);
    return {
      ...report,
      statementVersion: latest?.version ?? null,
      eventsAfterStatement: latest === undefined ? null : report.eventsCounted - latest.eventsCounted,
      differsFromStatement: latest === undefined ? null : !sameFigures(report, latest.report),
    };
  }
}
