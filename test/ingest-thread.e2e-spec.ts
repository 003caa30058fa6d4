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

  it('still parses other JSON bodies (GraphQL) on the event loop as before', async () => {
    const { status, body } = await service.client.graphql(key, '{ __typename }');
    expect({ status, body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });
});
