import { gzipSync } from 'node:zlib';
import { createFastifyAdapter } from './fastify-adapter';
import { RawEventBatch } from './event-batch/shared-body-reader';

describe('createFastifyAdapter', () => {
  const adapter = createFastifyAdapter();
  const fastify = adapter.getInstance();
  const bodies: unknown[] = [];

  beforeAll(async () => {
    // Stands in for a request refused before the controller (a guard's 403): the body is never given back by a handler.
    fastify.post('/v1/events', async (request, reply) => {
      bodies.push(request.body);
      return reply.code(403).send({ message: 'refused' });
    });
    fastify.post('/v1/other', async (request) => ({ received: request.body }));
    await fastify.ready();
  });
  afterAll(() => fastify.close());
  beforeEach(() => (bodies.length = 0));

  const post = (url: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    fastify.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });

  it('keeps an ingest body as bytes in shared memory, and takes the memory back once a refusal is answered', async () => {
    const response = await post('/v1/events', '{"events":[]}');
    expect(response.statusCode).toBe(403);
    const [body] = bodies;
    expect(body).toBeInstanceOf(RawEventBatch);
    const batch = body as RawEventBatch;
    expect(batch.byteLength).toBe('{"events":[]}'.length);
    await new Promise((resolve) => setImmediate(resolve)); // onResponse runs once the answer is written
    expect(() => batch.bytes).toThrow(/read after its memory was given back/);
  });

  it('reads a gzip ingest body decompressed', async () => {
    const json = JSON.stringify({ events: [{ id: 'a' }] });
    await post('/v1/events', gzipSync(json), { 'content-encoding': 'gzip' });
    const batch = bodies[0] as RawEventBatch;
    expect(batch.byteLength).toBe(Buffer.byteLength(json));
  });

  it('parses JSON on other routes, and refuses a __proto__ key as Fastify does', async () => {
    expect((await post('/v1/other', '{"a":[1,2]}')).json()).toEqual({ received: { a: [1, 2] } });
    expect((await post('/v1/other', '{"__proto__":{"x":1}}')).statusCode).toBe(400);
  });

  it('answers 415 to a content encoding other than gzip, and 413 beyond 10 MiB', async () => {
    expect((await post('/v1/other', '{}', { 'content-encoding': 'br' })).statusCode).toBe(415);
    expect((await post('/v1/events', Buffer.alloc(10 * 1024 * 1024 + 1, 0x20))).statusCode).toBe(413);
    expect(bodies).toEqual([]);
  });
});
