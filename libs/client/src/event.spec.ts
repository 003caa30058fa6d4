import { cleanErrorCode, prepareEvent } from './event';
import type { OutcomeEventInput } from './types';

const NOW = Date.parse('2026-06-07T09:02:13.512Z');
let generated = 0;
const newId = () => `generated-${++generated}`;
const base: OutcomeEventInput = { provider: 'anthropic', model: 'claude-opus-4-7', outcome: 'success' };

function problemsOf(input: unknown): string[] {
  const prepared = prepareEvent(input as OutcomeEventInput, NOW, newId);
  if (prepared.ok) throw new Error(`expected problems, got ${JSON.stringify(prepared.event)}`);
  return prepared.problems;
}

describe('prepareEvent', () => {
  it('fixes the id and occurredAt once, and sends only the fields given', () => {
    const prepared = prepareEvent(base, NOW, () => 'the-id');
    expect(prepared).toEqual({
      ok: true,
      event: { id: 'the-id', provider: 'anthropic', model: 'claude-opus-4-7', occurredAt: '2026-06-07T09:02:13.512Z', outcome: 'success' },
    });
  });

  it('keeps a given id and every optional field; rounds durations, cuts the error code', () => {
    const prepared = prepareEvent(
      { ...base, id: 'req-1', outcome: 'error', httpStatus: 529, errorCode: 'x'.repeat(200), latencyMs: 812.6, ttftMs: 0, occurredAt: '2026-06-07T11:02:13+02:00' },
      NOW,
      newId,
    );
    expect(prepared).toEqual({
      ok: true,
      event: {
        id: 'req-1', provider: 'anthropic', model: 'claude-opus-4-7', occurredAt: '2026-06-07T11:02:13+02:00', outcome: 'error',
        httpStatus: 529, errorCode: 'x'.repeat(128), latencyMs: 813, ttftMs: 0,
      },
    });
  });

  it('writes a Date or epoch milliseconds as RFC 3339', () => {
    const at = Date.parse('2026-06-01T00:00:00Z');
    for (const occurredAt of [new Date(at), at]) {
      const prepared = prepareEvent({ ...base, occurredAt }, NOW, newId);
      expect(prepared.ok && prepared.event.occurredAt).toBe('2026-06-01T00:00:00.000Z');
    }
  });

  it('treats null optional fields as absent', () => {
    const prepared = prepareEvent({ ...base, id: 'n', httpStatus: null, errorCode: null, latencyMs: null, ttftMs: null }, NOW, newId);
    expect(prepared.ok && Object.keys(prepared.event)).toEqual(['id', 'provider', 'model', 'occurredAt', 'outcome']);
  });

  it('names every problem of an event the service would refuse', () => {
    expect(problemsOf({ id: '', provider: 'Anthropic', model: 'a/b', outcome: 'failed', occurredAt: '2026-06-07', httpStatus: 99, errorCode: 5, latencyMs: -1, ttftMs: Number.NaN })).toEqual([
      'id must be a string of 1–128 characters without NUL',
      'provider must be a lowercase slug [a-z0-9][a-z0-9._-]{0,63}, not "Anthropic"',
      'model must be a lowercase slug of at most 128 characters [a-z0-9][a-z0-9._-]*, not "a/b"',
      'outcome must be one of success, error, timeout, rate_limited, client_error, not "failed"',
      'occurredAt must be an RFC 3339 timestamp with an offset, a valid Date or epoch milliseconds',
      'httpStatus must be an integer between 100 and 599, not 99',
      'errorCode must be a string, not 5',
      'latencyMs must be a number of milliseconds from 0 to 2147483647, not -1',
      'ttftMs must be a number of milliseconds from 0 to 2147483647, not NaN',
    ]);
  });

  it.each([
    ['an id too long', { id: 'x'.repeat(129) }],
    ['an id with NUL', { id: 'a\u0000b' }],
    ['a date that does not exist', { occurredAt: '2026-02-30T00:00:00Z' }],
    ['a time without an offset', { occurredAt: '2026-06-07T09:02:13' }],
    ['an invalid Date', { occurredAt: new Date(Number.NaN) }],
    ['a non-integer status', { httpStatus: 200.5 }],
    ['a duration past the integer range', { latencyMs: 2_147_483_648 }],
    ['no provider', { provider: undefined }],
  ])('refuses %s', (_, override) => {
    expect(problemsOf({ ...base, ...override })).toHaveLength(1);
  });

  it('refuses what is not an object', () => {
    for (const input of [null, undefined, 'event', 42]) expect(problemsOf(input)).toEqual(['an event must be an object']);
  });
});

describe('cleanErrorCode', () => {
  it('drops NUL, trims, cuts at 128 without splitting a surrogate pair', () => {
    expect(cleanErrorCode(' overloaded_error ')).toBe('overloaded_error');
    expect(cleanErrorCode('\u0000')).toBeNull();
    const cut = cleanErrorCode(`${'a'.repeat(127)}😀tail`)!;
    expect(cut).toBe('a'.repeat(127));
  });
});
