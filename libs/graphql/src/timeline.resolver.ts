import { Injectable } from '@nestjs/common';
import { GraphQLError, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';
import { eligibleOf, failuresOf, MINUTE_MS, MinuteStatus, Principal } from '@ledger/domain';
import { DetectionPolicyService, IncidentSummaryView, IncidentView, LiveStatusFeed, ModelStatusView, OutageView, TimelineQueries } from '@ledger/projections';
import type { Resolvers } from './generated/schema-types';
import { asGraphql, requireScope } from './graphql-context';

const DAY_MS = 86_400_000;
// The cast only names what toUpperCase does; the compiler then checks the GraphQL Status has every minute status.
const status = (s: MinuteStatus) => s.toUpperCase() as Uppercase<MinuteStatus>;
const minuteDate = (minute: number) => new Date(minute * MINUTE_MS);

/** Validates a half-open window and caps its length, so no query can run unbounded. */
function window(from: Date, to: Date, maxDays: number): { from: Date; to: Date } {
  if (!(from < to)) throw new GraphQLError('from must be before to', { extensions: { code: 'BAD_USER_INPUT' } });
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    throw new GraphQLError(`the window may span at most ${maxDays} days`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { from, to };
}

/** A platform key reads its own platform's series and the provider-wide ones, never another platform's. */
function checkPlatform(principal: Principal, platform: string | null | undefined): string | undefined {
  if (platform == null) return undefined;
  if (principal.platform !== null && principal.platform !== platform) {
    throw new GraphQLError(`this key reads platform "${principal.platform}" only`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
  }
  return platform;
}

const opt = (value: string | null | undefined) => value ?? undefined;

/** The Outage type's fields, built once per outage (answers can hold thousands: no spreads, one Date per instant). */
function presentOutage(o: OutageView) {
  const lastBadMinuteEnd = minuteDate(o.end);
  return {
    provider: o.provider,
    model: o.model,
    platform: o.platform,
    start: minuteDate(o.start),
    end: o.ongoing ? null : lastBadMinuteEnd,
    lastBadMinuteEnd,
    ongoing: o.ongoing,
    durationMinutes: o.end - o.start,
    severity: status(o.severity),
    peakErrorRate: o.peakFailures / o.peakEligible,
    eligibleRequests: o.eligibleRequests,
    failedRequests: o.failedRequests,
    platformsAffected: o.platformsAffected,
  };
}

function presentStatus(s: ModelStatusView) {
  return { ...s, status: status(s.status), since: minuteDate(s.since) };
}

/** An incident; without its model outages when the query does not ask for them (`selects`). */
function presentIncident(i: IncidentSummaryView | IncidentView) {
  return {
    provider: i.provider,
    start: minuteDate(i.start),
    end: i.ongoing ? null : minuteDate(i.end),
    ongoing: i.ongoing,
    durationMinutes: i.end - i.start,
    severity: status(i.severity),
    models: i.models,
    outages: i.outages,
    modelOutages: 'modelOutages' in i ? i.modelOutages.map(presentOutage) : [],
  };
}

/** Whether the field being resolved selects `name` (through fragments too; under @skip or @include, counted as selected). */
function selects(info: GraphQLResolveInfo, name: string): boolean {
  const inSet = (set: SelectionSetNode | undefined): boolean =>
    set?.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === name;
      if (s.kind === Kind.INLINE_FRAGMENT) return inSet(s.selectionSet);
      return inSet(info.fragments[s.name.value]?.selectionSet);
    }) ?? false;
  return info.fieldNodes.some((node) => inSet(node.selectionSet));
}

/** Outages, incidents, minute series, live status and projection state (api.md § GraphQL). */
@Injectable()
export class TimelineResolver {
  constructor(
    private readonly queries: TimelineQueries,
    private readonly policies: DetectionPolicyService,
    private readonly feed: LiveStatusFeed,
  ) {}

  resolvers(): Resolvers {
    return {
      Query: {
        outages: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          const rows = await this.queries.outagesIn({
            ...window(a.from, a.to, 400), provider: opt(a.provider), model: opt(a.model), platform: checkPlatform(principal, a.platform),
          });
          return rows.map(presentOutage);
        },
        incidents: async (_, a, context, info) => {
          requireScope(context, 'read');
          const filter = { ...window(a.from, a.to, 400), provider: opt(a.provider) };
          // Model outages are read only when asked for: a month's incidents can hold thousands.
          const incidents = selects(info, 'modelOutages') ? await this.queries.incidentsIn(filter) : await this.queries.incidentSummariesIn(filter);
          return incidents.map(presentIncident);
        },
        minuteSeries: async (_, a, context) => {
          const principal = requireScope(context, 'read');
          const rows = await this.queries.minuteSeries({
            ...window(a.from, a.to, 31), provider: a.provider, model: opt(a.model), platform: checkPlatform(principal, a.platform),
          });
          return rows.map((m) => ({
            minute: minuteDate(m.minute),
            status: status(m.status),
            eligible: eligibleOf(m.counts),
            failures: failuresOf(m.counts),
            ...m.counts,
            p95LatencyMs: m.p95LatencyMs,
          }));
        },
        providerStatus: async (_, a, context) => {
          requireScope(context, 'read');
          const rows = await this.queries.providerStatus({ provider: opt(a.provider), model: opt(a.model) });
          return rows.map(presentStatus);
        },
        projections: async (_, __, context) => {
          requireScope(context, 'read');
          return this.queries.projections();
        },
      },
      Subscription: {
        statusChanged: {
          subscribe: (_, a, context) => {
            requireScope(context, 'read');
            return this.feed.subscribe(opt(a.provider));
          },
          resolve: (payload: ModelStatusView) => presentStatus(payload),
        },
      },
      Mutation: {
        setDetectionPolicy: async (_, { input }, context) => {
          const principal = requireScope(context, 'admin');
          const { provider, model, ...values } = input;
          return asGraphql(() =>
            this.policies.set(
              { provider, model: model ?? null, ...Object.fromEntries(Object.entries(values).filter(([, v]) => v != null)) },
              principal.keyId,
            ),
          );
        },
      },
    };
  }
}
