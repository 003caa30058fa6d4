import { LedgerClient, type LedgerClientOptions } from './client';
import type { LedgerClientError } from './ledger-client-error';
import type { FetchLike, LedgerStats, OutcomeEventInput, WireEvent } from './types';

type Reply =
  | 'store'
  | 'network-error'
  /** No answer until the request is aborted. */
  | 'hang'
  | { status: number; body?: unknown; retryAfter?: string };

/** The ingest endpoint as a fake fetch: stores by id (a repeat is a duplicate) unless a scripted reply says otherwise. */
class FakeIngest {
  readonly requests: { body: string; ids: string[] }[] = [];
  readonly stored = new Map<string, WireEvent>();
  private readonly script: Reply[] = [];

  reply(...replies: Reply[]): this {
    this.script.push(...replies);
    return this;
  }

  readonly fetch: FetchLike = async (_url, init) => {
    const events = (JSON.parse(init.body) as { events: WireEvent[] }).events;
    this.requests.push({ body: init.body, ids: events.map((e) => e.id) });
    const reply = this.script.shift() ?? 'store';
    if (reply === 'network-error') throw new TypeError('fetch failed');
    if (reply === 'hang') {
      return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError'))));
    }
    if (reply === 'store') {
      let accepted = 0;
      for (const event of events) {
        if (this.stored.has(event.id)) continue;
        this.stored.set(event.id, event);
        accepted++;
      }
      return response(200, { accepted, duplicates: events.length - accepted, rejected: [] });
    }
    return response(reply.status, reply.body ?? {}, reply.retryAfter);
  };
}

function response(status: number, body: unknown, retryAfter?: string) {
  return { status, headers: { get: (name: string) => (name === 'retry-after' ? (retryAfter ?? null) : null) }, text: async () => JSON.stringify(body) };
}

const event = (id: string, extra: Partial<OutcomeEventInput> = {}): OutcomeEventInput => ({ id, provider: 'anthropic', model: 'claude-opus-4-7', outcome: 'success', ...extra });
const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/** recorded = accepted + duplicates + dropped + queued + inFlight, whatever happened. */
function expectBalanced(stats: LedgerStats): void {
  const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
  expect(stats.accepted + stats.duplicates + dropped + stats.queued + stats.inFlight).toBe(stats.recorded);
}

