import { outcomeEvent } from './support/events';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

const CONTRACT_FIELDS = `id version platform provider models timeZone targetPercent
  policy { kind errorRateThreshold minSamples minConsecutiveMinutes windowMinutes } countRateLimited creditTiers { uptimeBelow creditPercent }
  monthlyFee { amount currency } claimWindowDays effectiveFrom effectiveTo inForceFrom`;
const REPORT_FIELDS = `contract { ${CONTRACT_FIELDS} } contractVersion amendedDuringPeriod period periodStart periodEnd final
  uptimePercent targetPercent met eligibleMinutes excludedMinutes downtimeMinutes allowedDowntimeMinutes budgetRemainingMinutes
  budgetBurn creditPercent creditAmount { amount currency } claimDeadline
  evidence { start end minutes eligibleRequests failedRequests } eventsCounted statementVersion eventsAfterStatement differsFromStatement`;
const CONTRACTS = `query($platform: String, $provider: String) { contracts(platform: $platform, provider: $provider) { ${CONTRACT_FIELDS} } }`;
const SLA_REPORTS = `query($period: String!, $platform: String, $provider: String) {
  slaReports(period: $period, platform: $platform, provider: $provider) { ${REPORT_FIELDS} } }`;

interface Input {
  platform: string;
  provider: string;
  models?: string[];
  timeZone?: string;
  targetPercent: string;
  policy: { kind: string; windowMinutes?: number };
  countRateLimited?: boolean;
  creditTiers?: { uptimeBelow: string; creditPercent: string }[];
  monthlyFee: { amount: string; currency: string };
  claimWindowDays?: number;
  effectiveFrom: string;
  effectiveTo?: string;
}

const iso = (instant: string) => new Date(instant).toISOString();

/** A contract as GraphQL shows it: the input with the documented defaults (schema.graphql.ts, ContractInput) filled in. */
function expectedContract(id: string, version: number, input: Input, inForceFrom = input.effectiveFrom) {
  return {
    id,
    version,
    platform: input.platform,
    provider: input.provider,
    models: [...(input.models ?? [])].sort(),
    timeZone: input.timeZone ?? 'UTC',
    targetPercent: input.targetPercent,
    policy: { errorRateThreshold: '0.05', minSamples: 1, minConsecutiveMinutes: 1, windowMinutes: 5, ...input.policy },
    countRateLimited: input.countRateLimited ?? false,
    creditTiers: [...(input.creditTiers ?? [])].sort((a, b) => Number(b.uptimeBelow) - Number(a.uptimeBelow)),
    monthlyFee: input.monthlyFee,
    claimWindowDays: input.claimWindowDays ?? 30,
    effectiveFrom: iso(input.effectiveFrom),
    effectiveTo: input.effectiveTo === undefined ? null : iso(input.effectiveTo),
    inForceFrom: iso(inForceFrom),
  };
}

/** 100·n/d rounded half-up to 4 places, as the service prints uptime. */
function percent4(n: number, d: number): string {
  const scaled = (BigInt(n) * 2_000_000n + BigInt(d)) / (2n * BigInt(d));
  return `${scaled / 10_000n}.${(scaled % 10_000n).toString().padStart(4, '0')}`;
}

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
const byContractId = (a: { contract: { id: string } }, b: { contract: { id: string } }) => a.contract.id.localeCompare(b.contract.id);

/**
 * Two requests a minute, at :00 and :30, over minutes [from, from + count) of 2026-07-10 UTC; the
 * request at :30 fails in the minutes listed in `failing`.
 */
function traffic(prefix: string, provider: string, model: string, count: number, failing: (minute: number) => boolean) {
  return Array.from({ length: count * 2 }, (_, i) => {
    const minute = Math.floor(i / 2);
    const second = (i % 2) * 30;
    return outcomeEvent(`${prefix}-${i}`, {
      provider, model, occurredAt: new Date(Date.UTC(2026, 6, 10, 0, minute, second)).toISOString(),
      outcome: second === 30 && failing(minute) ? 'error' : 'success',
    });
  });
}

