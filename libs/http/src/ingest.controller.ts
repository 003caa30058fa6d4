import { BadRequestException, Body, Controller, Headers, HttpCode, HttpException, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IngestResult } from '@ledger/domain';
import { AuthenticatedRequest, RequireScope, ScopeGuard } from '@ledger/auth';
import { ActionIngestService, IngestService } from '@ledger/event-store';
import { BatchRequests } from './batch-request';
import { EventBatchPreparer } from './event-batch/event-batch-preparer';
import { planEventBatch } from './event-batch/prepare-event-batch';
import { RawEventBatch } from './event-batch/shared-body-reader';
import { IngestGate } from './ingest-gate';
import { Metrics } from './metrics';

/**
 * `POST /v1/events` (api.md § Ingest): answers only after every accepted event is committed.
 * The body arrives unparsed (a RawEventBatch); in the batch's turn at the gate, a thread parses
 * and validates it, then the plan is appended.
 */
@Controller('v1/events')
@UseGuards(ScopeGuard)
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly metrics: Metrics,
    private readonly batches: BatchRequests,
    private readonly gate: IngestGate,
    private readonly preparer: EventBatchPreparer,
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
    try {
      return await this.append(request, contentType, body, reply);
    } finally {
      // Answered (or refused): the body's memory may serve the next request.
      if (body instanceof RawEventBatch) body.giveBack();
    }
  }

  private async append(request: AuthenticatedRequest, contentType: string | undefined, body: unknown, reply: FastifyReply): Promise<IngestResult> {
    const platform = this.batches.platformOf(request, contentType, 'events');
    if (!(body instanceof RawEventBatch)) throw new BadRequestException(`the body must be JSON or NDJSON`);
    const stop = this.metrics.ingestSeconds.startTimer();
    const appended = this.gate.tryRun(request.principal!.keyId, async () => {
      const { prepared, input } = await this.preparer.prepare(contentType!, body, this.ingest.validationContext(platform));
      this.batches.checkClaim(platform, prepared.claimedPlatform);
      if (!prepared.ok) throw new BadRequestException(prepared.message);
      await this.batches.admit(request, reply, 'events', prepared.entryCount);
      return this.ingest.appendEncoded(platform, prepared.plan, () => planEventBatch(input));
    });
    if (appended === null) {
      stop();
      reply.header('retry-after', '1');
      throw new HttpException(
        `ingest is busy: this process has as many batches waiting as it queues (INGEST_CONCURRENCY), or this key holds half of them; retry in 1 s. Nothing was stored.`,
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const result = await appended.finally(stop);
    this.metrics.recordIngest(result);
    return result;
  }
}

/** `POST /v1/actions` (api.md § Platform actions): a platform's actions, posted and answered as events are. */
@Controller('v1/actions')
@UseGuards(ScopeGuard)
export class ActionsController {
  constructor(
    private readonly actions: ActionIngestService,
    private readonly batches: BatchRequests,
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
    const { platform, entries } = await this.batches.read(request, contentType, body, reply, 'actions');
    return this.actions.ingest(platform, entries);
  }
}
