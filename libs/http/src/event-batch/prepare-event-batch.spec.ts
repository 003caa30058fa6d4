import { ValidationContext } from '@ledger/domain';
import { outcomeEventsCopyText } from '@ledger/codec';
import { EMPTY_JSON_BODY, INVALID_JSON_BODY, planEventBatch, prepareEventBatch, readEventBatch } from './prepare-event-batch';

const context: ValidationContext = { now: Date.parse('2026-10-02T00:00:00Z'), platform: 'acme', retentionDays: undefined };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id, provider: 'openai', model: 'gpt-5', occurredAt: '2026-10-01T12:00:00Z', outcome: 'success', httpStatus: 200, latencyMs: 800, ...extra,
});

describe('readEventBatch', () => {
  it('plans a JSON body: valid events to append, invalid ones rejected, repeats counted', () => {
    const body = JSON.stringify({ events: [event('a'), event('b', { outcome: 'sunny' }), event('a')] });
    const prepared = readEventBatch({ contentType: 'application/json; charset=utf-8', bytes: bytes(body), context });
    expect(prepared).toMatchObject({ ok: true, claimedPlatform: undefined, entryCount: 3 });
    if (!prepared.ok) return;
    expect(prepared.plan.events.map((e) => e.id)).toEqual(['a']);
    expect(prepared.plan.positions).toEqual([0]);
    expect(prepared.plan.duplicates).toBe(1);
    expect(prepared.plan.rejected).toEqual([{ index: 1, id: 'b', errors: [expect.stringContaining('outcome must be one of')] }]);
  });

  it('reads NDJSON line by line, a line that is not JSON rejected on its own', () => {
    const body = `${JSON.stringify(event('a'))}\n{oops\n\n${JSON.stringify(event('b'))}\n`;
    const prepared = readEventBatch({ contentType: 'application/x-ndjson', bytes: bytes(body), context });
    expect(prepared).toMatchObject({ ok: true, entryCount: 3 });
    if (!prepared.ok) return;
    expect(prepared.plan.events.map((e) => e.id)).toEqual(['a', 'b']);
    expect(prepared.plan.rejected).toEqual([{ index: 1, id: null, errors: [expect.stringMatching(/^line 2 is not valid JSON/)] }]);
  });

  it('answers the top-level platform a body names, for the caller to hold against the key', () => {
    const prepared = readEventBatch({ contentType: 'application/json', bytes: bytes(JSON.stringify({ platform: 'globex', events: [] })), context });
    expect(prepared.claimedPlatform).toBe('globex');
    const unread = readEventBatch({ contentType: 'application/json', bytes: bytes(JSON.stringify({ platform: 'globex' })), context });
    expect(unread).toEqual({ ok: false, claimedPlatform: 'globex', message: 'the body must have an "events" array' });
  });

  it.each([
    ['an empty body', '', EMPTY_JSON_BODY],
    ['text that is not JSON', '{"events": [', INVALID_JSON_BODY],
    ['a __proto__ key', '{"events": [], "__proto__": {"polluted": true}}', INVALID_JSON_BODY],
    ['a constructor.prototype key', '{"events": [], "constructor": {"prototype": {"polluted": true}}}', INVALID_JSON_BODY],
    ['a __proto__ key in an event', `{"events": [${JSON.stringify(event('a'))}, {"id": "b", "__proto__": {"polluted": true}}]}`, INVALID_JSON_BODY],
    ['an event that is not JSON after valid ones', `{"events": [${JSON.stringify(event('a'))}, {"id": "b",}]}`, INVALID_JSON_BODY],
    ['an array', '[]', 'the body must be a JSON object {"events": [ ... ]} or NDJSON (application/x-ndjson)'],
  ])('refuses %s as Fastify would', (_what, text, message) => {
    expect(readEventBatch({ contentType: 'application/json', bytes: bytes(text), context })).toEqual({ ok: false, claimedPlatform: undefined, message });
  });

  it('reads the usual body an event at a time to the same plan as the whole body parsed at once', () => {
    const entries = [event('a'), event('b', { outcome: 'sunny' }), event('a'), 7, event('c', { nested: { x: ['}'] } }), event('a', { latencyMs: 1 })];
    const whole = readEventBatch({ contentType: 'application/json', bytes: bytes(JSON.stringify({ platform: 'acme', events: entries })), context });
    const usual = readEventBatch({ contentType: 'application/json', bytes: bytes(JSON.stringify({ events: entries }, null, 2)), context });
    expect(whole.ok && usual.ok).toBe(true);
    expect(usual).toEqual({ ...whole, claimedPlatform: undefined });
  });

  it('reads a body handed over as a view into a larger buffer (as Fastify and a thread hand it over)', () => {
    const text = JSON.stringify({ events: [event('é-1')] });
    const padded = Buffer.concat([Buffer.from('xxxx'), Buffer.from(text), Buffer.from('yyyy')]);
    const prepared = readEventBatch({ contentType: 'application/json', bytes: padded.subarray(4, 4 + Buffer.byteLength(text)), context });
    expect(prepared.ok && prepared.plan.events.map((e) => e.id)).toEqual(['é-1']);
  });
});

describe('prepareEventBatch (what the ingest thread answers)', () => {
  it('answers the plan with its events as the COPY text of the log, their days, and the rejections and repeats', () => {
    const input = {
      contentType: 'application/json', context,
      bytes: bytes(JSON.stringify({ events: [event('a'), event('b', { occurredAt: '2026-09-30T23:59:59Z' }), event('c', { latencyMs: -1 }), event('a')] })),
    };
    const prepared = prepareEventBatch(input);
    const plan = planEventBatch(input);
    expect(plan.events.map((e) => e.id)).toEqual(['a', 'b']);
    expect(prepared).toEqual({
      ok: true, claimedPlatform: undefined, entryCount: 4,
      plan: {
        batch: { copyBytes: Buffer.from(outcomeEventsCopyText('acme', plan.events)), eventCount: 2, days: ['2026-10-01', '2026-09-30'] },
        rejected: plan.rejected, duplicates: 1,
      },
    });
    expect(plan.rejected).toEqual([{ index: 2, id: 'c', errors: [expect.stringContaining('latencyMs')] }]);
  });

  it('passes a body it cannot read through as readEventBatch refuses it', () => {
    const input = { contentType: 'application/json', bytes: bytes('{"events": {}}'), context };
    expect(prepareEventBatch(input)).toEqual(readEventBatch(input));
    expect(() => planEventBatch(input)).toThrow(/could not be read again/);
  });
});
