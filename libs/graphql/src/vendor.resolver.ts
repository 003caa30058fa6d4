import { Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { VendorComparisonService } from '@ledger/reporting';
import type { Resolvers } from './generated/schema-types';
import { requireScope } from './graphql-context';

const MAX_DAYS = 400;

/** The vendor comparison (concepts §7) for engineering leads. */
@Injectable()
export class VendorResolver {
  constructor(private readonly comparison: VendorComparisonService) {}

  resolvers(): Resolvers {
    return {
      Query: {
        vendorComparison: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          if (!(a.from < a.to)) throw new GraphQLError('from must be before to', { extensions: { code: 'BAD_USER_INPUT' } });
          if (a.to.getTime() - a.from.getTime() > MAX_DAYS * 86_400_000) {
            throw new GraphQLError(`the window may span at most ${MAX_DAYS} days`, { extensions: { code: 'BAD_USER_INPUT' } });
          }
          if (a.platform != null && principal.platform !== null && a.platform !== principal.platform) {
            throw new GraphQLError(`this key reads platform "${principal.platform}" only`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
          }
          const scores = await this.comparison.compare({
            from: a.from, to: a.to, providers: a.providers ?? undefined, models: a.models ?? undefined,
            platform: a.platform ?? undefined, providerRows: a.providerRows ?? false,
          });
          return scores.map((s) => ({
            ...s,
            outcomes: { success: s.outcomes.successes, error: s.outcomes.errors, timeout: s.outcomes.timeouts, rateLimited: s.outcomes.rateLimited, clientError: s.outcomes.clientErrors },
          }));
        },
      },
    };
  }
}
