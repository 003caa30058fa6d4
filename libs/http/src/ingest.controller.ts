import { Body, Controller, Headers, HttpCode, HttpException, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IngestResult } from '@ledger/domain';
import { AuthenticatedRequest, RequireScope, ScopeGuard } from '@ledger/auth';
import { ActionIngestService, IngestService } from '@ledger/event-store';
import { BatchRequests } from './batch-request';
import { IngestGate } from './ingest-gate';
import { Metrics } from './metrics';

/** `POST /v1/events` (api.md § Ingest): answers only after every accepted event is committed. */
@Controller('v1/events')
@UseGuards(ScopeGuard)
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly metrics: Metrics,
    private readonly batches: BatchRequests,
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
    const { platform, entries } = await this.batches.read(request, contentType, body, reply, 'events');
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
