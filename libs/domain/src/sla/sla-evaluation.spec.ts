import fc from 'fast-check';
import { NO_OUTCOMES } from '../detection';
import { contractTerms, ContractInput, maintenanceApplies } from './contract';
import { ContractCounts } from './failure-rules';
import { totalsByCurrency } from './money';
import { periodOf } from './period';
import { evaluateSla } from './sla-evaluation';

const JUNE = periodOf('2026-06', 'UTC');
const minuteAt = (iso: string) => Date.parse(iso) / 60_000;
const AFTER = Date.UTC(2026, 7, 1);

function terms(overrides: Partial<ContractInput> = {}, policy: Partial<ContractInput['policy']> = {}) {
  return contractTerms({
    platform: 'notion',
    provider: 'anthropic',
    targetPercent: '99.9',
    policy: { kind: 'DOWNTIME_MINUTES', ...policy },
    creditTiers: [
      { uptimeBelow: '99.9', creditPercent: '10' },
      { uptimeBelow: '99.0', creditPercent: '25' },
      { uptimeBelow: '95.0', creditPercent: '100' },
    ],
    monthlyFee: { amount: '1000.00', currency: 'USD' },
    effectiveFrom: '2026-01-01T00:00:00Z',
    ...overrides,
  });
}

const counts = (c: Partial<ContractCounts>): ContractCounts => ({ ...NO_OUTCOMES, ...c });

/** `n` consecutive minutes from `startIso`, each with these counts. */
function minutes(startIso: string, n: number, c: Partial<ContractCounts>): [number, ContractCounts][] {
  return Array.from({ length: n }, (_, i) => [minuteAt(startIso) + i, counts(c)]);
}

