import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { foregroundRequests } from '@ledger/projections';
import { NDJSON } from './event-body';
import { SharedBatchMemory } from './event-batch/shared-batch-memory';
import { RawEventBatch, readSharedBody } from './event-batch/shared-body-reader';

type ParserDone = (error: Error | null, body?: unknown) => void;

/** OTLP/HTTP's binary encoding (POST /v1/traces). */
export const PROTOBUF = 'application/x-protobuf';

/** The largest request body accepted (api.md: 10 MiB → 413 beyond). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Fastify that lets keep-alive clients go when the service stops: from the start of a
 * shutdown every answer carries `Connection: close`, so a connection busy with a request in
 * flight closes once that request is answered. Without it, `close()` would wait for such
 * connections to idle out (Fastify's keep-alive timeout, 72 s).
 */
class DrainingFastifyAdapter extends FastifyAdapter {
  draining = false;

  override beforeClose(): void {
    this.draining = true;
    super.beforeClose();
  }
}

/** The route whose bodies are parsed on the ingest thread, not here. */
const EVENTS_ROUTE = '/v1/events';
/** Bulk routes: every other request is one someone waits on (ForegroundRequests). */
const INGEST_ROUTES = new Set([EVENTS_ROUTE, '/v1/traces']);

function isEventIngest(request: FastifyRequest): boolean {
  return request.routeOptions.url === EVENTS_ROUTE;
}

/**
 * Idle memory kept for ingest bodies (SharedBatchMemory): a few slots of 5,000-event batches; a
 * rare larger body gets a slot of its own, let go afterwards.
 */
const KEPT_BODY_MEMORY_BYTES = 16 * 1024 * 1024;

/**
 * Fastify with the body limit and every body parser (Nest adds none: create the application with
 * `bodyParser: false`): JSON as Fastify parses it, except `POST /v1/events`, whose body is kept
 * as bytes in memory shared with the ingest thread (RawEventBatch); an NDJSON body parser (text,
 * split by the ingest routes); a protobuf one (the bytes, decoded by the OTLP route); forms as
 * Nest parses them; and gzip request bodies (OTLP exporters may compress; the limit applies to
 * the body decompressed).
 */
export function createFastifyAdapter(): FastifyAdapter {
  const adapter = new DrainingFastifyAdapter({ bodyLimit: MAX_BODY_BYTES, logger: false });
  const fastify = adapter.getInstance();
  const bodies = new SharedBatchMemory(KEPT_BODY_MEMORY_BYTES);
  /** A parser reading the body into shared memory: kept there for `POST /v1/events`, otherwise decoded and handed to `parse`. */
  const parser = (parse: (request: FastifyRequest, text: string, done: ParserDone) => void) =>
    (request: FastifyRequest, payload: Readable, done: ParserDone) => {
      readSharedBody(bodies, request, payload, MAX_BODY_BYTES).then((body) => {
        if (isEventIngest(request)) return done(null, new RawEventBatch(body, bodies));
        const text = Buffer.from(body.memory, 0, body.byteLength).toString('utf8');
        bodies.give(body.memory);
        parse(request, text, done);
      }, (error: Error) => done(error, undefined));
    };
  fastify.addContentTypeParser('application/json', { bodyLimit: MAX_BODY_BYTES }, parser(fastify.getDefaultJsonParser('error', 'error')));
  fastify.addContentTypeParser(NDJSON, { bodyLimit: MAX_BODY_BYTES }, parser((_request, text, done) => done(null, text)));
  adapter.useBodyParser('application/x-www-form-urlencoded', false, { bodyLimit: MAX_BODY_BYTES });
  fastify.addContentTypeParser(PROTOBUF, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => {
    done(null, body);
  });
  fastify.addHook('preParsing', (request, reply, payload, done) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding === undefined || encoding === '' || encoding === 'identity') return done(null, payload);
    if (encoding !== 'gzip') {
      void reply.code(415).send({ statusCode: 415, error: 'Unsupported Media Type', message: `Content-Encoding ${encoding} is not supported; send gzip or nothing` });
      return;
    }
    const gunzip = createGunzip() as ReturnType<typeof createGunzip> & { receivedEncodedLength: number };
    // Fastify compares Content-Length with the bytes it read: those are the compressed ones.
    gunzip.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => (gunzip.receivedEncodedLength += chunk.length));
    payload.on('error', (error) => gunzip.destroy(error));
    done(null, payload.pipe(gunzip) as unknown as Readable & typeof payload);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    // Until the answer is sent or the client goes: the projections' folding in this process waits meanwhile.
    if (!INGEST_ROUTES.has(request.routeOptions.url ?? '')) reply.raw.once('close', foregroundRequests.begin());
    done();
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    // A body refused before the controller (a 401 or 403 from its guard): its slot serves the next request.
    // Safe because an answer is written only once the handler is done (no handlerTimeout is set).
    if (request.body instanceof RawEventBatch) request.body.giveBack();
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (adapter.draining) void reply.header('connection', 'close');
    done(null, payload);
  });
  return adapter;
}
