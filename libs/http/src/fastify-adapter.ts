import { FastifyAdapter } from '@nestjs/platform-fastify';
import { NDJSON } from './event-body';

/** The largest request body accepted (API.md: 10 MiB → 413 beyond). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Fastify with the body limit and an NDJSON body parser (the body arrives as text, split by the ingest route). */
export function createFastifyAdapter(): FastifyAdapter {
  const adapter = new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES, logger: false });
  adapter.getInstance().addContentTypeParser(NDJSON, { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_req, body, done) => {
    done(null, body);
  });
  return adapter;
}
