import { gzipSync } from 'node:zlib';
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { LogReader } from './support/log-reader';
import { createTestDatabase } from './support/test-database';
import { ADMIN_KEY, startTestService, TestService } from './support/test-service';

/**
 * OTLP ingest (POST /v1/traces) driven by the real OpenTelemetry JS SDK: spans recorded by a
 * tracer as an instrumentation of a model client records them (GenAI semantic conventions),
 * exported by the official OTLP/HTTP exporters — protobuf and JSON — to the running service.
 */

const T0 = Date.UTC(2026, 5, 7, 9, 2, 0);

interface Call {
  name: string;
  attributes: Attributes;
  /** Offset from T0 and duration, ms. */
  at: number;
  ms: number;
  error?: string;
}

const genai = (operation: string, provider: string, model: string, extra: Attributes = {}): Attributes => ({
  'gen_ai.operation.name': operation, 'gen_ai.provider.name': provider, 'gen_ai.request.model': model, ...extra,
});

const CALLS: Call[] = [
  { name: 'chat claude-opus-4-7', attributes: genai('chat', 'anthropic', 'claude-opus-4-7', { 'gen_ai.response.model': 'claude-opus-4-7', 'http.response.status_code': 200 }), at: 0, ms: 812 },
  {
    name: 'chat claude-opus-4-7', at: 1_000, ms: 2_310, error: 'Overloaded',
    attributes: genai('chat', 'anthropic', 'claude-opus-4-7', { 'http.response.status_code': 529, 'error.type': 'overloaded_error' }),
  },
  { name: 'chat gpt-5', attributes: genai('chat', 'openai', 'gpt-5', { 'http.response.status_code': 429, 'error.type': 'rate_limit_exceeded' }), at: 2_000, ms: 95, error: 'Too many requests' },
  { name: 'generate_content gemini-2.5-pro', attributes: genai('generate_content', 'gcp.gemini', 'gemini-2.5-pro', { 'error.type': 'timeout' }), at: 3_000, ms: 60_000, error: 'Deadline exceeded' },
  // Older instrumentations name the provider gen_ai.system.
  { name: 'embeddings text-embedding-3-large', attributes: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.system': 'openai', 'gen_ai.request.model': 'text-embedding-3-large' }, at: 4_000, ms: 120 },
  // Not model calls: ignored.
  { name: 'GET /api/documents', attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 }, at: 5_000, ms: 40 },
  { name: 'execute_tool search', attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.provider.name': 'anthropic' }, at: 6_000, ms: 300 },
  // A model call without a model: rejected, with its reason in partial_success.
  { name: 'chat', attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic' }, at: 7_000, ms: 300 },
];

/** Records the calls as a model client's instrumentation would, and answers the finished spans. */
async function record(calls: readonly Call[]): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'notion-ai' }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('genai-instrumentation-test');
  for (const call of calls) {
    const span = tracer.startSpan(call.name, { attributes: call.attributes, startTime: new Date(T0 + call.at) });
    if (call.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: call.error });
    span.end(new Date(T0 + call.at + call.ms));
  }
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

const idOf = (span: ReadableSpan) => `${span.spanContext().traceId}${span.spanContext().spanId}`;

