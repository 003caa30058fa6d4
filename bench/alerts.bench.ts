/**
 * Alerts benchmark (`npm run bench:alerts`).
 *
 * 1. A throwaway embedded Postgres (or DATABASE_URL, holding no events), default settings: a log of
 *    BENCH_EVENTS (10,000,000) synthetic events over 30 days ending an hour ago (bench/synthetic-log.ts),
 *    rebuilt into its read models.
 * 2. The built service (ROLE=all, ALLOW_PRIVATE_WEBHOOKS=true) and a webhook receiver on loopback
 *    answering 200. (a) BENCH_RULES (1,000) alert rules created over GraphQL — 80 % MODEL_STATUS
 *    (a provider, each of its models or one, all platforms or one, random severity and minutes),
 *    20 % BURN_RATE over 15 contracts — and the time until every rule has been evaluated over the
 *    whole log (their first evaluation), with the alerts that found.
 * 3. (b) Evaluation lag: events (occurredAt = now) posted at BENCH_LAG_RATE (10,000) events/s for
 *    BENCH_LAG_SECONDS (60), 10 batches a second; the timeline's and the alerts' checkpoints polled
 *    every 50 ms. Per batch: when the timeline's checkpoint passed it, and when the alerts' did;
 *    the evaluation lag is the difference (how long after the rollups the alerts have seen them).
 * 4. (c) Delivery throughput: BENCH_DELIVERIES (5,000) deliveries written to the outbox at once (as
 *    that many transitions would be), and the time until the service's sender has delivered them all.
 * 5. A summary with PASS/FAIL for the lag target (p99 ≤ 2 s), and one JSON line.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDatabase, migrateToLatest } from '@ledger/database';
import { seededRandom } from '@ledger/domain';
import { createProjectionRunner } from '@ledger/runtime';
import {
  benchGraphql as graphql, BenchCleanup, createIngestKey, envNumber, freePort, percentile, runBenchmark, sleep, spawnBenchService, waitUntilReady, withTimeout,
} from './bench-support';
import { CATALOGUE, generateLog, liveEvent } from './synthetic-log';

const EVENTS = Math.floor(envNumber('BENCH_EVENTS', 10_000_000, 1_000, 100_000_000));
const RULES = Math.floor(envNumber('BENCH_RULES', 1_000, 1, 20_000));
const LAG_RATE = Math.floor(envNumber('BENCH_LAG_RATE', 10_000, 10, 100_000));
const LAG_SECONDS = envNumber('BENCH_LAG_SECONDS', 60, 1, 600);
const DELIVERIES = Math.floor(envNumber('BENCH_DELIVERIES', 5_000, 1, 100_000));
const PG_PORT = Math.floor(envNumber('BENCH_PG_PORT', 55436, 1, 65535));
const EXTERNAL_DATABASE_URL = process.env.DATABASE_URL || undefined;
const STRICT = process.env.BENCH_STRICT === '1';
const LOG_DAYS = 30;
const PLATFORMS = ['acme', 'globex', 'initech'];
const BATCHES_PER_SECOND = 10;
const POLL_MS = 50;
const TARGET = { evaluationLagP99Ms: 2_000 };
const WATCHDOG_MS = (2_400 + EVENTS / 2_000 + 3 * LAG_SECONDS) * 1000;

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => (ms / 1000).toFixed(1);
const r1 = (n: number) => Math.round(n * 10) / 10;
const cleanup = new BenchCleanup(log);

interface Position { t: bigint; g: bigint }
const atOrAfter = (a: Position, b: Position) => a.t > b.t || (a.t === b.t && a.g >= b.g);

/** A receiver on loopback that answers 200 at once and counts what it got. */
async function startReceiver(): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received++;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received: () => received };
}

/** The rules: 80 % MODEL_STATUS over the catalogue, 20 % BURN_RATE over the contracts, from a seed. */
function ruleInputs(receiverUrl: string, contracts: readonly string[]): Record<string, unknown>[] {
  const random = seededRandom(16);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const providers = Object.keys(CATALOGUE);
  return Array.from({ length: RULES }, (_, i) => {
    const webhookUrl = `${receiverUrl}/rule-${i}`;
    if (i % 5 === 4) return { name: `burn ${i}`, kind: 'BURN_RATE', contractId: pick(contracts), minSeverity: pick(['TICKET', 'PAGE']), webhookUrl };
    const provider = pick(providers);
    return {
      name: `status ${i}`, kind: 'MODEL_STATUS', provider, model: random() < 0.5 ? null : pick(CATALOGUE[provider]!),
      platform: random() < 0.5 ? null : pick(PLATFORMS), minSeverity: pick(['DEGRADED', 'PARTIAL_OUTAGE', 'MAJOR_OUTAGE']),
      forMinutes: 1 + Math.floor(random() * 10), webhookUrl,
    };
  });
}

