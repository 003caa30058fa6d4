import { createServer, IncomingHttpHeaders, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_FEED_BYTES } from '@ledger/domain';
import { fetchFeed } from './feed-fetch';

/** A loopback server whose answer each test sets; it keeps the headers of every request. */
let server: Server;
let url: string;
let answer: RequestListener;
const requests: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.headers);
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/incidents.json`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => (requests.length = 0));

const json = (body: string, headers: Record<string, string> = {}): RequestListener => (_request, response) =>
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(body);

/** Writes `total` bytes of body in 64 KiB chunks, minding backpressure, until done or the client goes away. */
function stream(response: ServerResponse, total: number): Promise<{ written: number; finished: boolean }> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let written = 0;
    response.on('close', () => resolve({ written, finished: response.writableFinished }));
    const write = (): void => {
      while (written < total && !response.destroyed) {
        written += chunk.length;
        if (!response.write(chunk)) return void response.once('drain', write);
      }
      if (!response.destroyed) response.end();
    };
    write();
  });
}

describe('fetchFeed', () => {
  it('asks for JSON, and hands back the parsed body with its ETag', async () => {
    answer = json('{"incidents":[]}', { etag: '"v1"' });
    expect(await fetchFeed({ url, etag: null })).toEqual({ kind: 'feed', json: { incidents: [] }, etag: '"v1"' });
    expect(requests[0]).toMatchObject({ accept: 'application/json', 'user-agent': 'sla-ledger-status-feeds' });
    expect(requests[0]!['if-none-match']).toBeUndefined();
  });

  it('sends the ETag as If-None-Match, and a 304 is "not modified"', async () => {
    answer = (request, response) => (request.headers['if-none-match'] === '"v1"' ? response.writeHead(304).end() : json('{"incidents":[]}')(request, response));
    expect(await fetchFeed({ url, etag: '"v1"' })).toEqual({ kind: 'not-modified' });
    expect(requests[0]!['if-none-match']).toBe('"v1"');
  });

  it('takes a JSON media type with a suffix, and a body without an ETag', async () => {
    answer = json('{"incidents":[]}', { 'content-type': 'application/vnd.statuspage+json' });
    expect(await fetchFeed({ url, etag: null })).toEqual({ kind: 'feed', json: { incidents: [] }, etag: null });
  });

  it('refuses a 304 it did not ask for', async () => {
    answer = (_request, response) => response.writeHead(304).end();
    expect(await fetchFeed({ url, etag: null })).toEqual({ kind: 'failure', reason: 'answered 304 Not Modified' });
  });

  it('refuses an answer without a content type', async () => {
    answer = (_request, response) => response.writeHead(200).end('{"incidents":[]}');
    expect(await fetchFeed({ url, etag: null })).toEqual({ kind: 'failure', reason: 'answered without a content type, not JSON' });
  });

  it('refuses a body that is not UTF-8', async () => {
    answer = (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x7b, 0xff, 0x7d]));
    expect(await fetchFeed({ url, etag: null })).toEqual({ kind: 'failure', reason: 'the body is not UTF-8 text' });
  });

  it('refuses a declared length over the limit without reading the body', async () => {
    let streamed: Promise<{ written: number; finished: boolean }> | undefined;
    answer = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
      streamed = stream(response, 50 * 1024 * 1024);
    };
    expect(await fetchFeed({ url, etag: null })).toEqual({ kind: 'failure', reason: 'the body is 52428800 bytes, over the 10 MiB limit' });
    const { written, finished } = await streamed!;
    expect(finished).toBe(false);
    expect(written).toBeLessThan(MAX_FEED_BYTES);
  });

  it('times out on a body that stops coming, the headers notwithstanding', async () => {
    answer = (_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).write('{"incidents":[');
    expect(await fetchFeed({ url, etag: null, timeoutMs: 200 })).toEqual({ kind: 'failure', reason: 'no complete answer within 0.2 s' });
  });

  it('says why it could not connect', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await fetchFeed({ url: `http://127.0.0.1:${port}/`, etag: null })).toEqual({ kind: 'failure', reason: `fetch failed: connect ECONNREFUSED 127.0.0.1:${port}` });
  });

  it('is abandoned by its signal', async () => {
    answer = () => undefined;
    const stop = new AbortController();
    const fetching = fetchFeed({ url, etag: null, signal: stop.signal });
    while (requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort();
    expect(await fetching).toEqual({ kind: 'failure', reason: 'abandoned: the process is stopping' });
  });
});
