import fc from 'fast-check';
import {
  acceptedOutcomeEvent, explainOutcomeEvent, MAX_FUTURE_SKEW_MS, OUTCOMES, retentionStart, validateOutcomeEvent,
} from './outcome-event';

const now = Date.UTC(2026, 5, 7, 12, 0, 0);
const context = { now, platform: 'notion' };
const valid = {
  id: 'evt-1',
  provider: 'anthropic',
  model: 'claude-opus-4-7',
  occurredAt: '2026-06-07T09:02:13.512Z',
  outcome: 'error',
  httpStatus: 529,
  errorCode: 'overloaded_error',
  latencyMs: 812,
  ttftMs: 0,
};

function errorsFor(overrides: Record<string, unknown>): string[] {
  const result = validateOutcomeEvent({ ...valid, ...overrides }, context);
  return result.ok ? [] : result.errors;
}

describe('validateOutcomeEvent (concepts §2)', () => {
  it('accepts a complete event and normalises it', () => {
    expect(validateOutcomeEvent(valid, context)).toEqual({
      ok: true,
      event: { ...valid, occurredAt: Date.UTC(2026, 5, 7, 9, 2, 13, 512), occurredAtIso: '2026-06-07T09:02:13.512Z' },
    });
  });

  it('accepts the optional fields absent or null', () => {
    const minimal = { id: 'e', provider: 'openai', model: 'gpt-5', occurredAt: '2026-06-07T09:02:13Z', outcome: 'success' };
    const result = validateOutcomeEvent(minimal, context);
    expect(result).toEqual({
      ok: true,
      event: { ...minimal, occurredAt: Date.UTC(2026, 5, 7, 9, 2, 13), occurredAtIso: '2026-06-07T09:02:13.000Z', httpStatus: null, errorCode: null, latencyMs: null, ttftMs: null },
    });
    expect(validateOutcomeEvent({ ...minimal, httpStatus: null, errorCode: null, latencyMs: null, ttftMs: null }, context).ok).toBe(true);
  });

  describe('id: string, 1–128 chars', () => {
    it.each([[''], ['x'.repeat(129)], [42], [null], ['a\u0000b']])('rejects %p', (id) => {
      expect(errorsFor({ id })).toEqual([expect.stringMatching(/^id /)]);
    });
    it('accepts 128 chars and any characters', () => {
      expect(errorsFor({ id: 'x'.repeat(128) })).toEqual([]);
      expect(errorsFor({ id: 'req_01J/é ✓' })).toEqual([]);
    });
  });

  describe('provider: slug [a-z0-9][a-z0-9._-]{0,63}', () => {
    it.each([['Anthropic'], ['-anthropic'], ['an thropic'], ['a'.repeat(65)], [''], [7]])('rejects %p', (provider) => {
      expect(errorsFor({ provider })).toEqual([expect.stringMatching(/^provider /)]);
    });
    it.each([['a'], ['open.ai_x-1'], ['a'.repeat(64)], ['0day']])('accepts %p', (provider) => {
      expect(errorsFor({ provider })).toEqual([]);
    });
  });

  describe('model: slug up to 128 chars', () => {
    it.each([['Claude'], ['gpt 5'], ['m'.repeat(129)], ['.hidden']])('rejects %p', (model) => {
      expect(errorsFor({ model })).toEqual([expect.stringMatching(/^model /)]);
    });
    it('accepts 128 chars', () => expect(errorsFor({ model: 'm'.repeat(128) })).toEqual([]));
  });

  describe('occurredAt: RFC 3339 with offset, at most 5 min ahead', () => {
    it.each([
      ['2026-06-07T09:02:13'], // no offset
      ['2026-06-07'],
      ['2026-02-30T00:00:00Z'], // no such day
      ['2026-06-07T24:00:00Z'],
      ['June 7, 2026'],
      ['2026-06-07T09:02:13+2:00'],
      [1780822800], // seconds, not a string
      [1780822800000],
    ])('rejects %p', (occurredAt) => {
      expect(errorsFor({ occurredAt })).toEqual([expect.stringMatching(/^occurredAt /)]);
    });
    it.each([['2026-06-07T09:02:13Z'], ['2026-06-07T11:02:13.5+02:00'], ['2026-06-07t09:02:13.123456789z'], ['1999-12-31T23:59:59-08:00']])(
      'accepts %p',
      (occurredAt) => expect(errorsFor({ occurredAt })).toEqual([]),
    );
    it('accepts up to 5 minutes ahead of server time, not a millisecond more', () => {
      expect(errorsFor({ occurredAt: new Date(now + MAX_FUTURE_SKEW_MS).toISOString() })).toEqual([]);
      expect(errorsFor({ occurredAt: new Date(now + MAX_FUTURE_SKEW_MS + 1).toISOString() })).toEqual([
        expect.stringContaining('more than 5 minutes ahead'),
      ]);
    });
    it('refuses an instant before year 1, which Postgres cannot store', () => {
      expect(errorsFor({ occurredAt: '0000-12-31T23:59:59.999Z' })).toEqual([expect.stringMatching(/before 0001-01-01T00:00:00Z/)]);
      expect(errorsFor({ occurredAt: '0001-01-01T00:30:00+01:00' })).toHaveLength(1);
      expect(errorsFor({ occurredAt: '0001-01-01T00:00:00Z' })).toEqual([]);
    });

    it('accepts any past time (backfill)', () => {
      expect(errorsFor({ occurredAt: '1970-01-01T00:00:00Z' })).toEqual([]);
    });
    it('with raw-event retention, accepts the retained whole UTC days and refuses older ones', () => {
      const at = Date.parse('2026-06-10T08:00:00Z');
      const withRetention = (occurredAt: string) =>
        validateOutcomeEvent({ ...valid, occurredAt }, { now: at, platform: 'notion', retentionDays: 3 });
      expect(withRetention('2026-06-07T00:00:00.000Z').ok).toBe(true);
      expect(withRetention('2026-06-06T23:59:59.999Z')).toEqual({
        ok: false, id: valid.id, errors: ['occurredAt 2026-06-06T23:59:59.999Z is before 2026-06-07: raw events are kept 3 days, older days are archived'],
      });
      expect(retentionStart(at, 0)).toBe(Date.parse('2026-06-10T00:00:00Z'));
    });
  });

  describe('outcome', () => {
    it.each(OUTCOMES.map((o) => [o]))('accepts %s', (outcome) => expect(errorsFor({ outcome })).toEqual([]));
    it.each([['SUCCESS'], ['failure'], [null]])('rejects %p', (outcome) => {
      expect(errorsFor({ outcome })).toEqual([expect.stringMatching(/^outcome must be one of/)]);
    });
  });

  describe('httpStatus: integer 100–599, optional', () => {
    it.each([[99], [600], [200.5], ['200']])('rejects %p', (httpStatus) => {
      expect(errorsFor({ httpStatus })).toEqual([expect.stringMatching(/^httpStatus /)]);
    });
    it.each([[100], [599]])('accepts %p', (httpStatus) => expect(errorsFor({ httpStatus })).toEqual([]));
  });

  describe('errorCode: string ≤ 128, optional', () => {
    it('rejects a longer or non-string code', () => {
      expect(errorsFor({ errorCode: 'e'.repeat(129) })).toEqual([expect.stringMatching(/^errorCode /)]);
      expect(errorsFor({ errorCode: 5 })).toEqual([expect.stringMatching(/^errorCode /)]);
      expect(errorsFor({ errorCode: 'x\u0000' })).toEqual([expect.stringMatching(/^errorCode /)]);
    });
  });

  describe.each(['latencyMs', 'ttftMs'])('%s: integer ≥ 0, optional', (field) => {
    it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], ['100'], [2 ** 31]])('rejects %p', (value) => {
      expect(errorsFor({ [field]: value })).toEqual([expect.stringMatching(new RegExp(`^${field} `))]);
    });
    it('accepts 0', () => expect(errorsFor({ [field]: 0 })).toEqual([]));
  });

  it('reports every problem of an event at once, with its id', () => {
    const result = validateOutcomeEvent({ id: 'bad', provider: 'X', outcome: 'nope', latencyMs: -5 }, context);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.id).toBe('bad');
    expect(result.errors).toHaveLength(5);
  });

  it("names a bad time along with the other fields' problems, not only once they are fixed", () => {
    expect(errorsFor({ provider: 'Anthropic', occurredAt: '7 June 2026' })).toEqual([
      'provider must be a lowercase slug: [a-z0-9][a-z0-9._-]{0,63}',
      'occurredAt must be an RFC 3339 timestamp with an offset, e.g. 2026-06-07T09:02:13.512Z',
    ]);
    expect(errorsFor({ outcome: 'failed', occurredAt: '2026-06-07T13:00:00Z' })).toEqual([
      `outcome must be one of ${OUTCOMES.join(', ')}`,
      'occurredAt 2026-06-07T13:00:00Z is more than 5 minutes ahead of server time 2026-06-07T12:00:00.000Z',
    ]);
  });

  it('names a rejected event by at most 128 characters of its id', () => {
    const result = validateOutcomeEvent({ ...valid, id: 'x'.repeat(1_000_000) }, context);
    expect(result).toMatchObject({ ok: false, id: `${'x'.repeat(128)}…` });
  });

  it('rejects what is not an object', () => {
    for (const raw of [null, 'event', 3, [valid]]) {
      expect(validateOutcomeEvent(raw, context)).toEqual({ ok: false, id: null, errors: ['an event must be a JSON object'] });
    }
  });

  it('rejects an event that names another platform than the key', () => {
    expect(errorsFor({ platform: 'acme-wiki' })).toEqual([expect.stringContaining('platform is taken from the API key')]);
    expect(errorsFor({ platform: 'notion' })).toEqual([]);
  });

  it('ignores fields it does not know', () => {
    expect(errorsFor({ region: 'eu' })).toEqual([]);
  });

  describe('properties', () => {
    const slug = (max: number) => fc.stringMatching(new RegExp(`^[a-z0-9][a-z0-9._-]{0,${max - 1}}$`));
    const optionalInt = (min: number, max: number) => fc.option(fc.integer({ min, max }), { nil: null });
    const eventArb = fc.record({
      id: fc.string({ minLength: 1, maxLength: 128 }),
      provider: slug(64),
      model: slug(128),
      occurredAt: fc.date({ min: new Date(0), max: new Date(now + MAX_FUTURE_SKEW_MS), noInvalidDate: true }),
      offsetMinutes: fc.integer({ min: -14 * 60, max: 14 * 60 }),
      outcome: fc.constantFrom(...OUTCOMES),
      httpStatus: optionalInt(100, 599),
      latencyMs: optionalInt(0, 2 ** 31 - 1),
      ttftMs: optionalInt(0, 2 ** 31 - 1),
    });

    it('accepts every event within the rules, keeping the instant whatever offset it is written in', () => {
      fc.assert(
        fc.property(eventArb, ({ occurredAt, offsetMinutes, ...fields }) => {
          const result = validateOutcomeEvent({ ...fields, occurredAt: withOffset(occurredAt, offsetMinutes) }, context);
          expect(result).toEqual({
            ok: true,
            event: { ...fields, errorCode: null, occurredAt: occurredAt.getTime(), occurredAtIso: occurredAt.toISOString() },
          });
        }),
      );
    });

    it('rejects any provider outside the slug grammar', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 80 }).filter((s) => !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(s)), (provider) => {
          expect(errorsFor({ provider })).toEqual([expect.stringMatching(/^provider /)]);
        }),
      );
    });

    it('rejects any instant more than 5 minutes ahead', () => {
      fc.assert(
        fc.property(fc.integer({ min: MAX_FUTURE_SKEW_MS + 1, max: 10 * 365 * 86_400_000 }), (ahead) => {
          expect(errorsFor({ occurredAt: new Date(now + ahead).toISOString() })).toHaveLength(1);
        }),
      );
    });
  });
});

