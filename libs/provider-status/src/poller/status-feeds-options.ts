import { Inject } from '@nestjs/common';

/** A provider's Statuspage incidents.json to poll. */
export interface StatusFeed {
  provider: string;
  url: string;
}

/** What the poller needs from the configuration (AppConfig.providerStatus). */
export interface StatusFeedsOptions {
  /** None → the poller does nothing (PROVIDER_STATUS_FEEDS unset). */
  feeds: readonly StatusFeed[];
  /** Between two polls of a feed that answered (PROVIDER_STATUS_POLL_SECONDS). */
  pollSeconds: number;
  /** One deadline per request, connect to last byte; FEED_TIMEOUT_MS unless a test shortens it. */
  timeoutMs?: number;
}

export const STATUS_FEEDS_OPTIONS = Symbol('STATUS_FEEDS_OPTIONS');
export const InjectStatusFeedsOptions = () => Inject(STATUS_FEEDS_OPTIONS);