describe('evaluateSla (concepts §6)', () => {
  it('meets a target it equals exactly, with no credit', () => {
    // 432 downtime minutes of 43,200 → exactly 99.0 %
    const result = evaluateSla({
      terms: terms({ targetPercent: '99.0', creditTiers: [{ uptimeBelow: '99.0', creditPercent: '25' }] }),
      period: JUNE,
      minutes: new Map(minutes('2026-06-10T00:00:00Z', 432, { errors: 1 })),
      maintenance: [],
      now: AFTER,
    });
    expect(result.uptimePercent).toBe('99.0000');
    expect(result.met).toBe(true);
    expect(result.creditPercent).toBe('0.00');
    expect(result.credit).toEqual({ amount: '0.00', currency: 'USD' });
    expect(result.downtimeMinutes).toBe(432);
    expect(result.allowedDowntimeMinutes).toBe('432.0000');
    expect(result.budgetRemainingMinutes).toBe('0.0000');
    expect(result.budgetBurn).toBe('1.0000');
  });

  it('counts the minutes of a New York November with its DST change (43,260)', () => {
    const result = evaluateSla({
      terms: terms({ timeZone: 'America/New_York' }),
      period: periodOf('2026-11', 'America/New_York'),
      minutes: new Map(),
      maintenance: [],
      now: AFTER + 200 * 86_400_000,
    });
    expect(result.eligibleMinutes).toBe(43_260);
    expect(result.uptimePercent).toBe('100.0000');
    expect(result.claimDeadline).toBe(Date.parse('2026-12-31T05:00:00Z')); // 30 days after local midnight, EST
  });

  it('excludes the minutes before a contract that starts mid-month', () => {
    const result = evaluateSla({
      terms: terms({ effectiveFrom: '2026-06-16T00:00:00Z' }),
      period: JUNE,
      minutes: new Map([...minutes('2026-06-10T00:00:00Z', 100, { errors: 5 }), ...minutes('2026-06-20T00:00:00Z', 3, { errors: 5 })]),
      maintenance: [],
      now: AFTER,
    });
    expect(result.excludedMinutes).toBe(15 * 1440);
    expect(result.eligibleMinutes).toBe(15 * 1440);
    expect(result.downtimeMinutes).toBe(3);
    expect(result.evidence).toEqual([
      { start: minuteAt('2026-06-20T00:00:00Z'), end: minuteAt('2026-06-20T00:03:00Z'), minutes: 3, eligibleRequests: 15, failedRequests: 15 },
    ]);
  });

  it('applies a maintenance window limited to one model only to contracts covering it', () => {
    expect(maintenanceApplies(['claude-opus-4-7'], ['claude-opus-4-7', 'x'])).toBe(true);
    expect(maintenanceApplies(['claude-opus-4-8'], ['claude-opus-4-7'])).toBe(false);
    expect(maintenanceApplies(['claude-opus-4-8'], [])).toBe(true);
    expect(maintenanceApplies([], ['claude-opus-4-7'])).toBe(true);
    const down = new Map(minutes('2026-06-10T00:00:00Z', 10, { errors: 2 }));
    const window: [number, number] = [minuteAt('2026-06-10T00:00:00Z'), minuteAt('2026-06-10T00:05:00Z')];
    const result = evaluateSla({ terms: terms(), period: JUNE, minutes: down, maintenance: [window], now: AFTER });
    expect(result.excludedMinutes).toBe(5);
    expect(result.downtimeMinutes).toBe(5);
  });

  it('counts rate-limited requests as failures only when the contract says so', () => {
    const throttled = new Map(minutes('2026-06-10T00:00:00Z', 1, { successes: 10, rateLimited: 10, clientErrors: 50 }));
    const ignored = evaluateSla({ terms: terms(), period: JUNE, minutes: throttled, maintenance: [], now: AFTER });
    expect(ignored.downtimeMinutes).toBe(0);
    const counted = evaluateSla({ terms: terms({ countRateLimited: true }), period: JUNE, minutes: throttled, maintenance: [], now: AFTER });
    expect(counted.downtimeMinutes).toBe(1);
    expect(counted.evidence[0]).toMatchObject({ eligibleRequests: 20, failedRequests: 10 });
  });

  it('counts what a vendor counts (concepts §9): errors of the named statuses only, timeouts or not', () => {
    // 10 minutes at 10 % errors: 4 of them 529, 6 a 400-class status the client caused, plus 2 timeouts.
    const traffic = new Map(minutes('2026-06-10T00:00:00Z', 10, { successes: 88, errors: 10, timeouts: 2, errorStatuses: { '529': 4, '5xx': 4, '429': 5, '4xx': 5, none: 1 } }));
    const evaluate = (overrides: Partial<ContractInput>) => evaluateSla({ terms: terms(overrides, { minConsecutiveMinutes: 5 }), period: JUNE, minutes: traffic, maintenance: [], now: AFTER });
    // Every error and timeout: 12 of 100 fail, each minute is down.
    expect(evaluate({})).toMatchObject({ downtimeMinutes: 10, evidence: [{ minutes: 10, eligibleRequests: 1_000, failedRequests: 120 }] });
    // 5xx only: 4 errors + 2 timeouts of 100 (the other errors stay eligible): 6 % ≥ 5 %, still down.
    expect(evaluate({ errorStatuses: ['5XX'] })).toMatchObject({ downtimeMinutes: 10, evidence: [{ eligibleRequests: 1_000, failedRequests: 60 }] });
    // 5xx and timeouts not counted: 4 of 98 (timeouts are not eligible then) is 4.1 %: up.
    expect(evaluate({ errorStatuses: ['5xx'], countTimeouts: false })).toMatchObject({ downtimeMinutes: 0, evidence: [] });
    // A status named exactly: 529 and 429 → 9 errors + 2 timeouts.
    expect(evaluate({ errorStatuses: ['529', '429'] })).toMatchObject({ evidence: [{ failedRequests: 110 }] });
    // Errors without a status match no entry.
    expect(evaluate({ errorStatuses: ['4xx'], countTimeouts: false }).evidence).toEqual([{ start: minuteAt('2026-06-10T00:00:00Z'), end: minuteAt('2026-06-10T00:10:00Z'), minutes: 10, eligibleRequests: 980, failedRequests: 50 }]);
  });

  it('pays no credit below the contract\'s minimum, and reports its percent as 0', () => {
    // One down minute of 43,200: uptime 99.9977 %, below a 99.999 tier of 0.05 % of a 1,000.00 USD fee → 0.50 USD.
    const oneMinute = new Map(minutes('2026-06-10T00:00:00Z', 1, { errors: 1 }));
    const tiers = [{ uptimeBelow: '99.999', creditPercent: '0.05' }];
    const evaluate = (minimumCredit: ContractInput['minimumCredit']) =>
      evaluateSla({ terms: terms({ creditTiers: tiers, minimumCredit }), period: JUNE, minutes: oneMinute, maintenance: [], now: AFTER });
    expect(evaluate(null)).toMatchObject({ creditPercent: '0.05', credit: { amount: '0.50', currency: 'USD' } });
    expect(evaluate({ amount: '1.00', currency: 'USD' })).toMatchObject({ creditPercent: '0.00', credit: { amount: '0.00', currency: 'USD' } });
    // At the minimum exactly, the credit stands.
    expect(evaluate({ amount: '0.50', currency: 'USD' })).toMatchObject({ creditPercent: '0.05', credit: { amount: '0.50', currency: 'USD' } });
  });

  it('rounds a credit ending in half a minor unit up, in USD and in JPY', () => {
    const usd = evaluateSla({
      terms: terms({ monthlyFee: { amount: '100.01', currency: 'USD' }, creditTiers: [{ uptimeBelow: '100', creditPercent: '50' }] }),
      period: JUNE, minutes: new Map(minutes('2026-06-10T00:00:00Z', 1, { errors: 1 })), maintenance: [], now: AFTER,
    });
    expect(usd.credit).toEqual({ amount: '50.01', currency: 'USD' }); // 50.005 → 50.01
    const jpy = evaluateSla({
      terms: terms({ monthlyFee: { amount: '1001', currency: 'JPY' }, creditTiers: [{ uptimeBelow: '100', creditPercent: '50' }] }),
      period: JUNE, minutes: new Map(minutes('2026-06-10T00:00:00Z', 1, { errors: 1 })), maintenance: [], now: AFTER,
    });
    expect(jpy.credit).toEqual({ amount: '501', currency: 'JPY' }); // 500.5 → 501
  });

  it('pays a tier percent with more than two decimals exactly, and reports it whole', () => {
    const result = evaluateSla({
      terms: terms({ monthlyFee: { amount: '64899.23', currency: 'EUR' }, creditTiers: [{ uptimeBelow: '100', creditPercent: '33.335' }] }),
      period: JUNE, minutes: new Map(minutes('2026-06-10T00:00:00Z', 1, { errors: 1 })), maintenance: [], now: AFTER,
    });
    expect(result.creditPercent).toBe('33.335');
    expect(result.credit).toEqual({ amount: '21634.16', currency: 'EUR' }); // 21,634.1583… (33.34 % would pay 21,637.40)
  });

  it('needs minConsecutiveMinutes in a row, and minSamples per minute', () => {
    const data = new Map([...minutes('2026-06-10T00:00:00Z', 2, { errors: 1 }), ...minutes('2026-06-11T00:00:00Z', 3, { errors: 1 })]);
    expect(evaluateSla({ terms: terms({}, { minConsecutiveMinutes: 3 }), period: JUNE, minutes: data, maintenance: [], now: AFTER }).downtimeMinutes).toBe(3);
    expect(evaluateSla({ terms: terms({}, { minSamples: 2 }), period: JUNE, minutes: data, maintenance: [], now: AFTER }).downtimeMinutes).toBe(0);
  });

  it('averages window error rates for AVERAGE_ERROR_RATE (windows without requests count as 0)', () => {
    // June has 8,640 five-minute windows; one window at 50 % → uptime 100 − 100 × 0.5 / 8640
    const data = new Map(minutes('2026-06-10T00:00:00Z', 1, { successes: 5, errors: 5 }));
    const result = evaluateSla({ terms: terms({}, { kind: 'AVERAGE_ERROR_RATE' }), period: JUNE, minutes: data, maintenance: [], now: AFTER });
    expect(result.uptime.toFraction()).toBe('86395/864');
    expect(result.uptimePercent).toBe('99.9942');
    expect(result.downtimeMinutes).toBeNull();
    expect(result.allowedDowntimeMinutes).toBeNull();
  });

  it('uses requests for REQUEST_SUCCESS_RATIO', () => {
    const data = new Map([...minutes('2026-06-10T00:00:00Z', 1, { successes: 999, timeouts: 1, clientErrors: 100 })]);
    const result = evaluateSla({ terms: terms({}, { kind: 'REQUEST_SUCCESS_RATIO' }), period: JUNE, minutes: data, maintenance: [], now: AFTER });
    expect(result.uptimePercent).toBe('99.9000');
    expect(result.met).toBe(true);
  });

  it('reports a period in progress as not final, with the budget burn against elapsed time', () => {
    const data = new Map(minutes('2026-06-02T00:00:00Z', 10, { errors: 1 }));
    const result = evaluateSla({ terms: terms(), period: JUNE, minutes: data, maintenance: [], now: Date.parse('2026-06-04T00:00:00Z') });
    expect(result.final).toBe(false);
    // allowed 43.2; used 10 of it (23.1 %) in 3 of 30 days (10 %) → 2.3148
    expect(result.budgetBurn).toBe('2.3148');
  });

  describe('properties', () => {
    const minuteArb = fc.record({
      offset: fc.integer({ min: 0, max: 300 }),
      successes: fc.integer({ min: 0, max: 20 }),
      errors: fc.integer({ min: 0, max: 20 }),
      timeouts: fc.integer({ min: 0, max: 5 }),
      rateLimited: fc.integer({ min: 0, max: 5 }),
      clientErrors: fc.integer({ min: 0, max: 5 }),
    });
    const setup = fc.record({
      data: fc.uniqueArray(minuteArb, { selector: (m) => m.offset, maxLength: 60 }),
      kind: fc.constantFrom('DOWNTIME_MINUTES', 'AVERAGE_ERROR_RATE', 'REQUEST_SUCCESS_RATIO'),
      countRateLimited: fc.boolean(),
      minSamples: fc.integer({ min: 1, max: 5 }),
      minConsecutiveMinutes: fc.integer({ min: 1, max: 3 }),
      windowMinutes: fc.integer({ min: 1, max: 60 }),
    });
    const base = minuteAt('2026-06-10T00:00:00Z');
    type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;
    const run = (s: Setup, extra?: { offset: number; failure: 'errors' | 'timeouts' }) => {
      const data = new Map<number, ContractCounts>(s.data.map(({ offset, ...c }) => [base + offset, counts(c)]));
      if (extra) {
        const c = data.get(base + extra.offset) ?? counts({});
        data.set(base + extra.offset, { ...c, [extra.failure]: c[extra.failure] + 1 });
      }
      return evaluateSla({
        terms: terms({ countRateLimited: s.countRateLimited }, { kind: s.kind as string, minSamples: s.minSamples, minConsecutiveMinutes: s.minConsecutiveMinutes, windowMinutes: s.windowMinutes }),
        period: JUNE, minutes: data, maintenance: [], now: AFTER,
      });
    };

    it('keeps uptime within [0, 100]', () => {
      fc.assert(fc.property(setup, (s) => {
        const r = run(s);
        expect(r.uptime.compare(0) >= 0 && r.uptime.compare(100) <= 0).toBe(true);
      }));
    });

    it('never raises uptime when a failure is added', () => {
      fc.assert(fc.property(setup, fc.integer({ min: 0, max: 300 }), fc.constantFrom('errors', 'timeouts'), (s, offset, failure) => {
        expect(run(s, { offset, failure: failure as 'errors' | 'timeouts' }).uptime.compare(run(s).uptime)).toBeLessThanOrEqual(0);
      }));
    });

    it('never lowers the credit percent as uptime falls', () => {
      fc.assert(fc.property(setup, fc.integer({ min: 0, max: 300 }), (s, offset) => {
        const before = run(s);
        const after = run(s, { offset, failure: 'errors' });
        expect(Number(after.creditPercent)).toBeGreaterThanOrEqual(Number(before.creditPercent));
      }));
    });

    it('sums credit lines to the per-currency totals exactly', () => {
      const line = fc.record({ amount: fc.integer({ min: 0, max: 10_000_000 }), currency: fc.constantFrom('USD', 'EUR', 'JPY') });
      fc.assert(fc.property(fc.array(line, { maxLength: 50 }), (lines) => {
        const money = lines.map((l) => ({ currency: l.currency, amount: l.currency === 'JPY' ? String(l.amount) : (l.amount / 100).toFixed(2) }));
        for (const total of totalsByCurrency(money)) {
          const minor = money.filter((m) => m.currency === total.currency).reduce((sum, m) => sum + BigInt(m.amount.replace('.', '')), 0n);
          expect(BigInt(total.amount.replace('.', ''))).toBe(minor);
        }
      }));
    });
  });
});

