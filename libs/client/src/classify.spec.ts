import { classifyError, classifyResult } from './classify';

// Shaped like the official SDKs' errors (neither is a dependency): Stainless-generated classes
// that keep `name` "Error", with `status`, `headers` and `error` (the body, or its `error` object).
class AnthropicAPIError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly error: object | undefined,
    message?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? `${status} ${JSON.stringify(error)}`);
  }
}
class AnthropicRateLimitError extends AnthropicAPIError {}
class AnthropicInternalServerError extends AnthropicAPIError {}
class AnthropicAPIConnectionError extends AnthropicAPIError {
  constructor(options: { message?: string; cause?: Error } = {}) {
    super(undefined, undefined, options.message ?? 'Connection error.');
    if (options.cause) (this as { cause?: unknown }).cause = options.cause;
  }
}
class APIConnectionTimeoutError extends AnthropicAPIConnectionError {
  constructor() {
    super({ message: 'Request timed out.' });
  }
}
class APIUserAbortError extends AnthropicAPIError {
  constructor() {
    super(undefined, undefined, 'Request was aborted.');
  }
}
/** OpenAI's APIError: `error` is the body's `error` object, and `code`, `param`, `type` are copied from it. */
class OpenAIAPIError extends Error {
  readonly code: string | null;
  readonly type: string | undefined;
  constructor(
    readonly status: number | undefined,
    readonly error: { message: string; type?: string; code?: string | null } | undefined,
  ) {
    super(error?.message ?? 'Connection error.');
    this.code = error?.code ?? null;
    this.type = error?.type;
  }
}
class RateLimitError extends OpenAIAPIError {}

const anthropicBody = (type: string) => ({ type: 'error', error: { type, message: 'Overloaded' }, request_id: 'req_1' });

