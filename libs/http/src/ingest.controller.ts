import {
  Body, Controller, ForbiddenException, Headers, HttpCode, HttpException, HttpStatus, PayloadTooLargeException, Post, Req, Res,
  UnsupportedMediaTypeException, UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IngestResult, MAX_EVENTS_PER_BATCH } from '@ledger/domain';
import { AuthenticatedRequest, RateLimiter, RequireScope, ScopeGuard } from '@ledger/auth';
import { IngestService } from '@ledger/event-store';
import { entriesFromBody, NDJSON } from './event-body';
import { IngestGate } from './ingest-gate';
import { Metrics } from './metrics';

/** `POST /v1/events` (api.md § Ingest): answers only after every accepted event is committed. */
@Controller('v1/events')
@UseGuards(ScopeGuard)
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly metrics: Metrics,
    private readonly limiter: RateLimiter,
    private readonly gate: IngestGate,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireScope('ingest')
  async post(
    @Req() request: AuthenticatedRequest,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IngestResult> {
    if (!contentType?.startsWith('application/json') && !contentType?.startsWith(NDJSON)) {
      throw new UnsupportedMediaTypeException(`send application/json or ${NDJSON}, not ${contentType ?? 'no content type'}`);
    }
    const platform = request.principal?.platform;
    if (!platform) throw new ForbiddenException('ingest needs a key that belongs to a platform; this is a staff key');
    const claimed = (body as { platform?: unknown } | null)?.platform;
    if (claimed !== undefined && claimed !== platform) {
      throw new ForbiddenException(`this key posts for platform "${platform}", not ${JSON.stringify(claimed)}`);
    }
    const entries = entriesFromBody(contentType, body);
    if (entries.length > MAX_EVENTS_PER_BATCH) {
      throw new PayloadTooLargeException(
        `a batch holds at most ${MAX_EVENTS_PER_BATCH} events; this one has ${entries.length}. Nothing was stored.`,
      );
    }
    const decision = await this.limiter.take(request.principal!.keyId, 'ingest', entries.length);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      throw new HttpException(
        `this key's ingest rate limit is spent; retry in ${decision.retryAfterSeconds} s. Nothing was stored.`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const stop = this.metrics.ingestSeconds.startTimer();
    const appended = this.gate.tryRun(request.principal!.keyId, () => this.ingest.ingest(platform, entries));
    if (appended === null) {
      stop();
      reply.header('retry-after', '1');
      throw new HttpException(
        `ingest is busy: this process has as many batches waiting as it queues (INGEST_CONCURRENCY), or this key holds half of them; retry in 1 s. Nothing was stored.`,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const result = await appended;
    stop();
    this.metrics.recordIngest(result);
    return result;
  }
}