describe('acceptedOutcomeEvent: the quick check ingest runs first', () => {
  // Values on both sides of every rule, and of other types: the quick check must accept exactly
  // what the schema accepts, and give the same event.
  // Mostly values the rule accepts (so that enough whole events pass), then its edges and other types.
  const edgy = <T>(usual: fc.Arbitrary<T>, edges: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: 40, arbitrary: usual }, edges, fc.constant(undefined), fc.constant(null), fc.integer(), fc.string());
  const time = fc.oneof(
    fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    { weight: 8, arbitrary: fc.date({ min: new Date(now - 3 * 86_400_000), max: new Date(now + 2 * MAX_FUTURE_SKEW_MS), noInvalidDate: true }).chain((d) =>
      fc.constantFrom(
        d.toISOString(), d.toISOString().replace('T', 't'), d.toISOString().replace('T', ' '), d.toISOString().replace('.', ',').replace(/,\d+/, ''),
        d.toISOString().replace('Z', 'z'), d.toISOString().replace('Z', '+00:00'), d.toISOString().replace('Z', '123Z'), withOffset(d, 330),
        d.toISOString().slice(0, 19) + 'Z', d.toISOString().slice(0, 10), d.toISOString().replace('Z', ''),
      )) },
    fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }))
      .map(([y, mo, d, h, mi]) => `${String(2000 + y).padStart(4, '0')}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(mi)}.000Z`),
    fc.constantFrom('0000-02-29T00:00:00.000Z', '0050-03-01T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2026-06-07T09:02:13.512\u0000', '２０２６-06-07T09:02:13.512Z'),
  );
  const rawEvent = fc.record(
    {
      platform: fc.constantFrom(undefined, undefined, undefined, 'notion', 'other', null),
      id: edgy(fc.string({ minLength: 1, maxLength: 128 }), fc.constantFrom('', 'a\u0000b', 'x'.repeat(128), 'x'.repeat(129))),
      provider: edgy(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,63}$/), fc.stringMatching(/^[a-z0-9._A-Z\n-]{0,66}$/)),
      model: edgy(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,127}$/), fc.stringMatching(/^[a-z0-9._A-Z -]{0,130}$/)),
      occurredAt: edgy(time, fc.date().map((d) => d.toString())),
      outcome: edgy(fc.constantFrom(...OUTCOMES), fc.constantFrom('Success', 'ok', '__proto__', 'toString')),
      httpStatus: edgy(fc.integer({ min: 100, max: 599 }), fc.constantFrom(99, 100, 599, 600, 200.5, -0, Number.NaN, Number.POSITIVE_INFINITY, '200', true)),
      errorCode: edgy(fc.string({ maxLength: 128 }), fc.constantFrom('x'.repeat(128), 'x'.repeat(129), 'a\u0000', 42)),
      latencyMs: edgy(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(-1, 0, 1.5, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER + 2, '5')),
      ttftMs: edgy(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(-1, 0, 1.5, 2 ** 31 - 1, 2 ** 31, false)),
      extra: fc.anything(),
    },
    { requiredKeys: ['id', 'provider', 'model', 'occurredAt', 'outcome'] },
  );
  const contexts = fc.constantFrom(context, context, { ...context, retentionDays: 1 }, { ...context, retentionDays: 0 });

  it('accepts exactly what the schema accepts, as the same event', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 8, arbitrary: rawEvent }, { weight: 1, arbitrary: fc.anything() }), contexts, (raw, ctx) => {
        const quick = acceptedOutcomeEvent(raw, ctx);
        const full = explainOutcomeEvent(raw, ctx);
        if (quick === null) expect(full.ok).toBe(false);
        else expect(full).toEqual({ ok: true, event: quick });
        if (full.ok) accepted += 1;
      }),
      { numRuns: 20_000 },
    );
    // Enough whole events passed for the agreement on accepted ones to mean something.
    expect(accepted).toBeGreaterThan(2_000);
  });

  it('accepts the valid events of the property above, so they never take the slow path', () => {
    expect(acceptedOutcomeEvent(valid, context)).toEqual((validateOutcomeEvent(valid, context) as { event: unknown }).event);
    expect(acceptedOutcomeEvent({ ...valid, occurredAt: '2026-06-07T11:02:13.5+02:00' }, context)?.occurredAtIso).toBe('2026-06-07T09:02:13.500Z');
  });
});

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Writes an instant as RFC 3339 in a given UTC offset, e.g. 2026-06-07T11:02:13.512+02:00. */
function withOffset(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