describe('classifyError', () => {
  it("classifies Anthropic's errors by status, with the error type from the body", () => {
    expect(classifyError(new AnthropicInternalServerError(529, anthropicBody('overloaded_error')))).toEqual({
      outcome: 'error', httpStatus: 529, errorCode: 'overloaded_error',
    });
    expect(classifyError(new AnthropicRateLimitError(429, anthropicBody('rate_limit_error')))).toEqual({
      outcome: 'rate_limited', httpStatus: 429, errorCode: 'rate_limit_error',
    });
    expect(classifyError(new AnthropicAPIError(400, anthropicBody('invalid_request_error')))).toEqual({
      outcome: 'client_error', httpStatus: 400, errorCode: 'invalid_request_error',
    });
    expect(classifyError(new AnthropicAPIError(504, anthropicBody('timeout_error')))).toEqual({
      outcome: 'timeout', httpStatus: 504, errorCode: 'timeout_error',
    });
    expect(classifyError(new AnthropicAPIError(500, undefined))).toEqual({ outcome: 'error', httpStatus: 500, errorCode: null });
  });

  it("reads newer Anthropic SDKs' `type` copied onto the error", () => {
    const error = Object.assign(new AnthropicAPIError(529, undefined), { type: 'overloaded_error' });
    expect(classifyError(error)).toEqual({ outcome: 'error', httpStatus: 529, errorCode: 'overloaded_error' });
  });

  it("classifies OpenAI's errors by status, with `code` before `type`", () => {
    expect(classifyError(new RateLimitError(429, { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }))).toEqual({
      outcome: 'rate_limited', httpStatus: 429, errorCode: 'rate_limit_exceeded',
    });
    expect(classifyError(new OpenAIAPIError(500, { message: 'The server had an error', type: 'server_error', code: null }))).toEqual({
      outcome: 'error', httpStatus: 500, errorCode: 'server_error',
    });
    expect(classifyError(new OpenAIAPIError(404, { message: 'No such model', type: 'invalid_request_error', code: 'model_not_found' }))).toEqual({
      outcome: 'client_error', httpStatus: 404, errorCode: 'model_not_found',
    });
    expect(classifyError(new OpenAIAPIError(408, undefined))).toMatchObject({ outcome: 'timeout', httpStatus: 408 });
  });

  it('classifies the SDKs\' timeouts as timeout and their user aborts as client_error, by class name', () => {
    expect(classifyError(new APIConnectionTimeoutError())).toEqual({ outcome: 'timeout', httpStatus: null, errorCode: 'APIConnectionTimeoutError' });
    expect(classifyError(new APIUserAbortError())).toEqual({ outcome: 'client_error', httpStatus: null, errorCode: 'APIUserAbortError' });
  });

  it('classifies a connection failure as error, with the cause\'s code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    expect(classifyError(new AnthropicAPIConnectionError({ cause: refused }))).toEqual({ outcome: 'error', httpStatus: null, errorCode: 'ECONNREFUSED' });
    expect(classifyError(new TypeError('fetch failed', { cause: refused }))).toEqual({ outcome: 'error', httpStatus: null, errorCode: 'ECONNREFUSED' });
    expect(classifyError(new AnthropicAPIConnectionError())).toEqual({ outcome: 'error', httpStatus: null, errorCode: 'AnthropicAPIConnectionError' });
  });

  it('tells a timeout abort from the caller\'s own abort', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classifyError(timeout)).toEqual({ outcome: 'timeout', httpStatus: null, errorCode: 'TimeoutError' });
    const abortedByTimeout = new DOMException('This operation was aborted', 'AbortError');
    Object.defineProperty(abortedByTimeout, 'cause', { value: timeout });
    expect(classifyError(abortedByTimeout).outcome).toBe('timeout');
    expect(classifyError(new DOMException('Request timed out', 'AbortError')).outcome).toBe('timeout');
    expect(classifyError(new DOMException('This operation was aborted', 'AbortError'))).toEqual({
      outcome: 'client_error', httpStatus: null, errorCode: 'AbortError',
    });
    expect(classifyError(Object.assign(new Error('socket hang up'), { code: 'ETIMEDOUT' }))).toMatchObject({ outcome: 'timeout', errorCode: 'ETIMEDOUT' });
    expect(classifyError(new TypeError('fetch failed', { cause: Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) }))).toMatchObject({
      outcome: 'timeout', errorCode: 'UND_ERR_CONNECT_TIMEOUT',
    });
  });

  it('reads `statusCode` and `response.status` (axios, got, fetch wrappers), numbers or digit strings', () => {
    expect(classifyError({ statusCode: 503 })).toEqual({ outcome: 'error', httpStatus: 503, errorCode: null });
    expect(classifyError(Object.assign(new Error('Request failed with status code 429'), { response: { status: 429 }, code: 'ERR_BAD_REQUEST' }))).toEqual({
      outcome: 'rate_limited', httpStatus: 429, errorCode: 'ERR_BAD_REQUEST',
    });
    expect(classifyError({ status: '502' })).toMatchObject({ outcome: 'error', httpStatus: 502 });
    expect(classifyError({ status: 1234 })).toMatchObject({ httpStatus: null });
  });

  it('cuts a long error code to 128 characters and drops NUL', () => {
    const code = classifyError(new OpenAIAPIError(400, { message: 'x', code: `a\u0000${'b'.repeat(300)}` })).errorCode!;
    expect(code).toBe(`a${'b'.repeat(127)}`);
  });

  it('classifies anything else thrown as error, and never throws itself', () => {
    expect(classifyError('a string')).toEqual({ outcome: 'error', httpStatus: null, errorCode: null });
    expect(classifyError(undefined)).toEqual({ outcome: 'error', httpStatus: null, errorCode: null });
    expect(classifyError(new Error('bug'))).toEqual({ outcome: 'error', httpStatus: null, errorCode: null });
    expect(classifyError(new RangeError('bug'))).toEqual({ outcome: 'error', httpStatus: null, errorCode: 'RangeError' });
    const hostile = new Proxy({}, { get: () => { throw new Error('no reading me'); } });
    expect(classifyError(hostile)).toEqual({ outcome: 'error', httpStatus: null, errorCode: null });
  });
});

describe('classifyResult', () => {
  it('is success for an SDK result, and follows the status of a fetch Response', () => {
    expect(classifyResult({ id: 'msg_1', content: [] })).toEqual({ outcome: 'success', httpStatus: null, errorCode: null });
    expect(classifyResult({ status: 'completed' })).toEqual({ outcome: 'success', httpStatus: null, errorCode: null });
    expect(classifyResult(new Response('{}', { status: 200 }))).toEqual({ outcome: 'success', httpStatus: 200, errorCode: null });
    expect(classifyResult(new Response('', { status: 529 }))).toEqual({ outcome: 'error', httpStatus: 529, errorCode: null });
    expect(classifyResult(new Response('', { status: 429 }))).toEqual({ outcome: 'rate_limited', httpStatus: 429, errorCode: null });
    expect(classifyResult(undefined)).toEqual({ outcome: 'success', httpStatus: null, errorCode: null });
  });
});
