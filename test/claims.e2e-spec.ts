import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SchedulerRegistry } from '@nestjs/schedule';
import { parse } from 'csv-parse/sync';
import { ClaimService } from '@ledger/reporting';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

/**
 * Claims over GraphQL (concepts §9): a claim's whole life, every refusal, its totals, the digest of
 * its evidence recomputed here from the events the test posted, and a draft that expires exactly at
 * a New York deadline across the end of daylight saving time.
 */

const MINUTE = 60_000;
const CLAIM_FIELDS = `id period status statementVersion claimedAmount { amount currency } creditedAmount { amount currency }
  claimDeadline filedAt reference resolvedAt evidenceEvents evidenceDigest contract { id platform provider }
  history { status at actor note }`;

interface PostedEvent {
  id: string;
  provider: string;
  model: string;
  occurredAt: string;
  outcome: string;
  httpStatus?: number;
}

/**
 * The evidence digest as concepts §9 defines it, written here without the service's code: the
 * events whose minute lies in a run, as "id TAB occurredAt TAB model TAB outcome TAB httpStatus LF",
 * sorted by occurredAt and then by id's UTF-8 bytes.
 */
function digestOf(events: readonly PostedEvent[], runs: readonly { start: string; end: string }[]): { events: number; digest: string } {
  const inRuns = events.filter((e) => runs.some((r) => Date.parse(e.occurredAt) >= Date.parse(r.start) && Date.parse(e.occurredAt) < Date.parse(r.end)));
  inRuns.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id)));
  const hash = createHash('sha256');
  for (const e of inRuns) hash.update(`${e.id}\t${new Date(e.occurredAt).toISOString()}\t${e.model}\t${e.outcome}\t${e.httpStatus ?? ''}\n`, 'utf8');
  return { events: inRuns.length, digest: hash.digest('hex') };
}

/** A month of "notion" traffic to a provider: a success every hour on 1–20 September, and an hour's outage on the 10th (10:00–11:00). */
function septemberWithOutage(provider: string): PostedEvent[] {
  const events: PostedEvent[] = [];
  const start = Date.UTC(2026, 8, 1);
  for (let minute = 0; minute < 20 * 1440; minute += 60) {
    events.push({ id: `${provider}-ok-${minute}`, provider, model: 'm-1', occurredAt: new Date(start + minute * MINUTE).toISOString(), outcome: 'success', httpStatus: 200 });
  }
  const outage = Date.UTC(2026, 8, 10, 10);
  for (let m = 0; m < 60; m++) {
    const at = new Date(outage + m * MINUTE + 1_500).toISOString();
    // Three ids at one instant, whose order by bytes ("B" < "a" < "é") differs from their order by locale.
    for (const id of [`a-${provider}-${m}`, `B-${provider}-${m}`, `é-${provider}-${m}`]) events.push({ id, provider, model: 'm-1', occurredAt: at, outcome: 'error', httpStatus: 529 });
  }
  return events;
}

// The longest claim window a contract may have: the September 2026 claims below stay open to
// claims (and their drafts unexpired on the wall clock) until September 2036.
const contractInput = (provider: string, overrides: Record<string, unknown> = {}) => ({
  platform: 'notion', provider, targetPercent: '99.9', policy: { kind: 'DOWNTIME_MINUTES' },
  creditTiers: [{ uptimeBelow: '99.9', creditPercent: '10' }, { uptimeBelow: '99.0', creditPercent: '25' }],
  monthlyFee: { amount: '48250.00', currency: 'USD' }, claimWindowDays: 3650, effectiveFrom: '2026-01-01T00:00:00Z', ...overrides,
});

const run = promisify(execFile);
const CLI = join(__dirname, '../dist/apps/cli/src/main.js');

