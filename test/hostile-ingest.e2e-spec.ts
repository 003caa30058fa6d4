import { outcomeEvent } from './support/events';
import { LogReader } from './support/log-reader';
import { startTestService, TestService } from './support/test-service';

describe('hostile ingest', () => {
  let service: TestService;
  let log: LogReader;
  let key: string;

  beforeAll(async () => {
    service = await startTestService({ ROLE: 'api' });
    log = new LogReader(service.databaseUrl);
    key = (await service.client.createKey('notion', ['INGEST'])).secret;
  });
  afterAll(async () => {
    await log.close();
    await service.close();
  });

  it('answers every hostile body with a 4xx or a per-event rejection, stores nothing, and stays healthy', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const cases: [string, string, string, number][] = [
      ['deeply nested JSON', 'application/json', `{"events":[{"id":${deep}}]}`, 200],
      ['NaN', 'application/json', '{"events":[{"id":"a","latencyMs":NaN}]}', 400],
      ['Infinity', 'application/json', '{"events":[{"id":"a","latencyMs":Infinity}]}', 400],
      ['a 5 MB id', 'application/json', JSON.stringify({ events: [outcomeEvent('x'.repeat(5_000_000))] }), 200],
      ['negative numbers', 'application/json', JSON.stringify({ events: [outcomeEvent('neg', { latencyMs: -5, ttftMs: -1, httpStatus: -200 })] }), 200],
      ['seconds instead of RFC 3339', 'application/json', JSON.stringify({ events: [outcomeEvent('secs', { occurredAt: 1_780_822_800 })] }), 200],
      ['a form body', 'application/x-www-form-urlencoded', 'events=1', 415],
      ['an empty body', 'application/json', '', 400],
    ];
    for (const [name, contentType, body, status] of cases) {
      const response = await service.client.postRaw(key, contentType, body);
      expect({ name, status: response.status }).toEqual({ name, status });
      if (status === 200) {
        expect(response.body.accepted).toBe(0);
        expect(response.body.rejected).toHaveLength(1);
        expect(JSON.stringify(response.body).length).toBeLessThan(2_000); // no echo of the payload
      }
    }
    expect(await log.count()).toBe(0);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await service.client.postEvents(key, [outcomeEvent('after')])).body.accepted).toBe(1);
  });
});
