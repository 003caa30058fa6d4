import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentNode, GraphQLError, Kind } from 'graphql';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { createYoga, maskError } from 'graphql-yoga';
import { ApiKeyService, BOOTSTRAP_ADMIN_KEY_ID, RateLimiter } from '@ledger/auth';
import { DATABASE_UNAVAILABLE_BODY, isDatabaseUnavailable, Metrics } from '@ledger/http';
import { ProjectionsModule } from '@ledger/projections';
import { ReportingModule } from '@ledger/reporting';
import { AlertsModule } from '@ledger/alerts';
import { ProviderStatusModule } from '@ledger/provider-status';
import { ActionsResolver } from './actions.resolver';
import { AlertsResolver } from './alerts.resolver';
import { ApiKeyResolver } from './api-key.resolver';
import { ClaimsResolver } from './claims.resolver';
import { ProviderStatusResolver } from './provider-status.resolver';
import { SlaResolver } from './sla.resolver';
import { TimelineResolver } from './timeline.resolver';
import { VendorResolver } from './vendor.resolver';
import { buildLedgerSchema } from './executable-schema';

export const GRAPHQL_OPTIONS = Symbol('GRAPHQL_OPTIONS');

const isSubscription = (document: DocumentNode) =>
  document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'subscription');
export interface GraphqlOptions {
  /** GraphiQL is served outside production only. */
  production: boolean;
}

/**
 * Serves GraphQL with graphql-yoga at /graphql, mounted on Nest's Fastify instance
 * (Yoga's Nest driver lags the current Nest major). Errors are masked: clients see only
 * errors raised on purpose (GraphQLError), never SQL or stack traces.
 */
@Module({
  imports: [ProjectionsModule, ReportingModule, AlertsModule, ProviderStatusModule],
  providers: [ApiKeyResolver, TimelineResolver, SlaResolver, ClaimsResolver, AlertsResolver, ActionsResolver, ProviderStatusResolver, VendorResolver],
})
export class GraphqlModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly keys: ApiKeyService,
    private readonly apiKeyResolver: ApiKeyResolver,
    private readonly timelineResolver: TimelineResolver,
    private readonly slaResolver: SlaResolver,
    private readonly claimsResolver: ClaimsResolver,
    private readonly alertsResolver: AlertsResolver,
    private readonly actionsResolver: ActionsResolver,
    private readonly providerStatusResolver: ProviderStatusResolver,
    private readonly vendorResolver: VendorResolver,
    private readonly metrics: Metrics,
    private readonly limiter: RateLimiter,
    @Inject(GRAPHQL_OPTIONS) private readonly options: GraphqlOptions,
  ) {}

  static forRoot(options: GraphqlOptions) {
    return { module: GraphqlModule, providers: [{ provide: GRAPHQL_OPTIONS, useValue: options }] };
  }

  onModuleInit(): void {
    const schema = buildLedgerSchema([
      this.apiKeyResolver.resolvers(),
      this.timelineResolver.resolvers(),
      this.slaResolver.resolvers(),
      this.claimsResolver.resolvers(),
      this.alertsResolver.resolvers(),
      this.actionsResolver.resolvers(),
      this.providerStatusResolver.resolvers(),
      this.vendorResolver.resolvers(),
    ]);
    const yoga = createYoga<{ req: FastifyRequest; reply: FastifyReply }>({
      schema,
      graphqlEndpoint: '/graphql',
      graphiql: !this.options.production && { title: 'SLA Ledger GraphiQL' },
      // GraphiQL from the service itself (the default page loads its files from a CDN: blank
      // offline or behind a proxy). The page inlines the editor (~9 MB), so it is loaded on
      // first use, not by every process at start.
      renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
      landingPage: false,
      maskedErrors: {
        // A lost database is the client's cue to retry, not a bug: say so, as REST does (503).
        maskError: (error, message, isDev) => {
          const original = error instanceof GraphQLError ? error.originalError : error;
          if (!isDatabaseUnavailable(original)) return maskError(error, message, isDev);
          this.metrics.databaseUnavailable.inc();
          return databaseUnavailableError();
        },
      },
      logging: false,
      plugins: [
        // Refused while parsing and validating, before any resolver (or database) work.
        ...new EnvelopArmor({
          maxDepth: { n: 10, exposeLimits: true },
          maxAliases: { n: 20, exposeLimits: true },
          maxTokens: { n: 2_000, exposeLimits: true },
          costLimit: { maxCost: 1_000, exposeLimits: true },
          maxDirectives: { n: 20, exposeLimits: true },
          blockFieldSuggestion: { enabled: true },
        }).protect().plugins,
        // Browsers may not post GraphQL as a "simple" cross-site request.
        useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf'] }),
        // Queries and mutations run compiled (graphql-jit): a 30-day `outages` answer is
        // thousands of objects, and graphql-js' field-by-field execution was most of its time.
        // Subscriptions keep the standard executor.
        useGraphQlJit({}, { enableIf: ({ document }) => !isSubscription(document) }),
        ...(this.options.production ? [useDisableIntrospection()] : []),
      ],
      context: async ({ request }) => {
        const auth = await this.keys.authenticate(request.headers.get('authorization') ?? undefined).catch((error: unknown) => {
          if (!isDatabaseUnavailable(error)) throw error;
          this.metrics.databaseUnavailable.inc();
          throw databaseUnavailableError();
        });
        if (auth.ok && auth.principal.keyId !== BOOTSTRAP_ADMIN_KEY_ID) {
          const decision = await this.limiter.take(auth.principal.keyId, 'query', 1);
          if (!decision.allowed) {
            throw new GraphQLError(`this key's query rate limit is spent; retry in ${decision.retryAfterSeconds} s`, {
              extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'retry-after': String(decision.retryAfterSeconds) } } },
            });
          }
        }
        return { auth };
      },
    });
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.route({
      url: yoga.graphqlEndpoint,
      method: ['GET', 'POST', 'OPTIONS'],
      handler: async (req, reply) => {
        const stop = this.metrics.graphqlSeconds.startTimer();
        try {
          return await yoga.handleNodeRequestAndResponse(req, reply, { req, reply });
        } finally {
          stop();
        }
      },
    });
  }
}

function databaseUnavailableError(): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_BODY.message, {
    extensions: { code: DATABASE_UNAVAILABLE_BODY.code, http: { status: 503, headers: { 'retry-after': '1' } } },
  });
}
