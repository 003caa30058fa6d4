import { Injectable } from '@nestjs/common';
import type { Scope } from '@ledger/domain';
import { ApiKeyService, ApiKeySummary, ProviderAliasService } from '@ledger/auth';
import type { Resolvers, Scope as GraphqlScope } from './generated/schema-types';
import { asGraphql, requireScope } from './graphql-context';

// The casts only name what toUpperCase/toLowerCase do; the compiler then checks both enums hold the same scopes.
const toGraphqlScope = (scope: Scope) => scope.toUpperCase() as Uppercase<Scope>;
const fromGraphqlScope = (scope: GraphqlScope) => scope.toLowerCase() as Lowercase<GraphqlScope>;
const present = <T extends ApiKeySummary>(key: T) => ({ ...key, scopes: key.scopes.map(toGraphqlScope) });

/** Keys and the viewer: who is calling, and the admin operations on keys. */
@Injectable()
export class ApiKeyResolver {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly aliases: ProviderAliasService,
  ) {}

  resolvers(): Resolvers {
    return {
      Query: {
        viewer: (_, __, context) => {
          const principal = requireScope(context, null);
          return { keyId: principal.keyId, platform: principal.platform, scopes: [...principal.scopes].map(toGraphqlScope) };
        },
        apiKeys: async (_, __, context) => {
          requireScope(context, 'admin');
          return (await this.keys.list()).map(present);
        },
        otlpProviderAliases: async (_, args, context) => {
          requireScope(context, 'admin');
          return this.aliases.list(args.keyId);
        },
      },
      Mutation: {
        createApiKey: async (_, args, context) => {
          const principal = requireScope(context, 'admin');
          const created = await asGraphql(() =>
            this.keys.create({ platform: args.platform ?? null, scopes: args.scopes.map(fromGraphqlScope), name: args.name ?? null }, principal.keyId),
          );
          return present(created);
        },
        revokeApiKey: async (_, args, context) => {
          const principal = requireScope(context, 'admin');
          return this.keys.revoke(args.id, principal.keyId);
        },
        setOtlpProviderAliases: async (_, args, context) => {
          const principal = requireScope(context, 'admin');
          return asGraphql(() => this.aliases.set(args.keyId, args.aliases, principal.keyId));
        },
      },
    };
  }
}
