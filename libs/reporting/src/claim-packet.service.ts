import { Injectable, Optional } from '@nestjs/common';
import {
  claimStatus, ContractTerms, eventFails, InputError, largestStatusCounts, MINUTE_MS, Money, StatusCount,
} from '@ledger/domain';
import { Database, InjectDatabase, InjectReadDatabase } from '@ledger/database';
import { EvidenceEvent, EvidenceReader } from '@ledger/event-store';
import { ClaimActor, ClaimService } from './claim.service';
import { ContractRepository } from './contract.repository';
import { StatementRepository } from './statement.repository';

/** The version of the packet's layout, for tools that read it. */
export const CLAIM_PACKET_FORMAT = 'sla-ledger/claim-packet/1';

/** One minute of an evidence run, counted from the log's events under the contract's rules. */
export interface PacketMinute {
  minute: string;
  eligibleRequests: number;
  failedRequests: number;
  statusBreakdown: StatusCount[];
}

export interface PacketRun {
  start: string;
  end: string;
  minutes: number;
  /** As the statement counted them (from the rollups when it was issued). */
  eligibleRequests: number;
  failedRequests: number;
  statusBreakdown: StatusCount[];
  /** The run's events and their digest when the claim was opened. */
  events: number;
  digest: string;
  minuteRows: PacketMinute[];
}

/** Everything a provider needs to check a claim, as `GET /v1/claims/{id}/packet.json` serves it. */
export interface ClaimPacket {
  format: typeof CLAIM_PACKET_FORMAT;
  generatedAt: string;
  claim: {
    id: string; status: string; period: string; statementVersion: number; claimedAmount: Money; creditedAmount: Money | null;
    claimDeadline: string; filedAt: string | null; reference: string | null; resolvedAt: string | null;
  };
  /** The contract's terms as in force for the period (the version the statement used). */
  contract: { id: string; version: number; terms: Omit<ContractTerms, 'effectiveFrom' | 'effectiveTo'> & { effectiveFrom: string; effectiveTo: string | null } };
  statement: {
    version: number; issuedAt: string; periodStart: string; periodEnd: string; policy: string; uptimePercent: string; targetPercent: string; met: boolean;
    eligibleMinutes: number; downtimeMinutes: number | null; creditPercent: string; creditAmount: Money;
  };
  evidence: {
    /** How to recompute the digest from the events. */
    digestMethod: string;
    evidenceEvents: number;
    evidenceDigest: string;
    runs: PacketRun[];
  };
  /** The log now: the same digest computed again while writing this packet. */
  logNow: { evidenceEvents: number; evidenceDigest: string; matches: boolean; runsThatDiffer: string[] };
}

export const DIGEST_METHOD =
  'SHA-256 (lower-case hex) of one line per event of the contract (platform, provider, models; every outcome) whose minute lies in an evidence run: ' +
  'id TAB occurredAt TAB model TAB outcome TAB httpStatus LF, occurredAt in UTC with milliseconds, httpStatus empty when absent, UTF-8, ' +
  'sorted by occurredAt and then by the bytes of id';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Claim packets: the claim, the contract's terms as in force, its statement and every evidence
 * run with its minutes, built by streaming the runs' events from the log once (their digest, and
 * per minute the eligible and failed requests and the failures by status and code).
 */
@Injectable()
export class ClaimPacketService {
  private readonly read: Database;

  constructor(
    @InjectDatabase() db: Database,
    private readonly claims: ClaimService,
    private readonly contracts: ContractRepository,
    private readonly statements: StatementRepository,
    private readonly evidence: EvidenceReader,
    @Optional() @InjectReadDatabase() readDb?: Database,
  ) {
    this.read = readDb ?? db;
  }

  async packet(id: string, actor: ClaimActor, now = Date.now()): Promise<ClaimPacket> {
    const claim = await this.claims.get(id, actor, now);
    const statement = (await this.statements.list(this.read, claim.contractId, claim.period)).find((s) => s.version === claim.statementVersion);
    if (statement === undefined) throw new InputError(`claim ${id}: statement version ${claim.statementVersion} of ${claim.period} is missing`);
    const versions = await this.contracts.versions(this.read, claim.contractId);
    const contract = versions.find((v) => v.version === statement.report.contractVersion) ?? versions.at(-1)!;
    const { terms } = contract;

    const minutes = new MinuteCounter(terms);
    const logNow = await this.evidence.digest(this.read, { platform: claim.platform, provider: terms.provider, models: terms.models }, claim.evidenceRuns, (event) => minutes.add(event));
    const report = statement.report;
    return {
      format: CLAIM_PACKET_FORMAT,
      generatedAt: new Date(now).toISOString(),
      claim: {
        id: claim.id, status: claimStatus(claim), period: claim.period, statementVersion: claim.statementVersion, claimedAmount: claim.claimedAmount,
        creditedAmount: claim.creditedAmount, claimDeadline: iso(claim.claimDeadline)!, filedAt: iso(claim.filedAt), reference: claim.reference, resolvedAt: iso(claim.resolvedAt),
      },
      contract: { id: contract.id, version: contract.version, terms: { ...terms, effectiveFrom: iso(terms.effectiveFrom)!, effectiveTo: iso(terms.effectiveTo) } },
      statement: {
        version: statement.version, issuedAt: statement.issuedAt.toISOString(), periodStart: report.periodStart, periodEnd: report.periodEnd, policy: report.policy,
        uptimePercent: report.uptimePercent, targetPercent: report.targetPercent, met: report.met, eligibleMinutes: report.eligibleMinutes,
        downtimeMinutes: report.downtimeMinutes, creditPercent: report.creditPercent, creditAmount: report.creditAmount,
      },
      evidence: {
        digestMethod: DIGEST_METHOD,
        evidenceEvents: claim.evidenceEvents,
        evidenceDigest: claim.evidenceDigest,
        runs: claim.evidenceRuns.map((run) => {
          const stated = report.evidence.find((r) => Date.parse(r.start) === run.start);
          const rows = minutes.rowsOf(run);
          return {
            start: iso(run.start)!, end: iso(run.end)!, minutes: (run.end - run.start) / MINUTE_MS,
            eligibleRequests: stated?.eligibleRequests ?? 0, failedRequests: stated?.failedRequests ?? 0,
            statusBreakdown: largestStatusCounts(sumBreakdowns(minutes.breakdownsOf(run))),
            events: run.events, digest: run.digest, minuteRows: rows,
          };
        }),
      },
      logNow: {
        evidenceEvents: logNow.events, evidenceDigest: logNow.digest, matches: logNow.digest === claim.evidenceDigest,
        runsThatDiffer: claim.evidenceRuns.filter((run, i) => logNow.ranges[i]!.digest !== run.digest).map((run) => iso(run.start)!),
      },
    };
  }
}