describe('contracts and slaReports in GraphQL, scoped by platform', () => {
  let service: TestService;
  let alpha: string; // platform "alpha-co", INGEST + READ
  let beta: string; // platform "beta-co", INGEST + READ
  let staff: string; // no platform, READ
  const ids: Record<'a1' | 'a2' | 'b1', string> = { a1: '', a2: '', b1: '' };
  let expected: Record<'a1' | 'a2' | 'b1', ReturnType<typeof expectedContract>>;

  const gql = async (key: string, query: string, variables: Record<string, unknown> = {}) => {
    const { status, body } = await service.client.graphql(key, query, variables);
    if (body.errors) throw new Error(`${status} ${JSON.stringify(body.errors)}`);
    return body.data;
  };

  // alpha-co and vendor-a: all models, downtime minutes, amended in June (target 99.9 → 99.5).
  const a1: Input = {
    platform: 'alpha-co', provider: 'vendor-a', targetPercent: '99.9', policy: { kind: 'DOWNTIME_MINUTES' },
    creditTiers: [{ uptimeBelow: '99.9', creditPercent: '10' }], monthlyFee: { amount: '1000.00', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z',
  };
  const a1Amended: Input = { ...a1, targetPercent: '99.5', creditTiers: [{ uptimeBelow: '99.5', creditPercent: '10' }] };
  // alpha-co and vendor-b: two models (given unsorted), average error rate, Berlin months, every optional field set.
  const a2: Input = {
    platform: 'alpha-co', provider: 'vendor-b', models: ['m2', 'm1'], timeZone: 'Europe/Berlin', targetPercent: '99.9',
    policy: { kind: 'AVERAGE_ERROR_RATE', windowMinutes: 10 }, countRateLimited: true,
    creditTiers: [{ uptimeBelow: '99', creditPercent: '20' }, { uptimeBelow: '99.9', creditPercent: '5' }],
    monthlyFee: { amount: '20000', currency: 'JPY' }, claimWindowDays: 45, effectiveFrom: '2026-03-01T00:00:00+01:00', effectiveTo: '2027-01-01T00:00:00Z',
  };
  // beta-co and vendor-a: request success ratio.
  const b1: Input = {
    platform: 'beta-co', provider: 'vendor-a', targetPercent: '99.5', policy: { kind: 'REQUEST_SUCCESS_RATIO' },
    creditTiers: [{ uptimeBelow: '99.5', creditPercent: '10' }, { uptimeBelow: '99', creditPercent: '25' }],
    monthlyFee: { amount: '500.00', currency: 'EUR' }, effectiveFrom: '2026-01-01T00:00:00Z',
  };

  beforeAll(async () => {
    service = await startTestService({ AUTO_ISSUE_STATEMENTS: 'false' });
    alpha = (await service.client.createKey('alpha-co', ['INGEST', 'READ'])).secret;
    beta = (await service.client.createKey('beta-co', ['INGEST', 'READ'])).secret;
    staff = (await service.client.createKey(null, ['READ'])).secret;
    const define = `mutation($input: ContractInput!) { defineContract(input: $input) { ${CONTRACT_FIELDS} } }`;
    for (const [name, input] of [['a1', a1], ['a2', a2], ['b1', b1]] as const) {
      const { defineContract } = await gql(ADMIN_KEY, define, { input });
      expect(defineContract).toEqual(expectedContract(defineContract.id, 1, input));
      ids[name] = defineContract.id;
    }
    const { amendContract } = await gql(ADMIN_KEY, `mutation($id: ID!, $input: ContractInput!) {
      amendContract(id: $id, input: $input, effectiveFrom: "2026-06-01T00:00:00Z") { ${CONTRACT_FIELDS} } }`, { id: ids.a1, input: a1Amended });
    expect(amendContract).toEqual(expectedContract(ids.a1, 2, a1Amended, '2026-06-01T00:00:00Z'));
    expected = { a1: amendContract, a2: expectedContract(ids.a2, 1, a2), b1: expectedContract(ids.b1, 1, b1) };

    // July traffic. Only the first two batches belong to a contract; the other two must count nowhere.
    const batches: [string, Record<string, unknown>[]][] = [
      [alpha, traffic('a-va', 'vendor-a', 'm1', 10, (m) => m >= 2 && m <= 4)], // a1: 20 events, minutes 2–4 half failing
      [beta, traffic('b-va', 'vendor-a', 'm1', 10, (m) => m === 7)], // b1: 20 events, one failure
      [alpha, traffic('a-vb', 'vendor-b', 'm3', 5, () => true)], // vendor-b, but a model a2 does not cover
      [beta, traffic('b-vb', 'vendor-b', 'm1', 5, () => true)], // vendor-b and a2's model, but beta-co's
    ];
    for (const [key, events] of batches) {
      const { status, body } = await service.client.postEvents(key, events);
      expect(status).toBe(200);
      expect(body).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
    }
    await waitForProjections(service.client);
  });
  afterAll(() => service.close());

  describe('contracts', () => {
    it('shows an admin and a staff key every contract at its latest version', async () => {
      const all = [expected.a1, expected.a2, expected.b1].sort(byId);
      for (const key of [ADMIN_KEY, staff]) expect((await gql(key, CONTRACTS)).contracts.sort(byId)).toEqual(all);
    });

    it('filters by platform, by provider and by both', async () => {
      const cases: [Record<string, string>, (keyof typeof expected)[]][] = [
        [{ platform: 'alpha-co' }, ['a1', 'a2']],
        [{ platform: 'beta-co' }, ['b1']],
        [{ provider: 'vendor-a' }, ['a1', 'b1']],
        [{ provider: 'vendor-b' }, ['a2']],
        [{ platform: 'alpha-co', provider: 'vendor-a' }, ['a1']],
        [{ platform: 'beta-co', provider: 'vendor-b' }, []],
        [{ platform: 'nobody' }, []],
      ];
      for (const [filter, names] of cases) {
        const { contracts } = await gql(ADMIN_KEY, CONTRACTS, filter);
        expect({ filter, contracts: contracts.sort(byId) }).toEqual({ filter, contracts: names.map((n) => expected[n]).sort(byId) });
      }
    });

    it("shows a platform key with READ its own platform's contracts only", async () => {
      expect((await gql(alpha, CONTRACTS)).contracts.sort(byId)).toEqual([expected.a1, expected.a2].sort(byId));
      expect((await gql(alpha, CONTRACTS, { platform: 'alpha-co' })).contracts.sort(byId)).toEqual([expected.a1, expected.a2].sort(byId));
      expect((await gql(alpha, CONTRACTS, { provider: 'vendor-a' })).contracts).toEqual([expected.a1]);
      expect((await gql(alpha, CONTRACTS, { provider: 'vendor-c' })).contracts).toEqual([]);
      expect((await gql(beta, CONTRACTS)).contracts).toEqual([expected.b1]);
      expect((await gql(beta, CONTRACTS, { provider: 'vendor-b' })).contracts).toEqual([]);
    });

    it("refuses a platform key another platform's contracts, a key without READ and no key", async () => {
      const other = await service.client.graphql(alpha, CONTRACTS, { platform: 'beta-co' });
      expect(other.status).toBe(403);
      expect(other.body.data).toBeNull();
      expect(other.body.errors).toMatchObject([{ message: 'this key reads platform "alpha-co" only', extensions: { code: 'FORBIDDEN' } }]);
      const ingestOnly = (await service.client.createKey('alpha-co', ['INGEST'])).secret;
      const unread = await service.client.graphql(ingestOnly, CONTRACTS);
      expect(unread.status).toBe(403);
      expect(unread.body.errors).toMatchObject([{ message: 'this key lacks the read scope', extensions: { code: 'FORBIDDEN' } }]);
      const anonymous = await service.client.graphql(null, CONTRACTS);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
    });
  });

  describe('slaReports', () => {
    const JULY_MINUTES = 31 * 1440;
    // Each report worked out by hand from the contract and the July traffic posted above.
    let reports: Record<'a1' | 'a2' | 'b1', unknown>;
    beforeAll(() => {
      const common = { period: '2026-07', final: true, excludedMinutes: 0, eligibleMinutes: JULY_MINUTES, statementVersion: null, eventsAfterStatement: null, differsFromStatement: null };
      const utcMonth = { periodStart: '2026-07-01T00:00:00.000Z', periodEnd: '2026-08-01T00:00:00.000Z', claimDeadline: '2026-08-31T00:00:00.000Z' }; // + 30 days
      reports = {
        // Version 2 is in force at July's end (since June, so not amended during July). Three
        // down minutes (1 of 2 requests failing ≥ 5 %): 3 of 44,640 minutes. Allowed: 0.5 % of
        // 44,640 = 223.2 minutes; 220.2 left; burn 3 / 223.2 = 0.01344… over the whole month.
        a1: {
          ...common, ...utcMonth, contract: expected.a1, contractVersion: 2, amendedDuringPeriod: false,
          uptimePercent: percent4(JULY_MINUTES - 3, JULY_MINUTES), targetPercent: '99.5', met: true, downtimeMinutes: 3,
          allowedDowntimeMinutes: '223.2000', budgetRemainingMinutes: '220.2000', budgetBurn: '0.0134',
          creditPercent: '0.00', creditAmount: { amount: '0.00', currency: 'USD' },
          evidence: [{ start: '2026-07-10T00:02:00.000Z', end: '2026-07-10T00:05:00.000Z', minutes: 3, eligibleRequests: 6, failedRequests: 3 }],
          eventsCounted: 20,
        },
        // July in Berlin (UTC+2): 30 June 22:00Z to 31 July 22:00Z; claim deadline 45 days later,
        // local midnight 15 September = 14 September 22:00Z. Its models saw no alpha-co traffic.
        a2: {
          ...common, contract: expected.a2, contractVersion: 1, amendedDuringPeriod: false,
          periodStart: '2026-06-30T22:00:00.000Z', periodEnd: '2026-07-31T22:00:00.000Z', claimDeadline: '2026-09-14T22:00:00.000Z',
          uptimePercent: '100.0000', targetPercent: '99.9', met: true, downtimeMinutes: null,
          allowedDowntimeMinutes: null, budgetRemainingMinutes: null, budgetBurn: null,
          creditPercent: '0.00', creditAmount: { amount: '0', currency: 'JPY' }, evidence: [], eventsCounted: 0,
        },
        // 19 of 20 requests succeeded: 95 %, below 99 → 25 % of 500.00 EUR. The failing minute is evidence.
        b1: {
          ...common, ...utcMonth, contract: expected.b1, contractVersion: 1, amendedDuringPeriod: false,
          uptimePercent: percent4(19, 20), targetPercent: '99.5', met: false, downtimeMinutes: null,
          allowedDowntimeMinutes: null, budgetRemainingMinutes: null, budgetBurn: null,
          creditPercent: '25.00', creditAmount: { amount: '125.00', currency: 'EUR' },
          evidence: [{ start: '2026-07-10T00:07:00.000Z', end: '2026-07-10T00:08:00.000Z', minutes: 1, eligibleRequests: 2, failedRequests: 1 }],
          eventsCounted: 20,
        },
      };
      expect([percent4(JULY_MINUTES - 3, JULY_MINUTES), percent4(19, 20)]).toEqual(['99.9933', '95.0000']); // 44,637 / 44,640 = 0.999932796…
    });
    const expectedReports = (names: ('a1' | 'a2' | 'b1')[]) => names.map((n) => reports[n] as { contract: { id: string } }).sort(byContractId);

    it('gives an admin and a staff key every contract\'s report, exactly', async () => {
      for (const key of [ADMIN_KEY, staff]) {
        expect((await gql(key, SLA_REPORTS, { period: '2026-07' })).slaReports.sort(byContractId)).toEqual(expectedReports(['a1', 'a2', 'b1']));
      }
    });

    it('filters by platform, by provider and by both', async () => {
      const cases: [Record<string, string>, ('a1' | 'a2' | 'b1')[]][] = [
        [{ platform: 'alpha-co' }, ['a1', 'a2']],
        [{ platform: 'beta-co' }, ['b1']],
        [{ provider: 'vendor-a' }, ['a1', 'b1']],
        [{ provider: 'vendor-b' }, ['a2']],
        [{ platform: 'beta-co', provider: 'vendor-a' }, ['b1']],
        [{ platform: 'beta-co', provider: 'vendor-b' }, []],
      ];
      for (const [filter, names] of cases) {
        const { slaReports } = await gql(ADMIN_KEY, SLA_REPORTS, { period: '2026-07', ...filter });
        expect({ filter, reports: slaReports.sort(byContractId) }).toEqual({ filter, reports: expectedReports(names) });
      }
    });

    it("gives a platform key with READ its own platform's reports only", async () => {
      expect((await gql(alpha, SLA_REPORTS, { period: '2026-07' })).slaReports.sort(byContractId)).toEqual(expectedReports(['a1', 'a2']));
      expect((await gql(alpha, SLA_REPORTS, { period: '2026-07', provider: 'vendor-b' })).slaReports).toEqual(expectedReports(['a2']));
      expect((await gql(alpha, SLA_REPORTS, { period: '2026-07', platform: 'alpha-co', provider: 'vendor-a' })).slaReports).toEqual(expectedReports(['a1']));
      expect((await gql(beta, SLA_REPORTS, { period: '2026-07' })).slaReports).toEqual(expectedReports(['b1']));
      expect((await gql(beta, SLA_REPORTS, { period: '2026-07', provider: 'vendor-b' })).slaReports).toEqual([]);
      const other = await service.client.graphql(beta, SLA_REPORTS, { period: '2026-07', platform: 'alpha-co' });
      expect(other.status).toBe(403);
      expect(other.body.data).toBeNull();
      expect(other.body.errors).toMatchObject([{ message: 'this key reads platform "beta-co" only', extensions: { code: 'FORBIDDEN' } }]);
    });

    it('refuses a period that is not YYYY-MM', async () => {
      const bad = await service.client.graphql(ADMIN_KEY, SLA_REPORTS, { period: '2026-13' });
      expect(bad.body.data).toBeNull();
      expect(bad.body.errors).toMatchObject([{ message: 'period must be a month written YYYY-MM, not "2026-13"', extensions: { code: 'BAD_USER_INPUT' } }]);
    });
  });
});
