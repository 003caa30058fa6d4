import { EventEmitter, on } from 'node:events';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { MinuteStatus } from '@ledger/domain';
import { ModelStatusView, TimelineQueries } from './timeline.queries';

/** How often live statuses are recomputed for subscribers. */
const POLL_MS = 1_000;

/**
 * Changes of the models' live status, for GraphQL's `statusChanged` and the live status page:
 * while anyone listens, this process recomputes every model's live status each second and
 * publishes the ones that changed. Each API process polls the read model itself, so listeners
 * on any instance see the same changes without a message bus.
 */
@Injectable()
export class LiveStatusFeed implements OnModuleDestroy {
  private readonly logger = new Logger(LiveStatusFeed.name);
  private readonly changes = new EventEmitter().setMaxListeners(0);
  private readonly last = new Map<string, MinuteStatus>();
  private timer: NodeJS.Timeout | null = null;
  private primed = false;
  private changesSeen = 0;

  /** How many changes this process has published: a view of "now" computed before the latest one is stale. */
  get version(): number {
    return this.changesSeen;
  }

  constructor(private readonly queries: TimelineQueries) {}

  /**
   * The changes from now on (of one provider's models, when given). Ends when the listener
   * returns (a GraphQL subscriber leaves: at once, not at the next change) or `signal` aborts.
   */
  subscribe(provider: string | undefined, signal?: AbortSignal): AsyncIterableIterator<ModelStatusView> {
    this.start();
    const changes = on(this.changes, 'change', { signal }) as AsyncIterableIterator<[ModelStatusView]>;
    const done = { done: true, value: undefined } as const;
    return {
      async next() {
        for (;;) {
          const change = await changes.next().catch((error: unknown) => {
            if ((error as Error).name === 'AbortError') return done;
            throw error;
          });
          if (change.done === true) return done;
          const [status] = change.value;
          if (provider === undefined || status.provider === provider) return { done: false, value: status };
        }
      },
      return: async () => {
        await changes.return?.();
        return done;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    void this.poll();
  }

  private async poll(): Promise<void> {
    try {
      for (const status of await this.queries.providerStatus({})) {
        const key = `${status.provider}\u0000${status.model}`;
        const previous = this.last.get(key) ?? 'no_data';
        this.last.set(key, status.status);
        // The first poll only learns the current statuses; changes are what listeners get.
        if (this.primed && previous !== status.status) {
          this.changesSeen++;
          this.changes.emit('change', status);
        }
      }
      this.primed = true;
    } catch (error) {
      this.logger.warn(`live status poll failed: ${(error as Error).message}`);
    }
    // Nobody listens any more: stop asking until someone subscribes (the statuses seen are kept).
    if (this.changes.listenerCount('change') === 0) this.stop();
  }

  private stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  onModuleDestroy(): void {
    this.stop();
  }
}
