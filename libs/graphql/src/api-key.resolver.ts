import { Injectable } from '@nestjs/common';
import type { Scope } from '@ledger/domain';
import { ApiKeyService, ApiKeySummary } from '@ledger/auth';
import { asGraphql, GraphqlContext, requireScope } from './graphql-context';

const toGraphqlScope = (scope: Scope) => scope.toUpperCase();
const present = <T extends ApiKeySummary>(key: T) => ({ ...key, scopes: key.scopes.map(toGraphqlScope) });

/** Keys and the viewer: who is calling, and the admin operations on keys. */
@Injectable()
export class ApiKeyResolver {
  constructor(private readonly keys: ApiKeyService) {}

  resolvers() {
    return {
      Query: {
        viewer: (_: unknown, __: unknown, context: GraphqlContext) => {
          const principal = requireScope(context, null);
          return { keyId: principal.keyId, platform: principal.platform, scopes: [...principal.scopes].map(toGraphqlScope) };
        },
        apiKeys: async (_: unknown, __: unknown, context: GraphqlContext) => {
          requireScope(context, 'admin');
          return (await this.keys.list()).map(present);
        },
      },
      Mutation: {
        createApiKey: async (
          _: unknown,
          args: { platform?: string | null; scopes: string[]; name?: string | null },
          context: GraphqlContext,
        ) => {
          const principal = requireScope(context, 'admin');
          const created = await asGraphql(() =>
            this.keys.create({ platform: args.platform ?? null, scopes: args.scopes.map((s) => s.toLowerCase() as Scope), name: args.name ?? null }, principal.keyId),
          );
          return present(created);
        },
        revokeApiKey: async (_: unknown, args: { id: string }, context: GraphqlContext) => {
          const principal = requireScope(context, 'admin');
          return this.keys.revoke(args.id, principal.keyId);
        },
      },
    };
  }
}
