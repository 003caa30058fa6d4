import { postBatch, type IngestRequest } from './ingest-request';
import type { FetchLike, FetchRequestInit } from './types';

const NOW = Date.parse('2026-06-07T09:00:00Z');

function answering(status: number, body: string, headers: Record<string, string> = {}): FetchLike {
  return async () => ({ status, headers: { get: (name: string) => headers[name.toLowerCase()] ?? null }, text: async () => body });
}

function request(fetch: FetchLike, overrides: Partial<IngestRequest> = {}): IngestRequest {
  return {
    fetch, endpoint: 'http://ledger.test/v1/events', apiKey: 'slk_key', body: '{"events":[]}', timeoutMs: 1_000,
    signal: new AbortController().signal, now: () => NOW, ...overrides,
  };
}

describe('postBatch', () => {
  it('posts the body as JSON with the bearer key', async () => {
    const seen: [string, FetchRequestInit][] = [];
    const fetch: FetchLike = async (url, init) => {
      seen.push([url, init]);
      return answering(200, '{"accepted":0,"duplicates":0,"rejected":[]}')(url, init);
    };
    await postBatch(request(fetch));
    expect(seen).toEqual([
      ['http://ledger.test/v1/events', expect.objectContaining({
        method: 'POST', body: '{"events":[]}', headers: { authorization: 'Bearer slk_key', 'content-type': 'application/json' },
      })],
    ]);
  });

  it('reads an acknowledgement with its rejections', async () => {
    const body = '{"accepted":1,"duplicates":2,"rejected":[{"index":3,"id":"e-3","errors":["httpStatus must be between 100 and 599"]}]}';
    expect(await postBatch(request(answering(200, body)))).toEqual({
      kind: 'acknowledged', accepted: 1, duplicates: 2, rejected: [{ index: 3, id: 'e-3', errors: ['httpStatus must be between 100 and 599'] }],
    });
  });

  it.each([
    [429, { 'retry-after': '3' }, 3_000],
    [503, { 'retry-after': 'Sun, 07 Jun 2026 09:00:02 GMT' }, 2_000],
    [500, {}, null],
    [502, {}, null],
    [408, {}, null],
  ])('retries %i (Retry-After read)', async (status, headers, retryAfterMs) => {
    expect(await postBatch(request(answering(status, 'busy', headers)))).toEqual({
      kind: 'retry', reason: `answered ${status}: busy`, status, retryAfterMs,
    });
  });

  it.each([400, 401, 403, 404, 413, 415])('refuses %i without retrying', async (status) => {
    expect(await postBatch(request(answering(status, '{"message":"no"}')))).toEqual({ kind: 'refused', reason: `answered ${status}: {"message":"no"}`, status });
  });

  it('refuses a 200 that is not an ingest answer (a wrong URL)', async () => {
    expect(await postBatch(request(answering(200, '<html>hello</html>')))).toMatchObject({ kind: 'refused', status: 200 });
    expect(await postBatch(request(answering(200, '{"ok":true}')))).toMatchObject({ kind: 'refused', status: 200 });
  });

  it('retries a network error, an answer cut short and a request that takes too long', async () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(await postBatch(request(async () => Promise.reject(refused)))).toEqual({
      kind: 'retry', reason: 'request failed: fetch failed (ECONNREFUSED)', status: null, retryAfterMs: null,
    });
    const cutShort: FetchLike = async () => ({ status: 200, headers: { get: () => null }, text: () => Promise.reject(new TypeError('terminated')) });
    expect(await postBatch(request(cutShort))).toMatchObject({ kind: 'retry', reason: 'request failed: terminated' });
    const hanging: FetchLike = (_, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    expect(await postBatch(request(hanging, { timeoutMs: 5 }))).toMatchObject({ kind: 'retry', reason: 'no answer within 5 ms' });
  });

  it('never throws, even when fetch itself throws synchronously', async () => {
    const broken: FetchLike = () => {
      throw new Error('not a fetch');
    };
    expect(await postBatch(request(broken))).toMatchObject({ kind: 'retry', reason: 'request failed: not a fetch' });
  });
});
