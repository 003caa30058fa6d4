import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createPubSub, filter, pipe } from 'graphql-yoga';
import type { MinuteStatus } from '@ledger/domain';
import { ModelStatusView, TimelineQueries } from '@ledger/projections';

/** How often live statuses are recomputed for subscribers. */
const POLL_MS = 1_000;

/**
 * The `statusChanged` feed: while anyone subscribes, this process recomputes every model's live
 * status each second and publishes the ones that changed. Each API process polls the read
 * model itself, so subscribers on any instance see the same changes without a message bus.
 */
@Injectable()
export class StatusFeed implements OnModuleDestroy {
  private readonly logger = new Logger(StatusFeed.name);
  private readonly pubSub = createPubSub<{ statusChanged: [ModelStatusView] }>();
  private readonly last = new Map<string, MinuteStatus>();
  private timer: NodeJS.Timeout | null = null;
  private primed = false;

  constructor(private readonly queries: TimelineQueries) {}

  subscribe(provider: string | undefined): AsyncIterable<ModelStatusView> {
    if (this.timer === null) {
      this.timer = setInterval(() => void this.poll(), POLL_MS);
      void this.poll();
    }
    return pipe(
      this.pubSub.subscribe('statusChanged'),
      filter((status: ModelStatusView) => provider === undefined || status.provider === provider),
    );
  }

  private async poll(): Promise<void> {
    try {
      for (const status of await this.queries.providerStatus({})) {
        const key = `${status.provider}\u0000${status.model}`;
        const previous = this.last.get(key) ?? 'no_data';
        this.last.set(key, status.status);
        // The first poll only learns the current statuses; changes are what subscribers get.
        if (this.primed && previous !== status.status) this.pubSub.publish('statusChanged', status);
      }
      this.primed = true;
    } catch (error) {
      this.logger.warn(`live status poll failed: ${(error as Error).message}`);
    }
  }

  onModuleDestroy(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }
}
