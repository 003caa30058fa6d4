import { BeforeApplicationShutdown, Injectable, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AlertsModule, WebhookSender } from '@ledger/alerts';
import { ProjectionsModule, ProjectorService } from '@ledger/projections';
import { ProviderStatusModule, StatusFeedPoller } from '@ledger/provider-status';
import { ReportingModule } from '@ledger/reporting';
import { RetentionJob } from './retention.job';

/**
 * Lets the projector finish the batch it is folding (its transaction commits the rollups and
 * the checkpoint together) before any shutdown hook runs. Nest calls shutdown hooks module by
 * module in an order that does not follow dependencies, so the pool could otherwise close
 * under a batch in flight (which would then roll back: safe, but not a graceful stop).
 */
@Injectable()
export class ProjectorDrain implements BeforeApplicationShutdown {
  constructor(
    private readonly projector: ProjectorService,
    private readonly retention: RetentionJob,
    private readonly webhooks: WebhookSender,
    private readonly statusFeeds: StatusFeedPoller,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.projector.onApplicationShutdown();
    await this.webhooks.onApplicationShutdown();
    await this.statusFeeds.onApplicationShutdown();
    await this.retention.drain();
  }
}

/**
 * The worker role: projectors and periodic jobs on @nestjs/schedule — every projection of
 * LEDGER_PROJECTIONS (./projections.ts) folded as events arrive, statements issued after the
 * grace delay, expired days of the log archived (RAW_EVENTS_RETENTION_DAYS), alert webhooks sent
 * from the outbox, providers' status feeds polled (PROVIDER_STATUS_FEEDS) — in processes started
 * with ROLE=worker or ROLE=all.
 */
@Module({
  imports: [ScheduleModule.forRoot(), ProjectionsModule, ReportingModule, AlertsModule, ProviderStatusModule],
  providers: [ProjectorService, RetentionJob, WebhookSender, StatusFeedPoller, ProjectorDrain],
})
export class WorkerModule {}
