import { outcomeEvent, outcomeEvents } from './support/events';
import { LogReader } from './support/log-reader';
import { ADMIN_KEY, startTestService, TestService } from './support/test-service';

describe('POST /v1/events', () => {
  let service: TestService;
  let log: LogReader;
  let notion: string;

  beforeAll(async () => {
    service = await startTestService();
    log = new LogReader(service.databaseUrl);
    notion = (await service.client.createKey('notion', ['INGEST'])).secret;
  });
  afterAll(async () => {
    await log.close();
    await service.close();
  });

  it('stores the valid events of a mixed batch and reports each invalid one by index, id and reason', async () => {
    const { status, body } = await service.client.postEvents(notion, [
      outcomeEvent('mixed-ok-1'),
      outcomeEvent('mixed-bad-provider', { provider: 'Anthropic!' }),
      outcomeEvent('mixed-ok-2', { outcome: 'timeout', httpStatus: null, latencyMs: null }),
      { id: 'mixed-missing' },
      outcomeEvent('mixed-bad-status', { httpStatus: 700, latencyMs: -1 }),
      'not an object',
    ]);
    expect(status).toBe(200);
    expect(body.accepted).toBe(2);
    expect(body.duplicates).toBe(0);
    expect(body.rejected.map((r) => [r.index, r.id])).toEqual([
      [1, 'mixed-bad-provider'],
      [3, 'mixed-missing'],
      [4, 'mixed-bad-status'],
      [5, null],
    ]);
    expect(body.rejected[0]!.errors).toEqual([expect.stringContaining('provider must be a lowercase slug')]);
    expect(body.rejected[1]!.errors).toEqual(
      expect.arrayContaining([expect.stringContaining('provider is required'), expect.stringContaining('outcome must be one of')]),
    );
    expect(body.rejected[2]!.errors).toEqual([
      expect.stringContaining('httpStatus must be between 100 and 599'),
      expect.stringContaining('latencyMs must not be negative'),
    ]);
    expect(await log.find('notion', 'mixed-ok-1')).toMatchObject({ provider: 'anthropic', outcome: 'success', latency_ms: 1200 });
    expect(await log.find('notion', 'mixed-ok-2')).toMatchObject({ outcome: 'timeout', http_status: null });
    expect(await log.find('notion', 'mixed-bad-provider')).toBeUndefined();
  });

  it('counts an identical re-send as a duplicate, stores it once, and rejects a changed one as a conflict', async () => {
    const first = await service.client.postEvents(notion, [outcomeEvent('dup-1'), outcomeEvent('dup-2')]);
    expect(first.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });

    const retry = await service.client.postEvents(notion, [
      outcomeEvent('dup-1'),
      outcomeEvent('dup-2', { outcome: 'error', httpStatus: 529 }),
      outcomeEvent('dup-3'),
      outcomeEvent('dup-3'),
      outcomeEvent('dup-3', { latencyMs: 1 }),
    ]);
    expect(retry.status).toBe(200);
    expect(retry.body.accepted).toBe(1);
    expect(retry.body.duplicates).toBe(2);
    expect(retry.body.rejected).toEqual([
      { index: 1, id: 'dup-2', errors: [expect.stringContaining('already recorded with different content')] },
      { index: 4, id: 'dup-3', errors: [expect.stringContaining('earlier in this batch with different content')] },
    ]);
    expect(await log.find('notion', 'dup-2')).toMatchObject({ outcome: 'success', http_status: 200 });
    expect(await log.find('notion', 'dup-3')).toMatchObject({ latency_ms: 1200 });
  });

  it('treats the same instant written with another offset as the same event', async () => {
    await service.client.postEvents(notion, [outcomeEvent('offset-1', { occurredAt: '2026-06-07T09:02:13.512Z' })]);
    const again = await service.client.postEvents(notion, [outcomeEvent('offset-1', { occurredAt: '2026-06-07T11:02:13.512+02:00' })]);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it('stores a batch posted on two connections at once exactly once', async () => {
    const batch = outcomeEvents('race', 3_000);
    const [a, b] = await Promise.all([service.client.postEvents(notion, batch), service.client.postEvents(notion, batch)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.accepted + b.body.accepted).toBe(3_000);
    expect(a.body.duplicates + b.body.duplicates).toBe(3_000);
    expect(a.body.rejected).toEqual([]);
    expect(b.body.rejected).toEqual([]);
    expect(await log.distinctIds('notion')).toBe(await log.count('notion'));
  });

  it('keys the log by platform: the same id from two platforms is two events', async () => {
    const acme = (await service.client.createKey('acme-wiki', ['INGEST'])).secret;
    const a = await service.client.postEvents(notion, [outcomeEvent('shared-id')]);
    const b = await service.client.postEvents(acme, [outcomeEvent('shared-id', { outcome: 'error' })]);
    expect(a.body.accepted).toBe(1);
    expect(b.body.accepted).toBe(1);
    expect(await log.find('acme-wiki', 'shared-id')).toMatchObject({ outcome: 'error' });
  });

  it('answers 413 for more than 10,000 events or more than 10 MiB, storing nothing', async () => {
    const before = await log.count();
    const tooMany = await service.client.postEvents(notion, outcomeEvents('too-many', 10_001));
    expect(tooMany.status).toBe(413);
    expect((tooMany.body as unknown as { message: string }).message).toContain('at most 10000 events');

    const padding = 'x'.repeat(100);
    const big = JSON.stringify({ events: outcomeEvents('too-big', 9_000).map((e) => ({ ...e, note: padding.repeat(12) })) });
    expect(Buffer.byteLength(big)).toBeGreaterThan(10 * 1024 * 1024);
    const tooBig = await service.client.postRaw(notion, 'application/json', big);
    expect(tooBig.status).toBe(413);
    expect(await log.count()).toBe(before);
  });

  it('accepts exactly 10,000 events', async () => {
    const { status, body } = await service.client.postEvents(notion, outcomeEvents('max-batch', 10_000));
    expect(status).toBe(200);
    expect(body.accepted).toBe(10_000);
  });

  it('answers 400 naming the problem for a body that cannot be read, and 415 for another content type', async () => {
    const broken = await service.client.postRaw(notion, 'application/json', '{"events": [');
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/JSON/);
    const noEvents = await service.client.postRaw(notion, 'application/json', '{"evnts": []}');
    expect(noEvents.status).toBe(400);
    expect(noEvents.body.message).toContain('"events" array');
    const text = await service.client.postRaw(notion, 'text/plain', 'hello');
    expect(text.status).toBe(415);
  });

  it('reads NDJSON bodies line by line, rejecting an unreadable line by itself', async () => {
    const lines = [JSON.stringify(outcomeEvent('nd-1')), '', '{not json', JSON.stringify(outcomeEvent('nd-2'))].join('\n');
    const { status, body } = await service.client.postRaw(notion, 'application/x-ndjson', lines);
    expect(status).toBe(200);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toEqual([{ index: 1, id: null, errors: [expect.stringContaining('line 3 is not valid JSON')] }]);
  });

  it('rejects events more than 5 minutes in the future and accepts old ones (backfill)', async () => {
    const soon = new Date(Date.now() + 4 * 60_000).toISOString();
    const later = new Date(Date.now() + 6 * 60_000).toISOString();
    const { body } = await service.client.postEvents(notion, [
      outcomeEvent('time-soon', { occurredAt: soon }),
      outcomeEvent('time-later', { occurredAt: later }),
      outcomeEvent('time-old', { occurredAt: '2019-01-01T00:00:00Z' }),
      outcomeEvent('time-seconds', { occurredAt: 1780822800 }),
    ]);
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => r.id)).toEqual(['time-later', 'time-seconds']);
    expect(body.rejected[0]!.errors[0]).toContain('more than 5 minutes ahead');
  });

  it('stores the earliest instant Postgres can, and refuses year 0 on its own instead of failing the batch', async () => {
    const { status, body } = await service.client.postEvents(notion, [
      outcomeEvent('time-year-1', { occurredAt: '0001-01-01T00:00:00Z' }),
      outcomeEvent('time-year-0', { occurredAt: '0000-12-31T23:59:59.999Z' }),
    ]);
    expect({ status, accepted: body.accepted, rejected: body.rejected.map((r) => r.id) }).toEqual({ status: 200, accepted: 1, rejected: ['time-year-0'] });
    expect(body.rejected[0]!.errors[0]).toContain('before 0001-01-01T00:00:00Z');
  });

  it('takes the platform from the key only: a body claiming another platform cannot write as it', async () => {
    const wholeBody = await service.client.postRaw(
      notion,
      'application/json',
      JSON.stringify({ platform: 'acme-wiki', events: [outcomeEvent('claim-1')] }),
    );
    expect(wholeBody.status).toBe(403);
    const perEvent = await service.client.postEvents(notion, [outcomeEvent('claim-2', { platform: 'acme-wiki' }), outcomeEvent('claim-3', { platform: 'notion' })]);
    expect(perEvent.body.accepted).toBe(1);
    expect(perEvent.body.rejected).toEqual([{ index: 0, id: 'claim-2', errors: [expect.stringContaining('platform is taken from the API key')] }]);
    expect(await log.find('acme-wiki', 'claim-1')).toBeUndefined();
    expect(await log.find('acme-wiki', 'claim-2')).toBeUndefined();
    expect(await log.find('notion', 'claim-3')).toBeDefined();
  });

  it('counts ingest results, rejection reasons and projection lag at /metrics (read key)', async () => {
    expect((await fetch(`${service.url}/metrics`)).status).toBe(401);
    await service.client.postEvents(notion, [
      outcomeEvent('metrics-1'), outcomeEvent('metrics-1', { outcome: 'error' }), outcomeEvent('metrics-2', { provider: 'Bad!' }),
    ]);
    const response = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^ledger_ingest_events_total\{result="accepted"\} [1-9]\d*$/m);
    expect(text).toMatch(/^ledger_ingest_rejections_total\{reason="provider"\} [1-9]\d*$/m);
    expect(text).toMatch(/^ledger_ingest_rejections_total\{reason="conflict"\} [1-9]\d*$/m);
    expect(text).toMatch(/^ledger_projection_lag_events\{projection="timeline"\} \d+$/m);
    expect(text).toMatch(/^ledger_ingest_request_seconds_count [1-9]\d*$/m);
    expect(text).toContain('ledger_process_resident_memory_bytes');
  });
});
