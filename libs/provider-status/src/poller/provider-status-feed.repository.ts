import { Injectable } from '@nestjs/common';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { DB, ProviderStatusFeedRow } from '@ledger/database';
import type { StatusFeed } from './status-feeds-options';

/** The poller's state of one feed (provider_status_feeds). */
export interface FeedState {
  provider: string;
  url: string;
  /** Of the last answer imported: sent back as If-None-Match. */
  etag: string | null;
  nextPollAt: Date;
  lastPolledAt: Date | null;
  lastSuccessAt: Date | null;
  consecutiveFailures: number;
  lastError: string | null;
}

/** Errors are kept to this many characters (a FeedError names up to five problems). */
const MAX_ERROR_LENGTH = 1_000;

/** The poller's state per configured feed: which is due, claimed by whom, and how the last polls went. */
@Injectable()
export class ProviderStatusFeedRepository {
  /**
   * Adds the configured feeds not yet known, due at `now`. A feed whose URL changed starts
   * afresh: no ETag (it was the old URL's), no failures, due at `now`. Other feeds are left as they are.
   */
  async upsert(db: Kysely<DB>, feeds: readonly StatusFeed[], now: Date): Promise<void> {
    if (feeds.length === 0) return;
    await db.insertInto('provider_status_feeds')
      .values(feeds.map((f) => ({ provider: f.provider, url: f.url, next_poll_at: now })))
      .onConflict((oc) => oc.column('provider')
        .doUpdateSet((eb) => ({ url: eb.ref('excluded.url'), etag: null, next_poll_at: now, consecutive_failures: 0, last_error: null }))
        .where('provider_status_feeds.url', '<>', (eb) => eb.ref('excluded.url')))
      .execute();
  }

  /**
   * Claims those of `providers` that are due at `now`: each is due again only after `leaseMs`,
   * unless the claim's holder records its poll sooner. A feed another worker is claiming this
   * instant is skipped (its row locked), so two workers never poll one feed at once; a worker that
   * dies mid-poll leaves the feed to the next claim after the lease.
   */
  async claimDue(db: Kysely<DB>, providers: readonly string[], now: Date, leaseMs: number): Promise<FeedState[]> {
    if (providers.length === 0) return [];
    const rows = await db.updateTable('provider_status_feeds')
      .set({ next_poll_at: new Date(now.getTime() + leaseMs), last_polled_at: now })
      .where('provider', 'in', db.selectFrom('provider_status_feeds').select('provider')
        .where('provider', 'in', providers).where('next_poll_at', '<=', now)
        .forUpdate().skipLocked())
      .returningAll()
      .execute();
    return rows.map(fromRow).sort((a, b) => a.provider.localeCompare(b.provider));
  }

  /**
   * A poll that answered (a feed imported, or not modified): failures reset, due again at
   * `nextPollAt`. Recorded only by the holder of the feed's latest claim, and only if its URL is
   * still the one polled (else the ETag would be another URL's). False when not recorded.
   */
  async recordSuccess(db: Kysely<DB>, claim: FeedState, success: { etag: string | null; at: Date; nextPollAt: Date }): Promise<boolean> {
    const result = await db.updateTable('provider_status_feeds')
      .set({ etag: success.etag, last_success_at: success.at, next_poll_at: success.nextPollAt, consecutive_failures: 0, last_error: null })
      .where((eb) => heldBy(eb, claim))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** A poll that failed: its count in a row, why, and when to try again (by the claim's holder, as above). */
  async recordFailure(db: Kysely<DB>, claim: FeedState, failure: { consecutiveFailures: number; error: string; nextPollAt: Date }): Promise<boolean> {
    const result = await db.updateTable('provider_status_feeds')
      .set({ consecutive_failures: failure.consecutiveFailures, last_error: failure.error.slice(0, MAX_ERROR_LENGTH), next_poll_at: failure.nextPollAt })
      .where((eb) => heldBy(eb, claim))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Every feed's state, by provider (the metrics read them at scrape time). */
  async all(db: Kysely<DB>): Promise<FeedState[]> {
    return (await db.selectFrom('provider_status_feeds').selectAll().orderBy('provider').execute()).map(fromRow);
  }
}

/** The feed's row as `claim` left it: same URL, not claimed since (claimDue sets last_polled_at). */
function heldBy(eb: ExpressionBuilder<DB, 'provider_status_feeds'>, claim: FeedState) {
  return eb.and([eb('provider', '=', claim.provider), eb('url', '=', claim.url), eb('last_polled_at', '=', claim.lastPolledAt)]);
}

function fromRow(r: ProviderStatusFeedRow): FeedState {
  return {
    provider: r.provider, url: r.url, etag: r.etag, nextPollAt: r.next_poll_at, lastPolledAt: r.last_polled_at, lastSuccessAt: r.last_success_at,
    consecutiveFailures: r.consecutive_failures, lastError: r.last_error,
  };
}
