import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

/**
 * Contracts that count what a vendor's SLA counts (concepts §9), over HTTP and GraphQL: a
 * Google-style contract (only 5xx errors, downtime in runs of 5 minutes or more) and AWS-style
 * ones (every error, no credit under 1.00 USD) on the same September of traffic, each figure
 * worked out by hand below.
 */

const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);

/**
 * Four episodes of 10 requests a minute from "cloudco" to "vertex" (nothing else: minutes without
 * requests are up):
 * - A, 09-10 10:00–10:08: per minute 3 × 503 unavailable, 1 × 500 internal, 1 × 529 overloaded_error, 1 × 404 not_found (all `error`), 4 successes;
 * - B, 09-12 14:00–14:03: per minute 6 × 503 unavailable, 4 successes;
 * - C, 09-15 08:00–08:10: per minute 6 errors without a status (connection_reset), 4 successes;
 * - D, 09-20 20:00–20:06: per minute 3 timeouts (deadline_exceeded, no status), 7 successes.
 */
function septemberTraffic(): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  const episode = (name: string, startIso: string, minutes: number, perMinute: Record<string, unknown>[]) => {
    for (let m = 0; m < minutes; m++) {
      perMinute.forEach((fields, i) => {
        events.push({
          id: `${name}-${m}-${i}`, provider: 'vertex', model: 'gemini-x', occurredAt: new Date(at(startIso) + m * MINUTE + i * 1_000).toISOString(),
          latencyMs: 900, ...fields,
        });
      });
    }
  };
  const times = (n: number, fields: Record<string, unknown>) => Array.from({ length: n }, () => fields);
  const ok = { outcome: 'success', httpStatus: 200 };
  episode('a', '2026-09-10T10:00:00Z', 8, [
    ...times(3, { outcome: 'error', httpStatus: 503, errorCode: 'unavailable' }), { outcome: 'error', httpStatus: 500, errorCode: 'internal' },
    { outcome: 'error', httpStatus: 529, errorCode: 'overloaded_error' }, { outcome: 'error', httpStatus: 404, errorCode: 'not_found' }, ...times(4, ok),
  ]);
  episode('b', '2026-09-12T14:00:00Z', 3, [...times(6, { outcome: 'error', httpStatus: 503, errorCode: 'unavailable' }), ...times(4, ok)]);
  episode('c', '2026-09-15T08:00:00Z', 10, [...times(6, { outcome: 'error', errorCode: 'connection_reset' }), ...times(4, ok)]);
  episode('d', '2026-09-20T20:00:00Z', 6, [...times(3, { outcome: 'timeout', errorCode: 'deadline_exceeded' }), ...times(7, ok)]);
  return events;
}

