/**
 * OTLP ingest benchmark (`npm run bench:otlp`): what `POST /v1/traces` costs next to
 * `POST /v1/events` for the same model calls.
 *
 * A throwaway embedded Postgres (or DATABASE_URL), the built service with ROLE=api (the ingest
 * path alone), an ingest key; then the same realistic traffic posted twice for BENCH_SECONDS each
 * by BENCH_CLIENTS closed-loop clients in batches of BENCH_BATCH_SIZE: as `/v1/events` JSON
 * bodies, and as OTLP protobuf exports of GenAI spans (one span per event; trace and span ids
 * random, so every event is new). Bodies are serialised before the clock starts. Prints events/s,
 * batch latency and the ratio, and checks that every event posted became one row.
 *
 * Environment: BENCH_CLIENTS (4), BENCH_SECONDS (10), BENCH_BATCH_SIZE (5000), BENCH_POOL_BATCHES
 * (200 per phase), BENCH_PG_PORT (55441), DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  BenchCleanup, createIngestKey, envNumber, freePort, percentile, runBenchmark, runLoad, settle, spawnBenchService, waitUntilReady, withTimeout, LoadResult,
} from './bench-support';
import { GeneratedEvent, generateEvent, jsonBody } from './realistic-traffic';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root') as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: { encode(message: object): { finish(): Uint8Array } } } } } } };
};

const CLIENTS = Math.floor(envNumber('BENCH_CLIENTS', 4, 1, 64));
const SECONDS = envNumber('BENCH_SECONDS', 10, 1, 600);
const BATCH = Math.floor(envNumber('BENCH_BATCH_SIZE', 5000, 1, 10_000));
const POOL_BATCHES = Math.floor(envNumber('BENCH_POOL_BATCHES', 200, 2, 2000));
const PG_PORT = Math.floor(envNumber('BENCH_PG_PORT', 55441, 1, 65535));
const PLATFORM = 'bench-otlp';
const WATCHDOG_MS = (300 + 4 * SECONDS) * 1000;

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const cleanup = new BenchCleanup(log);

/** One event as the GenAI span an instrumented model client would record. */
function spanOf(event: GeneratedEvent, traceId: Buffer, spanId: Buffer): object {
  const start = Date.parse(event.occurredAt);
  const attributes: { key: string; value: object }[] = [
    { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
    { key: 'gen_ai.provider.name', value: { stringValue: event.provider } },
    { key: 'gen_ai.request.model', value: { stringValue: event.model } },
  ];
  if (event.httpStatus !== null) attributes.push({ key: 'http.response.status_code', value: { intValue: event.httpStatus } });
  if (event.errorCode !== null) attributes.push({ key: 'error.type', value: { stringValue: event.errorCode } });
  return {
    traceId, spanId, name: `chat ${event.model}`, kind: 3,
    startTimeUnixNano: start * 1e6, endTimeUnixNano: (start + (event.latencyMs ?? 0)) * 1e6,
    attributes, status: { code: event.outcome === 'success' ? 0 : 2 },
  };
}

/** BATCH new events as a protobuf ExportTraceServiceRequest, and as the `/v1/events` body with the ids the spans map to. */
function batchBodies(now: number): { otlp: Uint8Array; json: Uint8Array } {
  const events: GeneratedEvent[] = [];
  const spans: object[] = [];
  for (let i = 0; i < BATCH; i++) {
    const event = generateEvent(now);
    const traceId = randomBytes(16);
    const spanId = randomBytes(8);
    spans.push(spanOf(event, traceId, spanId));
    events.push({ ...event, id: `${traceId.toString('hex')}${spanId.toString('hex')}` });
  }
  const otlp = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.encode({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] }, scopeSpans: [{ scope: { name: 'bench-genai' }, spans }] }],
  }).finish();
  return { otlp, json: Buffer.from(jsonBody(events), 'utf8') };
}