describe('LedgerClient', () => {
  let ingest: FakeIngest;
  let problems: LedgerClientError[];
  const clients: LedgerClient[] = [];

  function client(options: Partial<LedgerClientOptions> = {}): LedgerClient {
    const created = new LedgerClient({
      url: 'http://ledger.test/', apiKey: 'slk_test', fetch: ingest.fetch, onError: (p) => problems.push(p), initialRetryDelayMs: 100, ...options,
    });
    clients.push(created);
    return created;
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-06-07T09:00:00Z') });
    ingest = new FakeIngest();
    problems = [];
  });
  afterEach(async () => {
    // Every client is closed (abandoning what it still holds) so that no timer outlives its test.
    await Promise.all(clients.splice(0).map((c) => Promise.all([c.close({ timeoutMs: 0 }), jest.advanceTimersByTimeAsync(1)])));
    jest.useRealTimers();
  });

  describe('batching', () => {
    it('sends a batch as soon as it is full, and the rest when the interval has passed', async () => {
      const ledger = client({ batchSize: 3, flushIntervalMs: 1_000 });
      for (const id of ids('e', 7)) ledger.record(event(id));
      await jest.advanceTimersByTimeAsync(0);
      expect(ingest.requests.map((r) => r.ids)).toEqual([['e-0', 'e-1', 'e-2'], ['e-3', 'e-4', 'e-5']]);
      await jest.advanceTimersByTimeAsync(999);
      expect(ingest.requests).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(1);
      expect(ingest.requests.map((r) => r.ids)).toEqual([['e-0', 'e-1', 'e-2'], ['e-3', 'e-4', 'e-5'], ['e-6']]);
      expect(ledger.stats()).toMatchObject({ recorded: 7, accepted: 7, queued: 0, inFlight: 0, retries: 0 });
    });

    it('waits at most flushIntervalMs from the first event of a partial batch', async () => {
      const ledger = client({ batchSize: 100, flushIntervalMs: 1_000 });
      ledger.record(event('a'));
      await jest.advanceTimersByTimeAsync(600);
      ledger.record(event('b'));
      await jest.advanceTimersByTimeAsync(399);
      expect(ingest.requests).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(ingest.requests.map((r) => r.ids)).toEqual([['a', 'b']]);
    });

    it('sends one request at a time, in the order recorded', async () => {
      const ledger = client({ batchSize: 2 });
      ingest.reply('hang');
      for (const id of ids('e', 6)) ledger.record(event(id));
      await jest.advanceTimersByTimeAsync(0);
      expect(ingest.requests).toHaveLength(1);
      expect(ledger.stats()).toMatchObject({ inFlight: 2, queued: 4 });
      await jest.advanceTimersByTimeAsync(30_000 + 100); // the request times out and is retried
      await ledger.flush();
      expect(ingest.requests.map((r) => r.ids)).toEqual([['e-0', 'e-1'], ['e-0', 'e-1'], ['e-2', 'e-3'], ['e-4', 'e-5']]);
    });
  });

  describe('retries', () => {
    it('sends the same bytes again after a 503, a 500, a 429 and a network error: one id per event, fixed at record()', async () => {
      const ledger = client({ batchSize: 2 });
      ingest.reply({ status: 503 }, { status: 500 }, { status: 429 }, 'network-error');
      ledger.record(event('given'));
      ledger.record({ provider: 'openai', model: 'gpt-5', outcome: 'timeout' });
      const flushed = ledger.flush();
      await jest.advanceTimersByTimeAsync(10_000);
      await flushed;
      expect(ingest.requests).toHaveLength(5);
      expect(new Set(ingest.requests.map((r) => r.body)).size).toBe(1);
      const [given, generated] = ingest.requests[0]!.ids;
      expect(given).toBe('given');
      expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(ledger.stats()).toMatchObject({ recorded: 2, accepted: 2, retries: 4 });
      expect(problems.map((p) => [p.kind, p.status])).toEqual([['retrying', 503], ['retrying', 500], ['retrying', 429], ['retrying', null]]);
    });

    it('waits at least Retry-After (seconds or an HTTP date) before trying again', async () => {
      const ledger = client({ batchSize: 1 });
      ingest.reply({ status: 429, retryAfter: '5' }, { status: 503, retryAfter: new Date(Date.now() + 5_000 + 10_000).toUTCString() });
      ledger.record(event('e'));
      await jest.advanceTimersByTimeAsync(4_999);
      expect(ingest.requests).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1 + 100); // plus at most the first attempt's jitter
      expect(ingest.requests).toHaveLength(2);
      expect(problems[0]!.retryInMs).toBeGreaterThanOrEqual(5_000);
      await jest.advanceTimersByTimeAsync(9_999 - 200);
      expect(ingest.requests).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(200 + 200);
      expect(ingest.requests).toHaveLength(3);
      expect(ledger.stats()).toMatchObject({ accepted: 1, retries: 2 });
    });

    it('backs off with jitter: each wait within [0, min(max, initial · 2^attempt)]', async () => {
      const ledger = client({ batchSize: 1, initialRetryDelayMs: 100, maxRetryDelayMs: 1_000 });
      ingest.reply(...Array.from({ length: 8 }, () => 'network-error' as const));
      ledger.record(event('e'));
      const flushed = ledger.flush();
      await jest.advanceTimersByTimeAsync(20_000);
      await flushed;
      const waits = problems.map((p) => p.retryInMs!);
      expect(waits).toHaveLength(8);
      waits.forEach((wait, attempt) => {
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThan(Math.min(1_000, 100 * 2 ** attempt));
      });
    });

    it('counts a duplicate when the answer to a committed batch was lost', async () => {
      const ledger = client({ batchSize: 2 });
      ingest.stored.set('e-0', {} as WireEvent); // as if the first attempt had committed before its answer was lost
      ingest.stored.set('e-1', {} as WireEvent);
      ledger.record(event('e-0'));
      ledger.record(event('e-1'));
      await ledger.flush();
      expect(ledger.stats()).toMatchObject({ accepted: 0, duplicates: 2 });
    });
  });

  describe('what is not retried', () => {
    it('drops the events the service rejected in a 200, and reports them', async () => {
      const ledger = client({ batchSize: 3 });
      ingest.reply({ status: 200, body: { accepted: 2, duplicates: 0, rejected: [{ index: 1, id: 'e-1', errors: ['occurredAt … is more than 5 minutes ahead'] }] } });
      for (const id of ids('e', 3)) ledger.record(event(id));
      await ledger.flush();
      expect(ingest.requests).toHaveLength(1);
      expect(ledger.stats()).toMatchObject({ accepted: 2, dropped: { rejected: 1 }, retries: 0 });
      expect(problems).toEqual([expect.objectContaining({ kind: 'rejected', eventIds: ['e-1'] })]);
      expect(problems[0]!.message).toContain('e-1: occurredAt … is more than 5 minutes ahead');
      expectBalanced(ledger.stats());
    });

    it.each([400, 401, 403, 413, 415])('drops a whole batch answered %i', async (status) => {
      const ledger = client({ batchSize: 2 });
      ingest.reply({ status, body: { message: 'no' } });
      for (const id of ids('e', 3)) ledger.record(event(id));
      await ledger.flush();
      expect(ingest.requests.map((r) => r.ids)).toEqual([['e-0', 'e-1'], ['e-2']]);
      expect(ledger.stats()).toMatchObject({ accepted: 1, dropped: { batchRefused: 2 }, retries: 0 });
      expect(problems).toEqual([expect.objectContaining({ kind: 'batchRefused', status, eventIds: ['e-0', 'e-1'] })]);
    });
  });

  describe('the queue bound', () => {
    it('drops the newest events once maxQueue wait, never the batch in flight, and counts each', async () => {
      const ledger = client({ batchSize: 5, maxQueue: 10 });
      ingest.reply('hang');
      for (const id of ids('first', 5)) ledger.record(event(id));
      await jest.advanceTimersByTimeAsync(0);
      expect(ledger.stats()).toMatchObject({ inFlight: 5, queued: 0 });
      for (const id of ids('burst', 100)) ledger.record(event(id)); // 10× the bound
      expect(ledger.stats()).toMatchObject({ recorded: 105, inFlight: 5, queued: 10, dropped: { queueFull: 90 } });
      expectBalanced(ledger.stats());
      // One report for the whole burst: the counters count every drop.
      expect(problems.filter((p) => p.kind === 'queueFull')).toEqual([expect.objectContaining({ eventIds: ['burst-10'] })]);

      await jest.advanceTimersByTimeAsync(30_000 + 100); // the hanging request times out; the retry is stored
      await ledger.close();
      expect([...ingest.stored.keys()]).toEqual([...ids('first', 5), ...ids('burst', 10)]);
      expect(ledger.stats()).toMatchObject({ recorded: 105, accepted: 15, queued: 0, inFlight: 0, dropped: { queueFull: 90 } });
      expectBalanced(ledger.stats());
    });

    it('reports queue-full drops at most once a second, saying how many went unreported', async () => {
      const ledger = client({ batchSize: 1, maxQueue: 1 });
      ingest.reply('hang');
      ledger.record(event('in-flight'));
      await jest.advanceTimersByTimeAsync(0);
      ledger.record(event('queued'));
      for (const id of ids('x', 3)) ledger.record(event(id));
      await jest.advanceTimersByTimeAsync(1_000);
      ledger.record(event('later'));
      expect(problems.filter((p) => p.kind === 'queueFull').map((p) => p.message)).toEqual([
        expect.stringMatching(/the newest event was dropped$/),
        expect.stringMatching(/\(and 2 more since the last report\)$/),
      ]);
      expect(ledger.stats().dropped.queueFull).toBe(4);
    });
  });

  describe('never throwing', () => {
    it('counts and reports invalid input instead of throwing', () => {
      const ledger = client();
      const throwingGetter = Object.defineProperty({ ...event('g') }, 'provider', { get: () => { throw new Error('boom'); } });
      const inputs: unknown[] = [null, undefined, 'event', {}, event('e', { provider: 'Anthropic' }), event('e', { outcome: 'nope' as never }), throwingGetter,
        new Proxy({}, { get: () => { throw new Error('proxy'); } })];
      for (const input of inputs) expect(() => ledger.record(input as OutcomeEventInput)).not.toThrow();
      expect(ledger.stats()).toMatchObject({ recorded: inputs.length, queued: 0, dropped: { invalid: inputs.length } });
      expect(problems[0]).toMatchObject({ kind: 'invalid' });
    });

    it('survives an onError that throws and a fetch that throws', async () => {
      const ledger = client({
        batchSize: 1,
        onError: () => {
          throw new Error('handler broke');
        },
        fetch: () => {
          throw new Error('fetch broke');
        },
      });
      expect(() => ledger.record(event('e'))).not.toThrow();
      expect(() => ledger.record({} as OutcomeEventInput)).not.toThrow();
      await jest.advanceTimersByTimeAsync(5_000);
      expect(ledger.stats()).toMatchObject({ recorded: 2, inFlight: 1, dropped: { invalid: 1 } });
      expect(ledger.stats().retries).toBeGreaterThan(0);
    });

    it('rejects bad options at construction, not later', () => {
      expect(() => new LedgerClient({ url: 'ledger.test', apiKey: 'k' })).toThrow(/url/);
      expect(() => new LedgerClient({ url: 'http://ledger.test', apiKey: '' })).toThrow(/apiKey/);
      expect(() => new LedgerClient({ url: 'http://ledger.test', apiKey: 'k', batchSize: 0 })).toThrow(/batchSize/);
      expect(() => new LedgerClient({ url: 'http://ledger.test', apiKey: 'k', maxQueue: 1.5 })).toThrow(/maxQueue/);
    });
  });

  describe('track', () => {
    it('records a success with its latency and returns the result unchanged', async () => {
      const ledger = client({ batchSize: 1 });
      const result = { id: 'msg_1' };
      const tracked = ledger.track('anthropic', 'claude-opus-4-7', async () => {
        await new Promise((resolve) => setTimeout(resolve, 250));
        return result;
      }, { id: 'call-1' });
      await jest.advanceTimersByTimeAsync(250);
      const returned = await tracked;
      expect(returned).toBe(result);
      await ledger.flush();
      expect(ingest.stored.get('call-1')).toEqual({
        id: 'call-1', provider: 'anthropic', model: 'claude-opus-4-7', occurredAt: '2026-06-07T09:00:00.250Z', outcome: 'success', latencyMs: 250,
      });
    });

    it('records the classified failure and rethrows the very same error', async () => {
      const ledger = client({ batchSize: 1 });
      const overloaded = Object.assign(new Error('529 Overloaded'), { status: 529, error: { type: 'error', error: { type: 'overloaded_error' } } });
      await expect(ledger.track('anthropic', 'claude-opus-4-7', () => Promise.reject(overloaded), { id: 'call-2' })).rejects.toBe(overloaded);
      const thrown = new Error('sync');
      await expect(ledger.track('openai', 'gpt-5', () => { throw thrown; }, { id: 'call-3' })).rejects.toBe(thrown);
      await ledger.flush();
      expect(ingest.stored.get('call-2')).toMatchObject({ outcome: 'error', httpStatus: 529, errorCode: 'overloaded_error', latencyMs: 0 });
      expect(ingest.stored.get('call-3')).toMatchObject({ outcome: 'error', provider: 'openai' });
    });

    it('uses classifyError first, and the built-in rules when it returns undefined or throws', async () => {
      const ledger = client({ batchSize: 1 });
      const failing = Object.assign(new Error('quota'), { status: 429, code: 'insufficient_quota' });
      const classify = (error: unknown) =>
        (error as { code?: string }).code === 'insufficient_quota' ? { outcome: 'client_error' as const, httpStatus: 429, errorCode: 'insufficient_quota' } : undefined;
      await expect(ledger.track('openai', 'gpt-5', () => Promise.reject(failing), { id: 'q', classifyError: classify })).rejects.toBe(failing);
      await expect(ledger.track('openai', 'gpt-5', () => Promise.reject(new Error('x')), { id: 'u', classifyError: classify })).rejects.toThrow('x');
      const broken = () => {
        throw new Error('classifier bug');
      };
      await expect(ledger.track('openai', 'gpt-5', () => Promise.reject(failing), { id: 'b', classifyError: broken })).rejects.toBe(failing);
      await ledger.flush();
      expect(ingest.stored.get('q')).toMatchObject({ outcome: 'client_error', errorCode: 'insufficient_quota' });
      expect(ingest.stored.get('u')).toMatchObject({ outcome: 'error' });
      expect(ingest.stored.get('b')).toMatchObject({ outcome: 'rate_limited', errorCode: 'insufficient_quota' });
      expect(problems).toEqual([expect.objectContaining({ kind: 'internal' })]);
    });

    it('classifies a fetch Response that is not ok by its status', async () => {
      const ledger = client({ batchSize: 1 });
      const answer = await ledger.track('openai', 'gpt-5', async () => new Response('', { status: 503 }), { id: 'r' });
      expect(answer.status).toBe(503);
      await ledger.flush();
      expect(ingest.stored.get('r')).toMatchObject({ outcome: 'error', httpStatus: 503 });
    });
  });

  describe('flush and close', () => {
    it('flush() resolves once everything recorded before it is acknowledged', async () => {
      const ledger = client({ batchSize: 100 });
      await ledger.flush(); // nothing to send
      ingest.reply({ status: 503, retryAfter: '1' });
      for (const id of ids('e', 3)) ledger.record(event(id));
      let flushed = false;
      const flushing = ledger.flush().then(() => (flushed = true));
      await jest.advanceTimersByTimeAsync(0);
      expect(flushed).toBe(false);
      await jest.advanceTimersByTimeAsync(1_100);
      await flushing;
      expect(ingest.stored.size).toBe(3);
      expect(ledger.stats()).toMatchObject({ accepted: 3, queued: 0, inFlight: 0 });
    });

    it('close() sends everything, then drops (and counts) what is recorded after it', async () => {
      const ledger = client({ batchSize: 2 });
      for (const id of ids('e', 5)) ledger.record(event(id));
      const closing = ledger.close();
      expect(ledger.close()).toBe(closing);
      ledger.record(event('late'));
      await closing;
      expect([...ingest.stored.keys()]).toEqual(ids('e', 5));
      expect(ledger.stats()).toMatchObject({ recorded: 6, accepted: 5, dropped: { closed: 1 } });
      expect(problems).toEqual([expect.objectContaining({ kind: 'closed' })]);
      expectBalanced(ledger.stats());
    });

    it('close({ timeoutMs }) gives up on what it could not deliver in time, and counts it', async () => {
      const ledger = client({ batchSize: 2 });
      ingest.reply(...Array.from({ length: 100 }, () => ({ status: 503, retryAfter: '1' })));
      for (const id of ids('e', 5)) ledger.record(event(id));
      const closing = ledger.close({ timeoutMs: 2_500 });
      await jest.advanceTimersByTimeAsync(2_500);
      await closing;
      expect(ledger.stats()).toMatchObject({ recorded: 5, accepted: 0, queued: 0, inFlight: 0, dropped: { closeTimeout: 5 } });
      expect(problems.filter((p) => p.kind === 'closeTimeout')).toHaveLength(1);
      expectBalanced(ledger.stats());
    });

    it('applies a timeout given to a second close()', async () => {
      const ledger = client({ batchSize: 2 });
      ingest.reply(...Array.from({ length: 100 }, () => 'network-error' as const));
      for (const id of ids('e', 3)) ledger.record(event(id));
      const closing = ledger.close();
      expect(ledger.close({ timeoutMs: 1_000 })).toBe(closing);
      await jest.advanceTimersByTimeAsync(1_000);
      await closing;
      expect(ledger.stats()).toMatchObject({ recorded: 3, accepted: 0, dropped: { closeTimeout: 3 } });
    });
  });
});