/** Per minute: eligible and failed requests under the contract's rules, and the failures by (status, code). */
class MinuteCounter {
  private readonly byMinute = new Map<number, { eligible: number; failed: number; causes: Map<string, StatusCount> }>();

  constructor(private readonly terms: ContractTerms) {}

  add(event: EvidenceEvent): void {
    const minute = Math.floor(event.occurredAt / MINUTE_MS);
    let counts = this.byMinute.get(minute);
    if (counts === undefined) this.byMinute.set(minute, (counts = { eligible: 0, failed: 0, causes: new Map() }));
    const fails = eventFails(this.terms, event.outcome, event.httpStatus);
    if (fails) {
      counts.failed++;
      const key = causeKey(event);
      const cause = counts.causes.get(key);
      if (cause === undefined) counts.causes.set(key, { httpStatus: event.httpStatus, errorCode: event.errorCode, count: 1 });
      else cause.count++;
    }
    // Eligible: successes, every error, and what fails of the rest (timeouts and rate-limited as the contract counts them).
    if (event.outcome === 'success' || event.outcome === 'error' || fails) counts.eligible++;
  }

  /** Every minute of a run, those without events too. */
  rowsOf(run: { start: number; end: number }): PacketMinute[] {
    const rows: PacketMinute[] = [];
    for (let minute = run.start / MINUTE_MS; minute < run.end / MINUTE_MS; minute++) {
      const counts = this.byMinute.get(minute);
      rows.push({
        minute: new Date(minute * MINUTE_MS).toISOString(), eligibleRequests: counts?.eligible ?? 0, failedRequests: counts?.failed ?? 0,
        statusBreakdown: counts === undefined ? [] : largestStatusCounts([...counts.causes.values()]),
      });
    }
    return rows;
  }

  breakdownsOf(run: { start: number; end: number }): StatusCount[][] {
    const all: StatusCount[][] = [];
    for (let minute = run.start / MINUTE_MS; minute < run.end / MINUTE_MS; minute++) {
      const counts = this.byMinute.get(minute);
      if (counts !== undefined) all.push([...counts.causes.values()]);
    }
    return all;
  }
}

const causeKey = (c: { httpStatus: number | null; errorCode: string | null }) => JSON.stringify([c.httpStatus, c.errorCode]);

function sumBreakdowns(lists: readonly StatusCount[][]): StatusCount[] {
  const sums = new Map<string, StatusCount>();
  for (const list of lists) {
    for (const c of list) {
      const key = causeKey(c);
      const sum = sums.get(key);
      if (sum === undefined) sums.set(key, { ...c });
      else sum.count += c.count;
    }
  }
  return [...sums.values()];
}

/** What `claims verify` finds: the packet's digest against the log's now, in all and run by run. */
export interface PacketVerification {
  matches: boolean;
  packet: { events: number; digest: string };
  log: { events: number; digest: string };
  runs: { start: string; end: string; packet: { events: number; digest: string }; log: { events: number; digest: string }; matches: boolean }[];
}

/**
 * Recomputes a packet's evidence digest from the log — the contract's platform, provider and
 * models in the packet, its runs' minutes — and compares it with the packet's, run by run. It
 * reads the packet's own words for the scope, so a packet is checked as it was sent.
 */
export async function verifyPacket(db: Database, evidence: EvidenceReader, packet: ClaimPacket): Promise<PacketVerification> {
  if (packet.format !== CLAIM_PACKET_FORMAT) throw new InputError(`not a claim packet of format ${CLAIM_PACKET_FORMAT} (format: ${JSON.stringify(packet.format)})`);
  const { platform, provider, models } = packet.contract.terms;
  const runs = packet.evidence.runs;
  const log = await evidence.digest(db, { platform, provider, models }, runs.map((r) => ({ start: Date.parse(r.start), end: Date.parse(r.end) })));
  return {
    matches: log.digest === packet.evidence.evidenceDigest,
    packet: { events: packet.evidence.evidenceEvents, digest: packet.evidence.evidenceDigest },
    log: { events: log.events, digest: log.digest },
    runs: runs.map((run, i) => ({
      start: run.start, end: run.end, packet: { events: run.events, digest: run.digest }, log: log.ranges[i]!, matches: log.ranges[i]!.digest === run.digest,
    })),
  };
}
