import { Inject, Injectable, Optional } from '@nestjs/common';
import { sql } from 'kysely';
import { Database, InjectDatabase } from '@ledger/database';

export type LimitKind = 'ingest' | 'query';

/** Sustained rates per key: events per second for ingest, requests per second for queries; bursts of two seconds' worth. */
export interface RateLimits {
  ingestEventsPerSecond: number;
  queriesPerSecond: number;
}

export const RATE_LIMITS = Symbol('RATE_LIMITS');
export const DEFAULT_RATE_LIMITS: RateLimits = { ingestEventsPerSecond: 200_000, queriesPerSecond: 100 };
const BURST_SECONDS = 2;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A time source in milliseconds since the epoch (tests use one they advance by hand). */
export type RateLimiterClock = () => number;

/**
 * Per-key token buckets kept in Postgres, so every API process draws from the same bucket:
 * one atomic upsert refills the bucket for the time passed and takes the request's cost, or
 * takes nothing when too few tokens are left. A noisy key drains only its own bucket.
 */
@Injectable()
export class RateLimiter {
  private readonly limits: RateLimits;
  /** `null` (always, in production): the database's `clock_timestamp()`, one clock for every API process. */
  private clock: RateLimiterClock | null = null;

  constructor(
    @InjectDatabase() private readonly db: Database,
    @Optional() @Inject(RATE_LIMITS) limits?: RateLimits,
  ) {
    this.limits = limits ?? DEFAULT_RATE_LIMITS;
  }

  /**
   * For tests only: take the time from `clock` instead of the database, so that how much a
   * bucket refills during a test is the test's own arithmetic, not the machine's speed. Set it
   * before the first request (buckets remember the time they were last refreshed); `null`
   * goes back to the database's clock. Nothing in the service calls this.
   */
  useClock(clock: RateLimiterClock | null): void {
    this.clock = clock;
  }

  async take(keyId: string, kind: LimitKind, cost: number): Promise<RateDecision> {
    const rate = kind === 'ingest' ? this.limits.ingestEventsPerSecond : this.limits.queriesPerSecond;
    const capacity = rate * BURST_SECONDS;
    if (cost > capacity) return { allowed: false, retryAfterSeconds: Math.ceil(cost / rate) };
    const now = this.clock === null ? sql<Date>`clock_timestamp()` : sql<Date>`to_timestamp(${this.clock() / 1000}::float8)`;
    // The bucket's tokens after refilling for the time since it was last refreshed, capped at capacity.
    const refilled = (tokens: string, refreshedAt: string) =>
      sql<number>`least(${capacity}::float8, ${sql.ref(tokens)} + extract(epoch FROM ${now} - ${sql.ref(refreshedAt)})::float8 * ${rate}::float8)`;
    const taken = await this.db
      .insertInto('rate_limit_buckets')
      .values({ key_id: keyId, kind, tokens: sql<number>`${capacity - cost}::float8`, refreshed_at: now })
      .onConflict((conflict) =>
        conflict
          .columns(['key_id', 'kind'])
          .doUpdateSet({ tokens: sql<number>`${refilled('rate_limit_buckets.tokens', 'rate_limit_buckets.refreshed_at')} - ${cost}::float8`, refreshed_at: now })
          .where(sql<boolean>`${refilled('rate_limit_buckets.tokens', 'rate_limit_buckets.refreshed_at')} >= ${cost}::float8`),
      )
      .returning('tokens')
      .executeTakeFirst();
    if (taken !== undefined) return { allowed: true };
    const bucket = await this.db
      .selectFrom('rate_limit_buckets')
      .select(refilled('tokens', 'refreshed_at').as('tokens'))
      .where('key_id', '=', keyId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    const missing = cost - (bucket?.tokens ?? 0);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / rate)) };
  }
}
