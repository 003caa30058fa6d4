import { Body, Controller, Headers, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IngestResult, MAX_EVENTS_PER_BATCH, spanToEvent, TraceSpan } from '@ledger/domain';
import { AuthenticatedRequest, ProviderAliasService, RateLimiter, RequireScope, ScopeGuard } from '@ledger/auth';
import { IngestService } from '@ledger/event-store';
import { IngestGate } from '../ingest-gate';
import { Metrics } from '../metrics';
import { decodeJsonTraces, decodeProtobufTraces, encodeResponse, encodeStatus, OtlpDecodeError } from './otlp-trace-codec';

type Format = 'protobuf' | 'json';
const CONTENT_TYPE: Record<Format, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
/** gRPC status codes in the Status body (OTLP/HTTP reuses them). */
const GRPC = { INVALID_ARGUMENT: 3, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14 } as const;
/** How many rejected spans the partial-success message names. */
const NAMED_REJECTIONS = 5;

/**
 * `POST /v1/traces` (api.md § OTLP): an OpenTelemetry trace export over OTLP/HTTP, protobuf or
 * JSON, gzip or not. Each span of a model call becomes an outcome event of the key's platform
 * (libs/domain/src/otlp/genai-span.ts) and goes through the ingest path of `/v1/events`: the same
 * validation, idempotency, limits, rate limit and metrics. Other spans are ignored. Answers as
 * OTLP/HTTP says: 200 with `partial_success` naming rejected spans; 400 for a body that is not
 * an export (never retried); 429 and 503 with Retry-After (retried).
 */
@Controller('v1/traces')
@UseGuards(ScopeGuard)
export class TracesController {
  constructor(
    private readonly ingest: IngestService,
    private readonly limiter: RateLimiter,
    private readonly gate: IngestGate,
    private readonly metrics: Metrics,
    private readonly aliases: ProviderAliasService,
  ) {}

  @Post()
  @RequireScope('ingest')
  async post(
    @Req() request: AuthenticatedRequest,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Uint8Array | object> {
    const format: Format | null = contentType?.startsWith('application/x-protobuf') ? 'protobuf' : contentType?.startsWith('application/json') ? 'json' : null;
    if (format === null) {
      reply.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).type('application/json');
      return { code: GRPC.INVALID_ARGUMENT, message: `send application/x-protobuf or application/json, not ${contentType ?? 'no content type'}` };
    }
    reply.type(CONTENT_TYPE[format]);
    const fail = (status: number, code: number, message: string) => {
      reply.status(status);
      return encodeStatus(format, code, message);
    };
    const platform = request.principal!.platform;
    if (platform === null) return fail(HttpStatus.FORBIDDEN, GRPC.PERMISSION_DENIED, 'posting traces needs a key that belongs to a platform; this is a staff key');

    let spans: TraceSpan[];
    try {
      spans = format === 'protobuf' ? decodeProtobufTraces(body instanceof Uint8Array ? body : new Uint8Array()) : decodeJsonTraces(body);
    } catch (error) {
      if (error instanceof OtlpDecodeError) return fail(HttpStatus.BAD_REQUEST, GRPC.INVALID_ARGUMENT, `${error.message}. Nothing was stored.`);
      throw error;
    }

    const aliases = await this.aliases.forKey(request.principal!.keyId);
    const events: { span: TraceSpan; event: Record<string, unknown> }[] = [];
    const invalid: { span: TraceSpan; errors: string[] }[] = [];
    let ignored = 0;
    for (const span of spans) {
      const mapped = spanToEvent(span, aliases);
      if (mapped.kind === 'ignored') ignored++;
      else if (mapped.kind === 'invalid') invalid.push({ span, errors: mapped.errors });
      else events.push({ span, event: mapped.event });
    }
    if (events.length > MAX_EVENTS_PER_BATCH) {
      return fail(HttpStatus.PAYLOAD_TOO_LARGE, GRPC.INVALID_ARGUMENT, `an export holds at most ${MAX_EVENTS_PER_BATCH} model-call spans; this one has ${events.length}. Nothing was stored.`);
    }
    const decision = await this.limiter.take(request.principal!.keyId, 'ingest', events.length);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      return fail(HttpStatus.TOO_MANY_REQUESTS, GRPC.RESOURCE_EXHAUSTED, `this key's ingest rate limit is spent; retry in ${decision.retryAfterSeconds} s. Nothing was stored.`);
    }
    const stop = this.metrics.ingestSeconds.startTimer();
    const appended = this.gate.tryRun(request.principal!.keyId, () => this.ingest.ingest(platform, events.map((e) => e.event)));
    if (appended === null) {
      stop();
      reply.header('retry-after', '1');
      return fail(HttpStatus.SERVICE_UNAVAILABLE, GRPC.UNAVAILABLE, 'ingest is busy (INGEST_CONCURRENCY); retry in 1 s. Nothing was stored.');
    }
    const result: IngestResult = await appended;
    stop();
    this.metrics.recordIngest(result);

    const rejected = [
      ...invalid.map(({ span, errors }) => ({ span, errors })),
      ...result.rejected.map((r) => ({ span: events[r.index]!.span, errors: r.errors })),
    ];
    this.metrics.otlpSpans.inc({ result: 'event' }, events.length - result.rejected.length);
    this.metrics.otlpSpans.inc({ result: 'ignored' }, ignored);
    this.metrics.otlpSpans.inc({ result: 'rejected' }, rejected.length);
    reply.status(HttpStatus.OK);
    return encodeResponse(format, { spans: rejected.length, message: rejectionMessage(rejected) });
  }
}

/** "2 spans rejected: span 4bf9…/00f0…: model …; …" — the first few, each with its reasons. */
function rejectionMessage(rejected: readonly { span: TraceSpan; errors: string[] }[]): string {
  if (rejected.length === 0) return '';
  const named = rejected.slice(0, NAMED_REJECTIONS).map(({ span, errors }) => `span ${span.traceId}/${span.spanId} (${span.name}): ${errors.join('; ')}`);
  const more = rejected.length > NAMED_REJECTIONS ? `; and ${rejected.length - NAMED_REJECTIONS} more` : '';
  return `${rejected.length} ${rejected.length === 1 ? 'span' : 'spans'} rejected: ${named.join(' | ')}${more}`;
}
