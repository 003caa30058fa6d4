import { FastifyAdapter } from '@nestjs/platform-fastify';
import { NDJSON } from './event-body';

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

/** Fastify with the body limit and an NDJSON body parser (the body arrives as text, split by the ingest route). */
export function createFastifyAdapter(): FastifyAdapter {
  const adapter = new DrainingFastifyAdapter({ bodyLimit: MAX_BODY_BYTES, logger: false });
  const fastify = adapter.getInstance();
  fastify.addContentTypeParser(NDJSON, { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => {
    done(null, body);
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (adapter.draining) void reply.header('connection', 'close');
    done(null, payload);
  });
  return adapter;
}
