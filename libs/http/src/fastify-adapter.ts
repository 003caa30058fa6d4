import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { foregroundRequests } from '@ledger/projections';
import { NDJSON } from './event-body';
import { RawEventBatch } from './event-batch/prepare-event-batch';

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
 * Fastify with the body limit; JSON as Fastify parses it, except `POST /v1/events`, whose body
 * is kept as bytes (RawEventBatch) for the ingest thread; an NDJSON body parser (text, split by
 * the ingest routes); a protobuf one (the bytes, decoded by the OTLP route); and gzip request
 * bodies (OTLP exporters may compress; the limit applies to the body decompressed).
 */
export function createFastifyAdapter(): FastifyAdapter {
  const adapter = new DrainingFastifyAdapter({ bodyLimit: MAX_BODY_BYTES, logger: false });
  const fastify = adapter.getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  adapter.useBodyParser('application/json', false, { bodyLimit: MAX_BODY_BYTES }, (request, body, done) => {
    if (isEventIngest(request)) done(null, new RawEventBatch(body));
    else parseJson(request, body.toString('utf8'), done);
  });
  fastify.addContentTypeParser(NDJSON, { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, (request, body: Buffer, done) => {
    done(null, isEventIngest(request) ? new RawEventBatch(body) : body.toString('utf8'));
  });
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
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (adapter.draining) void reply.header('connection', 'close');
    done(null, payload);
  });
  return adapter;
}