async function post(url: string, token: string, path: string, contentType: string, body: Uint8Array): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), signal: AbortSignal.timeout(120_000),
  });
  const answer = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`POST ${path} answered HTTP ${response.status}: ${answer.toString('utf8').slice(0, 300)}`);
  // /v1/traces answers an empty ExportTraceServiceResponse when nothing was rejected; /v1/events its counts.
  if (path === '/v1/traces' && answer.length !== 0) throw new Error(`POST /v1/traces reported a partial success (${answer.length} bytes)`);
  if (path === '/v1/events' && JSON.parse(answer.toString('utf8')).accepted !== BATCH) throw new Error(`POST /v1/events: ${answer.toString('utf8').slice(0, 300)}`);
}

function describe(name: string, load: LoadResult, bodyBytes: number): { name: string; eventsPerSecond: number; p50Ms: number; p99Ms: number; bodyMb: number } {
  const eventsPerSecond = (load.units * 1000) / load.elapsedMs;
  const result = { name, eventsPerSecond, p50Ms: percentile(load.latenciesMs, 0.5), p99Ms: percentile(load.latenciesMs, 0.99), bodyMb: bodyBytes / 1e6 };
  log(`${name}: ${fmtInt(load.units)} events in ${(load.elapsedMs / 1000).toFixed(1)} s = ${fmtInt(eventsPerSecond)} events/s; batch p50 ${result.p50Ms.toFixed(0)} ms, p99 ${result.p99Ms.toFixed(0)} ms; ${result.bodyMb.toFixed(2)} MB a body${load.exhausted ? ' (ran out of batches: raise BENCH_POOL_BATCHES)' : ''}`);
  return result;
}

async function main(): Promise<number> {
  log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ${CLIENTS} clients, ${fmtInt(BATCH)} events a batch, ${SECONDS} s a phase`);
  const serialiseStart = performance.now();
  const now = Date.now();
  // Each phase posts events of its own (the other's would be duplicates), serialised its own way.
  const jsonPool = Array.from({ length: POOL_BATCHES }, () => batchBodies(now).json);
  const otlpPool = Array.from({ length: POOL_BATCHES }, () => batchBodies(now).otlp);
  log(`serialised ${POOL_BATCHES} batches for each phase in ${((performance.now() - serialiseStart) / 1000).toFixed(1)} s`);

  const databaseUrl = await cleanup.databaseUrl('otlp', PG_PORT, process.env.DATABASE_URL || undefined);
  const adminKey = `bench-admin-${randomBytes(24).toString('hex')}`;
  const service = (cleanup.service = spawnBenchService({ databaseUrl, port: await freePort(), adminKey, role: 'api', log }));
  await waitUntilReady(service, 90_000);
  const token = await createIngestKey(service.url, adminKey, PLATFORM);
  const admin = await cleanup.connect(databaseUrl, 'bench-otlp-admin');
  const rows = async () => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM outcome_events WHERE platform = $1', [PLATFORM])).rows[0]?.n ?? 0);

  const phase = async (name: string, path: string, contentType: string, pool: readonly Uint8Array[]) => {
    await settle(admin, log);
    const before = await rows();
    let next = 0;
    const load = await withTimeout(runLoad(CLIENTS, SECONDS, async () => {
      const body = pool[next++];
      if (body === undefined) return null;
      await post(service.url, token, path, contentType, body);
      return BATCH;
    }), (SECONDS + 180) * 1000, name);
    const added = (await rows()) - before;
    if (added !== load.units) throw new Error(`${name}: ${fmtInt(load.units)} events posted but ${fmtInt(added)} rows added`);
    return describe(name, load, pool.reduce((sum, b) => sum + b.length, 0) / pool.length);
  };
  const events = await phase('POST /v1/events (JSON)', '/v1/events', 'application/json', jsonPool);
  const traces = await phase('POST /v1/traces (OTLP protobuf)', '/v1/traces', 'application/x-protobuf', otlpPool);
  log(`OTLP ingest runs at ${(traces.eventsPerSecond / events.eventsPerSecond).toFixed(2)} of the rate of /v1/events`);
  process.stdout.write(`${JSON.stringify({ bench: 'otlp', clients: CLIENTS, batch: BATCH, seconds: SECONDS, events, traces, ratio: traces.eventsPerSecond / events.eventsPerSecond })}\n`);
  return 0;
}

runBenchmark({ main, cleanUp: cleanup.run, watchdogMs: WATCHDOG_MS, log, lastOutput: () => cleanup.service?.output ?? [] });
