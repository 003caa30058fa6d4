/**
 * Vendor comparison benchmark (`npm run bench:vendor`).
 *
 * 1. A throwaway embedded Postgres (or DATABASE_URL, which must hold no events), migrated; a log
 *    of BENCH_EVENTS events written straight into outcome_events with SQL over the 90 days
 *    before the current minute (30 models of 5 providers, 3 platforms, skewed traffic, error
 *    bursts in ~1 % of model-hours), projected with a rebuild of every read model (the runner's
 *    rebuild: rollups, outages and the vendor summaries, swapped in together).
 * 2. The built service (ROLE=all) as a child process, with every projection checked caught up;
 *    the first `vendorComparison` is timed on its own.
 * 3. Sequential POST /graphql requests after a warm-up, BENCH_QUERIES of each: all 30 models over
 *    the 90 days; the same with providerRows; one platform's traffic. Every answer's request
 *    totals are checked against a count of the log. p50/p95 per query, and over all of them.
 *
 * Environment: BENCH_EVENTS (5000000), BENCH_QUERIES (60), BENCH_PG_PORT (55470), DATABASE_URL,
 * BENCH_STRICT=1 (exit 1 when the p95 target is missed).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDatabase, migrateToLatest } from '@ledger/database';
import { createProjectionRunner } from '@ledger/runtime';
import {
  benchGraphql, envNumber, freePort, percentile, runBenchmark, spawnBenchService, stopService, waitUntilReady,
  projectionLags, withTimeout,
  BenchCleanup,
} from './bench-support';
import { generateLog } from './synthetic-log';

const EVENTS = Math.floor(envNumber('BENCH_EVENTS', 5_000_000, 1_000, 100_000_000));
const QUERIES = Math.floor(envNumber('BENCH_QUERIES', 60, 1, 10_000));
const WARMUP_QUERIES = 5;
const PG_PORT = Math.floor(envNumber('BENCH_PG_PORT', 55470, 1, 65535));
const EXTERNAL_DATABASE_URL = process.env.DATABASE_URL || undefined;
const STRICT = process.env.BENCH_STRICT === '1';
const DAYS = 90;
const TARGET_P95_MS = 200;
const WATCHDOG_MS = (1_800 + EVENTS / 2_000) * 1000;
const MINUTE_MS = 60_000;

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => (ms / 1000).toFixed(1);

const QUERY = `query ($from: DateTime!, $to: DateTime!, $platform: String, $providerRows: Boolean) {
  vendorComparison(from: $from, to: $to, platform: $platform, providerRows: $providerRows) {
    provider model rank eligibleRequests availabilityPercent operationalMinutesPercent outages outageMinutes mttrMinutes mtbfMinutes
    longestOutageMinutes p50LatencyMs p95LatencyMs p99LatencyMs ttftP95Ms outcomes { success error timeout rateLimited clientError } } }`;

interface Row {
  model: string | null;
  outcomes: { success: number; error: number; timeout: number; rateLimited: number; clientError: number };
}
interface Variant { name: string; platform: string | null; providerRows: boolean }
const VARIANTS: Variant[] = [
  { name: 'all 30 models', platform: null, providerRows: false },
  { name: 'all 30 models + provider rows', platform: null, providerRows: true },
  { name: 'one platform (acme), 30 models', platform: 'acme', providerRows: false },
];

const cleanup = new BenchCleanup(log);

async function main(): Promise<number> {
  const startedAt = performance.now();
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const databaseUrl = await cleanup.databaseUrl('vendor', PG_PORT, EXTERNAL_DATABASE_URL);
  const db = createDatabase({ url: databaseUrl, poolSize: 4, applicationName: 'bench-vendor' });
  await migrateToLatest(db);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-vendor-admin' });
  cleanup.clients.push(client);
  await client.connect();
  const count = async (text: string, values: unknown[] = []) => Number((await client.query<{ n: string }>(text, values)).rows[0]?.n ?? 0);
  if ((await count('SELECT count(*) AS n FROM outcome_events')) > 0) throw new Error('the database already holds outcome events: use an empty one');
  const version = (await client.query<{ v: string }>("SELECT split_part(version(), ',', 1) AS v")).rows[0]?.v ?? '?';

  // ── the log: 90 days ending at the current minute, so the window [to − 90 d, to) holds all of it ──
  const to = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const from = to - DAYS * 86_400_000;
  const genStart = performance.now();
  await withTimeout(generateLog(client, {
    events: EVENTS, start: new Date(from), end: new Date(to), chunk: 500_000,
    onChunk: (written) => log(`generated ${fmtInt(written)} / ${fmtInt(EVENTS)} events (${secs(performance.now() - genStart)} s)`),
  }), 1_800_000, 'generating the log');
  await client.query('VACUUM (ANALYZE) outcome_events');
  const genMs = performance.now() - genStart;

  log(`projecting ${fmtInt(EVENTS)} events with a rebuild of every read model (the vendor summaries included)`);
  const projectStart = performance.now();
  await withTimeout(createProjectionRunner(db).rebuild({ batchSize: 250_000 }), 3_600_000, 'the rebuild');
  const projectMs = performance.now() - projectStart;
  await db.destroy();
  await client.query('VACUUM (ANALYZE) minute_rollups');
  await client.query('VACUUM (ANALYZE) outages');
  const rollups = await count('SELECT count(*) AS n FROM minute_rollups');
  const outages = await count("SELECT count(*) AS n FROM outages WHERE platform = ''");
  log(`projected in ${secs(projectMs)} s: ${fmtInt(rollups)} minute rollups, ${fmtInt(outages)} model outages`);

  // What every answer must add up to (all requests in the window; one platform's).
  const expectedTotal = await count('SELECT count(*) AS n FROM outcome_events WHERE occurred_at >= $1 AND occurred_at < $2', [new Date(from), new Date(to)]);
  const expectedAcme = await count("SELECT count(*) AS n FROM outcome_events WHERE platform = 'acme' AND occurred_at >= $1 AND occurred_at < $2", [new Date(from), new Date(to)]);

  const adminKey = `bench-admin-${randomBytes(24).toString('hex')}`;
  const service = (cleanup.service = spawnBenchService({ databaseUrl, port: await freePort(), adminKey, role: 'all', log }));
  await waitUntilReady(service, 90_000);
  log(`service ready at ${service.url}`);

  const variables = (v: Variant) => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), platform: v.platform, providerRows: v.providerRows });
  const run = async (v: Variant) => {
    const data = await benchGraphql<{ vendorComparison: Row[] }>(service.url, adminKey, QUERY, variables(v));
    const modelRows = data.vendorComparison.filter((r) => r.model !== null);
    const total = modelRows.reduce((sum, r) => sum + r.outcomes.success + r.outcomes.error + r.outcomes.timeout + r.outcomes.rateLimited + r.outcomes.clientError, 0);
    const expected = v.platform === null ? expectedTotal : expectedAcme;
    if (modelRows.length !== 30 || total !== expected) throw new Error(`${v.name}: ${modelRows.length} model rows holding ${total} requests; expected 30 and ${expected}`);
    if (v.providerRows && data.vendorComparison.length !== 35) throw new Error(`${v.name}: ${data.vendorComparison.length} rows, expected 35`);
  };

  // The rebuild summarized the rollups before swapping them in: nothing is left for the worker.
  const lags = await projectionLags(client);
  if (Object.values(lags).some((lag) => lag !== 0)) throw new Error(`projections behind after the rebuild: ${JSON.stringify(lags)}`);
  const summaryRows = await count('SELECT count(*) AS n FROM vendor_summaries');
  log(`summaries built by the rebuild: ${fmtInt(summaryRows)} rows; the first query follows`);
  const coldStart = performance.now();
  await run(VARIANTS[0]!);
  const coldMs = performance.now() - coldStart;
  log(`first query ${coldMs.toFixed(0)} ms`);

  const results: { variant: Variant; times: number[] }[] = [];
  for (const variant of VARIANTS) {
    for (let i = 0; i < WARMUP_QUERIES; i++) await run(variant);
    const times: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now();
      await run(variant);
      times.push(performance.now() - t0);
    }
    results.push({ variant, times });
    log(`${variant.name}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`);
  }
  await stopService(service, log);
  cleanup.service = null;

  const all = results.flatMap((r) => r.times);
  const worstP95 = Math.max(...results.map((r) => percentile(r.times, 95)));
  const pass = worstP95 <= TARGET_P95_MS;
  const lines = [
    '',
    'SLA Ledger vendor comparison benchmark',
    '══════════════════════════════════════',
    `machine   ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, node ${process.version}; ` +
      `load avg before ${loadBefore}, at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `postgres  ${version} (${EXTERNAL_DATABASE_URL ? 'DATABASE_URL' : 'embedded, throwaway, default settings'})`,
    `log       ${fmtInt(EVENTS)} events over ${DAYS} days, 30 models / 5 providers, 3 platforms (generated in ${secs(genMs)} s); ` +
      `projected in ${secs(projectMs)} s into ${fmtInt(rollups)} minute rollups and ${fmtInt(outages)} model outages`,
    `summaries built by the rebuild (${fmtInt(summaryRows)} rows, in the projection time above); first query then ${coldMs.toFixed(0)} ms`,
    `window    ${new Date(from).toISOString()} → ${new Date(to).toISOString()}`,
    `queries   POST /graphql vendorComparison, ${QUERIES} sequential per variant after ${WARMUP_QUERIES} warm-up (totals checked against the log)`,
    ...results.map((r) => `  ${r.variant.name.padEnd(34)} p50 ${percentile(r.times, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(r.times, 95).toFixed(1).padStart(6)} ms   max ${Math.max(...r.times).toFixed(1).padStart(6)} ms`),
    `  ${'all'.padEnd(34)} p50 ${percentile(all, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(all, 95).toFixed(1).padStart(6)} ms`,
    `target    p95 ≤ ${TARGET_P95_MS} ms for every variant: worst ${worstP95.toFixed(1)} ms   ${pass ? 'PASS' : 'FAIL'}`,
    `total bench time ${secs(performance.now() - startedAt)} s`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const r1 = (n: number) => Math.round(n * 10) / 10;
  process.stdout.write(`${JSON.stringify({
    bench: 'vendor', events: EVENTS, days: DAYS, rollups, summaryRows, coldMs: r1(coldMs),
    variants: Object.fromEntries(results.map((r) => [r.variant.name, { p50: r1(percentile(r.times, 50)), p95: r1(percentile(r.times, 95)), max: r1(Math.max(...r.times)) }])),
    all: { p50: r1(percentile(all, 50)), p95: r1(percentile(all, 95)) }, targetP95Ms: TARGET_P95_MS, pass,
  })}\n`);
  return STRICT && !pass ? 1 : 0;
}

runBenchmark({ main, cleanUp: cleanup.run, watchdogMs: WATCHDOG_MS, log, lastOutput: () => cleanup.service?.output ?? [] });
