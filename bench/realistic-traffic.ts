/**
 * Realistic outcome traffic for the HTTP benchmarks (bench:ingest, bench:scale): the providers and
 * models platforms call, the outcomes and latencies they see, the JSON body a platform posts to
 * POST /v1/events, and posting it.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

export type Outcome = 'success' | 'error' | 'timeout' | 'rate_limited' | 'client_error';

export interface GeneratedEvent {
  id: string;
  provider: string;
  model: string;
  occurredAt: string;
  outcome: Outcome;
  httpStatus: number | null;
  errorCode: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
}

/** What an event's outcome decides: everything but its id, model and time. */
export type OutcomeFields = Pick<GeneratedEvent, 'outcome' | 'httpStatus' | 'errorCode' | 'latencyMs' | 'ttftMs'>;

/** 5 providers, 13 models; `weight` is the provider's share of requests. */
export const CATALOGUE: { provider: string; models: string[]; weight: number }[] = [
  { provider: 'anthropic', models: ['claude-opus-4-7', 'claude-sonnet-4-6', 'claude-haiku-4-5'], weight: 35 },
  { provider: 'openai', models: ['gpt-5', 'gpt-5-mini', 'o4-mini', 'gpt-4.1'], weight: 33 },
  { provider: 'google', models: ['gemini-2.5-pro', 'gemini-2.5-flash'], weight: 15 },
  { provider: 'mistral', models: ['mistral-large-2', 'codestral-2'], weight: 9 },
  { provider: 'deepseek', models: ['deepseek-v3.2', 'deepseek-r1'], weight: 8 },
];
const CATALOGUE_WEIGHT = CATALOGUE.reduce((sum, p) => sum + p.weight, 0);
export const MODEL_COUNT = CATALOGUE.reduce((n, p) => n + p.models.length, 0);

/** Shares of each outcome; they add up to 1. */
export type OutcomeMix = Record<Outcome, number>;

/** bench:ingest's mix: ~95 % success. */
export const INGEST_MIX: OutcomeMix = { success: 0.95, error: 0.02, rate_limited: 0.015, timeout: 0.01, client_error: 0.005 };

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function gaussian(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

function clampInt(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(value)));
}

/** A provider by its share of requests, and one of its models. */
export function pickModel(): { provider: string; model: string } {
  let r = Math.random() * CATALOGUE_WEIGHT;
  let entry = CATALOGUE[0]!;
  for (const candidate of CATALOGUE) {
    r -= candidate.weight;
    if (r <= 0) {
      entry = candidate;
      break;
    }
  }
  return { provider: entry.provider, model: pick(entry.models) };
}

/** An outcome drawn from `mix`, with lognormal success latencies (80 % streamed, with a TTFT) and plausible failure details. */
export function drawOutcome(mix: OutcomeMix): OutcomeFields {
  let roll = Math.random();
  for (const outcome of ['success', 'error', 'rate_limited', 'timeout'] as const) {
    if (roll < mix[outcome]) return outcomeFields(outcome);
    roll -= mix[outcome];
  }
  return outcomeFields('client_error');
}

export function outcomeFields(outcome: Outcome): OutcomeFields {
  switch (outcome) {
    case 'success': {
      const latencyMs = clampInt(Math.exp(Math.log(1500) + 0.8 * gaussian()), 40, 600_000);
      const streamed = Math.random() < 0.8;
      return { outcome, httpStatus: 200, errorCode: null, latencyMs, ttftMs: streamed ? clampInt(latencyMs * (0.08 + 0.3 * Math.random()), 10, latencyMs) : null };
    }
    case 'error':
      return {
        outcome,
        httpStatus: pick([500, 502, 503, 529]),
        errorCode: pick(['api_error', 'overloaded_error', 'bad_gateway', 'internal_server_error']),
        latencyMs: clampInt(200 + Math.random() * 8000, 1, 600_000),
        ttftMs: null,
      };
    case 'rate_limited':
      return {
        outcome,
        httpStatus: 429,
        errorCode: pick(['rate_limit_error', 'rate_limit_exceeded', 'quota_exceeded']),
        latencyMs: clampInt(30 + Math.random() * 400, 1, 600_000),
        ttftMs: null,
      };
    case 'timeout':
      return { outcome, httpStatus: null, errorCode: 'timeout', latencyMs: pick([30_000, 60_000, 120_000, 300_000]), ttftMs: null };
    case 'client_error':
      return {
        outcome,
        httpStatus: pick([400, 404, 413, 422]),
        errorCode: pick(['invalid_request_error', 'not_found_error', 'request_too_large']),
        latencyMs: clampInt(20 + Math.random() * 300, 1, 600_000),
        ttftMs: null,
      };
  }
}

/** bench:ingest's event: a random UUID id, INGEST_MIX, occurredAt within the day before `now`. */
export function generateEvent(now: number): GeneratedEvent {
  return {
    id: randomUUID(),
    ...pickModel(),
    occurredAt: new Date(now - Math.floor(Math.random() * 86_400_000)).toISOString(),
    ...drawOutcome(INGEST_MIX),
  };
}

/** The JSON body a platform posts: `{"events": [...]}`, absent fields left out. */
export function jsonBody(events: readonly GeneratedEvent[]): string {
  return JSON.stringify({
    events: events.map((e) => {
      const out: Record<string, unknown> = {
        id: e.id,
        provider: e.provider,
        model: e.model,
        occurredAt: e.occurredAt,
        outcome: e.outcome,
      };
      if (e.httpStatus !== null) out.httpStatus = e.httpStatus;
      if (e.errorCode !== null) out.errorCode = e.errorCode;
      if (e.latencyMs !== null) out.latencyMs = e.latencyMs;
      if (e.ttftMs !== null) out.ttftMs = e.ttftMs;
      return out;
    }),
  });
}

/**
 * Connections kept open between posts, as a platform's client would. Node's own HTTP client writes
 * the body's bytes as they are; fetch copied every 1 MB body first, CPU the load generator took
 * from the service on the same two cores.
 */
const keepAlive = new Agent({ keepAlive: true });

/** POST /v1/events; every event must be accepted (none duplicate, none rejected). */
export async function postBatch(url: string, token: string, body: Buffer, expected: number): Promise<number> {
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const post = request(`${url}/v1/events`, {
      method: 'POST', agent: keepAlive, timeout: 120_000,
      headers: { 'content-type': 'application/json', 'content-length': body.byteLength, authorization: `Bearer ${token}` },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    post.on('timeout', () => post.destroy(new Error('POST /v1/events: no answer within 120 s')));
    post.on('error', reject);
    post.end(body);
  });
  if (status !== 200) throw new Error(`POST /v1/events answered HTTP ${status}: ${text.slice(0, 500)}`);
  const result = JSON.parse(text) as { accepted: number; duplicates: number; rejected: unknown[] };
  if (result.accepted !== expected || result.duplicates !== 0 || result.rejected.length !== 0) {
    throw new Error(
      `POST /v1/events accepted ${result.accepted} of ${expected} events (duplicates ${result.duplicates}, ` +
        `rejected ${result.rejected.length}): ${JSON.stringify(result.rejected.slice(0, 3))}`,
    );
  }
  return result.accepted;
}
