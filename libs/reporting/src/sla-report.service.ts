import { Injectable, Optional } from '@nestjs/common';
import {
  evaluateTraffic, ExcludedMinutes, InputError, maintenanceApplies, MINUTE_MS, Money, Period, periodInTerm, periodOf, StatusCount, termWords, totalsByCurrency,
} from '@ledger/domain';
import { Database, InjectDatabase, InjectReadDatabase } from '@ledger/database';
import { EvidenceReader, LogPosition } from '@ledger/event-store';
import type { ReadModelVersion } from '@ledger/projections';
import { ContractTrafficRepository, ScopedTraffic, scopeParams, TrafficScope } from './contract-traffic.repository';
import { ContractRepository, ContractVersion, termOf, versionInForce } from './contract.repository';
import { MaintenanceRepository, MaintenanceWindow } from './maintenance.repository';
import { EvidenceRunWithBreakdown, reportView, sameFigures, SlaReportView } from './sla-report';
import { Statement, StatementRepository } from './statement.repository';
import { CacheScope, changesTouch, comparePositions, mergePieces, periodChunks, SummaryPiece, TrafficCache } from './traffic-cache';

/** Contracts whose traffic one statement summarises, and statements run at once, when reporting many. */
const CONTRACTS_PER_STATEMENT = 250;
const STATEMENT_CONCURRENCY = 2;

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
  claimDeadlineLocal: string;
  final: boolean;
}

export interface CreditSummary {
  period: string;
  totals: Money[];
  lines: CreditLine[];
}

/**
 * SLA reports and credits, computed from the read models (minute rollups, contracts, maintenance), never from raw events.
 *
 * Live reports (GraphQL, CSV exports) are read from the read database — a replica when
 * DATABASE_READ_URL is set — and reflect its projection checkpoint; `compute`, which statements
 * freeze, reads the primary. Both feed one traffic cache: its entries are keyed on the
 * checkpoint they were read at, and one read at a position the other database has not reached
 * is simply not served there (see TrafficCache.take). Nothing here writes to the database.
 */
