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
    const now = this.clock === null ? sql`clock_timestamp()` : sql`to_timestamp(${this.clock() / 1000}::float8)`;
    const refilled = sql<number>`least(${capacity}::float8, rate_limit_buckets.tokens + extract(epoch FROM ${now} - rate_limit_buckets.refreshed_at)::float8 * ${rate}::float8)`;
    const { rows } = await sql<{ tokens: number }>`
      INSERT INTO rate_limit_buckets (key_id, kind, tokens, refreshed_at)
      VALUES (${keyId}, ${kind}, ${capacity - cost}::float8, ${now})
      ON CONFLICT (key_id, kind) DO UPDATE SET tokens = ${refilled} - ${cost}::float8, refreshed_at = ${now}
      WHERE ${refilled} >= ${cost}::float8
      RETURNING tokens`.execute(this.db);
    if (rows.length > 0) return { allowed: true };
    const { rows: bucket } = await sql<{ tokens: number }>`
      SELECT least(${capacity}::float8, tokens + extract(epoch FROM ${now} - refreshed_at)::float8 * ${rate}::float8) AS tokens
      FROM rate_limit_buckets WHERE key_id = ${keyId} AND kind = ${kind}`.execute(this.db);
    const missing = cost - (bucket[0]?.tokens ?? 0);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / rate)) };
  }
}
