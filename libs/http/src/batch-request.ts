import {
  ForbiddenException, HttpException, HttpStatus, Injectable, PayloadTooLargeException, UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MAX_EVENTS_PER_BATCH } from '@ledger/domain';
import { AuthenticatedRequest, RateLimiter } from '@ledger/auth';
import { entriesFromBody, NDJSON } from './event-body';

/**
 * What `POST /v1/events` and `POST /v1/actions` check alike before anything is stored: the
 * content type, the key's platform (a body naming another is refused), the batch's size, and the
 * key's ingest rate limit (every entry takes a token). Answers the batch's platform and entries.
 */
@Injectable()
export class BatchRequests {
  constructor(private readonly limiter: RateLimiter) {}

  async read(
    request: AuthenticatedRequest, contentType: string | undefined, body: unknown, reply: FastifyReply, key: 'events' | 'actions',
  ): Promise<{ platform: string; entries: unknown[] }> {
    if (!contentType?.startsWith('application/json') && !contentType?.startsWith(NDJSON)) {
      throw new UnsupportedMediaTypeException(`send application/json or ${NDJSON}, not ${contentType ?? 'no content type'}`);
    }
    const platform = request.principal?.platform;
    if (!platform) throw new ForbiddenException(`posting ${key} needs a key that belongs to a platform; this is a staff key`);
    const claimed = (body as { platform?: unknown } | null)?.platform;
    if (claimed !== undefined && claimed !== platform) {
      throw new ForbiddenException(`this key posts for platform "${platform}", not ${JSON.stringify(claimed)}`);
    }
    const entries = entriesFromBody(contentType, body, key);
    if (entries.length > MAX_EVENTS_PER_BATCH) {
      throw new PayloadTooLargeException(`a batch holds at most ${MAX_EVENTS_PER_BATCH} ${key}; this one has ${entries.length}. Nothing was stored.`);
    }
    const decision = await this.limiter.take(request.principal!.keyId, 'ingest', entries.length);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      throw new HttpException(
        `this key's ingest rate limit is spent; retry in ${decision.retryAfterSeconds} s. Nothing was stored.`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return { platform, entries };
  }
}
