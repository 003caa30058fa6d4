import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import pLimit from 'p-limit';
import { Database, InjectDatabase } from '@ledger/database';
import { ImportResult, IncidentImportService } from '../incidents/incident-import.service';
import { FEED_TIMEOUT_MS, fetchFeed } from './feed-fetch';
import { retryDelayMs } from './poll-backoff';
import { FeedState, ProviderStatusFeedRepository } from './provider-status-feed.repository';
import { InjectStatusFeedsOptions, StatusFeedsOptions } from './status-feeds-options';

/** How often the worker looks for due feeds (PROVIDER_STATUS_POLL_SECONDS is 5 s at least). */
const TICK_MS = 5_000;
/** Feeds polled at once in a round. */
const POLLS_AT_ONCE = 4;
/** A claim outlives its poll: the request's timeout, then this long for the import. */
const IMPORT_ALLOWANCE_MS = 60_000;

/** What one poll of a feed came to. */
export type FeedPoll = { provider: string; url: string } & (
  | { outcome: 'imported'; result: ImportResult }
  | { outcome: 'not-modified' }
  | { outcome: 'failed'; reason: string; consecutiveFailures: number; retryAt: Date }
  /** Not recorded (the process stopping, or the database failing): polled again once its claim lapses. */
  | { outcome: 'unrecorded'; reason: string }
);

/**
 * Polls the providers' status feeds (PROVIDER_STATUS_FEEDS; worker role): every feed due, a
 * conditional GET with the ETag of the last answer imported, the answer imported as incident
 * versions (source 'poller'). Anything but a good answer — no answer in time, a non-2xx, not
 * JSON, over MAX_FEED_BYTES, not a Statuspage feed — stores nothing and puts the next poll off
 * by the backoff (retryDelayMs). Any number of workers may run: a claim lets one poll a feed at a time.
 */
@Injectable()
export class StatusFeedPoller implements OnApplicationShutdown {
  private readonly logger = new Logger('StatusFeeds');
  private running: Promise<void> | null = null;
  /** Aborted at shutdown: no new round, and the requests in flight abandoned. */
  private readonly stop = new AbortController();
  private configured: Promise<void> | null = null;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly feeds: ProviderStatusFeedRepository,
    private readonly importer: IncidentImportService,
    @InjectStatusFeedsOptions() private readonly options: StatusFeedsOptions,
  ) {}

  @Interval('provider-status-feeds', TICK_MS)
  tick(): void {
    if (this.options.feeds.length === 0 || this.running !== null || this.stop.signal.aborted) return;
    this.running = this.pollDue()
      .then(() => undefined, (error: unknown) => this.logger.error(`polling status feeds failed: ${(error as Error).message}; the next round tries again`))
      .finally(() => (this.running = null));
  }

  /** Polls each configured feed due at `now` that no other worker is polling; says what came of each. */
  async pollDue(now: Date = new Date()): Promise<FeedPoll[]> {
    if (this.options.feeds.length === 0) return [];
    await this.addConfiguredFeeds(now);
    const timeoutMs = this.options.timeoutMs ?? FEED_TIMEOUT_MS;
    const claimed = await this.feeds.claimDue(this.db, this.options.feeds.map((f) => f.provider), now, timeoutMs + IMPORT_ALLOWANCE_MS);
    const limit = pLimit(POLLS_AT_ONCE);
    return Promise.all(claimed.map((feed) => limit(() => this.pollRecorded(feed, now, timeoutMs))));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  /**
   * Once per process: every process has the same configuration, and during a rolling restart
   * that changes a URL, old and new processes would otherwise reset it back and forth.
   */
  private addConfiguredFeeds(now: Date): Promise<void> {
    this.configured ??= this.feeds.upsert(this.db, this.options.feeds, now).catch((error: unknown) => {
      this.configured = null;
      throw error;
    });
    return this.configured;
  }

  private async pollRecorded(feed: FeedState, now: Date, timeoutMs: number): Promise<FeedPoll> {
    try {
      return await this.poll(feed, now, timeoutMs);
    } catch (error) {
      const reason = (error as Error).message;
      this.logger.error(`${feed.provider}: the poll of ${feed.url} was not recorded: ${reason}; polled again once its claim lapses`);
      return { provider: feed.provider, url: feed.url, outcome: 'unrecorded', reason };
    }
  }

  private async poll(feed: FeedState, now: Date, timeoutMs: number): Promise<FeedPoll> {
    const { provider, url } = feed;
    const answer = await fetchFeed({ url, etag: feed.etag, timeoutMs, signal: this.stop.signal });
    // Abandoned at shutdown: not the feed's failure. (A good answer that came in is still imported.)
    if (answer.kind === 'failure' && this.stop.signal.aborted) return { provider, url, outcome: 'unrecorded', reason: 'the process is stopping' };
    if (answer.kind === 'failure') return this.failed(feed, answer.reason, now);
    const nextPollAt = new Date(now.getTime() + this.options.pollSeconds * 1000);
    if (answer.kind === 'not-modified') {
      await this.feeds.recordSuccess(this.db, feed, { etag: feed.etag, at: now, nextPollAt });
      this.logRecovery(feed);
      return { provider, url, outcome: 'not-modified' };
    }
    let result: ImportResult;
    try {
      result = await this.importer.importFeed(provider, answer.json, 'poller');
    } catch (error) {
      // A FeedError (not a Statuspage feed) like any other failure: the import stored nothing.
      return this.failed(feed, (error as Error).message, now);
    }
    // The ETag only now: had the import failed, the next poll must not be told "not modified".
    await this.feeds.recordSuccess(this.db, feed, { etag: answer.etag, at: now, nextPollAt });
    if (result.imported + result.updated > 0) {
      this.logger.log(`${provider}: imported ${url}: ${result.imported} new, ${result.updated} updated, ${result.unchanged} unchanged incidents`);
    }
    this.logRecovery(feed);
    return { provider, url, outcome: 'imported', result };
  }

  private async failed(feed: FeedState, reason: string, now: Date): Promise<FeedPoll> {
    const consecutiveFailures = feed.consecutiveFailures + 1;
    const retryAt = new Date(now.getTime() + retryDelayMs(consecutiveFailures, this.options.pollSeconds));
    await this.feeds.recordFailure(this.db, feed, { consecutiveFailures, error: reason, nextPollAt: retryAt });
    this.logger.warn(`${feed.provider}: polling ${feed.url} failed (${consecutiveFailures} in a row): ${reason}; next try at ${retryAt.toISOString()}`);
    return { provider: feed.provider, url: feed.url, outcome: 'failed', reason, consecutiveFailures, retryAt };
  }

  private logRecovery(feed: FeedState): void {
    if (feed.consecutiveFailures > 0) this.logger.log(`${feed.provider}: ${feed.url} answers again after ${feed.consecutiveFailures} failed polls`);
  }
}