@Injectable()
export class SlaReportService {
  private readonly read: Database;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly contracts: ContractRepository,
    private readonly maintenance: MaintenanceRepository,
    private readonly traffic: ContractTrafficRepository,
    private readonly cache: TrafficCache,
    private readonly statements: StatementRepository,
    private readonly evidenceLog: EvidenceReader,
    /** Where live reports are read; the primary when omitted. */
    @Optional() @InjectReadDatabase() readDb?: Database,
  ) {
    this.read = readDb ?? db;
  }

  /** `visibleTo`: a platform key sees only its own contracts (null = staff: all). */
  async report(contractId: string, label: string, visibleTo: string | null, now = Date.now()): Promise<LiveSlaReport> {
    const versions = await this.contracts.versions(this.read, contractId);
    if (versions.length === 0 || (visibleTo !== null && versions[0]!.terms.platform !== visibleTo)) {
      throw new InputError(`no contract ${contractId}`);
    }
    requireInTerm(versions, label);
    return this.live(versions, label, now);
  }

  /** Reports of the contracts in force during the period (a contract's months outside its term have none). */
  async reports(label: string, filter: { platform?: string; provider?: string }, now = Date.now()): Promise<LiveSlaReport[]> {
    const all = [...(await this.contracts.list(this.read, filter)).values()].filter((versions) => inTerm(versions, label));
    const latestStatements = await this.statements.latestForPeriod(this.read, label);
    // Maintenance windows are per provider: fetched once per provider (and time zone's month) for all contracts.
    const maintenance = new Map<string, Promise<MaintenanceWindow[]>>();
    for (const versions of all) {
      const period = periodOf(label, versions.at(-1)!.terms.timeZone);
      const key = versions.at(-1)!.terms.provider;
      if (!maintenance.has(key)) maintenance.set(key, this.maintenance.overlapping(this.read, key, new Date(period.start - 86_400_000), new Date(period.end + 86_400_000)));
    }
    const reports = await this.computeAll(this.read, all, label, now, maintenance);
    return reports.map((report) => withStatement(report, latestStatements.get(report.contractId)));
  }

  async credits(label: string, filter: { platform?: string }, now = Date.now()): Promise<CreditSummary> {
    const reports = await this.reports(label, filter, now);
    const lines = reports.map((r) => ({
      contractId: r.contractId, platform: r.platform, provider: r.provider, uptimePercent: r.uptimePercent,
      creditPercent: r.creditPercent, creditAmount: r.creditAmount, claimDeadline: r.claimDeadline, claimDeadlineLocal: r.claimDeadlineLocal!, final: r.final,
    }));
    return { period: label, lines, totals: totalsByCurrency(lines.map((l) => l.creditAmount)) };
  }

  /**
   * A report's evidence runs, each able to give its failures by HTTP status and error code. They
   * are read from the log (error codes are not in the rollups), for all the runs in one query,
   * the first time one is asked for — as the log is now, also for a statement's runs.
   */
  evidenceWithBreakdown(report: SlaReportView): EvidenceRunWithBreakdown[] {
    let breakdowns: Promise<StatusCount[][]> | undefined;
    const load = () => (breakdowns ??= this.statusBreakdowns(report));
    return report.evidence.map((run, i) => ({ ...run, statusBreakdown: async () => (await load())[i]! }));
  }

  private async statusBreakdowns(report: SlaReportView): Promise<StatusCount[][]> {
    const versions = await this.contracts.versions(this.read, report.contractId);
    const terms = (versions.find((v) => v.version === report.contractVersion) ?? versions.at(-1)!).terms;
    const ranges = report.evidence.map((run) => ({ start: Date.parse(run.start), end: Date.parse(run.end) }));
    return this.evidenceLog.statusBreakdown(this.read, { platform: terms.platform, provider: terms.provider, models: terms.models, rules: terms }, ranges);
  }

  /**
   * The report of one contract version set for a period, without comparing with statements —
   * from the primary (what a statement freezes) unless `db` says otherwise.
   */
  async compute(versions: readonly ContractVersion[], label: string, now: number, db: Database = this.db): Promise<SlaReportView> {
    return (await this.computeAll(db, [versions], label, now))[0]!;
  }

  /** Reports of many contracts: their traffic is summarised a batch of contracts per statement. */
  private async computeAll(
    db: Database,
    all: readonly (readonly ContractVersion[])[],
    label: string,
    now: number,
    maintenance?: Map<string, Promise<MaintenanceWindow[]>>,
  ): Promise<SlaReportView[]> {
    const scopes = await Promise.all(
      all.map(async (versions) => {
        const { contract, period } = periodTerms(versions, label);
        const terms = contract.terms;
        const windows = await (maintenance?.get(terms.provider) ?? this.maintenance.overlapping(db, terms.provider, new Date(period.start), new Date(period.end)));
        const ranges = windows
          .filter((w) => maintenanceApplies(w.models, terms.models))
          .map((w) => [Math.floor(w.start.getTime() / MINUTE_MS), Math.ceil(w.end.getTime() / MINUTE_MS)] as const);
        return { versions, contract, terms, period, excluded: new ExcludedMinutes(terms, period, ranges) };
      }),
    );
    const traffic = await this.summarise(db, scopes);
    return scopes.map(({ versions, contract, terms, period, excluded }, i) => {
      const result = evaluateTraffic({ terms, period, traffic: traffic[i]!.traffic, excluded, now });
      return reportView(contract, versions, terms, period, result, traffic[i]!.events);
    });
  }

  /** The scopes' traffic summaries, a batch of contracts per statement (see summariseBatch). */
  private async summarise(db: Database, scopes: readonly TrafficScope[]): Promise<ScopedTraffic[]> {
    // Contracts that name error statuses read the rollups' statuses, the others only their
    // counts (index-only): each batch holds contracts that name the same statuses (or none).
    const kinds = new Map<string, number[]>();
    scopes.forEach((scope, i) => {
      const kind = scope.terms.errorStatuses?.join(',') ?? '';
      const ofKind = kinds.get(kind);
      if (ofKind === undefined) kinds.set(kind, [i]);
      else ofKind.push(i);
    });
    const batches: number[][] = [];
    for (const ofKind of kinds.values()) {
      for (let start = 0; start < ofKind.length; start += CONTRACTS_PER_STATEMENT) batches.push(ofKind.slice(start, start + CONTRACTS_PER_STATEMENT));
    }
    // A couple of statements at a time: enough to use both of Postgres's cores, not so many that one request hogs the pool.
    const summaries: ScopedTraffic[] = new Array(scopes.length);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const traffic = await this.summariseBatch(db, batch.map((i) => scopes[i]!));
        batch.forEach((i, j) => (summaries[i] = traffic[j]!));
      }
    };
    await Promise.all(Array.from({ length: Math.min(STATEMENT_CONCURRENCY, batches.length) }, worker));
    return summaries;
  }

  /**
   * A batch's summaries: what the cache holds that is still exact, and the rest read in one
   * statement — the whole period of a contract not held, the changed days of one held.
   */
  private async summariseBatch(db: Database, scopes: readonly TrafficScope[]): Promise<ScopedTraffic[]> {
    const keyed = scopes.map(cacheScope);
    const since = this.cache.oldestPosition(keyed);
    if (since === null) {
      const { state, traffic } = await this.traffic.summarise(db, scopes);
      keyed.forEach((scope, i) => this.cache.put(scope, [{ start: scope.from, end: scope.to, traffic: traffic[i]! }], state));
      return traffic;
    }
    // The days changed and the stretches they call for must be read at one version of the
    // rollups, so that each summary is the rollups' at one position. Read one after the other
    // they nearly always are (the timeline commits a batch a second or so at most); when not,
    // they are read again in one snapshot (a REPEATABLE READ transaction).
    const read = (await this.readPieces(db, scopes, keyed, since))
      ?? (await db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute((trx) => this.readPieces(trx, scopes, keyed, since)));
    if (read === null) throw new Error('the rollups changed within one snapshot');
    return keyed.map((scope, i) => {
      this.cache.put(scope, read.pieces[i]!, read.state);
      return mergePieces(read.pieces[i]!);
    });
  }

  /** The scopes' pieces at one version of the rollups, or null when the reads cannot be shown to be at one. */
  private async readPieces(
    db: Database, scopes: readonly TrafficScope[], keyed: readonly CacheScope[], since: LogPosition,
  ): Promise<{ state: ReadModelVersion; pieces: SummaryPiece[][] } | null> {
    const { state, changes } = await this.traffic.changesSince(db, keyed, since);
    const plans = keyed.map((scope) => this.cache.plan(scope, since, state, changes));
    const reads = plans.flatMap((plan, i) => (plan === null ? [{ start: keyed[i]!.from, end: keyed[i]!.to }] : plan.stale).map((stretch) => ({ i, stretch })));
    const pieces = plans.map((plan) => [...(plan?.kept ?? [])]);
    if (reads.length === 0) return { state, pieces };
    const read = await this.traffic.summarise(db, reads.map(({ i, stretch }) => ({ ...scopes[i]!, stretch })));
    // The timeline committed between the two reads (a batch every second or so while ingest runs):
    // what was just read is at the later version, and the pieces kept are exact there too unless
    // one of their days changed in between, which one more small read tells.
    if (!sameVersion(read.state, state) && !(await this.keptStillExact(db, keyed, pieces, state, read.state))) return null;
    reads.forEach(({ i, stretch }, j) => pieces[i]!.push({ ...stretch, traffic: read.traffic[j]! }));
    return { state: read.state, pieces };
  }

  /** Whether no day of the pieces kept changed after `from` up to `to` (and the rollups are still at `to`). */
  private async keptStillExact(
    db: Database, keyed: readonly CacheScope[], kept: readonly SummaryPiece[][], from: ReadModelVersion, to: ReadModelVersion,
  ): Promise<boolean> {
    if (from.generation !== to.generation || comparePositions(to.position, from.position) < 0) return false;
    const later = await this.traffic.changesSince(db, keyed, from.position);
    return sameVersion(later.state, to) && keyed.every((scope, i) => kept[i]!.every((piece) => !changesTouch(later.changes, scope, piece)));
  }

  private async live(versions: readonly ContractVersion[], label: string, now: number): Promise<LiveSlaReport> {
    const [report, statements] = await Promise.all([this.compute(versions, label, now, this.read), this.statements.list(this.read, versions[0]!.id, label)]);
    return withStatement(report, statements.at(-1));
  }
}

