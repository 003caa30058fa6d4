import { Pool } from 'pg';
import { ServiceProcess, stopAll } from '../support/service-process';
import { ADMIN_KEY } from '../support/test-service';
import { createTestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';

/**
 * Webhook delivery across worker processes (concepts § Alerts): at least once, never lost when a
 * worker dies mid-send, and never the same delivery sent by two workers at once.
 */

const MINUTE = 60_000;

/** Ten minutes of one platform's traffic to `provider`'s model, every request failing: a major outage from the first minute. */
function failingTraffic(provider: string, start: number) {
  return Array.from({ length: 100 }, (_, i) => ({
    id: `${provider}-${i}`, provider, model: 'm-1', occurredAt: new Date(start + Math.floor(i / 10) * MINUTE + (i % 10) * 1000).toISOString(),
    outcome: 'error', httpStatus: 503, latencyMs: 100,
  }));
}

describe('alert delivery', () => {
  const env = (databaseUrl: string) => ({ DATABASE_URL: databaseUrl, ALLOW_PRIVATE_WEBHOOKS: 'true', ALERT_SECRETS_KEY: 'fault-test-secrets-key-0123456789abcdef', WEBHOOK_RETRY_BASE_MS: '200' });

  async function setUp(workers: number) {
    const databaseUrl = await createTestDatabase();
    const receiver = await new WebhookReceiver().start();
    const api = new ServiceProcess('api', { ...env(databaseUrl), ROLE: 'api' });
    const workerProcesses = Array.from({ length: workers }, (_, i) => new ServiceProcess(`worker-${i + 1}`, { ...env(databaseUrl), ROLE: 'worker' }));
    await Promise.all([api, ...workerProcesses].map((p) => p.start()));
    const ingest = (await api.client.createKey('notion', ['INGEST'])).secret;
    const pool = new Pool({ connectionString: databaseUrl, max: 2 });
    const rule = async (name: string, provider: string, path: string) => {
      const { body } = await api.client.graphql(ADMIN_KEY, 'mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { rule { id } } }', {
        input: { name, kind: 'MODEL_STATUS', provider, minSeverity: 'MAJOR_OUTAGE', forMinutes: 1, webhookUrl: `${receiver.url}${path}` },
      });
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data.createAlertRule.rule.id as string;
    };
    return { api, workers: workerProcesses, receiver, pool, ingest, rule };
  }

  it('sends again after a worker is killed while sending: at least once, never lost', async () => {
    const { api, workers, receiver, pool, ingest, rule } = await setUp(1);
    try {
      // The first request hangs (the worker is mid-send when it is killed); later ones are answered.
      receiver.answer('/killed', (nth) => (nth === 1 ? 'hang' : { status: 200 }));
      const ruleId = await rule('killed mid-send', 'killco', '/killed');
      const { status } = await api.client.postEvents(ingest, failingTraffic('killco', Date.UTC(2026, 9, 3, 7)));
      expect(status).toBe(200);
      const pending = await waitFor(async () => {
        const { rows } = await pool.query("SELECT id, state, attempts, leased_until FROM alert_deliveries WHERE rule_id = $1", [ruleId]);
        return rows.length === 1 && rows[0].leased_until !== null && rows[0];
      }, { what: 'the FIRING delivery leased by the worker', timeoutMs: 60_000 });
      await waitFor(() => receiver.arrived('/killed') === 1, { what: 'the worker to be waiting for its answer', timeoutMs: 30_000 });
      await workers[0]!.stop('SIGKILL');
      expect((await pool.query('SELECT state, attempts FROM alert_deliveries WHERE id = $1', [pending.id])).rows).toEqual([{ state: 'PENDING', attempts: 0 }]);

      // A new worker takes the delivery over once the dead one's lease has expired.
      await workers[0]!.start();
      // The dead worker's lease (60 s) expires first.
      await waitFor(() => receiver.at('/killed').length === 1, { what: 'the delivery sent again after the restart', timeoutMs: 150_000 });
      const [sent] = receiver.at('/killed');
      expect(sent!.headers['x-ledger-delivery']).toBe(pending.id);
      const delivered = await waitFor(async () => {
        const { rows } = await pool.query('SELECT state, attempts FROM alert_deliveries WHERE id = $1', [pending.id]);
        return rows[0].state === 'DELIVERED' && rows[0];
      }, { what: 'the delivery recorded as DELIVERED', timeoutMs: 10_000 });
      expect(delivered).toEqual({ state: 'DELIVERED', attempts: 1 });
    } finally {
      await pool.end();
      await stopAll([api, ...workers]);
      await receiver.close();
    }
  }, 240_000);

  it('never lets two workers send one delivery at once', async () => {
    const { api, workers, receiver, pool, ingest, rule } = await setUp(2);
    try {
      // A slow receiver: each answer takes 300 ms, so that two workers polling the outbox overlap.
      receiver.answer('/shared', () => ({ status: 200, delayMs: 300 }));
      const RULES = 120;
      for (let i = 0; i < RULES; i++) await rule(`shared ${i}`, 'sharedco', '/shared');
      await waitFor(async () => (await pool.query('SELECT count(*)::int AS n FROM alert_rule_progress')).rows[0].n === RULES, {
        what: 'every rule evaluated once', timeoutMs: 30_000,
      });
      const { status } = await api.client.postEvents(ingest, failingTraffic('sharedco', Date.UTC(2026, 9, 3, 9)));
      expect(status).toBe(200);
      await waitFor(() => receiver.at('/shared').length >= RULES, { what: `${RULES} deliveries`, timeoutMs: 60_000, detail: () => `${receiver.at('/shared').length} so far` });
      // Let any duplicate in flight arrive.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const ids = receiver.at('/shared').map((r) => String(r.headers['x-ledger-delivery']));
      expect(ids).toHaveLength(RULES);
      expect(new Set(ids).size).toBe(RULES);
      const { rows } = await pool.query("SELECT count(*) FILTER (WHERE state = 'DELIVERED')::int AS delivered, max(attempts)::int AS attempts FROM alert_deliveries");
      expect(rows).toEqual([{ delivered: RULES, attempts: 1 }]);
      // Both workers sent some (so the check above is about two of them), each delivery once.
      const senders = await pool.query('SELECT sent_by, count(*)::int AS n FROM alert_delivery_attempts GROUP BY sent_by');
      expect(senders.rows.map((r) => r.sent_by.split(':')[1]).sort()).toEqual(workers.map((w) => String(w.pid)).sort());
    } finally {
      await pool.end();
      await stopAll([api, ...workers]);
      await receiver.close();
    }
  }, 240_000);
});
