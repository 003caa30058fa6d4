import { Injectable } from '@nestjs/common';
import type { MinuteStatus } from '@ledger/domain';
import { IncidentWithModels, StatusComponentService, StatusPageAccuracyService } from '@ledger/provider-status';
import type { IncidentImpact, Resolvers } from './generated/schema-types';
import { asGraphql, requireScope } from './graphql-context';

const impact = (value: string) => value.toUpperCase() as IncidentImpact;
const instant = (ms: number | null) => (ms === null ? null : new Date(ms));

function incidentView(i: IncidentWithModels) {
  return {
    ...i, impact: impact(i.impact), createdAt: new Date(i.createdAt), resolvedAt: instant(i.resolvedAt),
    updates: i.updates.map((u) => ({ ...u, createdAt: new Date(u.createdAt) })),
  };
}

/** Provider status pages (api.md § Provider status pages): reading is the read scope's (status pages are public); the mapping is the admin's. */
@Injectable()
export class ProviderStatusResolver {
  constructor(
    private readonly accuracy: StatusPageAccuracyService,
    private readonly components: StatusComponentService,
  ) {}

  resolvers(): Resolvers {
    return {
      Query: {
        providerIncidents: async (_, a, context) => {
          requireScope(context, 'read');
          const incidents = await asGraphql(() => this.accuracy.incidentsIn({ from: a.from, to: a.to, provider: a.provider ?? undefined }));
          return incidents.map(incidentView);
        },
        statusPageAccuracy: async (_, a, context) => {
          requireScope(context, 'read');
          const minSeverity = (a.minSeverity ?? 'DEGRADED').toLowerCase() as MinuteStatus;
          const report = await asGraphql(() => this.accuracy.accuracy({ from: a.from, to: a.to, provider: a.provider, minSeverity }));
          const byId = new Map(report.incidents.map((i) => [i.incidentId, i]));
          return {
            ...report,
            minSeverity: report.minSeverity.toUpperCase() as Uppercase<MinuteStatus>,
            incidents: report.incidents.length,
            perOutage: report.perOutage.map((o) => ({ ...o, start: new Date(o.start), end: instant(o.end) })),
            perIncident: report.perIncident.map((x) => {
              const i = byId.get(x.incidentId)!;
              return { ...x, name: i.name, impact: impact(i.impact), createdAt: new Date(i.createdAt), resolvedAt: instant(i.resolvedAt) };
            }),
          };
        },
        statusComponents: async (_, a, context) => {
          requireScope(context, 'read');
          return (await asGraphql(() => this.components.list(a.provider))).map((m) => ({ provider: a.provider, ...m }));
        },
      },
      Mutation: {
        setStatusComponents: async (_, a, context) => {
          const principal = requireScope(context, 'admin');
          const mapping = await asGraphql(() => this.components.set(a.provider, a.components, principal.keyId));
          return mapping.map((m) => ({ provider: a.provider, ...m }));
        },
      },
    };
  }
}
