import { RateLimiter } from '@ledger/auth';
import { outcomeEvents } from './support/events';
import { LogReader } from './support/log-reader';
import { ADMIN_KEY, startTestService, TestService } from './support/test-service';

describe('per-key rate limits', () => {
  let service: TestService;
  let log: LogReader;
  // The limiter's clock is the test's (an injected clock, RateLimiter.useClock): time stands
  // still unless a test moves it, so no bucket refills while a slow machine runs the requests
  // and every count below is exact arithmetic.
  let now = Date.now();

  beforeAll(async () => {
    // 100 events/s (bursts of 200) and 2 queries/s (bursts of 4) per key.
    service = await startTestService({ ROLE: 'api', RATE_LIMIT_INGEST_EVENTS_PER_SECOND: '100', RATE_LIMIT_QUERIES_PER_SECOND: '2' });
    service.app.get(RateLimiter, { strict: false }).useClock(() => now);
    log = new LogReader(service.databaseUrl);
  });
  afterAll(async () => {
    await log.close();
    await service.close();
  });

  it('answers 429 with Retry-After once a key has spent its ingest budget, storing nothing, while other keys go on', async () => {
    const noisy = (await service.client.createKey('noisy', ['INGEST'])).secret;
    const quiet = (await service.client.createKey('quiet', ['INGEST'])).secret;
    expect((await service.client.postEvents(noisy, outcomeEvents('n1', 150))).status).toBe(200);
    const response = await fetch(`${service.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${noisy}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: outcomeEvents('n2', 150) }),
    });
    expect(response.status).toBe(429);
    // 50 tokens left, 150 asked: the missing 100 take 1 s at 100 events/s.
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { message: string }).message).toContain('Nothing was stored');
    expect(await log.count('noisy')).toBe(150);
    expect((await service.client.postEvents(quiet, outcomeEvents('q1', 150))).status).toBe(200);
    // Once the time it named has passed, the same batch is taken.
    now += 1_000;
    expect((await service.client.postEvents(noisy, outcomeEvents('n2', 150))).status).toBe(200);
    expect(await log.count('noisy')).toBe(300);
    // A batch larger than the whole burst can never pass: it says how long such a batch needs.
    const huge = await service.client.postEvents(quiet, outcomeEvents('q2', 1_000));
    expect(huge.status).toBe(429);
  });

  it('limits GraphQL queries per key with RATE_LIMITED and HTTP 429', async () => {
    const reader = (await service.client.createKey('reader', ['READ'])).secret;
    const other = (await service.client.createKey('other-reader', ['READ'])).secret;
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await service.client.graphql(reader, '{ viewer { keyId } }'));
    // A burst of 4 and no refill (the clock stands still): exactly 4 served, 4 refused.
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    const limited = results.filter((r) => r.status === 429);
    expect(limited[0]!.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect((await service.client.graphql(other, '{ viewer { keyId } }')).status).toBe(200);
    expect((await service.client.graphql(ADMIN_KEY, '{ viewer { keyId } }')).status).toBe(200);
  });
});
