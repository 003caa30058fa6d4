import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IngestResult } from '@ledger/domain';
import { AlertQueries, OutboxStanding } from '@ledger/alerts';
import { Database, InjectDatabase } from '@ledger/database';
import { ProjectionRunner } from '@ledger/projections';
import { FeedState, ProviderStatusFeedRepository } from '@ledger/provider-status';
import { ReplicaLag, ReplicaLagView } from './replica-lag';

/** A rejection reason as a metric label: the field it concerns, or its kind. */
export function rejectionReason(message: string): string {
  if (message.startsWith('conflict')) return 'conflict';
  if (message.startsWith('line ') || message.startsWith('an event must be')) return 'unreadable';
  const field = /^([A-Za-z]+)\b/.exec(message)?.[1];
  return field ?? 'other';
}

/** Prometheus metrics of this process (`GET /metrics`). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly events = new Counter({
    name: 'ledger_ingest_events_total', help: 'Events posted, by result', labelNames: ['result'], registers: [this.registry],
  });
  private readonly rejections = new Counter({
    name: 'ledger_ingest_rejections_total', help: 'Rejected events, by reason', labelNames: ['reason'], registers: [this.registry],
  });
  /** REST requests answered 503 because the database could not be reached. */
  readonly databaseUnavailable = new Counter({
    name: 'ledger_http_database_unavailable_total',
    help: 'Requests answered 503 because the database was unreachable',
    registers: [this.registry],
  });
  /** OTLP spans by what became of them: an event, ignored (not a model call), or rejected. */
  readonly otlpSpans = new Counter({
    name: 'ledger_otlp_spans_total', help: 'Spans posted to /v1/traces, by result (event, ignored, rejected)', labelNames: ['result'], registers: [this.registry],
  });
  readonly ingestSeconds = new Histogram({
    name: 'ledger_ingest_request_seconds', help: 'POST /v1/events duration', registers: [this.registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  readonly graphqlSeconds = new Histogram({
    name: 'ledger_graphql_request_seconds', help: 'POST /graphql duration', registers: [this.registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

  constructor(runner: ProjectionRunner, replica: ReplicaLag, alerts: AlertQueries, feeds: ProviderStatusFeedRepository, @InjectDatabase() db: Database) {
    collectDefaultMetrics({ register: this.registry, prefix: 'ledger_' });
    new Gauge({
      name: 'ledger_projection_lag_events',
      help: 'Committed events a projection has not folded yet (on the primary)',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        for (const p of await runner.states()) this.set({ projection: p.name }, p.lagEvents);
      },
    });
    if (replica.configured) this.replicaGauges(replica);
    this.outboxGauges(alerts);
    this.statusFeedGauges(feeds, db);
  }

  /**
   * The status-feed poller's state per provider, read at scrape time from the primary: the
   * poller may run in another process (a worker serves no /metrics), and whichever it is, any
   * API process reports it.
   */
  private statusFeedGauges(repository: ProviderStatusFeedRepository, db: Database): void {
    let reading: Promise<FeedState[]> | null = null;
    const read = () => (reading ??= repository.all(db).finally(() => (reading = null)));
    const gauge = (name: string, help: string, value: (feed: FeedState) => number) =>
      new Gauge({
        name, help, labelNames: ['provider'], registers: [this.registry],
        async collect() {
          const feeds = await read();
          // A feed no longer in the table is no longer reported.
          this.reset();
          for (const feed of feeds) this.set({ provider: feed.provider }, value(feed));
        },
      });
    gauge('ledger_status_feed_consecutive_failures', 'Failed polls in a row of a provider\'s status feed (0 after a good answer)', (feed) => feed.consecutiveFailures);
    gauge('ledger_status_feed_last_success_seconds', 'Unix time of the last poll of a provider\'s status feed that answered (0: never)',
      (feed) => (feed.lastSuccessAt === null ? 0 : feed.lastSuccessAt.getTime() / 1000));
  }

  /** The webhook outbox, counted at scrape time: pending, delivered and failed deliveries, and the age of the oldest pending. */
  private outboxGauges(alerts: AlertQueries): void {
    let counting: Promise<OutboxStanding> | null = null;
    const count = () => (counting ??= alerts.outboxStanding().finally(() => (counting = null)));
    new Gauge({
      name: 'ledger_alert_deliveries', help: 'Webhook deliveries of alert transitions, by state', labelNames: ['state'], registers: [this.registry],
      async collect() {
        const standing = await count();
        this.set({ state: 'pending' }, standing.pending);
        this.set({ state: 'delivered' }, standing.delivered);
        this.set({ state: 'failed' }, standing.failed);
      },
    });
    new Gauge({
      name: 'ledger_alert_delivery_oldest_pending_seconds', help: 'Age of the oldest delivery not yet delivered (0 when none is pending)', registers: [this.registry],
      async collect() {
        this.set((await count()).oldestPendingSeconds);
      },
    });
  }

  /** With a read replica: its lag, measured at scrape time (operations.md § Read replica). */
  private replicaGauges(replica: ReplicaLag): void {
    // One measurement per scrape, shared by the three gauges: the registry collects them all at once.
    let measuring: Promise<ReplicaLagView | null> | null = null;
    const measure = () => (measuring ??= replica.measure().catch(() => null).finally(() => (measuring = null)));
    const gauge = (name: string, help: string, value: (lag: ReplicaLagView | null) => number | null) =>
      new Gauge({
        name, help, registers: [this.registry],
        async collect() {
          // Unknown (the replica unreachable, or not replaying): NaN rather than a reassuring 0.
          this.set(value(await measure()) ?? Number.NaN);
        },
      });
    gauge('ledger_replica_up', 'The read replica answers and replays the primary\'s WAL (1) or not (0)', (lag) => (lag?.inRecovery === true ? 1 : 0));
    gauge('ledger_replica_lag_seconds', 'How far the read replica is behind the primary, in seconds (0 once it has replayed all WAL)', (lag) => lag?.lagSeconds ?? null);
    gauge('ledger_replica_lag_bytes', 'WAL the primary has written and the read replica has not replayed, in bytes', (lag) => lag?.lagBytes ?? null);
  }

  recordIngest(result: IngestResult): void {
    this.events.inc({ result: 'accepted' }, result.accepted);
    this.events.inc({ result: 'duplicate' }, result.duplicates);
    this.events.inc({ result: 'rejected' }, result.rejected.length);
    for (const r of result.rejected) this.rejections.inc({ reason: rejectionReason(r.errors[0] ?? '') });
  }
}
