import { ADMIN_KEY, startTestService, TestService } from '../support/test-service';

/**
 * A key hammering the REST reads (CSV exports, /metrics) draws from its GraphQL query bucket:
 * 429 with Retry-After once spent, for that key only.
 */
describe('rate limits on CSV exports and /metrics', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ ROLE: 'api', RATE_LIMIT_QUERIES_PER_SECOND: '2' }); // bursts of 4
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
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      // The same bucket as GraphQL: spent here, spent there.
      expect((await service.client.graphql(noisy, '{ viewer { keyId } }')).status).toBe(429);
      // Other keys, and the bootstrap admin, are still served.
      expect((await get(quiet, path)).status).toBe(200);
      expect((await get(ADMIN_KEY, path)).status).toBe(200);
    },
  );
});
