import {
  BadRequestException, ForbiddenException, HttpException, HttpStatus, Injectable, PayloadTooLargeException, UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MAX_EVENTS_PER_BATCH } from '@ledger/domain';
import { AuthenticatedRequest, RateLimiter } from '@ledger/auth';
import { entriesFromBody, NDJSON } from './event-body';

type BatchKind = 'events' | 'actions';

/**
 * What `POST /v1/events` and `POST /v1/actions` check alike before anything is stored: the
 * content type, the key's platform (a body naming another is refused), the batch's size, and the
 * key's ingest rate limit (every entry takes a token).
 */
@Injectable()
export class BatchRequests {
  constructor(private readonly limiter: RateLimiter) {}

  /** A parsed body's platform and entries, once every check has passed (actions). */
  async read(
    request: AuthenticatedRequest, contentType: string | undefined, body: unknown, reply: FastifyReply, kind: BatchKind,
  ): Promise<{ platform: string; entries: unknown[] }> {
    const platform = this.platformOf(request, contentType, kind);
    this.checkClaim(platform, (body as { platform?: unknown } | null)?.platform);
    const read = entriesFromBody(contentType, body, kind);
    if (!read.ok) throw new BadRequestException(read.message);
    await this.admit(request, reply, kind, read.entries.length);
    return { platform, entries: read.entries };
  }

  /** The platform the request's key posts for, when its content type is one a batch may have. */
  platformOf(request: AuthenticatedRequest, contentType: string | undefined, kind: BatchKind): string {
    if (!contentType?.startsWith('application/json') && !contentType?.startsWith(NDJSON)) {
      throw new UnsupportedMediaTypeException(`send application/json or ${NDJSON}, not ${contentType ?? 'no content type'}`);
    }
    const platform = request.principal?.platform;
    if (!platform) throw new ForbiddenException(`posting ${kind} needs a key that belongs to a platform; this is a staff key`);
    return platform;
  }

  /** Refuses a body that names, at its top level, another platform than the key's. */
  checkClaim(platform: string, claimed: unknown): void {
    if (claimed !== undefined && claimed !== platform) {
      throw new ForbiddenException(`this key posts for platform "${platform}", not ${JSON.stringify(claimed)}`);
    }
  }

  /** Refuses a batch of more entries than a batch may hold, or than the key's rate allows now. */
  async admit(request: AuthenticatedRequest, reply: FastifyReply, kind: BatchKind, entryCount: number): Promise<void> {
    if (entryCount > MAX_EVENTS_PER_BATCH) {
      throw new PayloadTooLargeException(`a batch holds at most ${MAX_EVENTS_PER_BATCH} ${kind}; this one has ${entryCount}. Nothing was stored.`);
    }
    const decision = await this.limiter.take(request.principal!.keyId, 'ingest', entryCount);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      throw new HttpException(
        `this key's ingest rate limit is spent; retry in ${decision.retryAfterSeconds} s. Nothing was stored.`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }
}