async function checkpoints(client: pg.Client): Promise<{ timeline: Position; alerts: Position }> {
  const { rows } = await client.query<{ name: string; t: string; g: string }>(
    "SELECT name, transaction_id::text AS t, global_position::text AS g FROM projection_checkpoints WHERE name IN ('timeline', 'alerts')");
  const of = (name: string) => {
    const row = rows.find((r) => r.name === name);
    return row === undefined ? { t: 0n, g: 0n } : { t: BigInt(row.t), g: BigInt(row.g) };
  };
  return { timeline: of('timeline'), alerts: of('alerts') };
}

/** (b): posts at LAG_RATE for LAG_SECONDS; per batch, when the timeline and then the alerts had folded it. */
async function lagPhase(url: string, token: string, databaseUrl: string) {
  const [poller, lookup] = [await cleanup.connect(databaseUrl, 'bench-poller'), await cleanup.connect(databaseUrl, 'bench-lookup')];
  const batchSize = Math.max(1, Math.round(LAG_RATE / BATCHES_PER_SECOND));
  const total = Math.max(1, Math.round(LAG_SECONDS * BATCHES_PER_SECOND));
  const batches: { committedAt: number; end: Position | null }[] = [];
  const polls: { at: number; timeline: Position; alerts: Position }[] = [];
  let polling = true;
  const failures: unknown[] = [];
  const pollLoop = (async () => {
    while (polling) {
      polls.push({ at: performance.now(), ...(await checkpoints(poller)) });
      await sleep(POLL_MS);
    }
  })().catch((error: unknown) => void failures.push(error));
  const lookups: Promise<void>[] = [];
  const post = async (k: number) => {
    const ids: string[] = [];
    const events = Array.from({ length: batchSize }, (_, i) => {
      ids.push(`alerts-lag-${k}-${i}`);
      return liveEvent(ids[i]!, (roll) => (roll < 0.97 ? 'success' : roll < 0.99 ? 'error' : 'timeout'), () => 800);
    });
    const response = await fetch(`${url}/v1/events`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ events }), signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    const committedAt = performance.now();
    if (response.status !== 200) throw new Error(`POST /v1/events: HTTP ${response.status} ${text.slice(0, 300)}`);
    const record = { committedAt, end: null as Position | null };
    batches.push(record);
    lookups.push(lookup.query<{ t: string; g: string }>(
      "SELECT transaction_id::text AS t, max(global_position)::text AS g FROM outcome_events WHERE platform = 'acme' AND event_id = ANY($1::text[]) GROUP BY 1",
      [[ids[0]!, ids[ids.length - 1]!]],
    ).then(({ rows }) => {
      record.end = { t: BigInt(rows[0]!.t), g: BigInt(rows[0]!.g) };
    }).catch((error: unknown) => void failures.push(error)));
  };
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  for (let k = 0; k < total && failures.length === 0; k++) {
    const wait = t0 + k * (1000 / BATCHES_PER_SECOND) - performance.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= 32) await Promise.race(inFlight);
    const p: Promise<void> = post(k).catch((error: unknown) => void failures.push(error)).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const postEnd = Math.max(...batches.map((b) => b.committedAt));
  await Promise.all(lookups);
  if (failures.length > 0) throw failures[0];
  const last = batches.reduce<Position>((max, b) => (atOrAfter(max, b.end!) ? max : b.end!), { t: 0n, g: 0n });
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline && !polls.some((p) => atOrAfter(p.alerts, last))) await sleep(POLL_MS);
  polling = false;
  await pollLoop;
  const seen = (b: (typeof batches)[number], which: 'timeline' | 'alerts') => polls.find((p) => atOrAfter(p[which], b.end!))?.at ?? Infinity;
  const evaluation = batches.map((b) => seen(b, 'alerts') - seen(b, 'timeline'));
  const commitToAlerts = batches.map((b) => seen(b, 'alerts') - b.committedAt);
  return {
    posted: batches.length * batchSize, seconds: (postEnd - t0) / 1000,
    evaluation: { p50: percentile(evaluation, 50), p99: percentile(evaluation, 99), max: Math.max(...evaluation) },
    commitToAlerts: { p50: percentile(commitToAlerts, 50), p99: percentile(commitToAlerts, 99), max: Math.max(...commitToAlerts) },
  };
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const databaseUrl = await cleanup.databaseUrl('alerts', PG_PORT, EXTERNAL_DATABASE_URL);
  const db = (cleanup.db = createDatabase({ url: databaseUrl, poolSize: 4, applicationName: 'bench-alerts' }));
  await migrateToLatest(db);
  const admin = await cleanup.connect(databaseUrl, 'bench-admin');
  if (Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM outcome_events')).rows[0]!.n) > 0) throw new Error('the database already holds outcome events: use an empty one');
  const version = (await admin.query<{ v: string }>("SELECT split_part(version(), ',', 1) AS v")).rows[0]!.v;

  const logEnd = Date.now() - 3_600_000;
  const genStart = performance.now();
  await withTimeout(generateLog(admin, {
    events: EVENTS, start: new Date(logEnd - LOG_DAYS * 86_400_000), end: new Date(logEnd), chunk: 500_000,
    onChunk: (written) => log(`generated ${fmtInt(written)} / ${fmtInt(EVENTS)} events`),
  }), 2_400_000, 'generating the log');
  await admin.query('VACUUM (ANALYZE) outcome_events');
  log(`log of ${fmtInt(EVENTS)} events in ${secs(performance.now() - genStart)} s; rebuilding its read models`);
  const rebuildStart = performance.now();
  await withTimeout(createProjectionRunner(db).rebuild(), 1_800_000, 'the rebuild');
  log(`rebuilt in ${secs(performance.now() - rebuildStart)} s`);
  await db.destroy();
  cleanup.db = null;

  const receiver = await startReceiver();
  const adminKey = `bench-admin-${randomBytes(24).toString('hex')}`;
  const service = (cleanup.service = spawnBenchService({ databaseUrl, port: await freePort(), adminKey, role: 'all', log, env: { ALLOW_PRIVATE_WEBHOOKS: 'true' } }));
  await waitUntilReady(service, 90_000);
  const tokens = Object.fromEntries(await Promise.all(PLATFORMS.map(async (p) => [p, await createIngestKey(service.url, adminKey, p)] as const)));
  const contracts: string[] = [];
  for (const platform of PLATFORMS) {
    for (const provider of Object.keys(CATALOGUE)) {
      const data = await graphql<{ defineContract: { id: string } }>(service.url, adminKey, 'mutation($input: ContractInput!) { defineContract(input: $input) { id } }', {
        input: {
          platform, provider, targetPercent: '99.5', policy: { kind: provider === 'google' ? 'DOWNTIME_MINUTES' : 'REQUEST_SUCCESS_RATIO' },
          creditTiers: [{ uptimeBelow: '99.5', creditPercent: '10' }], monthlyFee: { amount: '1000.00', currency: 'USD' }, claimWindowDays: 30, effectiveFrom: '2026-01-01T00:00:00Z',
        },
      });
      contracts.push(data.defineContract.id);
    }
  }

  // ── (a) rules, and their first evaluation over the whole log ──
  log(`(a) creating ${fmtInt(RULES)} rules`);
  const rulesStart = performance.now();
  for (const input of ruleInputs(receiver.url, contracts)) {
    await graphql(service.url, adminKey, 'mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { rule { id } } }', { input });
  }
  const createdMs = performance.now() - rulesStart;
  await withTimeout((async () => {
    while (Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM alert_rule_progress')).rows[0]!.n) < RULES) await sleep(200);
  })(), 1_800_000, 'the rules\' first evaluation');
  const evaluatedMs = performance.now() - rulesStart;
  const found = (await admin.query<{ alerts: string; firing: string; states: string }>(
    'SELECT (SELECT count(*) FROM alerts) AS alerts, (SELECT count(*) FROM alerts WHERE resolved_minute IS NULL) AS firing, (SELECT count(*) FROM alert_rule_states) AS states')).rows[0]!;
  log(`(a) created in ${secs(createdMs)} s; all evaluated ${secs(evaluatedMs)} s after the first: ${fmtInt(Number(found.alerts))} alerts (${found.firing} firing)`);

  // ── (b) evaluation lag ──
  log(`(b) ${fmtInt(LAG_RATE)} events/s for ${LAG_SECONDS} s`);
  const lag = await withTimeout(lagPhase(service.url, tokens.acme!, databaseUrl), (LAG_SECONDS + 300) * 1000, 'the lag phase');
  log(`(b) evaluation lag p50 ${lag.evaluation.p50.toFixed(0)} ms, p99 ${lag.evaluation.p99.toFixed(0)} ms`);

  // ── (c) delivery throughput ──
  const rule = (await admin.query<{ id: string }>("SELECT id FROM alert_rules WHERE kind = 'MODEL_STATUS' ORDER BY id LIMIT 1")).rows[0]!.id;
  const before = receiver.received();
  await admin.query(`
    INSERT INTO alert_deliveries (id, alert_id, rule_id, transition, body, state, created_at, next_attempt_at)
    SELECT 'dlv_bench_' || i, 'bench-alert-' || i, $1, 'FIRING', jsonb_build_object('type', 'alert.firing', 'transition', 'FIRING', 'alert', jsonb_build_object('id', 'bench-alert-' || i)), 'PENDING', now(), now()
    FROM generate_series(1, $2) AS i`, [rule, DELIVERIES]);
  const deliveryStart = performance.now();
  await withTimeout((async () => {
    while (Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM alert_deliveries WHERE id LIKE 'dlv_bench_%' AND state = 'DELIVERED'")).rows[0]!.n) < DELIVERIES) await sleep(100);
  })(), 600_000, 'the deliveries');
  const deliveryMs = performance.now() - deliveryStart;
  const deliveryRate = DELIVERIES / (deliveryMs / 1000);
  log(`(c) ${fmtInt(DELIVERIES)} deliveries in ${secs(deliveryMs)} s (receiver got ${fmtInt(receiver.received() - before)})`);
  receiver.server.close();

  const pass = { evaluationLag: lag.evaluation.p99 <= TARGET.evaluationLagP99Ms };
  const ms = (v: { p50: number; p99: number; max: number }) => `p50 ${v.p50.toFixed(0)} ms, p99 ${v.p99.toFixed(0)} ms, max ${v.max.toFixed(0)} ms`;
  process.stdout.write([
    '', 'SLA Ledger alerts benchmark',
    `machine     ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, node ${process.version}; load avg before ${loadBefore}, at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `postgres    ${version} (${EXTERNAL_DATABASE_URL ? 'DATABASE_URL' : 'embedded, throwaway, default settings'})`,
    `log         ${fmtInt(EVENTS)} synthetic events over ${LOG_DAYS} days (30 models, 3 platforms), rebuilt before the service started; 15 contracts`,
    '',
    `(a) ${fmtInt(RULES)} rules (80 % MODEL_STATUS, 20 % BURN_RATE) created over GraphQL in ${secs(createdMs)} s; every one evaluated over the whole log ${secs(evaluatedMs)} s after the first was created`,
    `    found ${fmtInt(Number(found.alerts))} alerts (${found.firing} firing at the end of the log), ${fmtInt(Number(found.states))} stored rule states`,
    `(b) ${fmtInt(lag.posted)} events posted at ${fmtInt(LAG_RATE)} events/s over ${lag.seconds.toFixed(1)} s (10 batches a second)`,
    `    evaluation lag behind the timeline: ${ms(lag.evaluation)}   target p99 ≤ ${fmtInt(TARGET.evaluationLagP99Ms)} ms   ${pass.evaluationLag ? 'PASS' : 'FAIL'}`,
    `    from the POST's answer to the alerts' checkpoint: ${ms(lag.commitToAlerts)}`,
    `(c) ${fmtInt(DELIVERIES)} deliveries from the outbox to a receiver on loopback answering 200: ${secs(deliveryMs)} s, ${fmtInt(deliveryRate)} deliveries/s (one worker)`,
    '', `total bench time ${secs(performance.now() - startedAt)} s`, '',
  ].join('\n'));
  process.stdout.write(`${JSON.stringify({
    bench: 'alerts', events: EVENTS, rules: RULES,
    firstEvaluation: { createSeconds: r1(createdMs / 1000), evaluatedSeconds: r1(evaluatedMs / 1000), alerts: Number(found.alerts) },
    lag: { rate: LAG_RATE, seconds: LAG_SECONDS, evaluationP50Ms: r1(lag.evaluation.p50), evaluationP99Ms: r1(lag.evaluation.p99), commitToAlertsP99Ms: r1(lag.commitToAlerts.p99) },
    deliveries: { count: DELIVERIES, seconds: r1(deliveryMs / 1000), perSecond: Math.round(deliveryRate) },
    targets: TARGET, pass,
  })}\n`);
  return STRICT && !pass.evaluationLag ? 1 : 0;
}

runBenchmark({ main, cleanUp: cleanup.run, watchdogMs: WATCHDOG_MS, log, lastOutput: () => cleanup.service?.output ?? [] });