const contract = (overrides: Record<string, unknown>, policy: Record<string, unknown> = {}) => ({
  platform: 'cloudco', provider: 'vertex', targetPercent: '99.99', policy: { kind: 'DOWNTIME_MINUTES', ...policy },
  creditTiers: [{ uptimeBelow: '99.99', creditPercent: '10' }, { uptimeBelow: '99.9', creditPercent: '25' }],
  monthlyFee: { amount: '10000.00', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z', ...overrides,
});

const CONTRACT_FIELDS = 'id countTimeouts errorStatuses minimumCredit { amount currency } policy { minConsecutiveMinutes }';
const REPORT = `query($id: ID!) { slaReport(contractId: $id, period: "2026-09") {
  uptimePercent met downtimeMinutes creditPercent creditAmount { amount currency } amendedDuringPeriod
  evidence { start end minutes eligibleRequests failedRequests statusBreakdown { httpStatus errorCode count } } } }`;

describe('contracts that count what the vendor counts (failure rules)', () => {
  let service: TestService;

  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const { body } = await service.client.graphql(ADMIN_KEY, query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const define = async (input: Record<string, unknown>) =>
    (await gql(`mutation($input: ContractInput!) { defineContract(input: $input) { ${CONTRACT_FIELDS} } }`, { input })).defineContract;
  const report = async (id: string) => (await gql(REPORT, { id })).slaReport;

  beforeAll(async () => {
    service = await startTestService({ AUTO_ISSUE_STATEMENTS: 'false' });
    const cloudco = (await service.client.createKey('cloudco', ['INGEST'])).secret;
    const { status, body } = await service.client.postEvents(cloudco, septemberTraffic());
    expect([status, body.accepted]).toEqual([200, 270]);
    await waitForProjections(service.client);
  });
  afterAll(() => service.close());

  it('a Google-style contract counts 5xx errors only, and downtime only in runs of 5 minutes or more', async () => {
    const google = await define(contract({ errorStatuses: ['5xx'] }, { minConsecutiveMinutes: 5 }));
    expect(google).toMatchObject({ countTimeouts: true, errorStatuses: ['5xx'], minimumCredit: null, policy: { minConsecutiveMinutes: 5 } });
    // A: 5 of 10 fail each minute (the 404 is eligible, not a failure): 8 down minutes. B: 3 down minutes, a run
    // too short. C: errors without a status are not 5xx: up. D: 3 timeouts of 10, 6 minutes. Downtime 8 + 6 = 14
    // of September's 43,200 minutes: 43,186 / 43,200 = 99.96759…% < 99.99: 10 % of 10,000.00 USD.
    expect(await report(google.id)).toEqual({
      uptimePercent: '99.9676', met: false, downtimeMinutes: 14, creditPercent: '10.00', creditAmount: { amount: '1000.00', currency: 'USD' },
      amendedDuringPeriod: false,
      evidence: [
        {
          start: '2026-09-10T10:00:00.000Z', end: '2026-09-10T10:08:00.000Z', minutes: 8, eligibleRequests: 80, failedRequests: 40,
          // Ties (8 each) by status: 500 before 529. The 404s are not failures here.
          statusBreakdown: [
            { httpStatus: 503, errorCode: 'unavailable', count: 24 }, { httpStatus: 500, errorCode: 'internal', count: 8 },
            { httpStatus: 529, errorCode: 'overloaded_error', count: 8 },
          ],
        },
        {
          start: '2026-09-20T20:00:00.000Z', end: '2026-09-20T20:06:00.000Z', minutes: 6, eligibleRequests: 60, failedRequests: 18,
          statusBreakdown: [{ httpStatus: null, errorCode: 'deadline_exceeded', count: 18 }],
        },
      ],
    });
  });

  it('AWS-style contracts count every error and timeout; a credit under the minimum is none', async () => {
    // Every error counts, downtime from one minute: A 8 (6 of 10 fail), B 3, C 10, D 6 = 27 minutes:
    // 43,173 / 43,200 = 99.9375 % < 99.99: 10 % of a 5.00 USD fee is 0.50 USD.
    const terms = { targetPercent: '99.9', monthlyFee: { amount: '5.00', currency: 'USD' } };
    const withoutMinimum = await define(contract(terms));
    const aws = await define(contract({ ...terms, minimumCredit: { amount: '1.00', currency: 'USD' } }));
    expect(aws).toMatchObject({ countTimeouts: true, errorStatuses: null, minimumCredit: { amount: '1.00', currency: 'USD' } });
    const expectedRuns = [
      ['2026-09-10T10:00:00.000Z', '2026-09-10T10:08:00.000Z', 8, 80, 48],
      ['2026-09-12T14:00:00.000Z', '2026-09-12T14:03:00.000Z', 3, 30, 18],
      ['2026-09-15T08:00:00.000Z', '2026-09-15T08:10:00.000Z', 10, 100, 60],
      ['2026-09-20T20:00:00.000Z', '2026-09-20T20:06:00.000Z', 6, 60, 18],
    ].map(([start, end, minutes, eligibleRequests, failedRequests]) => ({ start, end, minutes, eligibleRequests, failedRequests }));
    const plain = await report(withoutMinimum.id);
    expect(plain).toMatchObject({ uptimePercent: '99.9375', met: true, downtimeMinutes: 27, creditPercent: '10.00', creditAmount: { amount: '0.50', currency: 'USD' } });
    expect(plain.evidence).toMatchObject(expectedRuns);
    // The 404s count here, and C's errors without a status.
    expect(plain.evidence[0].statusBreakdown).toEqual([
      { httpStatus: 503, errorCode: 'unavailable', count: 24 }, { httpStatus: 404, errorCode: 'not_found', count: 8 },
      { httpStatus: 500, errorCode: 'internal', count: 8 }, { httpStatus: 529, errorCode: 'overloaded_error', count: 8 },
    ]);
    expect(plain.evidence[2].statusBreakdown).toEqual([{ httpStatus: null, errorCode: 'connection_reset', count: 60 }]);
    // The same figures, but 0.50 USD is under the 1.00 USD minimum: no credit, and its percent 0.
    const minimum = await report(aws.id);
    expect(minimum).toMatchObject({ uptimePercent: '99.9375', downtimeMinutes: 27, creditPercent: '0.00', creditAmount: { amount: '0.00', currency: 'USD' } });
    expect(minimum.evidence).toMatchObject(expectedRuns);
  });

  it('changes the rules by an ordinary amendment; not counting timeouts takes them out of eligible requests', async () => {
    const google = await define(contract({ errorStatuses: ['5xx'] }, { minConsecutiveMinutes: 5 }));
    // From 09-25 every error counts and timeouts do not; the terms at the month's end apply to all of it:
    // A 8 (6 of 10), B too short, C 10, D up (timeouts neither fail nor count). 18 minutes: 43,182 / 43,200 = 99.95833… %.
    await gql(`mutation($id: ID!, $input: ContractInput!) { amendContract(id: $id, input: $input, effectiveFrom: "2026-09-25T00:00:00Z") { version } }`, {
      id: google.id, input: contract({ countTimeouts: false }, { minConsecutiveMinutes: 5 }),
    });
    const amended = await report(google.id);
    expect(amended).toMatchObject({ uptimePercent: '99.9583', downtimeMinutes: 18, amendedDuringPeriod: true });
    expect(amended.evidence.map((run: { start: string; failedRequests: number }) => [run.start, run.failedRequests])).toEqual([
      ['2026-09-10T10:00:00.000Z', 48], ['2026-09-15T08:00:00.000Z', 60],
    ]);
  });

  it('refuses rules it cannot apply, with the reason', async () => {
    const { body } = await service.client.graphql(ADMIN_KEY, `mutation($input: ContractInput!) { defineContract(input: $input) { id } }`, {
      input: contract({ errorStatuses: ['5xx', '600'], minimumCredit: { amount: '1.00', currency: 'EUR' } }),
    });
    expect(body.errors[0].message).toContain('errorStatuses entries are HTTP statuses such as "529" or classes such as "5xx", not "600"');
    expect(body.errors[0].message).toContain("minimumCredit must be in the fee's currency (USD), not EUR");
  });
});
