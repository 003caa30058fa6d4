import { gzipSync } from 'node:zlib';
import { outcomeEvent, outcomeEvents } from './support/events';
import { LogReader } from './support/log-reader';
import { createTestDatabase } from './support/test-database';
import { BuiltService, startBuiltService } from './support/test-service';

// The built service parses and validates ingest bodies on a thread (INGEST_THREADS, default 1);
// the in-process tests run the sources, which parse on the event loop. This suite holds the
// built service's answers to the same bodies as api.md § Ingest says. Needs `npm run build`.
describe('ingest bodies parsed on the ingest thread (built service)', () => {
  let service: BuiltService;
  let log: LogReader;
  let key: string;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    log = new LogReader(databaseUrl);
    service = await startBuiltService({ DATABASE_URL: databaseUrl, ROLE: 'api' });
    key = (await service.client.createKey('notion', ['INGEST'])).secret;
  });
  afterAll(async () => {
    service.process.kill('SIGTERM');
    await service.exited;
    await log.close();
  });

  it('stores a JSON batch, rejects its invalid events by index, counts repeats; a retry stores nothing twice', async () => {
    const events: Record<string, unknown>[] = outcomeEvents('thread', 3_000);
    events.splice(1_000, 0, outcomeEvent('thread-bad', { outcome: 'sunny' }));
    events.push(events[0]!);
    const first = await service.client.postEvents(key, events);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      accepted: 3_000, duplicates: 1,
      rejected: [{ index: 1_000, id: 'thread-bad', errors: [expect.stringContaining('outcome must be one of')] }],
    });
    const retry = await service.client.postEvents(key, events);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 3_001 });
    expect(await log.count('notion')).toBe(3_000);
  });

  it('reads NDJSON line by line, rejecting a line that is not JSON on its own', async () => {
    const body = [JSON.stringify(outcomeEvent('nd-1')), '{oops', '', JSON.stringify(outcomeEvent('nd-2'))].join('\n');
    const { status, body: answer } = await service.client.postRaw(key, 'application/x-ndjson', body);
    expect(status).toBe(200);
    expect(answer).toEqual({ accepted: 2, duplicates: 0, rejected: [{ index: 1, id: null, errors: [expect.stringMatching(/^line 2 is not valid JSON/)] }] });
  });

  it.each([
    ['text that is not JSON', 400, "Body is not valid JSON but content-type is set to 'application/json'", '{"events": ['],
    ['an empty body', 400, "Body cannot be empty when content-type is set to 'application/json'", ''],
    ['a __proto__ key', 400, "Body is not valid JSON but content-type is set to 'application/json'", '{"events": [], "__proto__": {"admin": true}}'],
    ['an object without events', 400, 'the body must have an "events" array', '{"event": []}'],
    ['another platform at the top level', 403, 'this key posts for platform "notion", not "globex"', '{"platform": "globex", "events": []}'],
    ['more than 10,000 events', 413, 'a batch holds at most 10000 events; this one has 10001. Nothing was stored.', JSON.stringify({ events: outcomeEvents('many', 10_001) })],
  ])('answers %s with %i and its message, storing nothing', async (_what, status, message, body) => {
    const before = await log.count();
    const answer = await service.client.postRaw(key, 'application/json', body);
    expect({ status: answer.status, message: answer.body.message }).toEqual({ status, message });
    expect(await log.count()).toBe(before);
  });

  // Bodies arrive in memory shared with the thread, reused from request to request.
  it('stores every batch of many posted at once exactly as posted, whatever memory each body went through', async () => {
    // Two keys: one key may hold at most half of the batches the process queues (INGEST_CONCURRENCY).
    const keys = [(await service.client.createKey('shared', ['INGEST'])).secret, (await service.client.createKey('shared', ['INGEST'])).secret];
    const batches = Array.from({ length: 8 }, (_, b) =>
      outcomeEvents(`shared-${b}`, 1_500 + 250 * b).map((event, i): Record<string, unknown> => ({ ...event, latencyMs: b * 10_000 + i })));
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(batches.map((events, b) => service.client.postEvents(keys[b % 2]!, events)));
      expect(answers.map((a) => a.status)).toEqual(batches.map(() => 200));
      // The second round repeats the first: every event a duplicate, nothing stored twice.
      expect(answers.map((a) => [a.body.accepted, a.body.duplicates])).toEqual(batches.map((e) => (round === 0 ? [e.length, 0] : [0, e.length])));
    }
    expect(await storedLatencies('shared')).toEqual(new Map(batches.flat().map((e) => [e.id, e.latencyMs])));
  });

  it('reads a body of no declared length, and one gzip-compressed', async () => {
    const { secret } = await service.client.createKey('streamed', ['INGEST']);
    const events = outcomeEvents('streamed', 4_000);
    const bytes = Buffer.from(JSON.stringify({ events }));
    const chunks = Array.from({ length: Math.ceil(bytes.length / 50_000) }, (_, i) => bytes.subarray(i * 50_000, (i + 1) * 50_000));
    const streamed = await fetch(`${service.url}/v1/events`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: new ReadableStream({ pull(controller) { const chunk = chunks.shift(); if (chunk) controller.enqueue(chunk); else controller.close(); } }),
      duplex: 'half',
    } as RequestInit);
    expect({ status: streamed.status, body: await streamed.json() }).toEqual({ status: 200, body: { accepted: 4_000, duplicates: 0, rejected: [] } });
    const more = outcomeEvents('gzipped', 2_000);
    const gzipped = await fetch(`${service.url}/v1/events`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${secret}` },
      body: gzipSync(JSON.stringify({ events: more })),
    });
    expect({ status: gzipped.status, body: await gzipped.json() }).toEqual({ status: 200, body: { accepted: 2_000, duplicates: 0, rejected: [] } });
    expect(await storedLatencies('streamed')).toEqual(new Map([...events, ...more].map((e) => [e.id, e.latencyMs])));
  });

  /** Each stored event's latency, by id, for one platform. */
  async function storedLatencies(platform: string): Promise<Map<unknown, unknown>> {
    const rows = await log.db.selectFrom('outcome_events').select(['event_id', 'latency_ms']).where('platform', '=', platform).execute();
    return new Map(rows.map((row) => [row.event_id, row.latency_ms]));
  }

  it('still parses other JSON bodies (GraphQL) on the event loop as before', async () => {
    const { status, body } = await service.client.graphql(key, '{ __typename }');
    expect({ status, body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });
});