describe('OTLP trace ingest', () => {
  let service: TestService;
  let log: LogReader;
  let key: string;
  let keyId: string;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    service = await startTestService({ DATABASE_URL: databaseUrl });
    log = new LogReader(databaseUrl);
    ({ secret: key, id: keyId } = await service.client.createKey('notion', ['INGEST', 'READ']));
  });
  afterAll(async () => {
    await log?.close();
    await service?.close();
  });

  const exporters = () => ({
    proto: new ProtoExporter({ url: `${service.url}/v1/traces`, headers: { authorization: `Bearer ${key}` } }),
    json: new JsonExporter({ url: `${service.url}/v1/traces`, headers: { authorization: `Bearer ${key}` } }),
  });

  it('stores each model call of a protobuf export as an outcome event with the right outcome, and ignores other spans', async () => {
    const spans = await record(CALLS);
    expect(await exportWith(exporters().proto, spans)).toEqual({ code: 0 });
    const stored = await Promise.all(spans.map((s) => log.find('notion', idOf(s))));
    const summary = stored.map((row) => row && { provider: row.provider, model: row.model, outcome: row.outcome, httpStatus: row.http_status, errorCode: row.error_code, latencyMs: row.latency_ms, at: row.occurred_at.toISOString() });
    expect(summary).toEqual([
      { provider: 'anthropic', model: 'claude-opus-4-7', outcome: 'success', httpStatus: 200, errorCode: null, latencyMs: 812, at: '2026-06-07T09:02:00.000Z' },
      { provider: 'anthropic', model: 'claude-opus-4-7', outcome: 'error', httpStatus: 529, errorCode: 'overloaded_error', latencyMs: 2310, at: '2026-06-07T09:02:01.000Z' },
      { provider: 'openai', model: 'gpt-5', outcome: 'rate_limited', httpStatus: 429, errorCode: 'rate_limit_exceeded', latencyMs: 95, at: '2026-06-07T09:02:02.000Z' },
      { provider: 'google', model: 'gemini-2.5-pro', outcome: 'timeout', httpStatus: null, errorCode: 'timeout', latencyMs: 60000, at: '2026-06-07T09:02:03.000Z' },
      { provider: 'openai', model: 'text-embedding-3-large', outcome: 'success', httpStatus: null, errorCode: null, latencyMs: 120, at: '2026-06-07T09:02:04.000Z' },
      undefined, undefined, undefined,
    ]);
    expect(await log.count('notion')).toBe(5);
  });

  it('counts a re-export as duplicates, over JSON as over protobuf, and says which spans it rejected', async () => {
    const spans = await record(CALLS);
    expect(await exportWith(exporters().proto, spans)).toEqual({ code: 0 });
    const before = await log.count('notion');
    const metrics = async () => (await (await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text());
    const duplicates = (text: string) => Number(/ledger_ingest_events_total\{result="duplicate"\} (\d+)/.exec(text)?.[1] ?? 0);
    const ignored = (text: string) => Number(/ledger_otlp_spans_total\{result="ignored"\} (\d+)/.exec(text)?.[1] ?? 0);
    const m0 = await metrics();
    expect(await exportWith(exporters().json, spans)).toEqual({ code: 0 });
    expect(await exportWith(exporters().proto, spans)).toEqual({ code: 0 });
    expect(await log.count('notion')).toBe(before);
    const m1 = await metrics();
    expect(duplicates(m1) - duplicates(m0)).toBe(10);
    expect(ignored(m1) - ignored(m0)).toBe(4);

    // The answer itself, as OTLP/HTTP defines it: 200 with partial_success naming the span without a model.
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [
      { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'chat', startTimeUnixNano: String(BigInt(T0) * 1_000_000n), endTimeUnixNano: String(BigInt(T0 + 10) * 1_000_000n),
        attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }, { key: 'gen_ai.provider.name', value: { stringValue: 'anthropic' } }] },
    ] }] }] });
    const response = await fetch(`${service.url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ partialSuccess: { rejectedSpans: '1', errorMessage: '1 span rejected: span 5b8efff798038103d269b633813fc60c/eee19b7ec3c1b174 (chat): the span has neither gen_ai.response.model nor gen_ai.request.model' } });
  });

  it('answers 400 to a malformed protobuf body and stores nothing; 415 to another content type; 403 to a staff key', async () => {
    const before = await log.count();
    const post = (body: Blob | string, headers: Record<string, string>, bearer = key) =>
      fetch(`${service.url}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, ...headers }, body });
    const garbage = await post(new Blob([new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])]), { 'content-type': 'application/x-protobuf' });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toMatch(/^application\/x-protobuf/);
    expect(Buffer.from(await garbage.arrayBuffer()).toString('latin1')).toContain('the body is not a protobuf ExportTraceServiceRequest');
    const badJson = await post(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz' }] }] }] }), { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ code: 3, message: 'resourceSpans[0].scopeSpans[0].spans[0].traceId must be 32 hexadecimal digits. Nothing was stored.' });
    expect((await post('x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post(new Blob([new Uint8Array(gzipSync('{}'))]), { 'content-type': 'application/json', 'content-encoding': 'br' })).status).toBe(415);
    expect((await post('{}', { 'content-type': 'application/json' }, ADMIN_KEY)).status).toBe(403);
    expect(await log.count()).toBe(before);
  });

  it('takes 10,000 spans in one gzip-compressed export, within the body limit', async () => {
    const calls: Call[] = Array.from({ length: 10_000 }, (_, i) => ({
      name: 'chat claude-opus-4-8', at: 60_000 + i * 5, ms: 400 + (i % 700),
      attributes: genai('chat', 'anthropic', 'claude-opus-4-8', { 'http.response.status_code': i % 50 === 0 ? 529 : 200 }),
      ...(i % 50 === 0 ? { error: 'Overloaded' } : {}),
    }));
    const spans = await record(calls);
    const before = await log.count('notion');
    const exporter = new ProtoExporter({ url: `${service.url}/v1/traces`, headers: { authorization: `Bearer ${key}` }, compression: 'gzip' as never, timeoutMillis: 60_000 });
    expect(await exportWith(exporter, spans)).toEqual({ code: 0 });
    expect(await log.count('notion')).toBe(before + 10_000);
  });

  it('records a provider under the key’s own name for it (admin aliases)', async () => {
    const { body } = await service.client.graphql(ADMIN_KEY, `mutation { setOtlpProviderAliases(keyId: "${keyId}", aliases: [{ source: "llm-gateway", provider: "anthropic" }]) { source provider } }`);
    expect(body.data.setOtlpProviderAliases).toEqual([{ source: 'llm-gateway', provider: 'anthropic' }]);
    const [span] = await record([{ name: 'chat', attributes: genai('chat', 'llm-gateway', 'claude-opus-4-7'), at: 120_000, ms: 500 }]);
    expect(await exportWith(exporters().json, [span!])).toEqual({ code: 0 });
    expect((await log.find('notion', idOf(span!)))?.provider).toBe('anthropic');
  });
});
