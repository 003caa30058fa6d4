import { Injectable } from '@nestjs/common';
import { claimStatus, Principal } from '@ledger/domain';
import { ClaimActor, ClaimService, ContractService } from '@ledger/reporting';
import type { Resolvers } from './generated/schema-types';
import { asGraphql, requireScope } from './graphql-context';
import { presentContract } from './sla.resolver';

const actorOf = (principal: Principal): ClaimActor => ({ keyId: principal.keyId, platform: principal.platform });
const instant = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Claims (api.md § Claims): queries need the read scope, changes the admin scope; a platform key only ever touches its own platform's claims. */
@Injectable()
export class ClaimsResolver {
  constructor(
    private readonly claims: ClaimService,
    private readonly contracts: ContractService,
  ) {}

  resolvers(): Resolvers {
    return {
      Claim: {
        contract: async (claim) => presentContract((await this.contracts.versions(claim.contractId)).at(-1)!),
        status: (claim) => claimStatus(claim),
        claimDeadline: (claim) => new Date(claim.claimDeadline),
        filedAt: (claim) => instant(claim.filedAt),
        resolvedAt: (claim) => instant(claim.resolvedAt),
        history: (claim) => claim.history.map((t) => ({ ...t, at: new Date(t.at) })),
      },
      Query: {
        claims: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          return asGraphql(() => this.claims.list({
            status: a.status ?? undefined, provider: a.provider ?? undefined, platform: a.platform ?? undefined, dueBefore: a.dueBefore?.getTime(),
          }, actorOf(principal)));
        },
        claim: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          return asGraphql(() => this.claims.get(a.id, actorOf(principal)));
        },
        claimSummary: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          return asGraphql(() => this.claims.summary(a.provider ?? undefined, actorOf(principal)));
        },
      },
      Mutation: {
        openClaim: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return asGraphql(() => this.claims.open(a.contractId, a.period, actorOf(principal)));
        },
        fileClaim: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return asGraphql(() => this.claims.file(a.id, { reference: a.reference, note: a.note }, actorOf(principal)));
        },
        resolveClaim: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return asGraphql(() => this.claims.resolve(a.id, { outcome: a.outcome, creditedAmount: a.creditedAmount, note: a.note }, actorOf(principal)));
        },
        withdrawClaim: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          return asGraphql(() => this.claims.withdraw(a.id, { note: a.note }, actorOf(principal)));
        },
      },
    };
  }
}
