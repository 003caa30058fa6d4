import { MODEL_PATTERN, SLUG_PATTERN } from '../slug';

/** An attribute's value as OTLP carries it (AnyValue): ints as bigint, arrays and maps as such. */
export type SpanAttributeValue = string | number | bigint | boolean | Uint8Array | SpanAttributeValue[] | { [key: string]: SpanAttributeValue } | null;

/** One span, decoded from OTLP protobuf or JSON (the decoder's output; ids in lower-case hex). */
export interface TraceSpan {
  traceId: string;
  spanId: string;
  name: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: ReadonlyMap<string, SpanAttributeValue>;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message: string };
}

/** `gen_ai.operation.name` values that are a call to a model (GenAI semantic conventions); other spans are ignored. */
export const MODEL_CALL_OPERATIONS: ReadonlySet<string> = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

/**
 * `gen_ai.provider.name` (or the older `gen_ai.system`) values as SLA Ledger names the provider:
 * the well-known values of the semantic conventions; others are lower-cased with any character
 * outside [a-z0-9._-] turned into "-". A key's aliases come first (concepts §2, OTLP ingest).
 */
export const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  anthropic: 'anthropic',
  openai: 'openai',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  gemini: 'google',
  vertex_ai: 'google',
  'az.ai.openai': 'azure-openai',
  'azure.ai.openai': 'azure-openai',
  'az.ai.inference': 'azure-ai-inference',
  'azure.ai.inference': 'azure-ai-inference',
  'aws.bedrock': 'aws-bedrock',
  cohere: 'cohere',
  deepseek: 'deepseek',
  groq: 'groq',
  'ibm.watsonx.ai': 'ibm-watsonx',
  mistral_ai: 'mistral',
  perplexity: 'perplexity',
  x_ai: 'xai',
};

/** Span attributes where instrumentations record the time to the first token or chunk (in seconds, as the conventions measure durations). */
const TTFT_ATTRIBUTES = ['gen_ai.response.time_to_first_chunk', 'gen_ai.response.time_to_first_token', 'gen_ai.server.time_to_first_token'];

export type SpanMapping =
  | { kind: 'ignored' }
  | { kind: 'event'; event: Record<string, unknown> }
  | { kind: 'invalid'; errors: string[] };

/** A value as a slug: lower case, anything outside [a-z0-9._-] as "-", leading "-" or "." dropped. */
export function slugOf(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/^[-._]+/, '');
}

/**
 * One span as an outcome event (the OTLP mapping, docs/api.md § OTLP): only a model call
 * becomes one; its provider from `gen_ai.provider.name` or `gen_ai.system`, its model from
 * `gen_ai.response.model`, else `gen_ai.request.model`; its outcome from the span's status,
 * `error.type` and `http.response.status_code`; its latency from the span's duration; its id the
 * trace id and span id, so that a re-export is a duplicate. The event is then validated as any
 * posted event is.
 */
export function spanToEvent(span: TraceSpan, aliases: ReadonlyMap<string, string> = new Map()): SpanMapping {
  const operation = text(span.attributes.get('gen_ai.operation.name'));
  if (operation === null || !MODEL_CALL_OPERATIONS.has(operation)) return { kind: 'ignored' };
  const errors: string[] = [];
  const providerAttribute = text(span.attributes.get('gen_ai.provider.name')) ?? text(span.attributes.get('gen_ai.system'));
  const provider = providerAttribute === null ? null : aliases.get(providerAttribute) ?? PROVIDER_NAMES[providerAttribute] ?? slugOf(providerAttribute);
  if (provider === null) errors.push('the span has neither gen_ai.provider.name nor gen_ai.system');
  else if (!SLUG_PATTERN.test(provider)) errors.push(`provider ${JSON.stringify(providerAttribute)} does not make a provider name (a lowercase slug)`);
  const modelAttribute = text(span.attributes.get('gen_ai.response.model')) ?? text(span.attributes.get('gen_ai.request.model'));
  const model = modelAttribute === null ? null : slugOf(modelAttribute);
  if (model === null) errors.push('the span has neither gen_ai.response.model nor gen_ai.request.model');
  else if (!MODEL_PATTERN.test(model)) errors.push(`model ${JSON.stringify(modelAttribute)} does not make a model name (a lowercase slug of at most 128 characters)`);
  if (span.endTimeUnixNano < span.startTimeUnixNano) errors.push('the span ends before it starts');
  if (span.startTimeUnixNano <= 0n) errors.push('the span has no start time');
  if (errors.length > 0) return { kind: 'invalid', errors };

  const httpStatus = integer(span.attributes.get('http.response.status_code'));
  const errorType = text(span.attributes.get('error.type'));
  const ttftSeconds = TTFT_ATTRIBUTES.map((name) => number(span.attributes.get(name))).find((v) => v !== null) ?? null;
  return {
    kind: 'event',
    event: {
      id: `${span.traceId}${span.spanId}`,
      provider,
      model,
      occurredAt: new Date(Number(span.startTimeUnixNano / 1_000_000n)).toISOString(),
      outcome: outcomeOf(span.status.code, httpStatus, errorType),
      httpStatus: httpStatus !== null && httpStatus >= 100 && httpStatus <= 599 ? httpStatus : null,
      errorCode: errorType === null ? null : errorType.slice(0, 128),
      latencyMs: Number((span.endTimeUnixNano - span.startTimeUnixNano + 500_000n) / 1_000_000n),
      ttftMs: ttftSeconds === null || ttftSeconds < 0 ? null : Math.round(ttftSeconds * 1000),
    },
  };
}

/**
 * The outcome (concepts §2) from what the span says: a 429 is throttling; a timeout (408, 504,
 * or an error type naming one) a timeout; another 4xx the client's error; any other error
 * (status ERROR, an error type, a 5xx such as 529) the provider's; otherwise a success.
 */
export function outcomeOf(statusCode: TraceSpan['status']['code'], httpStatus: number | null, errorType: string | null): string {
  if (httpStatus === 429) return 'rate_limited';
  if (httpStatus === 408 || httpStatus === 504 || (errorType !== null && /time[_ ]?out/i.test(errorType))) return 'timeout';
  if (httpStatus !== null && httpStatus >= 400 && httpStatus < 500) return 'client_error';
  if (statusCode === 'ERROR' || errorType !== null || (httpStatus !== null && httpStatus >= 500)) return 'error';
  return 'success';
}

function text(value: SpanAttributeValue | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function integer(value: SpanAttributeValue | undefined): number | null {
  if (typeof value === 'bigint') return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : null;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{3}$/.test(value)) return Number(value);
  return null;
}

function number(value: SpanAttributeValue | undefined): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}
