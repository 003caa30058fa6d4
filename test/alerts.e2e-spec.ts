import { execFile, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';
import { createProjectionRunner } from '@ledger/runtime';
import { freePort } from './support/ports';
import { seedDayFile } from './support/seed-day';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';
import { waitFor } from './support/wait';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * Alerts end to end (concepts § Alerts): rules over GraphQL, evaluation from the projections,
 * signed webhooks to a receiver on loopback, retries, late events, and a replay.
 */

const MINUTE = 60_000;
const SECRETS_KEY = 'alerts-e2e-secrets-key-0123456789abcdef';
const RULE_FIELDS = 'id name kind provider model platform contractId minSeverity forMinutes webhookUrl format enabled';
const ALERT_FIELDS = `id state severity model startedAt resolvedAt summary rule { id name }
  deliveries { id transition attempt at statusCode error state attempts { attempt statusCode } }`;

/** The documented recipe (docs/alerts.md): HMAC-SHA256 of "<t>.<body>" with the secret, hex, compared with v1. */
function signatureHolds(secret: string, body: string, header: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex');
  return parts.v1 === expected;
}

interface Counts {
  failures: number;
  eligible: number;
}

/**
 * The episodes a MODEL_STATUS rule should have, computed here from the posted events without the
 * service's code: per model and minute over all platforms, errors and timeouts of successes plus
 * those; fewer than 5 eligible is no data; 25 % or more is a partial outage or worse (concepts §4's
 * defaults); `forMinutes` such minutes in a row fire (dated from the first), as many better ones
 * resolve (dated from the first of them); minutes without data are skipped.
 */
function expectedEpisodes(ndjson: string[], provider: string, forMinutes: number): Map<string, { start: number; end: number | null }[]> {
  const counts = new Map<string, Map<number, Counts>>();
  for (const line of ndjson.flatMap((text) => text.split('\n')).filter((l) => l.trim() !== '')) {
    const e = JSON.parse(line) as { provider: string; model: string; occurredAt: string; outcome: string };
    if (e.provider !== provider) continue;
    const minute = Math.floor(Date.parse(e.occurredAt) / MINUTE);
    const byMinute = counts.get(e.model) ?? new Map<number, Counts>();
    counts.set(e.model, byMinute);
    const c = byMinute.get(minute) ?? { failures: 0, eligible: 0 };
    byMinute.set(minute, c);
    if (e.outcome === 'error' || e.outcome === 'timeout') c.failures++;
    if (e.outcome === 'error' || e.outcome === 'timeout' || e.outcome === 'success') c.eligible++;
  }
  const episodes = new Map<string, { start: number; end: number | null }[]>();
  for (const [model, byMinute] of counts) {
    const list: { start: number; end: number | null }[] = [];
    let firing: { start: number; end: number | null } | null = null;
    let run: number[] = [];
    for (const minute of [...byMinute.keys()].sort((a, b) => a - b)) {
      const c = byMinute.get(minute)!;
      if (c.eligible < 5) continue;
      const bad = c.failures * 4 >= c.eligible;
      if (bad === (firing !== null)) {
        run = [];
        continue;
      }
      run.push(minute);
      if (run.length < forMinutes) continue;
      if (firing === null) list.push((firing = { start: run[0]!, end: null }));
      else {
        firing.end = run[0]!;
        firing = null;
      }
      run = [];
    }
    if (list.length > 0) episodes.set(model, list);
  }
  return episodes;
}

/** Traffic of one platform to one provider's model, per minute from `start`: `requests` a minute, the first `failing(minute)` of them errors. */
function traffic(provider: string, start: number, minutes: number, requests: number, failing: (minute: number) => number, prefix = provider) {
  const events: Record<string, unknown>[] = [];
  for (let m = 0; m < minutes; m++) {
    for (let i = 0; i < requests; i++) {
      const error = i < failing(m);
      events.push({
        id: `${prefix}-${m}-${i}`, provider, model: 'm-1', occurredAt: new Date(start + m * MINUTE + i * 100).toISOString(),
        outcome: error ? 'error' : 'success', httpStatus: error ? 500 : 200, latencyMs: 300,
      });
    }
  }
  return events;
}

describe('alerts', () => {
  let service: TestService;
  let receiver: WebhookReceiver;
  let db: Database;
  let notion: string;
  let acme: string;
  /** The seed day's rule, whose deliveries a later test verifies again. */
  let seedRule: { rule: { id: string }; secret: string };

  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const { body } = await service.client.graphql(ADMIN_KEY, query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const createRule = async (input: Record<string, unknown>) =>
    (await ok(`mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { rule { ${RULE_FIELDS} } secret } }`, { input })).createAlertRule as {
      rule: { id: string }; secret: string;
    };
  const alertsOf = async (ruleId: string) =>
    (await ok(`query($r: ID) { alerts(from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z", ruleId: $r) { ${ALERT_FIELDS} } }`, { r: ruleId })).alerts as any[];
  const post = async (key: string, events: Record<string, unknown>[]) => {
    for (let i = 0; i < events.length; i += 5_000) {
      const { status, body } = await service.client.postEvents(key, events.slice(i, i + 5_000));
      expect([status, body.rejected]).toEqual([200, []]);
    }
  };
  const defineContract = async (provider: string, targetPercent: string) =>
    (await ok(`mutation($input: ContractInput!) { defineContract(input: $input) { id } }`, {
      input: {
        platform: 'notion', provider, targetPercent, policy: { kind: 'REQUEST_SUCCESS_RATIO' }, creditTiers: [{ uptimeBelow: targetPercent, creditPercent: '10' }],
        monthlyFee: { amount: '1000.00', currency: 'USD' }, claimWindowDays: 30, effectiveFrom: '2026-01-01T00:00:00Z',
      },
    })).defineContract.id as string;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    service = await startTestService({ ALLOW_PRIVATE_WEBHOOKS: 'true', ALERT_SECRETS_KEY: SECRETS_KEY, WEBHOOK_RETRY_BASE_MS: '200' });
    db = createDatabase({ url: service.databaseUrl, poolSize: 4 });
    notion = (await service.client.createKey('notion', ['INGEST'])).secret;
    acme = (await service.client.createKey('acme-wiki', ['INGEST'])).secret;
  });

  afterAll(async () => {
    await db?.destroy();
    await service?.close();
    await receiver?.close();
  });

  it('pages once per failing model of the seed day, resolves each, and signs every delivery', async () => {
    seedRule = await createRule({
      name: 'Anthropic models down', kind: 'MODEL_STATUS', provider: 'anthropic', minSeverity: 'PARTIAL_OUTAGE', forMinutes: 5, webhookUrl: `${receiver.url}/seed`,
    });
    const { rule, secret } = seedRule;
    const files = [seedDayFile('notion'), seedDayFile('acme-wiki')];
    for (const [key, file] of [[notion, files[0]!], [acme, files[1]!]] as const) {
      const { status } = await service.client.postRaw(key, 'application/x-ndjson', file);
      expect(status).toBe(200);
    }
    await waitForProjections(service.client);

    const expected = expectedEpisodes(files, 'anthropic', 5);
    expect([...expected.keys()].sort()).toEqual(['claude-opus-4-7', 'claude-opus-4-8']);
    const alerts = await alertsOf(rule.id);
    const iso = (minute: number | null) => (minute === null ? null : new Date(minute * MINUTE).toISOString());
    expect(alerts.map((a) => ({ model: a.model, state: a.state, severity: a.severity, startedAt: a.startedAt, resolvedAt: a.resolvedAt })).sort((a, b) => a.model.localeCompare(b.model))).toEqual(
      [...expected.entries()].flatMap(([model, list]) => list.map((e) => ({ model, state: 'RESOLVED', severity: 'PAGE', startedAt: iso(e.start), resolvedAt: iso(e.end) })))
        .sort((a, b) => a.model.localeCompare(b.model)),
    );

    // Every delivery made: nothing pending, and every delivered one received. Deliveries are at
    // least once: a receiver slow to answer (this one shares a busy process with the service)
    // may get one twice, under the same X-Ledger-Delivery id, which is what receivers dedupe by.
    const outbox = async () => (await sql<{ id: string; state: string }>`SELECT id, state FROM alert_deliveries WHERE rule_id = ${rule.id}`.execute(db)).rows;
    const receivedIds = () => new Set(receiver.at('/seed').map((r) => String(r.headers['x-ledger-delivery'])));
    await waitFor(async () => {
      const rows = await outbox();
      const received = receivedIds();
      return !rows.some((r) => r.state === 'PENDING') && rows.filter((r) => r.state === 'DELIVERED').every((r) => received.has(r.id));
    }, { what: 'every delivery of the seed rule made', timeoutMs: 30_000, detail: () => `${receiver.at('/seed').length} received` });
    const firstOfEach = receiver.at('/seed').filter((r, i, all) => all.findIndex((o) => o.headers['x-ledger-delivery'] === r.headers['x-ledger-delivery']) === i);
    const bodies = firstOfEach.map((r) => ({ ...JSON.parse(r.body), request: r }));
    const current = await alertsOf(rule.id);
    for (const alert of current) {
      // Each alert's FIRING and RESOLVED reach the receiver once, the FIRING first, signed with the rule's secret.
      const ofAlert = bodies.filter((b) => b.alert.id === alert.id);
      expect(ofAlert.map((b) => [b.transition, b.withdrawn])).toEqual([['FIRING', false], ['RESOLVED', false]]);
      for (const { request } of ofAlert) {
        expect(signatureHolds(secret, request.body, String(request.headers['x-ledger-signature']))).toBe(true);
        expect(signatureHolds(`${secret}x`, request.body, String(request.headers['x-ledger-signature']))).toBe(false);
      }
      expect(alert.deliveries.map((d: any) => [d.transition, d.state])).toEqual([['FIRING', 'DELIVERED'], ['RESOLVED', 'DELIVERED']]);
      expect(ofAlert.map((b) => b.request.headers['x-ledger-delivery'])).toEqual(alert.deliveries.map((d: any) => d.id));
    }
    // The two platforms' files are posted one after the other: an alert the first file alone
    // implied and the second undid (with both platforms' minutes it starts elsewhere, or not at
    // all) is withdrawn — its receiver heard its FIRING, then a RESOLVED (marked withdrawn unless
    // it had resolved before).
    const gone = new Map<string, string[]>();
    for (const b of bodies.filter((b) => !current.some((a) => a.id === b.alert.id))) {
      gone.set(b.alert.id, [...(gone.get(b.alert.id) ?? []), `${b.transition}${b.withdrawn ? ' withdrawn' : ''}`]);
    }
    for (const transitions of gone.values()) expect([transitions[0], transitions.at(-1)!.split(' ')[0]]).toEqual(['FIRING', 'RESOLVED']);
  });

  it("verifies deliveries with the documentation's own receiver, and refuses them with a wrong secret", async () => {
    const docs = readFileSync(join(__dirname, '../docs/alerts.md'), 'utf8');
    const example = /### Verifying a delivery \(Node\)[\s\S]*?```js\n([\s\S]*?)```/.exec(docs)![1]!;
    expect(example.trim().split('\n')).toHaveLength(15);
    const delivered = receiver.at('/seed')[0]!;
    const { secret } = seedRule;
    for (const [key, expected] of [[secret, 204], [`${secret}-wrong`, 401]] as const) {
      const port = await freePort();
      const child = spawn(process.execPath, ['-e', example], { env: { ...process.env, LEDGER_WEBHOOK_SECRET: key, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
      let printed = '';
      child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      try {
        const answer = await waitFor(async () => {
          try {
            return await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'x-ledger-signature': String(delivered.headers['x-ledger-signature']) }, body: delivered.body });
          } catch {
            return null;
          }
        }, { what: 'the example receiver to listen', timeoutMs: 10_000 });
        expect(answer.status).toBe(expected);
        if (expected === 204) await waitFor(() => printed.includes(JSON.parse(delivered.body).alert.summary), { what: 'the example to print the summary', timeoutMs: 5_000 });
      } finally {
        child.kill();
      }
    }
  });

  it('pages within 5 minutes when a contract burns at 20× its budget', async () => {
    const contractId = await defineContract('fastburn', '99.5');
    const { rule } = await createRule({ name: 'fastburn budget', kind: 'BURN_RATE', contractId, webhookUrl: `${receiver.url}/fastburn` });
    const start = Date.UTC(2026, 9, 5, 12, 0);
    // 10 requests a minute, one of them failing: 10 %, twenty times the 0.5 % budget.
    await post(notion, traffic('fastburn', start, 30, 10, () => 1));
    await waitForProjections(service.client);
    const [alert, ...others] = await alertsOf(rule.id);
    expect(others).toEqual([]);
    expect(alert.severity).toBe('PAGE');
    expect(Date.parse(alert.startedAt) - start).toBeLessThanOrEqual(5 * MINUTE);
    expect(alert.state).toBe('FIRING');
  });

  it('opens a TICKET at 2× only once the long windows hold enough of it', async () => {
    const contractId = await defineContract('slowburn', '90');
    const { rule } = await createRule({ name: 'slowburn budget', kind: 'BURN_RATE', contractId, webhookUrl: `${receiver.url}/slowburn` });
    const start = Date.UTC(2026, 9, 1);
    const burnFrom = 72 * 60;
    // 5 requests a minute: 72 h without failures, then one in five failing (20 %, twice the 10 % budget) for 40 h.
    await post(notion, traffic('slowburn', start, burnFrom + 40 * 60, 5, (m) => (m >= burnFrom ? 1 : 0)));
    await waitForProjections(service.client);
    // By hand: at the k-th burning minute (from 0) the 72 h window holds k + 1 failures in 21,600
    // requests, a burn of (k + 1) / 2,160, which is greater than 1 from k = 2,160 on; the 6 h window
    // burns 2 throughout; 24 h and 2 h never burn more than 3.
    const alerts = await alertsOf(rule.id);
    expect(alerts.map((a) => [a.severity, a.state, a.startedAt])).toEqual([['TICKET', 'FIRING', new Date(start + (burnFrom + 2160) * MINUTE).toISOString()]]);
  });

  it('retries a receiver that answers 500 three times, with one delivery id and one body, until it answers 200', async () => {
    receiver.answer('/flaky', (nth) => ({ status: nth <= 3 ? 500 : 200 }));
    const { rule } = await createRule({ name: 'flaky receiver', kind: 'MODEL_STATUS', provider: 'flakyco', minSeverity: 'MAJOR_OUTAGE', forMinutes: 2, webhookUrl: `${receiver.url}/flaky` });
    await post(notion, traffic('flakyco', Date.UTC(2026, 9, 7, 8), 6, 10, () => 10));
    await waitForProjections(service.client);
    await waitFor(() => receiver.at('/flaky').some((r) => r.status === 200), { what: 'a 200 from /flaky', timeoutMs: 30_000 });
    const seen = receiver.at('/flaky');
    expect(seen.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(new Set(seen.map((r) => r.headers['x-ledger-delivery'])).size).toBe(1);
    expect(new Set(seen.map((r) => r.body)).size).toBe(1);
    // The sender records the attempt once the answer is in: the delivery says so shortly after.
    const alert = await waitFor(async () => {
      const [found] = await alertsOf(rule.id);
      return found?.deliveries[0]?.state === 'DELIVERED' && found;
    }, { what: 'the delivery recorded as DELIVERED', timeoutMs: 10_000 });
    expect(alert.deliveries).toEqual([expect.objectContaining({
      transition: 'FIRING', state: 'DELIVERED', attempt: 4, statusCode: 200, error: null,
      attempts: [{ attempt: 1, statusCode: 500 }, { attempt: 2, statusCode: 500 }, { attempt: 3, statusCode: 500 }, { attempt: 4, statusCode: 200 }],
    })]);

    // Deleted while its alert fires: the receiver, which heard of the alert, hears it is over.
    expect((await ok('mutation($id: ID!) { deleteAlertRule(id: $id) }', { id: rule.id })).deleteAlertRule).toBe(true);
    await waitFor(() => receiver.at('/flaky').length === 5, { what: 'the withdrawal delivered', timeoutMs: 30_000 });
    expect(receiver.bodies('/flaky').at(-1)).toMatchObject({ transition: 'RESOLVED', withdrawn: true, alert: { id: alert.id, state: 'RESOLVED' } });
    expect(await alertsOf(rule.id)).toEqual([]);
    expect((await ok('{ alertRules { id } }')).alertRules.map((r: { id: string }) => r.id)).not.toContain(rule.id);
  });

  it('never sends a RESOLVED before its FIRING got through, and counts deliveries in /metrics', async () => {
    receiver.answer('/order', (nth) => ({ status: nth <= 2 ? 503 : 200 }));
    const { rule } = await createRule({ name: 'in order', kind: 'MODEL_STATUS', provider: 'orderco', minSeverity: 'MAJOR_OUTAGE', forMinutes: 2, webhookUrl: `${receiver.url}/order` });
    // Minutes 0–3 all failing, 4–9 all fine: one post holds the whole episode, FIRING and RESOLVED.
    await post(notion, traffic('orderco', Date.UTC(2026, 9, 8, 6), 10, 10, (m) => (m < 4 ? 10 : 0)));
    await waitForProjections(service.client);
    await waitFor(() => receiver.at('/order').length >= 4, {
      what: 'four requests to /order', timeoutMs: 30_000, detail: () => JSON.stringify(receiver.at('/order').map((r) => [JSON.parse(r.body).transition, r.status])),
    });
    expect(receiver.at('/order').map((r) => [JSON.parse(r.body).transition, r.status])).toEqual([['FIRING', 503], ['FIRING', 503], ['FIRING', 200], ['RESOLVED', 200]]);
    const alert = await waitFor(async () => {
      const [found] = await alertsOf(rule.id);
      return found?.deliveries.every((d: any) => d.state === 'DELIVERED') && found;
    }, { what: 'both deliveries recorded', timeoutMs: 10_000 });
    expect([alert.startedAt, alert.resolvedAt]).toEqual([new Date(Date.UTC(2026, 9, 8, 6, 0)).toISOString(), new Date(Date.UTC(2026, 9, 8, 6, 4)).toISOString()]);
    expect(alert.deliveries.map((d: any) => [d.transition, d.attempt])).toEqual([['FIRING', 3], ['RESOLVED', 1]]);

    const metrics = await (await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    const { rows } = await sql<{ state: string; n: number }>`SELECT state, count(*)::int AS n FROM alert_deliveries GROUP BY state`.execute(db);
    const count = (state: string) => rows.find((r) => r.state === state)?.n ?? 0;
    expect(metrics).toContain(`ledger_alert_deliveries{state="delivered"} ${count('DELIVERED')}`);
    expect(metrics).toContain(`ledger_alert_deliveries{state="failed"} ${count('FAILED')}`);
    expect(metrics).toMatch(/^ledger_alert_delivery_oldest_pending_seconds \d+(\.\d+)?$/m);
  });

  it('opens an episode in the past when late events show one, and withdraws it when later ones undo it', async () => {
    const { rule } = await createRule({ name: 'late news', kind: 'MODEL_STATUS', provider: 'lateco', minSeverity: 'MAJOR_OUTAGE', forMinutes: 3, webhookUrl: `${receiver.url}/late` });
    const start = Date.UTC(2026, 9, 9, 10);
    await post(notion, traffic('lateco', start, 60, 10, () => 0));
    await waitForProjections(service.client);
    expect(await alertsOf(rule.id)).toEqual([]);

    // Minutes 20–29 had 40 more requests each, all failing: 80 % of 50, a major outage.
    await post(notion, traffic('lateco', start + 20 * MINUTE, 10, 40, () => 40, 'lateco-bad'));
    await waitForProjections(service.client);
    const [alert] = await alertsOf(rule.id);
    expect([alert.state, alert.startedAt, alert.resolvedAt]).toEqual(['RESOLVED', new Date(start + 20 * MINUTE).toISOString(), new Date(start + 30 * MINUTE).toISOString()]);
    await waitFor(() => receiver.at('/late').length >= 2, { what: 'the late episode delivered', timeoutMs: 30_000 });
    expect(receiver.bodies('/late').map((b) => [b.transition, b.late, b.withdrawn])).toEqual([['FIRING', true, false], ['RESOLVED', true, false]]);

    // Then the successes of those minutes arrive: 400 a minute, and the minutes were fine after all.
    await post(notion, traffic('lateco', start + 20 * MINUTE, 10, 400, () => 0, 'lateco-more'));
    await waitForProjections(service.client);
    expect(await alertsOf(rule.id)).toEqual([]);
    // Its receiver had heard of it, and was told it was resolved: nothing more is owed.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.at('/late')).toHaveLength(2);
  });

  it('sends a signed test delivery from the CLI (`alerts test RULE`) and says what the receiver answered', async () => {
    const { rule, secret } = await createRule({ name: 'cli test', kind: 'MODEL_STATUS', provider: 'anthropic', webhookUrl: `${receiver.url}/cli`, format: 'SLACK' });
    const cli = (args: string[]) => promisify(execFile)(process.execPath, [join(__dirname, '../dist/apps/cli/src/main.js'), ...args], {
      env: { ...process.env, DATABASE_URL: service.databaseUrl, ALERT_SECRETS_KEY: SECRETS_KEY, ALLOW_PRIVATE_WEBHOOKS: 'true' },
    });
    const { stdout } = await cli(['alerts', 'test', rule.id]);
    expect(stdout).toContain(`Sent a test delivery of rule ${rule.id} ("cli test")`);
    expect(stdout).toContain('The receiver answered 200');
    const [got] = receiver.at('/cli');
    expect(signatureHolds(secret, got!.body, String(got!.headers['x-ledger-signature']))).toBe(true);
    expect(JSON.parse(got!.body).text).toMatch(/TEST.*cli test/s);
    expect(stdout).toContain(String(got!.headers['x-ledger-delivery']));
    // A wrong key cannot open the secret: the operator is told why.
    const wrongKey = promisify(execFile)(process.execPath, [join(__dirname, '../dist/apps/cli/src/main.js'), 'alerts', 'test', rule.id], {
      env: { ...process.env, DATABASE_URL: service.databaseUrl, ALERT_SECRETS_KEY: 'another-key-entirely-0123456789abcdefgh', ALLOW_PRIVATE_WEBHOOKS: 'true' },
    });
    await expect(wrongKey).rejects.toMatchObject({ stderr: expect.stringContaining('does not open with this ALERT_SECRETS_KEY') });
  });

  it('refuses rules it cannot keep, with reasons', async () => {
    const attempt = async (input: Record<string, unknown>) =>
      (await service.client.graphql(ADMIN_KEY, `mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { rule { id } } }`, { input })).body.errors?.[0]?.message;
    expect(await attempt({ name: 'meta', kind: 'MODEL_STATUS', provider: 'anthropic', webhookUrl: 'http://169.254.169.254/latest' })).toMatch(/metadata/);
    expect(await attempt({ name: 'ftp', kind: 'MODEL_STATUS', provider: 'anthropic', webhookUrl: 'ftp://example.com/' })).toMatch(/webhookUrl/);
    expect(await attempt({ name: 'nobody', kind: 'BURN_RATE', contractId: 'ctr_missing', webhookUrl: `${receiver.url}/x` })).toBe('no contract "ctr_missing"');
    const read = (await service.client.createKey(null, ['READ'])).secret;
    const { body } = await service.client.graphql(read, '{ alertRules { id } }');
    expect(body.errors[0].message).toBe('this key lacks the admin scope');
  });

  it('yields the same alerts when the log is replayed', async () => {
    const before = await sql`SELECT * FROM alerts ORDER BY id`.execute(db);
    const deliveries = await sql`SELECT count(*)::int AS n FROM alert_deliveries`.execute(db);
    expect(before.rows.length).toBeGreaterThanOrEqual(5);
    await createProjectionRunner(db).rebuild();
    expect((await sql`SELECT * FROM alerts ORDER BY id`.execute(db)).rows).toEqual(before.rows);
    expect((await sql`SELECT count(*)::int AS n FROM alert_deliveries`.execute(db)).rows).toEqual(deliveries.rows);
  });
});
