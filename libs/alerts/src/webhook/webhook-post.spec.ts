import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { formatSeconds, postWebhook, RESPONSE_BODY_LIMIT_BYTES } from './webhook-post';

/** What a test server saw of one request. */
interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];

/** A server on 127.0.0.1 that records each request, then lets `answer` respond (or not). */
async function serve(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen };
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

const body = JSON.stringify({ event: 'ALERT_FIRING', ruleId: 'r-1', note: 'naïve ✓' });
const headers = { 'X-Ledger-Delivery': 'd-42', 'x-ledger-signature': 't=1,v1=ab' };

describe('postWebhook', () => {
  it('POSTs the body and headers exactly, and a 2xx answer is ok', async () => {
    const { port, seen } = await serve((_, response) => response.writeHead(204).end());

    const result = await postWebhook({ url: `http://127.0.0.1:${port}/hooks?x=1`, body, headers, allowPrivate: true });

    expect(result).toEqual({ ok: true, statusCode: 204, error: null, durationMs: expect.any(Number) });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/hooks?x=1');
    expect(seen[0]!.body).toBe(body);
    expect(seen[0]!.headers).toMatchObject({
      'x-ledger-delivery': 'd-42',
      'x-ledger-signature': 't=1,v1=ab',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'sla-ledger-webhooks',
    });
  });

  it('keeps a content-type the caller set, whatever its case', async () => {
    const { port, seen } = await serve((_, response) => response.end('ok'));

    const result = await postWebhook({ url: `http://127.0.0.1:${port}/`, body, headers: { 'Content-Type': 'application/cloudevents+json' }, allowPrivate: true });

    expect(result.ok).toBe(true);
    expect(seen[0]!.headers['content-type']).toBe('application/cloudevents+json');
  });

  it('connects through the guarded lookup for a name, when private targets are allowed', async () => {
    const { port, seen } = await serve((_, response) => response.writeHead(200).end());

    const result = await postWebhook({ url: `http://localhost:${port}/`, body, headers, allowPrivate: true });

    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(seen).toHaveLength(1);
  });

  it('is not ok for a 500, with its status', async () => {
    const { port } = await serve((_, response) => response.writeHead(500).end('boom'));

    expect(await postWebhook({ url: `http://127.0.0.1:${port}/`, body, headers, allowPrivate: true })).toMatchObject({ ok: false, statusCode: 500, error: 'answered 500' });
  });

  it('does not follow a redirect: a 302 is not ok', async () => {
    const { port, seen } = await serve((request, response) => {
      if (request.url === '/moved') response.writeHead(302, { location: '/elsewhere' }).end();
      else response.writeHead(200).end();
    });

    expect(await postWebhook({ url: `http://127.0.0.1:${port}/moved`, body, headers, allowPrivate: true })).toMatchObject({ ok: false, statusCode: 302, error: 'answered 302' });
    expect(seen.map((s) => s.url)).toEqual(['/moved']);
  });

  it('gives up on a server that never answers at the deadline, and closes the connection', async () => {
    let closed!: Promise<void>;
    const { port } = await serve((request) => {
      closed = new Promise((resolve) => request.socket.on('close', () => resolve()));
    });

    const result = await postWebhook({ url: `http://127.0.0.1:${port}/`, body, headers, allowPrivate: true, timeoutMs: 200 });

    expect(result).toMatchObject({ ok: false, statusCode: null, error: 'no answer in 0.2 s' });
    expect(result.durationMs).toBeGreaterThanOrEqual(150);
    // The client destroyed its socket: the server sees the connection close without closing it itself.
    await closed;
  });

  it('holds one deadline for the whole attempt, not an idle timeout', async () => {
    // A receiver that sends a byte of its status line every 50 ms, never finishing it: never idle, never an answer.
    const sockets = new Set<Socket>();
    const server = createNetServer((socket) => {
      sockets.add(socket);
      // Read (and drop) the request, so that the client's closing the connection is seen.
      socket.resume();
      socket.write('HTTP/1.1 200 OK\r\nx-slow: ');
      const tick = setInterval(() => socket.write('a'), 50);
      socket.on('close', () => {
        clearInterval(tick);
        sockets.delete(socket);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const result = await postWebhook({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, body, headers, allowPrivate: true, timeoutMs: 300 });

      expect(result).toMatchObject({ ok: false, statusCode: null, error: 'no answer in 0.3 s' });
      expect(result.durationMs).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('goes by the status once it came, though the body is still unfinished at the deadline', async () => {
    let serverSocketClosed!: Promise<void>;
    const { port } = await serve((request, response) => {
      serverSocketClosed = new Promise((resolve) => request.socket.on('close', () => resolve()));
      response.writeHead(202, { 'content-type': 'text/plain' });
      response.write('accepted, and then nothing more');
    });

    const result = await postWebhook({ url: `http://127.0.0.1:${port}/`, body, headers, allowPrivate: true, timeoutMs: 200 });

    expect(result).toMatchObject({ ok: true, statusCode: 202, error: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(150);
    await serverSocketClosed;
  });

  it('reads a long body only up to the limit, then closes the connection', async () => {
    let serverSocketClosed!: Promise<void>;
    const { port } = await serve((request, response) => {
      serverSocketClosed = new Promise((resolve) => request.socket.on('close', () => resolve()));
      response.writeHead(200, { 'content-type': 'text/plain' });
      // More than the limit, then never ending: only the limit lets the attempt finish before its deadline.
      response.write(Buffer.alloc(RESPONSE_BODY_LIMIT_BYTES * 2, 'x'));
    });

    const result = await postWebhook({ url: `http://127.0.0.1:${port}/`, body, headers, allowPrivate: true, timeoutMs: 10_000 });

    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    // At the deadline it would be ok too: only the limit finishes it this soon.
    expect(result.durationMs).toBeLessThan(5_000);
    await serverSocketClosed;
  });

  it('reports a refused connection without a status', async () => {
    const { port } = await serve((_, response) => response.end());
    const server = servers.pop()!;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    expect(await postWebhook({ url: `http://127.0.0.1:${port}/`, body, headers, allowPrivate: true })).toMatchObject({
      ok: false,
      statusCode: null,
      error: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it('refuses a private IP literal unless allowed, before connecting', async () => {
    const { port, seen } = await serve((_, response) => response.end());

    const result = await postWebhook({ url: `http://127.0.0.1:${port}/`, body, headers, allowPrivate: false });

    expect(result).toMatchObject({ ok: false, statusCode: null, error: 'webhook address refused: 127.0.0.1 is a loopback address' });
    expect(seen).toHaveLength(0);
  });

  it('refuses a name resolving to a private address at connect time, unless allowed', async () => {
    const { port, seen } = await serve((_, response) => response.end());

    const result = await postWebhook({ url: `http://localhost:${port}/`, body, headers, allowPrivate: false });

    expect(result.ok).toBe(false);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/^webhook address refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
    expect(seen).toHaveLength(0);
  });

  it('refuses a metadata address even when private targets are allowed', async () => {
    expect(await postWebhook({ url: 'http://169.254.169.254/latest/meta-data/', body, headers, allowPrivate: true })).toMatchObject({
      ok: false,
      statusCode: null,
      error: 'webhook address refused: 169.254.169.254 is a cloud metadata address',
    });
  });

  it('never throws: a bad URL, a bad scheme and a bad header value come back as errors', async () => {
    await expect(postWebhook({ url: 'not a url', body, headers, allowPrivate: true })).resolves.toMatchObject({ ok: false, statusCode: null, error: 'not a URL' });
    await expect(postWebhook({ url: 'ftp://127.0.0.1/', body, headers, allowPrivate: true })).resolves.toMatchObject({ ok: false, error: 'the scheme must be http or https, not ftp' });
    const { port, seen } = await serve((_, response) => response.end());
    const result = await postWebhook({ url: `http://127.0.0.1:${port}/`, body, headers: { 'x-bad': 'a\r\nb' }, allowPrivate: true });
    expect(result).toMatchObject({ ok: false, statusCode: null });
    expect(result.error).toMatch(/x-bad/);
    expect(seen).toHaveLength(0);
  });
});

describe('formatSeconds', () => {
  it.each([
    [10_000, '10 s'],
    [200, '0.2 s'],
    [1_500, '1.5 s'],
    [1_234, '1.234 s'],
    [60_000, '60 s'],
  ])('%p ms is %p', (ms, expected) => {
    expect(formatSeconds(ms)).toBe(expected);
  });
});
