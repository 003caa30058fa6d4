import { Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import type { ContractInput as DomainContractInput, Principal } from '@ledger/domain';
import { ContractService, ContractVersion, localInstant, SlaReportService, Statement, StatementService } from '@ledger/reporting';
import type { ContractInput, Resolvers } from './generated/schema-types';
import { asGraphql, requireScope } from './graphql-context';

const toInput = (input: ContractInput): DomainContractInput => ({
  ...input,
  effectiveFrom: input.effectiveFrom.toISOString(),
  effectiveTo: input.effectiveTo ? input.effectiveTo.toISOString() : null,
});

/** A contract version as GraphQL shows it. */
export function presentContract(v: ContractVersion) {
  return {
    id: v.id,
    version: v.version,
    ...v.terms,
    effectiveFrom: new Date(v.terms.effectiveFrom),
    effectiveTo: v.terms.effectiveTo === null ? null : new Date(v.terms.effectiveTo),
    inForceFrom: new Date(v.inForceFrom),
  };
}

function presentStatement(s: Statement) {
  return {
    contractId: s.contractId, period: s.period, version: s.version, issuedAt: s.issuedAt, eventsCounted: s.eventsCounted,
    uptimePercent: s.report.uptimePercent, met: s.report.met, creditPercent: s.report.creditPercent, creditAmount: s.report.creditAmount,
    report: { ...s.report, statementVersion: s.version, eventsAfterStatement: null, differsFromStatement: null },
  };
}

/** A platform key reads its own contracts only; staff keys read every contract. */
function ownPlatform(principal: Principal, asked?: string | null): string | undefined {
  if (principal.platform === null) return asked ?? undefined;
  if (asked != null && asked !== principal.platform) {
    throw new GraphQLError(`this key reads platform "${principal.platform}" only`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
  }
  return principal.platform;
}

/** Contracts, SLA reports, credits and statements (api.md § GraphQL). */
@Injectable()
export class SlaResolver {
  constructor(
    private readonly contracts: ContractService,
    private readonly reports: SlaReportService,
    private readonly statements: StatementService,
  ) {}

  private async visibleContract(principal: Principal, id: string): Promise<ContractVersion[]> {
    const versions = await asGraphql(() => this.contracts.versions(id));
    if (principal.platform !== null && versions[0]!.terms.platform !== principal.platform) {
      throw new GraphQLError(`no contract ${id}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return versions;
  }

  resolvers(): Resolvers {
    return {
      SlaReport: {
        contract: async (report) => presentContract((await this.contracts.versions(report.contractId)).at(-1)!),
        hasTraffic: (report) => report.eventsCounted > 0,
        evidence: (report) => this.reports.evidenceWithBreakdown(report),
        // Statements issued before the field existed lack it: their contract's zone gives it.
        claimDeadlineLocal: async (report) =>
          report.claimDeadlineLocal ?? localInstant(Date.parse(report.claimDeadline), (await this.contracts.versions(report.contractId)).at(-1)!.terms.timeZone),
      },
      DowntimeRun: {
        statusBreakdown: (run) => run.statusBreakdown(),
      },
      Query: {
        contracts: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          const all = await this.contracts.list({ platform: ownPlatform(principal, a.platform), provider: a.provider ?? undefined });
          return all.map(presentContract);
        },
        slaReport: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          return asGraphql(() => this.reports.report(a.contractId, a.period, principal.platform));
        },
        slaReports: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          return asGraphql(() => this.reports.reports(a.period, { platform: ownPlatform(principal, a.platform), provider: a.provider ?? undefined }));
        },
        credits: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          const summary = await asGraphql(() => this.reports.credits(a.period, { platform: ownPlatform(principal) }));
          return { ...summary, lines: summary.lines.map((l) => ({ ...l, contract: l.contractId })) };
        },
        statements: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          await this.visibleContract(principal, a.contractId);
          return (await this.statements.list(a.contractId)).map(presentStatement);
        },
      },
      Mutation: {
        defineContract: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return presentContract(await asGraphql(() => this.contracts.define(toInput(a.input), principal.keyId)));
        },
        amendContract: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return presentContract(await asGraphql(() => this.contracts.amend(a.id, toInput(a.input), a.effectiveFrom.toISOString(), principal.keyId)));
        },
        endContract: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return presentContract(await asGraphql(() => this.contracts.end(a.id, a.effectiveTo.toISOString(), principal.keyId)));
        },
        declareMaintenance: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          const { start, end, ...rest } = a.input;
          return asGraphql(() => this.contracts.declareMaintenance({ ...rest, start: start.toISOString(), end: end.toISOString() }, principal.keyId));
        },
        issueStatement: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return presentStatement(await asGraphql(() => this.statements.issue(a.contractId, a.period, principal.keyId)));
        },
      },
    };
  }
}
