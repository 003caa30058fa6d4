import { Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import type { Principal } from '@ledger/domain';
import { ActionReportService } from '@ledger/reporting';
import type { PlatformActionKind, Resolvers } from './generated/schema-types';
import { asGraphql, requireScope } from './graphql-context';

/** A platform key reads its own platform's actions only; a staff key any (all when none is named). */
function platformOf(principal: Principal, platform: string | null | undefined): string | undefined {
  if (principal.platform === null) return platform ?? undefined;
  if (platform != null && platform !== principal.platform) {
    throw new GraphQLError(`this key reads platform "${principal.platform}" only`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
  }
  return principal.platform;
}

const instant = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Platform actions (api.md § Platform actions): read scope. */
@Injectable()
export class ActionsResolver {
  constructor(private readonly reports: ActionReportService) {}

  resolvers(): Resolvers {
    return {
      Query: {
        platformActions: async (_, a, context) => {
          const platform = platformOf(requireScope(context, 'read'), a.platform);
          const actions = await asGraphql(() => this.reports.list({ from: a.from, to: a.to, platform, provider: a.provider ?? undefined }));
          return actions.map((x) => ({ ...x, action: x.action.toUpperCase() as PlatformActionKind, occurredAt: new Date(x.occurredAt) }));
        },
        actionReport: async (_, a, context) => {
          const platform = platformOf(requireScope(context, 'read'), a.platform)!;
          const report = await asGraphql(() => this.reports.report({ from: a.from, to: a.to, platform, provider: a.provider }));
          return {
            ...report,
            outages: report.perOutage.length,
            perOutage: report.perOutage.map((o) => ({ ...o, start: new Date(o.start), end: instant(o.end) })),
          };
        },
      },
    };
  }
}