describe('contractTerms validation', () => {
  it('keeps error statuses lower case, distinct and sorted, without statuses whose class is listed', () => {
    expect(contractTerms({ ...valid(), errorStatuses: ['529', '5XX', '5xx', '503', '404'] }).errorStatuses).toEqual(['404', '5xx']);
  });

  const valid = (): ContractInput => ({
    platform: 'notion', provider: 'anthropic', targetPercent: '99.95', policy: { kind: 'DOWNTIME_MINUTES' },
    monthlyFee: { amount: '48250.00', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z',
  });
  it('fills in the defaults of concepts §6', () => {
    expect(contractTerms(valid())).toMatchObject({
      models: [], timeZone: 'UTC', countRateLimited: false, countTimeouts: true, errorStatuses: null, minimumCredit: null, claimWindowDays: 30, creditTiers: [], effectiveTo: null,
      policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '0.05', minSamples: 1, minConsecutiveMinutes: 1, windowMinutes: 5 },
    });
  });
  it.each([
    [{ targetPercent: '0' }, 'targetPercent must be in (0, 100]'],
    [{ targetPercent: '100.1' }, 'targetPercent must be in (0, 100]'],
    [{ timeZone: 'Mars/Olympus' }, 'IANA time zone'],
    [{ monthlyFee: { amount: '10.5', currency: 'JPY' } }, 'more decimals than JPY allows'],
    [{ monthlyFee: { amount: '10', currency: 'XYZ' } }, 'ISO 4217'],
    [{ creditTiers: [{ uptimeBelow: '99.9', creditPercent: '25' }, { uptimeBelow: '99', creditPercent: '10' }] }, 'must grow as uptime falls'],
    [{ creditTiers: [{ uptimeBelow: '99', creditPercent: '10' }, { uptimeBelow: '99.0', creditPercent: '20' }] }, 'share uptimeBelow'],
    [{ policy: { kind: 'UPTIME' } }, 'policy.kind must be one of'],
    [{ policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '1.5' } }, 'policy.errorRateThreshold must be in (0, 1]'],
    [{ policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '0.0500000001' } }, 'policy.errorRateThreshold may have at most 9 decimals'],
    [{ effectiveTo: '2025-01-01T00:00:00Z' }, 'effectiveTo must be after effectiveFrom'],
    [{ errorStatuses: ['5xx', '6xx'] }, 'errorStatuses entries are HTTP statuses such as "529" or classes such as "5xx", not "6xx"'],
    [{ errorStatuses: ['52'] }, 'not "52"'],
    [{ errorStatuses: [] }, 'errorStatuses must name at least one status or class'],
    [{ minimumCredit: { amount: '1.00', currency: 'EUR' } }, "minimumCredit must be in the fee's currency (USD), not EUR"],
    [{ minimumCredit: { amount: '1.005', currency: 'USD' } }, 'minimumCredit.amount has more decimals than USD allows (2)'],
  ])('refuses %p', (override, message) => {
    expect(() => contractTerms({ ...valid(), ...(override as Partial<ContractInput>) })).toThrow(message);
  });
});
