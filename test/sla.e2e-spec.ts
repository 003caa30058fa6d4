import { seedDayExpected, seedDayFile } from './support/seed-day';
import { outcomeEvent } from './support/events';
import { StatementService, STATEMENT_GRACE_MS } from '@ledger/reporting';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

const REPORT_FIELDS = `contract { id platform provider timeZone } contractVersion amendedDuringPeriod period periodStart periodEnd final
  uptimePercent targetPercent met eligibleMinutes excludedMinutes downtimeMinutes allowedDowntimeMinutes budgetRemainingMinutes
  budgetBurn creditPercent creditAmount { amount currency } claimDeadline
  evidence { start end minutes eligibleRequests failedRequests } eventsCounted statementVersion eventsAfterStatement differsFromStatement`;


async function gql(service: TestService, query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY) {
  const { body } = await service.client.graphql(key, query, variables);
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const DEFINE = `mutation($input: ContractInput!) { defineContract(input: $input) { id version platform provider models timeZone targetPercent
  policy { kind errorRateThreshold minSamples minConsecutiveMinutes windowMinutes } countRateLimited creditTiers { uptimeBelow creditPercent }
  monthlyFee { amount currency } claimWindowDays effectiveFrom effectiveTo } }`;

describe('SLA contracts, reports, credits and statements', () => {
  let service: TestService;
  let notion: string;

  beforeAll(async () => {
    // Statements are issued by hand here, so that version numbers are the test's to predict.
    service = await startTestService({ AUTO_ISSUE_STATEMENTS: 'false' });
    notion = (await service.client.createKey('notion', ['INGEST', 'READ'])).secret;
    await service.client.createKey('acme-wiki', ['INGEST']);
  });
  afterAll(() => service.close());

  it('reproduces the seed day\'s June report for the New York contract exactly', async () => {
    const expected = seedDayExpected();
    const acme = (await service.client.createKey('acme-wiki', ['INGEST'])).secret;
    await service.client.postRaw(notion, 'application/x-ndjson', seedDayFile('notion'));
    await service.client.postRaw(acme, 'application/x-ndjson', seedDayFile('acme-wiki'));
    await waitForProjections(service.client);
    const { defineContract } = await gql(service, DEFINE, { input: expected.contract });
    expect(defineContract).toMatchObject({ version: 1, platform: 'notion', timeZone: 'America/New_York', effectiveTo: null });
    const { slaReport } = await gql(service, `query($id: ID!) { slaReport(contractId: $id, period: "2026-06") { ${REPORT_FIELDS} } }`, { id: defineContract.id });
    const { currency, ...figures } = expected.slaReport;
    expect(slaReport).toMatchObject({ ...figures, creditAmount: { amount: expected.slaReport.creditAmount, currency }, final: true });
  });

  it('drives a month end to end: contracts, maintenance, reports, credits, CSV, statements, late events', async () => {
    // A month of traffic from "docsco" to "vendor": 4 requests a minute on each of two models, with injected failures.
    await service.client.createKey('docsco', ['INGEST']);
    const docsco = (await service.client.createKey('docsco', ['INGEST', 'READ'])).secret;
    const start = Date.UTC(2026, 8, 1); // September 2026, UTC
    const failingHours = new Set([5 * 24 + 3, 17 * 24 + 12]); // two bad hours on "alpha"
    const events = [];
    for (let minute = 0; minute < 30 * 1440; minute++) {
      for (const model of ['alpha', 'beta']) {
        for (let r = 0; r < 2; r++) {
          const failing = model === 'alpha' && failingHours.has(Math.floor(minute / 60));
          events.push(outcomeEvent(`m-${model}-${minute}-${r}`, {
            provider: 'vendor', model, occurredAt: new Date(start + minute * 60_000 + r * 20_000).toISOString(),
            outcome: failing ? 'error' : minute % 97 === 0 && r === 0 ? 'rate_limited' : 'success',
          }));
        }
      }
    }
    for (let i = 0; i < events.length; i += 10_000) {
      const { status, body } = await service.client.postEvents(docsco, events.slice(i, i + 10_000));
      expect(status).toBe(200);
      expect(body.rejected).toEqual([]);
    }
    const base = {
      platform: 'docsco', provider: 'vendor', targetPercent: '99.9', policy: { kind: 'DOWNTIME_MINUTES' },
      creditTiers: [{ uptimeBelow: '99.9', creditPercent: '10' }, { uptimeBelow: '99.5', creditPercent: '25' }],
      monthlyFee: { amount: '1000.00', currency: 'EUR' }, effectiveFrom: '2026-01-01T00:00:00Z',
    };
    const all = (await gql(service, DEFINE, { input: base })).defineContract;
    const betaOnly = (await gql(service, DEFINE, { input: { ...base, models: ['beta'], monthlyFee: { amount: '50000', currency: 'JPY' } } })).defineContract;
    const ratio = (await gql(service, DEFINE, { input: { ...base, policy: { kind: 'REQUEST_SUCCESS_RATIO' }, countRateLimited: true } })).defineContract;
    // Maintenance on "alpha" during its second bad hour: excluded for contracts covering alpha only.
    await gql(service, `mutation { declareMaintenance(input: { provider: "vendor", models: ["alpha"], start: "2026-09-18T12:00:00Z",
      end: "2026-09-18T13:00:00Z", reason: "planned upgrade" }) { id models } }`);
    await waitForProjections(service.client);

    const report = async (id: string) =>
      (await gql(service, `query($id: ID!) { slaReport(contractId: $id, period: "2026-09") { ${REPORT_FIELDS} } }`, { id })).slaReport;
    const allReport = await report(all.id);
    expect(allReport).toMatchObject({
      final: true, eligibleMinutes: 43_200 - 60, excludedMinutes: 60, downtimeMinutes: 60, met: false,
      uptimePercent: '99.8609', creditPercent: '10.00', creditAmount: { amount: '100.00', currency: 'EUR' },
      allowedDowntimeMinutes: '43.1400', budgetRemainingMinutes: '-16.8600',
    });
    expect(allReport.evidence).toEqual([{ start: '2026-09-06T03:00:00.000Z', end: '2026-09-06T04:00:00.000Z', minutes: 60, eligibleRequests: 240, failedRequests: 120 }]);
    expect(await report(betaOnly.id)).toMatchObject({ excludedMinutes: 0, downtimeMinutes: 0, met: true, uptimePercent: '100.0000', creditAmount: { amount: '0', currency: 'JPY' } });
    const ratioReport = await report(ratio.id);
    expect(ratioReport.downtimeMinutes).toBeNull();
    expect(ratioReport.met).toBe(false); // 240 failures and 446 throttled of 172,800

    const { credits } = await gql(service, '{ credits(period: "2026-09") { period totals { currency amount } lines { contract platform uptimePercent creditPercent creditAmount { amount currency } } } }');
    const mine = credits.lines.filter((l: any) => [all.id, betaOnly.id, ratio.id].includes(l.contract));
    expect(mine).toHaveLength(3);
    expect(credits.totals).toEqual(expect.arrayContaining([{ currency: 'JPY', amount: '0' }]));

    // A platform key sees its own contracts only.
    const own = await gql(service, '{ credits(period: "2026-09") { lines { platform } } }', {}, docsco);
    expect(new Set(own.credits.lines.map((l: any) => l.platform))).toEqual(new Set(['docsco']));
    const other = await service.client.graphql(notion, `{ slaReport(contractId: "${all.id}", period: "2026-09") { uptimePercent } }`);
    expect(other.body.errors[0].message).toContain('no contract');

    // Spreadsheet exports.
    const csv = await fetch(`${service.url}/v1/reports/credits.csv?period=2026-09`, { headers: { authorization: `Bearer ${docsco}` } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toBe('contract,platform,provider,period,uptime_percent,credit_percent,credit_amount,currency,claim_deadline,final');
    expect(rows).toContain(`${all.id},docsco,vendor,2026-09,99.8609,10.00,100.00,EUR,2026-10-31T00:00:00.000Z,true`);
    const sla = await fetch(`${service.url}/v1/reports/sla.csv?period=2026-09`, { headers: { authorization: `Bearer ${docsco}` } });
    expect((await sla.text()).split('\r\n')[0]).toContain('uptime_percent,met,eligible_minutes');
    expect((await fetch(`${service.url}/v1/reports/sla.csv?period=09-2026`, { headers: { authorization: `Bearer ${docsco}` } })).status).toBe(400);

    // Statements freeze the month; late events change the live report only.
    const issued = (await gql(service, `mutation { issueStatement(contractId: "${all.id}", period: "2026-09") { version uptimePercent creditAmount { amount } eventsCounted } }`)).issueStatement;
    expect(issued).toMatchObject({ version: 1, uptimePercent: '99.8609', creditAmount: { amount: '100.00' } });
    const late = Array.from({ length: 12 }, (_, i) => outcomeEvent(`late-${i}`, { provider: 'vendor', model: 'beta', occurredAt: `2026-09-25T10:0${Math.floor(i / 4)}:1${i % 4}Z`, outcome: 'timeout' }));
    expect((await service.client.postEvents(docsco, late)).body.accepted).toBe(12);
    await waitForProjections(service.client);
    const after = await report(all.id);
    expect(after).toMatchObject({ statementVersion: 1, eventsAfterStatement: 12, differsFromStatement: true, downtimeMinutes: 63 });
    const { statements } = await gql(service, `{ statements(contractId: "${all.id}") { version uptimePercent eventsCounted report { downtimeMinutes } } }`);
    expect(statements).toEqual([{ version: 1, uptimePercent: '99.8609', eventsCounted: issued.eventsCounted, report: { downtimeMinutes: 60 } }]);
    const reissued = (await gql(service, `mutation { issueStatement(contractId: "${all.id}", period: "2026-09") { version uptimePercent } }`)).issueStatement;
    expect(reissued).toEqual({ version: 2, uptimePercent: '99.8540' });
    expect((await report(all.id)).differsFromStatement).toBe(false);

    // The current month cannot be issued yet.
    const early = await service.client.graphql(ADMIN_KEY, `mutation { issueStatement(contractId: "${all.id}", period: "2099-01") { version } }`);
    expect(early.body.errors[0].message).toContain('has not ended');
  });

  it('applies the terms in force at the period\'s end, and says so', async () => {
    await service.client.createKey('amendco', ['INGEST']);
    const base = {
      platform: 'amendco', provider: 'vendor', targetPercent: '99.9', policy: { kind: 'DOWNTIME_MINUTES' },
      monthlyFee: { amount: '10.00', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z',
    };
    const { defineContract } = await gql(service, DEFINE, { input: base });
    const { amendContract } = await gql(
      service,
      'mutation($id: ID!, $input: ContractInput!) { amendContract(id: $id, input: $input, effectiveFrom: "2026-09-15T00:00:00Z") { version targetPercent } }',
      { id: defineContract.id, input: { ...base, targetPercent: '95' } },
    );
    expect(amendContract).toEqual({ version: 2, targetPercent: '95' });
    const sept = (await gql(service, `{ slaReport(contractId: "${defineContract.id}", period: "2026-09") { contractVersion amendedDuringPeriod targetPercent } }`)).slaReport;
    expect(sept).toEqual({ contractVersion: 2, amendedDuringPeriod: true, targetPercent: '95' });
    const aug = (await gql(service, `{ slaReport(contractId: "${defineContract.id}", period: "2026-08") { contractVersion amendedDuringPeriod targetPercent } }`)).slaReport;
    expect(aug).toEqual({ contractVersion: 1, amendedDuringPeriod: false, targetPercent: '99.9' });
    const ended = (await gql(service, `mutation { endContract(id: "${defineContract.id}", effectiveTo: "2026-10-16T00:00:00Z") { version effectiveTo } }`)).endContract;
    expect(ended).toEqual({ version: 3, effectiveTo: '2026-10-16T00:00:00.000Z' });
    const oct = (await gql(service, `{ slaReport(contractId: "${defineContract.id}", period: "2026-10") { excludedMinutes eligibleMinutes } }`)).slaReport;
    expect(oct).toEqual({ excludedMinutes: 16 * 1440, eligibleMinutes: 15 * 1440 });
  });

  it('issues statements by itself once the grace delay after a period has passed', async () => {
    await service.client.createKey('schedco', ['INGEST']);
    const { defineContract } = await gql(service, DEFINE, {
      input: { platform: 'schedco', provider: 'vendor', targetPercent: '99', policy: { kind: 'DOWNTIME_MINUTES' }, monthlyFee: { amount: '5', currency: 'USD' }, effectiveFrom: '2026-08-01T00:00:00Z' },
    });
    const statements = service.app.get(StatementService);
    const octoberEnd = Date.parse('2026-11-01T00:00:00Z');
    const mine = async () => (await gql(service, `{ statements(contractId: "${defineContract.id}") { period version } }`)).statements;
    await statements.issueDue(octoberEnd + STATEMENT_GRACE_MS - 1);
    expect(await mine()).toEqual([{ period: '2026-08', version: 1 }, { period: '2026-09', version: 1 }]);
    await statements.issueDue(octoberEnd + STATEMENT_GRACE_MS);
    await statements.issueDue(octoberEnd + STATEMENT_GRACE_MS + 60_000);
    expect(await mine()).toEqual([{ period: '2026-08', version: 1 }, { period: '2026-09', version: 1 }, { period: '2026-10', version: 1 }]);
  });

  it('refuses invalid contracts with every reason', async () => {
    const { body } = await service.client.graphql(ADMIN_KEY, DEFINE, {
      input: {
        platform: 'nobody', provider: 'vendor', targetPercent: '101', timeZone: 'Nowhere/City', policy: { kind: 'DOWNTIME_MINUTES' },
        monthlyFee: { amount: '1.5', currency: 'JPY' }, effectiveFrom: '2026-01-01T00:00:00Z',
      },
    });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    for (const reason of ['targetPercent must be in (0, 100]', 'IANA time zone', 'more decimals than JPY allows']) expect(body.errors[0].message).toContain(reason);
    const unknownPlatform = await service.client.graphql(ADMIN_KEY, DEFINE, {
      input: { platform: 'nobody', provider: 'vendor', targetPercent: '99', policy: { kind: 'DOWNTIME_MINUTES' }, monthlyFee: { amount: '1', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z' },
    });
    expect(unknownPlatform.body.errors[0].message).toContain('no API key belongs to platform "nobody"');
    const notAdmin = await service.client.graphql(notion, DEFINE, { input: seedDayExpected().contract });
    expect(notAdmin.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
