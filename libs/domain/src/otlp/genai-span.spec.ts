import { outcomeOf, slugOf, spanToEvent, TraceSpan } from './genai-span';

const START = BigInt(Date.UTC(2026, 5, 7, 9, 2, 13, 512)) * 1_000_000n;
const span = (attributes: Record<string, unknown>, over: Partial<TraceSpan> = {}): TraceSpan => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 'chat claude-opus-4-7',
  startTimeUnixNano: START, endTimeUnixNano: START + 812_400_000n,
  attributes: new Map(Object.entries(attributes) as [string, never][]), status: { code: 'UNSET', message: '' },
  ...over,
});
const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic', 'gen_ai.request.model': 'claude-opus-4-7' };

describe('spanToEvent', () => {
  it('makes a successful model call an event: id from trace and span, time from the start, latency from the duration', () => {
    expect(spanToEvent(span({ ...chat, 'gen_ai.response.model': 'claude-opus-4-7-20260501', 'gen_ai.response.time_to_first_chunk': 0.2314 }))).toEqual({
      kind: 'event',
      event: {
        id: '4bf92f3577b34da6a3ce929d0e0e473600f067aa0ba902b7', provider: 'anthropic', model: 'claude-opus-4-7-20260501',
        occurredAt: '2026-06-07T09:02:13.512Z', outcome: 'success', httpStatus: null, errorCode: null, latencyMs: 812, ttftMs: 231,
      },
    });
  });

  it('ignores spans that are not a model call', () => {
    expect(spanToEvent(span({ 'http.request.method': 'GET' }))).toEqual({ kind: 'ignored' });
    expect(spanToEvent(span({ ...chat, 'gen_ai.operation.name': 'execute_tool' }))).toEqual({ kind: 'ignored' });
    expect(spanToEvent(span({ ...chat, 'gen_ai.operation.name': 'embeddings' })).kind).toBe('event');
  });

  it('names the provider from gen_ai.provider.name, else gen_ai.system, with the well-known names and the key’s aliases first', () => {
    const provider = (attributes: Record<string, unknown>, aliases?: Map<string, string>) => {
      const mapped = spanToEvent(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm', ...attributes }), aliases);
      return mapped.kind === 'event' ? mapped.event.provider : mapped;
    };
    expect(provider({ 'gen_ai.provider.name': 'gcp.gemini' })).toBe('google');
    expect(provider({ 'gen_ai.system': 'openai' })).toBe('openai');
    expect(provider({ 'gen_ai.provider.name': 'aws.bedrock', 'gen_ai.system': 'openai' })).toBe('aws-bedrock');
    expect(provider({ 'gen_ai.provider.name': 'My Proxy' })).toBe('my-proxy');
    expect(provider({ 'gen_ai.provider.name': 'my-proxy' }, new Map([['my-proxy', 'openai']]))).toBe('openai');
    expect(provider({})).toEqual({ kind: 'invalid', errors: ['the span has neither gen_ai.provider.name nor gen_ai.system'] });
  });

  it('takes the response model, else the request model, as a slug', () => {
    const model = (attributes: Record<string, unknown>) => {
      const mapped = spanToEvent(span({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'aws.bedrock', ...attributes }));
      return mapped.kind === 'event' ? mapped.event.model : mapped;
    };
    expect(model({ 'gen_ai.request.model': 'anthropic.claude-3-sonnet-20240229-v1:0' })).toBe('anthropic.claude-3-sonnet-20240229-v1-0');
    expect(model({ 'gen_ai.request.model': 'GPT-5', 'gen_ai.response.model': 'gpt-5-2026-08-01' })).toBe('gpt-5-2026-08-01');
    expect(model({})).toEqual({ kind: 'invalid', errors: ['the span has neither gen_ai.response.model nor gen_ai.request.model'] });
  });

  it('tells the outcome from the status code, error.type and the span status', () => {
    const mapped = spanToEvent(span({ ...chat, 'http.response.status_code': 529n, 'error.type': 'overloaded_error' }, { status: { code: 'ERROR', message: 'Overloaded' } }));
    expect(mapped.kind === 'event' && mapped.event).toMatchObject({ outcome: 'error', httpStatus: 529, errorCode: 'overloaded_error' });
    expect(outcomeOf('ERROR', 429, 'RateLimitError')).toBe('rate_limited');
    expect(outcomeOf('ERROR', null, 'APIConnectionTimeoutError')).toBe('timeout');
    expect(outcomeOf('ERROR', 504, null)).toBe('timeout');
    expect(outcomeOf('ERROR', 400, 'invalid_request_error')).toBe('client_error');
    expect(outcomeOf('ERROR', null, null)).toBe('error');
    expect(outcomeOf('UNSET', 500, null)).toBe('error');
    expect(outcomeOf('OK', 200, null)).toBe('success');
  });

  it('refuses a span that ends before it starts', () => {
    expect(spanToEvent(span(chat, { endTimeUnixNano: START - 1n }))).toEqual({ kind: 'invalid', errors: ['the span ends before it starts'] });
  });
});

describe('slugOf', () => {
  it('lower-cases and replaces what a slug cannot hold', () => {
    expect(slugOf('models/Gemini 2.5 Pro')).toBe('models-gemini-2.5-pro');
    expect(slugOf('-x')).toBe('x');
  });
});
