import { parse } from 'csv-parse/sync';
import { seedDayExpected, seedDayFile } from './support/seed-day';
import { outcomeEvent } from './support/events';
import { StatementService, STATEMENT_GRACE_MS } from '@ledger/reporting';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

const REPORT_FIELDS = `contract { id platform provider timeZone } contractVersion amendedDuringPeriod period periodStart periodEnd final
  uptimePercent targetPercent met eligibleMinutes excludedMinutes downtimeMinutes allowedDowntimeMinutes budgetRemainingMinutes
  budgetBurn creditPercent creditAmount { amount currency } claimDeadline
  evidence { start end minutes eligibleRequests failedRequests } eventsCounted statementVersion eventsAfterStatement differsFromStatement`;


/** A CSV export as one object per row, keyed by the header's column names; every row has every column. */
function csvObjects(text: string): { header: string[]; rows: Record<string, string>[] } {
  // Strict RFC 4180: records end with CRLF, and every record has as many fields as the header.
  const [header, ...records] = parse(text, { record_delimiter: '\r\n' }) as string[][];
  if (header === undefined) throw new Error('CSV: no header row');
  for (const r of records) if (r.length !== header.length) throw new Error(`CSV: a row of ${r.length} fields under ${header.length} columns: ${r.join(',')}`);
  return { header, rows: records.map((r) => Object.fromEntries(header.map((column, i) => [column, r[i]!]))) };
}

/** 100·n/d rounded half-up to 4 places, as the service prints uptime (n, d ≥ 0, d > 0). */
function percent4(n: number, d: number): string {
  const scaled = (BigInt(n) * 2_000_000n + BigInt(d)) / (2n * BigInt(d)); // round(n·10⁶/d), half up
  return `${scaled / 10_000n}.${(scaled % 10_000n).toString().padStart(4, '0')}`;
}