describe('claims', () => {
  let service: TestService;
  /** The claim of the first test, once it is resolved. */
  let anthropicClaim = '';
  let notionIngest: string;
  let acmeAdmin: string;
  let notionRead: string;
  const posted: PostedEvent[] = [];

  const call = async (query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY) => (await service.client.graphql(key, query, variables)).body;
  const ok = async (query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY) => {
    const body = await call(query, variables, key);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  /** The refusal's message and code. */
  const refused = async (query: string, variables: Record<string, unknown> = {}, key = ADMIN_KEY) => {
    const body = await call(query, variables, key);
    expect(body.errors).toHaveLength(1);
    return `${body.errors[0].extensions.code}: ${body.errors[0].message}`;
  };
  const define = async (input: Record<string, unknown>) => (await ok('mutation($input: ContractInput!) { defineContract(input: $input) { id } }', { input })).defineContract.id as string;
  const issue = (id: string, period: string) => ok('mutation($id: ID!, $p: String!) { issueStatement(contractId: $id, period: $p) { version creditAmount { amount } } }', { id, p: period });
  const OPEN = `mutation($id: ID!, $p: String!) { openClaim(contractId: $id, period: $p) { ${CLAIM_FIELDS} } }`;
  const FILE = `mutation($id: ID!, $ref: String, $note: String) { fileClaim(id: $id, reference: $ref, note: $note) { ${CLAIM_FIELDS} } }`;
  const RESOLVE = `mutation($id: ID!, $o: ClaimOutcome!, $amount: Decimal!, $note: String) { resolveClaim(id: $id, outcome: $o, creditedAmount: $amount, note: $note) { ${CLAIM_FIELDS} } }`;
  const WITHDRAW = `mutation($id: ID!, $note: String) { withdrawClaim(id: $id, note: $note) { ${CLAIM_FIELDS} } }`;
  const post = async (events: PostedEvent[]) => {
    const { status, body } = await service.client.postEvents(notionIngest, events);
    expect([status, body.accepted]).toEqual([200, events.length]);
    posted.push(...events);
    await waitForProjections(service.client);
  };

  beforeAll(async () => {
    service = await startTestService({ AUTO_ISSUE_STATEMENTS: 'false', AUTO_OPEN_CLAIMS: 'false' });
    notionIngest = (await service.client.createKey('notion', ['INGEST'])).secret;
    notionRead = (await service.client.createKey('notion', ['READ'])).secret;
    acmeAdmin = (await service.client.createKey('acme', ['READ', 'ADMIN'])).secret;
    await post([...septemberWithOutage('anthropic'), ...septemberWithOutage('openai'), ...septemberWithOutage('google')]);
  });
  afterAll(() => service.close());

  it('takes a claim from draft to a partial credit, refusing every step out of turn, and pins its amount and evidence', async () => {
    const contractId = await define(contractInput('anthropic'));
    expect(await refused(OPEN, { id: contractId, p: '2026-09' })).toBe(
      'BAD_USER_INPUT: no statement has been issued for 2026-09 yet: issue one (issueStatement), or let the scheduler issue it 48 h after the period ends',
    );
    // The month this test runs in has not ended (the contract is in UTC).
    const now = new Date();
    const thisMonth = now.toISOString().slice(0, 7);
    const monthEnds = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    expect(await refused(OPEN, { id: contractId, p: thisMonth })).toMatch(new RegExp(`^BAD_USER_INPUT: ${thisMonth} has not ended yet \\(it ends ${monthEnds.replaceAll('.', '\\.')}\\)`));
    // 60 downtime minutes of 43,200: 99.8611 % < 99.9: 10 % of 48,250.00 USD.
    expect((await issue(contractId, '2026-09')).issueStatement).toEqual({ version: 1, creditAmount: { amount: '4825.00' } });
    expect(await refused(OPEN, { id: contractId, p: '2026-09' }, acmeAdmin)).toMatch(/^FORBIDDEN: contract ctr_\w+ is platform "notion"'s; this key acts for platform "acme" only$/);

    const { openClaim: draft } = await ok(OPEN, { id: contractId, p: '2026-09' });
    const runs = [{ start: '2026-09-10T10:00:00.000Z', end: '2026-09-10T11:00:00.000Z' }];
    const expected = digestOf(posted.filter((e) => e.provider === 'anthropic'), runs);
    expect(expected.events).toBe(181); // 3 errors a minute for an hour, and the hourly success at 10:00
    expect(draft).toMatchObject({
      period: '2026-09', status: 'DRAFT', statementVersion: 1, claimedAmount: { amount: '4825.00', currency: 'USD' }, creditedAmount: null,
      claimDeadline: '2036-09-28T00:00:00.000Z', filedAt: null, reference: null, resolvedAt: null, evidenceEvents: 181, evidenceDigest: expected.digest,
      contract: { id: contractId, platform: 'notion', provider: 'anthropic' },
    });
    expect(draft.history).toEqual([{ status: 'DRAFT', at: expect.any(String), actor: expect.any(String), note: null }]);
    expect(await refused(OPEN, { id: contractId, p: '2026-09' })).toBe(`BAD_USER_INPUT: claim ${draft!.id} for ${contractId} 2026-09 is already DRAFT`);
    expect(await refused(RESOLVE, { id: draft!.id, o: 'ACCEPTED', amount: '4825.00' })).toBe(`BAD_USER_INPUT: claim ${draft!.id} is DRAFT: only a FILED claim can be resolved`);
    expect(await refused(FILE, { id: draft!.id }, acmeAdmin)).toBe(`FORBIDDEN: claim ${draft!.id} is platform "notion"'s; this key acts for platform "acme" only`);
    expect(await refused(FILE, { id: draft!.id }, notionRead)).toBe('FORBIDDEN: this key lacks the admin scope');

    const { fileClaim: filed } = await ok(FILE, { id: draft!.id, ref: 'CASE-2026-0917', note: 'sent with the packet' });
    expect(filed).toMatchObject({ status: 'FILED', reference: 'CASE-2026-0917', filedAt: expect.any(String) });
    expect(await refused(FILE, { id: draft!.id })).toBe(`BAD_USER_INPUT: claim ${draft!.id} is FILED: only a DRAFT claim can be filed`);

    // Late events after the statement: an hour on the 11th fails. The live report moves; the claim keeps its amount and digest.
    const late = Array.from({ length: 10 }, (_, m) => ({
      id: `late-${m}`, provider: 'anthropic', model: 'm-1', occurredAt: new Date(Date.UTC(2026, 8, 11, 3, m)).toISOString(), outcome: 'error', httpStatus: 500,
    }));
    // And one in the run's minutes, which a digest recomputed now would include.
    await post([...late, { id: 'late-in-run', provider: 'anthropic', model: 'm-1', occurredAt: '2026-09-10T10:12:00.000Z', outcome: 'success', httpStatus: 200 }]);
    const { slaReport } = await ok(`query($id: ID!) { slaReport(contractId: $id, period: "2026-09") { downtimeMinutes eventsAfterStatement differsFromStatement creditAmount { amount } } }`, { id: contractId });
    expect(slaReport).toEqual({ downtimeMinutes: 70, eventsAfterStatement: 11, differsFromStatement: true, creditAmount: { amount: '4825.00' } });
    const { claim: afterLate } = await ok(`query($id: ID!) { claim(id: $id) { ${CLAIM_FIELDS} } }`, { id: draft!.id });
    expect(afterLate).toMatchObject({ claimedAmount: { amount: '4825.00' }, evidenceEvents: 181, evidenceDigest: expected.digest });
    expect(digestOf(posted.filter((e) => e.provider === 'anthropic'), runs).digest).not.toBe(expected.digest);

    for (const [outcome, amount, rule] of [
      ['PARTIALLY_ACCEPTED', '4825.00', 'more than 0 and less than the claimed 4825.00 USD'],
      ['PARTIALLY_ACCEPTED', '0', 'more than 0 and less than the claimed 4825.00 USD'],
      ['ACCEPTED', '4000.00', 'equal to the claimed 4825.00 USD'],
      ['DENIED', '1.00', '0'],
    ]) {
      expect(await refused(RESOLVE, { id: draft!.id, o: outcome, amount })).toBe(`BAD_USER_INPUT: a claim ${outcome} is credited ${rule}, not ${amount} USD`);
    }
    expect(await refused(RESOLVE, { id: draft!.id, o: 'PARTIALLY_ACCEPTED', amount: '2000.001' })).toBe(
      'BAD_USER_INPUT: creditedAmount must be a non-negative amount in USD with at most 2 decimals, not "2000.001"',
    );
    const { resolveClaim: resolved } = await ok(RESOLVE, { id: draft!.id, o: 'PARTIALLY_ACCEPTED', amount: '2000', note: 'credit memo CM-88' });
    expect(resolved).toMatchObject({ status: 'PARTIALLY_ACCEPTED', creditedAmount: { amount: '2000.00', currency: 'USD' }, resolvedAt: expect.any(String) });
    expect(resolved.history.map((t: { status: string; note: string | null }) => [t.status, t.note])).toEqual([
      ['DRAFT', null], ['FILED', 'sent with the packet'], ['PARTIALLY_ACCEPTED', 'credit memo CM-88'],
    ]);
    expect(await refused(WITHDRAW, { id: draft!.id })).toBe(`BAD_USER_INPUT: claim ${draft!.id} is PARTIALLY_ACCEPTED: only a DRAFT or FILED claim can be withdrawn`);
    expect(await refused(OPEN, { id: contractId, p: '2026-09' })).toBe(`BAD_USER_INPUT: claim ${draft!.id} for ${contractId} 2026-09 is already PARTIALLY_ACCEPTED`);
    anthropicClaim = draft!.id;
  });

  it('serves the claim packet, the evidence per minute and the letter; claims verify finds the run a late event changed', async () => {
    const get = (path: string, key: string | null = notionRead) => fetch(`${service.url}${path}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
    const response = await get(`/v1/claims/${anthropicClaim}/packet.json`);
    expect(response.status).toBe(200);
    const packet = await response.json();
    const runs = [{ start: '2026-09-10T10:00:00.000Z', end: '2026-09-10T11:00:00.000Z' }];
    const opened = digestOf(posted.filter((e) => e.provider === 'anthropic' && e.id !== 'late-in-run'), runs);
    const now = digestOf(posted.filter((e) => e.provider === 'anthropic'), runs);
    expect(packet).toMatchObject({
      format: 'sla-ledger/claim-packet/1',
      claim: { id: anthropicClaim, status: 'PARTIALLY_ACCEPTED', claimedAmount: { amount: '4825.00', currency: 'USD' }, reference: 'CASE-2026-0917' },
      contract: { version: 1, terms: { platform: 'notion', provider: 'anthropic', models: [], errorStatuses: null, countTimeouts: true } },
      statement: { version: 1, uptimePercent: '99.8611', targetPercent: '99.9', downtimeMinutes: 60, creditPercent: '10.00' },
      evidence: { evidenceEvents: 181, evidenceDigest: opened.digest },
      // The late event in the run's minutes: the log no longer gives the pinned digest.
      logNow: { evidenceEvents: 182, evidenceDigest: now.digest, matches: false, runsThatDiffer: ['2026-09-10T10:00:00.000Z'] },
    });
    const [evidenceRun] = packet.evidence.runs;
    expect(evidenceRun).toMatchObject({ start: runs[0]!.start, end: runs[0]!.end, minutes: 60, eligibleRequests: 181, failedRequests: 180, events: 181, digest: opened.digest });
    expect(evidenceRun.statusBreakdown).toEqual([{ httpStatus: 529, errorCode: null, count: 180 }]);
    expect(evidenceRun.minuteRows).toHaveLength(60);
    // 10:00 has the hourly success too; 10:12 the late one (the log as it is now).
    expect(evidenceRun.minuteRows.slice(0, 1)).toEqual([{ minute: '2026-09-10T10:00:00.000Z', eligibleRequests: 4, failedRequests: 3, statusBreakdown: [{ httpStatus: 529, errorCode: null, count: 3 }] }]);
    expect(evidenceRun.minuteRows[12]).toMatchObject({ minute: '2026-09-10T10:12:00.000Z', eligibleRequests: 4, failedRequests: 3 });

    const csv = await get(`/v1/claims/${anthropicClaim}/evidence.csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = parse(await csv.text(), { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(rows).toHaveLength(60);
    expect(rows[1]).toEqual({ claim: anthropicClaim, run_start: runs[0]!.start, minute: '2026-09-10T10:01:00.000Z', eligible_requests: '3', failed_requests: '3', status_breakdown: '529 × 3' });

    const letter = await get(`/v1/claims/${anthropicClaim}/letter.html`);
    expect(letter.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await letter.text();
    for (const words of ['SLA credit claim: anthropic, September 2026', '4,825.00 USD', '99.8611 %', '99.9 %', opened.digest, 'CASE-2026-0917', '10 Sep 2026, 10:00 – 11:00']) expect(html).toContain(words);

    // Access: a key, with the read scope, of the claim's platform.
    expect((await get(`/v1/claims/${anthropicClaim}/packet.json`, null)).status).toBe(401);
    expect((await get(`/v1/claims/${anthropicClaim}/packet.json`, notionIngest)).status).toBe(403);
    const other = await get(`/v1/claims/${anthropicClaim}/packet.json`, acmeAdmin);
    expect([other.status, (await other.json()).code]).toEqual([403, 'FORBIDDEN']);
    expect((await get('/v1/claims/clm_0000000000000000/letter.html')).status).toBe(404);
    // The page: the sign-in form without a key, and with a key that cannot read, saying why.
    const page = async (key: string | null) => { const r = await get('/claims', key); return [r.status, (await r.text()).includes('Sign in with a read key')]; };
    expect([await page(null), await page(notionIngest), await page(notionRead)]).toEqual([[401, true], [403, true], [200, false]]);

    // claims verify: the packet against the log — it names the run the late event changed.
    const dir = await mkdtemp(join(tmpdir(), 'claim-'));
    await writeFile(join(dir, 'packet.json'), JSON.stringify(packet));
    const env = { ...process.env, DATABASE_URL: service.databaseUrl };
    const changed = await run(process.execPath, [CLI, 'claims', 'verify', join(dir, 'packet.json')], { env }).then(() => null, (error: { code: number; stdout: string }) => error);
    expect(changed?.code).toBe(1);
    expect(changed?.stdout).toContain(`packet: 181 events, digest ${opened.digest}`);
    expect(changed?.stdout).toContain(`log:    182 events, digest ${now.digest}`);
    expect(changed?.stdout).toContain('The packet does NOT match the log. Runs that differ:\n  2026-09-10T10:00:00.000Z – 2026-09-10T11:00:00.000Z: packet 181 events');
    // A packet of the log as it is now matches.
    const current = { ...packet, evidence: { ...packet.evidence, evidenceEvents: 182, evidenceDigest: now.digest, runs: [{ ...evidenceRun, events: 182, digest: now.digest }] } };
    await writeFile(join(dir, 'current.json'), JSON.stringify(current));
    const { stdout } = await run(process.execPath, [CLI, 'claims', 'verify', join(dir, 'current.json')], { env });
    expect(stdout).toContain('The packet matches the log: the same events, byte for byte.');
  });

  it('refuses a claim without a credit or past its deadline; a withdrawn claim can be opened again', async () => {
    const generous = await define(contractInput('openai', { targetPercent: '99.0', creditTiers: [{ uptimeBelow: '99.0', creditPercent: '25' }] }));
    await issue(generous, '2026-09');
    expect(await refused(OPEN, { id: generous, p: '2026-09' })).toBe('BAD_USER_INPUT: no credit is due for 2026-09: statement version 1 shows uptime 99.8611 % and a credit of 0');
    const late = await define(contractInput('openai', { claimWindowDays: 1 }));
    await issue(late, '2026-09');
    expect(await refused(OPEN, { id: late, p: '2026-09' })).toBe('BAD_USER_INPUT: the claim deadline for 2026-09 passed at 2026-10-02T00:00:00.000Z');

    const google = await define(contractInput('google'));
    await issue(google, '2026-09');
    const { openClaim: first } = await ok(OPEN, { id: google, p: '2026-09' });
    await ok(FILE, { id: first.id });
    const { withdrawClaim: withdrawn } = await ok(WITHDRAW, { id: first.id, note: 'filed against the wrong account' });
    expect(withdrawn.status).toBe('WITHDRAWN');
    expect(await refused(FILE, { id: first.id })).toBe(`BAD_USER_INPUT: claim ${first.id} is WITHDRAWN: only a DRAFT claim can be filed`);
    const { openClaim: second } = await ok(OPEN, { id: google, p: '2026-09' });
    expect(second).toMatchObject({ status: 'DRAFT', evidenceDigest: first.evidenceDigest });
    await ok(FILE, { id: second.id, ref: 'G-1' });
  });

  it('lists claims by filter and totals them per provider and currency, for the platform that owns them', async () => {
    const { claims } = await ok(`{ claims { id status contract { provider } } }`);
    const byProvider = (status: string) => claims.filter((c: { status: string }) => c.status === status).map((c: { contract: { provider: string } }) => c.contract.provider);
    expect([byProvider('PARTIALLY_ACCEPTED'), byProvider('WITHDRAWN'), byProvider('FILED')]).toEqual([['anthropic'], ['google'], ['google']]);
    expect((await ok(`{ claims(status: FILED) { contract { provider } } }`)).claims).toEqual([{ contract: { provider: 'google' } }]);
    expect((await ok(`{ claims(dueBefore: "2027-01-01T00:00:00Z") { id } }`)).claims).toEqual([]);
    // anthropic: 4,825.00 claimed and resolved, 2,000.00 credited: 0.41450… → 0.4145. google: one FILED, outstanding.
    expect((await ok(`{ claimSummary { provider currency claimed credited outstanding recoveryRate } }`)).claimSummary).toEqual([
      { provider: 'anthropic', currency: 'USD', claimed: '4825.00', credited: '2000.00', outstanding: '0.00', recoveryRate: '0.4145' },
      { provider: 'google', currency: 'USD', claimed: '4825.00', credited: '0.00', outstanding: '4825.00', recoveryRate: null },
    ]);
    // A platform key reads its own platform's claims; another platform's key sees none, and may not ask for them.
    expect((await ok(`{ claims { id } }`, {}, notionRead)).claims).toHaveLength(3);
    expect((await ok(`{ claims { id } claimSummary { provider } }`, {}, acmeAdmin))).toEqual({ claims: [], claimSummary: [] });
    expect(await refused(`{ claims(platform: "notion") { id } }`, {}, acmeAdmin)).toBe('FORBIDDEN: this key reads platform "acme" only, not "notion"');
    expect(await refused(`query($id: ID!) { claim(id: $id) { id } }`, { id: claims[0].id }, acmeAdmin)).toMatch(/^FORBIDDEN: claim clm_\w+ is platform "notion"'s/);

    // claims.csv: one row per claim, the status filter as in the query.
    const csv = await fetch(`${service.url}/v1/reports/claims.csv?status=FILED`, { headers: { authorization: `Bearer ${notionRead}` } });
    const rows = parse(await csv.text(), { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(rows).toEqual([expect.objectContaining({ provider: 'google', status: 'FILED', claimed_amount: '4825.00', credited_amount: '', currency: 'USD', reference: 'G-1' })]);
    const bad = await fetch(`${service.url}/v1/reports/claims.csv?status=OPEN`, { headers: { authorization: `Bearer ${notionRead}` } });
    expect([bad.status, (await bad.json()).message]).toEqual([400, 'status must be one of DRAFT, FILED, ACCEPTED, PARTIALLY_ACCEPTED, DENIED, WITHDRAWN, EXPIRED, not "OPEN"']);
  });

  it('expires a draft exactly at its New York deadline, across the end of daylight saving time, and opens drafts by itself', async () => {
    // October 2026 in New York ends at 2026-11-01T04:00Z (EDT); 32 calendar days later is local midnight of
    // 3 December, 2026-12-03T05:00Z (EST): an hour more than 32 × 24 h, because the clocks went back on 1 November.
    // An hour down of October's 44,640 minutes: 99.8656 % < 99.9: a credit of 4,825.00 USD.
    const octoberEvents = Array.from({ length: 60 }, (_, m) => ({
      id: `oct-${m}`, provider: 'mistral', model: 'm-1', occurredAt: new Date(Date.UTC(2026, 9, 14, 12, m)).toISOString(), outcome: 'error', httpStatus: 503,
    }));
    await post(octoberEvents);
    const contractId = await define(contractInput('mistral', { timeZone: 'America/New_York', claimWindowDays: 32 }));
    await issue(contractId, '2026-10');
    const claims = service.app.get(ClaimService);
    // The scheduler's rounds are the test's, at the instants it chooses: the service's own round
    // (every minute, on the wall clock, long past this deadline) would expire the draft meanwhile.
    service.app.get(SchedulerRegistry).deleteInterval('claims');
    const deadline = Date.parse('2026-12-03T05:00:00.000Z');
    const scheduler = { keyId: null, platform: null };
    // The scheduler's round a day before the deadline (the clock is the test's, not the wall's):
    // a draft for the statement with a credit, and none twice.
    const dayBefore = deadline - 86_400_000;
    expect(await claims.openDueDrafts(dayBefore)).toBe(1);
    expect(await claims.openDueDrafts(dayBefore)).toBe(0);
    const [draft] = await claims.list({ provider: 'mistral' }, scheduler, dayBefore);
    expect(draft).toMatchObject({ claimDeadline: deadline, claimedAmount: { amount: '4825.00' } });
    expect(draft!.history.map((t) => [t.status, t.actor])).toEqual([['DRAFT', null]]);

    expect(await claims.expireDue(deadline - 1)).toBe(0);
    expect((await claims.get(draft!.id, scheduler, deadline - 1)).history.at(-1)!.status).toBe('DRAFT');
    // Filing at the deadline is too late; a millisecond before, it would not be (not recorded: the draft stays a draft).
    await expect(claims.file(draft!.id, {}, scheduler, deadline)).rejects.toThrow(`claim ${draft!.id} expired at its deadline 2026-12-03T05:00:00.000Z: it can no longer be filed`);
    expect((await claims.get(draft!.id, scheduler, deadline)).history.at(-1)).toEqual({ status: 'EXPIRED', at: deadline, actor: null, note: 'the claim deadline passed without the claim being filed' });
    // Lists filter by the status as it is at the instant asked, recorded or not.
    const listed = async (status: 'DRAFT' | 'EXPIRED', at: number) => (await claims.list({ provider: 'mistral', status }, scheduler, at)).map((c) => c.id);
    expect([await listed('DRAFT', deadline - 1), await listed('EXPIRED', deadline - 1)]).toEqual([[draft!.id], []]);
    expect([await listed('DRAFT', deadline), await listed('EXPIRED', deadline)]).toEqual([[], [draft!.id]]);
    expect(await claims.expireDue(deadline + 90_000)).toBe(1);
    const { claim } = await ok(`query($id: ID!) { claim(id: $id) { status history { status at actor } } }`, { id: draft!.id });
    expect(claim).toEqual({ status: 'EXPIRED', history: [{ status: 'DRAFT', at: expect.any(String), actor: null }, { status: 'EXPIRED', at: '2026-12-03T05:00:00.000Z', actor: null }] });
    expect(await claims.expireDue(deadline + 120_000)).toBe(0);
    // An expired claim is not opened again by the scheduler (its deadline has passed anyway).
    expect(await claims.openDueDrafts(deadline + 120_000)).toBe(0);
  });
});