/**
 * The contract version whose terms apply to the month `label` — those in force at its end — and
 * the month in those terms' time zone.
 */
export function periodTerms(versions: readonly ContractVersion[], label: string): { contract: ContractVersion; period: Period } {
  const provisional = periodOf(label, versions.at(-1)!.terms.timeZone);
  const contract = versionInForce(versions, provisional.end);
  return { contract, period: periodOf(label, contract.terms.timeZone) };
}

/** Whether any of the month `label` lies within the term [effectiveFrom, effectiveTo) of the terms that apply to it. */
export function inTerm(versions: readonly ContractVersion[], label: string): boolean {
  const { contract, period } = periodTerms(versions, label);
  return periodInTerm(period, contract.terms);
}

/** Refuses a month outside the contract's term: a report of it would read as a month of perfect uptime. */
export function requireInTerm(versions: readonly ContractVersion[], label: string): void {
  if (inTerm(versions, label)) return;
  throw new InputError(`contract ${versions[0]!.id} is in force ${termWords(termOf(versions), versions.at(-1)!.terms.timeZone)}: ${label} lies outside its term, so it has no SLA report`);
}

/** A live report, compared with the latest statement issued for its period (if any). */
function withStatement(report: SlaReportView, latest: Statement | undefined): LiveSlaReport {
  return {
    ...report,
    statementVersion: latest?.version ?? null,
    eventsAfterStatement: latest === undefined ? null : report.eventsCounted - latest.eventsCounted,
    differsFromStatement: latest === undefined ? null : !sameFigures(report, latest.report),
  };
}

/** How the traffic cache knows a contract's period: by its summary's parameters, cut into chunks where pieces may be read apart. */
function cacheScope(scope: TrafficScope): CacheScope {
  const { terms, period } = scope;
  return {
    key: JSON.stringify(scopeParams(scope)), platform: terms.platform, provider: terms.provider, from: period.start, to: period.end,
    chunks: periodChunks(period, terms.policy.kind === 'AVERAGE_ERROR_RATE' ? terms.policy.windowMinutes : null),
  };
}

const sameVersion = (a: ReadModelVersion, b: ReadModelVersion) => a.generation === b.generation && comparePositions(a.position, b.position) === 0;