/** Decimal amounts as integers of their smallest digit (cents for "100.00"), to add them exactly. */
const minorUnits = (amount: string) => BigInt(amount.replace('.', ''));
function sumAmounts(amounts: string[]): string {
  const digits = amounts[0]!.split('.')[1]?.length ?? 0;
  for (const a of amounts) expect(a.split('.')[1]?.length ?? 0).toBe(digits);
  const total = amounts.reduce((sum, a) => sum + minorUnits(a), 0n).toString().padStart(digits + 1, '0');
  return digits === 0 ? total : `${total.slice(0, -digits)}.${total.slice(-digits)}`;
}

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
    // The ratio contract, worked out from the events posted above: every request outside the
    // maintenance hour is eligible, and errors, timeouts and (countRateLimited) throttles fail.
    // A minute is evidence when at least 5 % of its eligible requests fail (the default threshold).
    const maintenance = [Date.parse('2026-09-18T12:00:00Z') / 60_000, Date.parse('2026-09-18T13:00:00Z') / 60_000];
    const tallies = new Map<number, { eligible: number; failures: number }>();
    for (const e of events) {
      const minute = Math.floor(Date.parse(e.occurredAt as string) / 60_000);
      if (minute >= maintenance[0]! && minute < maintenance[1]!) continue;
      const tally = tallies.get(minute) ?? { eligible: 0, failures: 0 };
      tally.eligible += 1;
      if (e.outcome !== 'success') tally.failures += 1;
      tallies.set(minute, tally);
    }
    const eligible = [...tallies.values()].reduce((sum, t) => sum + t.eligible, 0);
    const failures = [...tallies.values()].reduce((sum, t) => sum + t.failures, 0);
    // By hand: 43,140 minutes × 4 requests; 120 errors (the first bad hour) + 445 + 445 throttles
    // (minutes divisible by 97 on each model, less minute 25,220 of the maintenance hour).
    expect({ eligible, failures }).toEqual({ eligible: 172_560, failures: 1_010 });
    expect(percent4(eligible - failures, eligible)).toBe('99.4147'); // 171,550 / 172,560 = 0.994146963…
    const evidence: { start: string; end: string; minutes: number; eligibleRequests: number; failedRequests: number }[] = [];
    for (const [minute, t] of [...tallies].sort((a, b) => a[0] - b[0])) {
      if (t.failures * 20 < t.eligible) continue;
      const last = evidence.at(-1);
      if (last !== undefined && Date.parse(last.end) === minute * 60_000) {
        Object.assign(last, { end: new Date((minute + 1) * 60_000).toISOString(), minutes: last.minutes + 1 });
        last.eligibleRequests += t.eligible;
        last.failedRequests += t.failures;
      } else {
        evidence.push({ start: new Date(minute * 60_000).toISOString(), end: new Date((minute + 1) * 60_000).toISOString(), minutes: 1, eligibleRequests: t.eligible, failedRequests: t.failures });
      }
    }
    // Uptime (eligible − failures) / eligible = 99.41…%: under 99.9 (not met) and under 99.5, the 25 % tier.
    const belowPercent = (percent: string) => (eligible - failures) * 1000 < Number(percent) * 10 * eligible;
    expect([belowPercent('99.9'), belowPercent('99.5')]).toEqual([true, true]);
    const ratioCredit = '250.00'; // 25 % of 1000.00 EUR
    const ratioReport = await report(ratio.id);
    expect(ratioReport).toEqual({
      contract: { id: ratio.id, platform: 'docsco', provider: 'vendor', timeZone: 'UTC' },
      contractVersion: 1, amendedDuringPeriod: false, period: '2026-09',
      periodStart: '2026-09-01T00:00:00.000Z', periodEnd: '2026-10-01T00:00:00.000Z', final: true,
      uptimePercent: percent4(eligible - failures, eligible), targetPercent: '99.9', met: false,
      eligibleMinutes: 30 * 1440 - 60, excludedMinutes: 60,
      downtimeMinutes: null, allowedDowntimeMinutes: null, budgetRemainingMinutes: null, budgetBurn: null,
      creditPercent: '25.00', creditAmount: { amount: ratioCredit, currency: 'EUR' }, claimDeadline: '2026-10-31T00:00:00.000Z',
      evidence, eventsCounted: events.length, statementVersion: null, eventsAfterStatement: null, differsFromStatement: null,
    });
    expect(evidence).toHaveLength(446); // the bad hour, and the 445 throttling minutes (2 of 4 requests fail)

    const CREDITS = '{ credits(period: "2026-09") { period totals { currency amount } lines { contract platform provider uptimePercent creditPercent creditAmount { amount currency } claimDeadline claimDeadlineLocal final } } }';
    const { credits } = await gql(service, CREDITS);
    const line = (id: string, uptimePercent: string, creditPercent: string, amount: string, currency: string) => ({
      contract: id, platform: 'docsco', provider: 'vendor', uptimePercent, creditPercent, creditAmount: { amount, currency },
      claimDeadline: '2026-10-31T00:00:00.000Z', claimDeadlineLocal: '2026-10-31T00:00:00.000Z', final: true,
    });
    const docscoLines = [
      line(all.id, '99.8609', '10.00', '100.00', 'EUR'),
      line(betaOnly.id, '100.0000', '0.00', '0', 'JPY'),
      line(ratio.id, percent4(eligible - failures, eligible), '25.00', ratioCredit, 'EUR'),
    ];
    const byContract = (a: { contract: string }, b: { contract: string }) => a.contract.localeCompare(b.contract);
    expect(credits.lines.filter((l: any) => l.platform === 'docsco').sort(byContract)).toEqual([...docscoLines].sort(byContract));
    // Totals per currency, over every line the admin sees (other specs' contracts included).
    const currencies = [...new Set<string>(credits.lines.map((l: any) => l.creditAmount.currency))].sort();
    expect(credits.totals).toEqual(currencies.map((currency) => ({
      currency, amount: sumAmounts(credits.lines.filter((l: any) => l.creditAmount.currency === currency).map((l: any) => l.creditAmount.amount)),
    })));
    expect(credits.totals.find((t: any) => t.currency === 'EUR')).toBeDefined();

    // A platform key sees its own contracts only, and its totals are theirs: 100.00 + 250.00 EUR, 0 JPY.
    const own = (await gql(service, CREDITS, {}, docsco)).credits;
    expect(own.period).toBe('2026-09');
    expect([...own.lines].sort(byContract)).toEqual([...docscoLines].sort(byContract));
    expect(own.totals).toEqual([{ currency: 'EUR', amount: '350.00' }, { currency: 'JPY', amount: '0' }]);
    expect(sumAmounts(['100.00', ratioCredit])).toBe('350.00');
    const other = await service.client.graphql(notion, `{ slaReport(contractId: "${all.id}", period: "2026-09") { uptimePercent } }`);
    expect(other.body.errors[0].message).toContain('no contract');

    // Spreadsheet exports.
    // Every row of each export is the GraphQL figure of its contract, and there is one row per contract.
    const csv = await fetch(`${service.url}/v1/reports/credits.csv?period=2026-09`, { headers: { authorization: `Bearer ${docsco}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const creditsCsv = csvObjects(await csv.text());
    expect(creditsCsv.header).toEqual(['contract', 'platform', 'provider', 'period', 'uptime_percent', 'credit_percent', 'credit_amount', 'currency', 'claim_deadline',
      'claim_deadline_local', 'final']);
    expect(creditsCsv.rows.sort((a, b) => a.contract!.localeCompare(b.contract!))).toEqual(
      [...own.lines].sort(byContract).map((l: any) => ({
        contract: l.contract, platform: l.platform, provider: l.provider, period: own.period, uptime_percent: l.uptimePercent,
        credit_percent: l.creditPercent, credit_amount: l.creditAmount.amount, currency: l.creditAmount.currency, claim_deadline: l.claimDeadline,
        claim_deadline_local: l.claimDeadlineLocal, final: String(l.final),
      })),
    );
    const sla = await fetch(`${service.url}/v1/reports/sla.csv?period=2026-09`, { headers: { authorization: `Bearer ${docsco}` } });
    expect(sla.status).toBe(200);
    expect(sla.headers.get('content-type')).toContain('text/csv');
    const slaCsv = csvObjects(await sla.text());
    expect(slaCsv.header).toEqual(['contract', 'platform', 'provider', 'period', 'period_start', 'period_end', 'policy', 'target_percent', 'uptime_percent', 'met',
      'eligible_minutes', 'excluded_minutes', 'downtime_minutes', 'allowed_downtime_minutes', 'credit_percent', 'credit_amount', 'currency', 'claim_deadline',
      'claim_deadline_local', 'has_traffic', 'final']);
    const { slaReports } = await gql(service, `{ slaReports(period: "2026-09") { contract { id platform provider policy { kind } } period periodStart periodEnd
      targetPercent uptimePercent met eligibleMinutes excludedMinutes downtimeMinutes allowedDowntimeMinutes creditPercent creditAmount { amount currency } claimDeadline
      claimDeadlineLocal hasTraffic final } }`, {}, docsco);
    expect(slaReports.map((r: any) => r.contract.id).sort()).toEqual([all.id, betaOnly.id, ratio.id].sort());
    expect(slaCsv.rows.sort((a, b) => a.contract!.localeCompare(b.contract!))).toEqual(
      [...slaReports].sort((a: any, b: any) => a.contract.id.localeCompare(b.contract.id)).map((r: any) => ({
        contract: r.contract.id, platform: r.contract.platform, provider: r.contract.provider, period: r.period, period_start: r.periodStart, period_end: r.periodEnd,
        policy: r.contract.policy.kind, target_percent: r.targetPercent, uptime_percent: r.uptimePercent, met: String(r.met),
        eligible_minutes: String(r.eligibleMinutes), excluded_minutes: String(r.excludedMinutes), downtime_minutes: r.downtimeMinutes === null ? '' : String(r.downtimeMinutes),
        allowed_downtime_minutes: r.allowedDowntimeMinutes ?? '', credit_percent: r.creditPercent, credit_amount: r.creditAmount.amount, currency: r.creditAmount.currency,
        claim_deadline: r.claimDeadline, claim_deadline_local: r.claimDeadlineLocal, has_traffic: String(r.hasTraffic), final: String(r.final),
      })),
    );
    // And those GraphQL figures are the ones checked above.
    expect(slaReports.find((r: any) => r.contract.id === ratio.id)).toMatchObject({ uptimePercent: ratioReport.uptimePercent, eligibleMinutes: ratioReport.eligibleMinutes, downtimeMinutes: null });
    expect(slaReports.find((r: any) => r.contract.id === all.id)).toMatchObject({ uptimePercent: '99.8609', downtimeMinutes: 60, allowedDowntimeMinutes: '43.1400' });
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

  // Last in the file: issueDue issues statements for every contract defined above.
  it('gives no report, credit or statement for a month outside a contract\'s term, says when a month had no traffic, and issues every ended month of the term', async () => {
    await service.client.createKey('termco', ['INGEST']);
    const termco = (await service.client.createKey('termco', ['READ'])).secret;
    const { defineContract } = await gql(service, DEFINE, {
      input: {
        platform: 'termco', provider: 'vendor', timeZone: 'Europe/Berlin', targetPercent: '99.9', policy: { kind: 'DOWNTIME_MINUTES' },
        monthlyFee: { amount: '100.00', currency: 'EUR' }, effectiveFrom: '2026-05-14T22:00:00Z', // 15 May, local midnight
      },
    });
    const id = defineContract.id;
    await gql(service, `mutation { endContract(id: "${id}", effectiveTo: "2026-08-09T22:00:00Z") { version } }`);

    const before = await service.client.graphql(ADMIN_KEY, `{ slaReport(contractId: "${id}", period: "2025-01") { uptimePercent met } }`);
    expect(before.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(before.body.errors[0].message).toBe(`contract ${id} is in force from 15 May 2026 until 10 Aug 2026 (Europe/Berlin): 2025-01 lies outside its term, so it has no SLA report`);
    const after = await service.client.graphql(ADMIN_KEY, `{ slaReport(contractId: "${id}", period: "2026-09") { uptimePercent } }`);
    expect(after.body.errors[0].message).toContain('2026-09 lies outside its term');

    // June is in the term but the platform sent nothing: the report says so, and dates its deadline in Berlin.
    const june = (await gql(service, `{ slaReport(contractId: "${id}", period: "2026-06") { hasTraffic eventsCounted claimDeadline claimDeadlineLocal } }`)).slaReport;
    expect(june).toEqual({ hasTraffic: false, eventsCounted: 0, claimDeadline: '2026-07-30T22:00:00.000Z', claimDeadlineLocal: '2026-07-31T00:00:00.000+02:00' });

    const credits = async (period: string) => (await gql(service, `{ credits(period: "${period}") { lines { contract } } }`, {}, termco)).credits.lines;
    expect(await credits('2025-01')).toEqual([]);
    expect(await credits('2026-07')).toEqual([{ contract: id }]);
    const csv = await fetch(`${service.url}/v1/reports/credits.csv?period=2025-01`, { headers: { authorization: `Bearer ${termco}` } });
    expect(csvObjects(await csv.text()).rows).toEqual([]);
    const slaCsv = await fetch(`${service.url}/v1/reports/sla.csv?period=2026-06`, { headers: { authorization: `Bearer ${termco}` } });
    expect(csvObjects(await slaCsv.text()).rows.map((r) => [r.contract, r.has_traffic])).toEqual([[id, 'false']]);

    // A malformed month says what was wrong with it.
    const malformed = await fetch(`${service.url}/v1/reports/credits.csv?period=2026-6`, { headers: { authorization: `Bearer ${termco}` } });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).message).toBe('period must be a month written YYYY-MM with a two-digit month (e.g. 2026-06), not "2026-6"');

    // Months later, every ended month of the term has a statement, and no month outside it has one.
    await service.app.get(StatementService).issueDue(Date.parse('2026-12-03T00:00:00Z'));
    const stated = (await gql(service, `{ statements(contractId: "${id}") { period version report { hasTraffic } } }`)).statements;
    expect(stated).toEqual(['2026-05', '2026-06', '2026-07', '2026-08'].map((period) => ({ period, version: 1, report: { hasTraffic: false } })));
    const outside = await service.client.graphql(ADMIN_KEY, `mutation { issueStatement(contractId: "${id}", period: "2026-10") { version } }`);
    expect(outside.body.errors[0].message).toContain('2026-10 lies outside its term');
  });
});
