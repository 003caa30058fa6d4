import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@ledger/config';
import { ALERTS_OPTIONS, alertsOptions } from '@ledger/alerts';
import { AuthModule } from '@ledger/auth';
import { Database, DatabaseModule } from '@ledger/database';
import { RAW_EVENT_RETENTION, RawEventRetention } from '@ledger/event-store';
import { GraphqlModule } from '@ledger/graphql';
import { HealthModule, HttpModule, INGEST_BACKPRESSURE, INGEST_CONCURRENCY, INGEST_THREADS } from '@ledger/http';
import { ProjectionRunner } from '@ledger/projections';
import { STATUS_FEEDS_OPTIONS, StatusFeedsOptions } from '@ledger/provider-status';
import { AUTO_ISSUE_STATEMENTS, AUTO_OPEN_CLAIMS } from '@ledger/reporting';
import { ClaimsPagesModule, StatusPageModule } from '@ledger/status-page';
import { ProjectionRunnerModule } from './projections';
import { WorkerModule } from './worker.module';

/** Composes the process from its role: the API (ingest, GraphQL), the worker, or both. */
@Module({})
export class AppModule {
  /** `readDb`: where the API's reads go (a replica of `db`, or `db` itself). */
  static forRole(config: AppConfig, db: Database, readDb: Database = db): DynamicModule {
    const servesApi = config.role === 'all' || config.role === 'api';
    const runsWorker = config.role === 'all' || config.role === 'worker';
    return {
      module: AppModule,
      global: true,
      providers: [
        { provide: AUTO_ISSUE_STATEMENTS, useValue: config.autoIssueStatements },
        { provide: AUTO_OPEN_CLAIMS, useValue: config.autoOpenClaims },
        { provide: INGEST_CONCURRENCY, useValue: config.ingestConcurrency },
        { provide: INGEST_THREADS, useValue: config.ingestThreads },
        // Ingest yields to the projections this process folds while they work off a backlog.
        { provide: INGEST_BACKPRESSURE, useExisting: ProjectionRunner },
        { provide: RAW_EVENT_RETENTION, useValue: { days: config.rawEventsRetentionDays, archiveDir: config.archiveDir } satisfies RawEventRetention },
        { provide: ALERTS_OPTIONS, useValue: alertsOptions(config.alerts) },
        { provide: STATUS_FEEDS_OPTIONS, useValue: config.providerStatus satisfies StatusFeedsOptions },
      ],
      exports: [AUTO_ISSUE_STATEMENTS, AUTO_OPEN_CLAIMS, INGEST_CONCURRENCY, INGEST_BACKPRESSURE, INGEST_THREADS, RAW_EVENT_RETENTION, ALERTS_OPTIONS, STATUS_FEEDS_OPTIONS],
      imports: [
        DatabaseModule.forRoot(db, readDb),
        ProjectionRunnerModule,
        AuthModule.forRoot({ adminApiKey: config.adminApiKey, rateLimits: config.rateLimits }),
        ...(servesApi ? [HttpModule, GraphqlModule.forRoot({ production: config.production }), ClaimsPagesModule] : [HealthModule]),
        ...(servesApi && config.statusPage !== 'off' ? [StatusPageModule.forRoot({ mode: config.statusPage })] : []),
        ...(runsWorker ? [WorkerModule] : []),
      ],
    };
  }
}
