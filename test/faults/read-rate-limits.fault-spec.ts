import { RateLimiter } from '@ledger/auth';
import { ADMIN_KEY, startTestService, TestService } from '../support/test-service';

/**
 * A key hammering the REST reads (CSV exports, /metrics) draws from its GraphQL query bucket:
 * 429 with Retry-After once spent, for that key only.
 */
describe('rate limits on CSV exports and /metrics', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ ROLE: 'api', RATE_LIMIT_QUERIES_PER_SECOND: '2' }); // bursts of 4
    // An injected clock that stands still (RateLimiter.useClock): no bucket refills while the
    // requests run, however slow the machine, so the counts below are exact.
    const frozen = Date.now();
    service.app.get(RateLimiter, { strict: false }).useClock(() => frozen);
  });
  afterAll(() => service.close());

  const get = (key: string, path: string) => fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it.each([['/v1/reports/credits.csv?period=2026-06'], ['/v1/reports/sla.csv?period=2026-06'], ['/metrics']])(
    'limits %s per key, sharing the query bucket with GraphQL',
    async (path) => {
      const noisy = (await service.client.createKey('noisy', ['READ'])).secret;
      const quiet = (await service.client.createKey('quiet', ['READ'])).secret;
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 10; i++) {
        const response = await get(noisy, path);
        statuses.push(response.status);
        if (response.status === 429) {
          retryAfter = response.headers.get('retry-after');
          expect(((await response.json()) as { message: string }).message).toContain('rate limit');
        } else {
          await response.text();
        }
      }
      // The burst of 4, then refusals (no refill: the limiter's clock stands still).
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429, 429, 429]);
      // 1 token missing at 2 per second: half a second, rounded up to the header's whole seconds.
      expect(retryAfter).toBe('1');
      // The same bucket as GraphQL: spent here, spent there.
      expect((await service.client.graphql(noisy, '{ viewer { keyId } }')).status).toBe(429);
      // Other keys, and the bootstrap admin, are still served.
      expect((await get(quiet, path)).status).toBe(200);
      expect((await get(ADMIN_KEY, path)).status).toBe(200);
    },
  );
});
