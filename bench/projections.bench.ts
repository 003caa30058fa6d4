/**
 * Projections benchmark (`npm run bench:projections`).
 *
 * 1. Starts a throwaway embedded Postgres (or uses DATABASE_URL, which must hold no events), with
 *    default settings, migrates it, and writes a log of BENCH_EVENTS events straight into
 *    outcome_events with SQL: 30 days ending an hour ago, in time order, 3 platforms, 30 models
 *    (skewed), ~97% success, and hour-long error bursts (≈1% of each model's hours) so outages exist.
 * 2. (a) Replay: times the runner's rebuild of every read model (batchSize 250,000) over that log → events/s, with
 *    the time of each phase and the CPU seconds the rebuild process and Postgres spent (a shared
 *    machine stretches wall time; CPU time says what the work costs), and samples the RSS of this
 *    process, which the rebuild runs in. Then runs `cli rebuild` once more over the same log, as an
 *    operator would, and samples the RSS of its process: the rebuild's memory target is on that.
 * 3. Spawns the built service (ROLE=all: the API and the projector worker) and measures
 *    (c) `outages` for one model over 30 days (rotating over the models) and `providerStatus`
 *    for all models over POST /graphql, sequentially, after a warm-up.
 * 4. (b) Lag: posts events (occurredAt = now) at BENCH_LAG_RATE events/s for BENCH_LAG_SECONDS,
 *    as 10 batches a second on a fixed schedule, and polls the timeline checkpoint every 50 ms.
 *    A batch is visible once the checkpoint has passed its last event: rollups (what minuteSeries
 *    reads) and the checkpoint commit in one transaction. Lag = visible − POST answered 200.
 *    The minuteSeries totals are checked against what was posted. Then (c) is measured again.
 * 5. Prints a summary with PASS/FAIL per target, and one JSON line.
 *
 * Environment: BENCH_EVENTS (5000000), BENCH_LAG_RATE (10000), BENCH_LAG_SECONDS (60),
 * BENCH_QUERIES (200), BENCH_PG_PORT (55434), DATABASE_URL, BENCH_STRICT=1 (exit 1 on a miss),
 * BENCH_LOG_DAYS (30: fewer days make a denser log), BENCH_REPLAY_ONLY=1 (stop after (a)),
 * BENCH_CATCHUP=1 (before (a), time the timeline folding the whole log incrementally, in the
 * worker's 20,000-event batches, as after an outage of the worker),
 * BENCH_REPLAY_RUNS (1: rebuild the same log that many times and report the median run),
 * BENCH_STRETCH_MB (64: megabytes of the log a rebuild folds at a time, `cli rebuild --stretch-mb`).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDatabase, Database, migrateToLatest } from '@ledger/database';
import { DEFAULT_STRETCH_BYTES, TIMELINE_PROJECTION } from '@ledger/projections';
import { createProjectionRunner } from '@ledger/runtime';
import {
  benchGraphql as graphql, envNumber, freePort, packageScript, percentile, procStatusKb, runBenchmark, sleep, spawnBenchService, stopService, waitUntilReady,
  projectionLags, withTimeout,
  BenchCleanup, RssSampler,
} from './bench-support';
import { CATALOGUE, generateLog, liveEvent, MODELS } from './synthetic-log';

const EVENTS = Math.floor(envNumber('BENCH_EVENTS', 5_000_000, 1_000, 100_000_000));
const LAG_RATE = Math.floor(envNumber('BENCH_LAG_RATE', 10_000, 10, 100_000));
const LAG_SECONDS = envNumber('BENCH_LAG_SECONDS', 60, 1, 600);
const QUERIES = Math.floor(envNumber('BENCH_QUERIES', 200, 1, 10_000));
const WARMUP_QUERIES = 20;
const PG_PORT = Math.floor(envNumber('BENCH_PG_PORT', 55434, 1, 65535));
const EXTERNAL_DATABASE_URL = process.env.DATABASE_URL || undefined;
const STRICT = process.env.BENCH_STRICT === '1';
const REBUILD_BATCH = 250_000;
const GEN_CHUNK = 500_000;
const LOG_DAYS = envNumber('BENCH_LOG_DAYS', 30, 1, 365);
const REPLAY_ONLY = process.env.BENCH_REPLAY_ONLY === '1';
const CATCH_UP = process.env.BENCH_CATCHUP === '1';
/** The worker's batch while it has a backlog to start from (the scheduler doubles it as a backlog lasts). */
const CATCH_UP_BATCH = 20_000;
const REPLAY_RUNS = Math.floor(envNumber('BENCH_REPLAY_RUNS', 1, 1, 20));
/** Megabytes of the log's partitions the rebuild folds at a time (`cli rebuild --stretch-mb`). */
const STRETCH_MB = envNumber('BENCH_STRETCH_MB', DEFAULT_STRETCH_BYTES / 2 ** 20, 0, 100_000);
const LAG_PLATFORM = 'lagbench';
const BATCHES_PER_SECOND = 10;
const POLL_MS = 50;
const TARGET = { replay: 500_000, lagP99Ms: 2_000, queryP95Ms: 50, rebuildRssMb: 300 };
const WATCHDOG_MS = (1_800 + EVENTS / 2_000 + 3 * LAG_SECONDS) * 1000;

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => (ms / 1000).toFixed(1);
const r1 = (n: number) => Math.round(n * 10) / 10;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

// ───────────────────────────── helpers ─────────────────────────────

const OUTAGES_QUERY = `query ($from: DateTime!, $to: DateTime!, $provider: String, $model: String) {
  outages(from: $from, to: $to, provider: $provider, model: $model) {
    provider model platform start end lastBadMinuteEnd ongoing durationMinutes severity peakErrorRate eligibleRequests failedRequests platformsAffected } }`;
const STATUS_QUERY = '{ providerStatus { provider model status since errorRate eligibleRequests } }';

interface QueryStats { p50: number; p95: number; p99: number; rows: number }

/** Sequential requests after a warm-up: latency percentiles (ms) and the mean number of rows answered. */
async function measureQuery(run: (i: number) => Promise<number>): Promise<QueryStats> {
  for (let i = 0; i < WARMUP_QUERIES; i++) await run(i);
  const latencies: number[] = [];
  let rows = 0;
  for (let i = 0; i < QUERIES; i++) {
    const t0 = performance.now();
    rows += await run(i);
    latencies.push(performance.now() - t0);
  }
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), rows: rows / QUERIES };
}

async function measureQueries(url: string, key: string): Promise<{ outages: QueryStats; providerStatus: QueryStats }> {
  const to = new Date();
  const from = new Date(to.getTime() - LOG_DAYS * 86_400_000);
  const outages = await measureQuery(async (i) => {
    const m = MODELS[i % MODELS.length]!;
    const data = await graphql<{ outages: unknown[] }>(url, key, OUTAGES_QUERY, { from, to, provider: m.provider, model: m.model });
    return data.outages.length;
  });
  const providerStatus = await measureQuery(async () => (await graphql<{ providerStatus: unknown[] }>(url, key, STATUS_QUERY)).providerStatus.length);
  return { outages, providerStatus };
}

const machineLine = (loadBefore: string, loadAfterLag?: string) =>
  `machine     ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, node ${process.version}; ` +
  `load avg before ${loadBefore}${loadAfterLag === undefined ? '' : `, right after (b) ${loadAfterLag}`}, at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
const postgresLine = (version: string, settings: Record<string, string | undefined>, names: string[]) =>
  `postgres    ${version} (${EXTERNAL_DATABASE_URL ? 'DATABASE_URL' : 'embedded, throwaway, default settings'}): ${names.map((n) => `${n}=${settings[n]}`).join(' ')}`;
const logLine = (facts: { success: string; failed: string }, genMs: number, vacuumMs: number) =>
  `log         ${fmtInt(EVENTS)} events over ${LOG_DAYS} days in time order, ${MODELS.length} models / 5 providers (skewed), 3 platforms; ` +
  `${facts.success}% success, ${facts.failed}% error+timeout (incl. ~1% of model-hours in 50% bursts); SQL-generated in ${secs(genMs)} s + VACUUM ANALYZE ${secs(vacuumMs)} s`;

/**
 * CPU milliseconds the embedded Postgres has used so far (Linux /proc): the postmaster with its
 * reaped children (exited backends and parallel workers), plus its live children. Null when unknown.
 */
function postgresCpuMs(dataDir: string | null): number | null {
  if (dataDir === null || process.platform !== 'linux') return null;
  try {
    const postmaster = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const ticks = 100; // USER_HZ
    const stat = (pid: string | number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const own = stat(postmaster);
    let total = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        const fields = stat(pid);
        if (Number(fields[1]) === postmaster) total += Number(fields[11]) + Number(fields[12]);
      } catch {
        // the process ended meanwhile
      }
    }
    return (total * 1000) / ticks;
  } catch {
    return null;
  }
}

// ───────────────────────────── lag phase ─────────────────────────────

interface Position { t: bigint; g: bigint }
const atOrAfter = (a: Position, b: Position) => a.t > b.t || (a.t === b.t && a.g >= b.g);

interface BatchRecord { committedAt: number; end: Position | null }

/** The timeline's checkpoint (what minuteSeries reads), and the vendor summaries' (what vendorComparison reads). */
async function checkpointsOf(client: pg.Client): Promise<{ timeline: Position & { folded: number }; summaries: Position }> {
  const { rows } = await client.query<{ name: string; t: string; g: string; n: string }>(
    "SELECT name, transaction_id::text AS t, global_position::text AS g, events_folded::text AS n FROM projection_checkpoints WHERE name IN ('timeline', 'vendor-summaries')");
  const of = (name: string) => {
    const row = rows.find((r) => r.name === name);
    return row === undefined ? { t: 0n, g: 0n, folded: 0 } : { t: BigInt(row.t), g: BigInt(row.g), folded: Number(row.n) };
  };
  return { timeline: of('timeline'), summaries: of('vendor-summaries') };
}

async function lagPhase(url: string, adminKey: string, token: string, databaseUrl: string) {
  const [poller, lookup] = [new pg.Client({ connectionString: databaseUrl }), new pg.Client({ connectionString: databaseUrl })];
  cleanup.clients.push(poller, lookup);
  await Promise.all([poller.connect(), lookup.connect()]);
  const batchSize = Math.max(1, Math.round(LAG_RATE / BATCHES_PER_SECOND));
  const total = Math.max(1, Math.round(LAG_SECONDS * BATCHES_PER_SECOND));
  const intervalMs = 1000 / BATCHES_PER_SECOND;
  const batches: BatchRecord[] = [];
  const polls: { at: number; pos: Position; summaries: Position }[] = [];
  const foldedBefore = (await checkpointsOf(poller)).timeline.folded;
  const phaseStart = new Date();
  let polling = true;
  const failures: unknown[] = [];
  const pollLoop = (async () => {
    while (polling) {
      const { timeline, summaries } = await checkpointsOf(poller);
      polls.push({ at: performance.now(), pos: timeline, summaries });
      await sleep(POLL_MS);
    }
  })().catch((error: unknown) => void failures.push(error));

  const lookups: Promise<void>[] = [];
  const post = async (k: number) => {
    const ids: string[] = [];
    const events = Array.from({ length: batchSize }, (_, i) => {
      ids.push(`lag-${k}-${i}`);
      return liveEvent(ids[i]!, (roll) => (roll < 0.97 ? 'success' : roll < 0.98 ? 'error' : roll < 0.99 ? 'rate_limited' : 'client_error'), () => 200 + Math.floor(Math.random() * 3000));
    });
    const response = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    const committedAt = performance.now();
    const result = JSON.parse(text) as { accepted?: number };
    if (response.status !== 200 || result.accepted !== batchSize) throw new Error(`POST /v1/events: HTTP ${response.status} ${text.slice(0, 300)}`);
    const record: BatchRecord = { committedAt, end: null };
    batches.push(record);
    // Where the batch ended in the log's commit order (one transaction per batch).
    lookups.push(lookup.query<{ t: string; g: string }>(
      'SELECT transaction_id::text AS t, max(global_position)::text AS g FROM outcome_events WHERE platform = $1 AND event_id = ANY($2::text[]) GROUP BY 1',
      [LAG_PLATFORM, [ids[0]!, ids[ids.length - 1]!]],
    ).then(({ rows }) => {
      if (rows.length !== 1) throw new Error(`batch ${k}: expected one transaction, found ${rows.length}`);
      record.end = { t: BigInt(rows[0]!.t), g: BigInt(rows[0]!.g) };
    }).catch((error: unknown) => void failures.push(error)));
  };

  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  let behind = 0;
  for (let k = 0; k < total && failures.length === 0; k++) {
    const wait = t0 + k * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    else if (wait < -intervalMs) behind++;
    while (inFlight.size >= 32) await Promise.race(inFlight);
    const p: Promise<void> = post(k).catch((error: unknown) => void failures.push(error)).finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  const postEnd = Math.max(...batches.map((b) => b.committedAt));
  await Promise.all(lookups);
  if (failures.length > 0 || batches.length === 0) throw failures[0] ?? new Error('no batch was posted');
  // Wait (bounded) for the projection to fold everything that was posted.
  const last = batches.reduce<Position>((max, b) => (atOrAfter(max, b.end!) ? max : b.end!), { t: 0n, g: 0n });
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline && failures.length === 0 && !polls.some((p) => atOrAfter(p.pos, last) && atOrAfter(p.summaries, last))) await sleep(POLL_MS);
  polling = false;
  await pollLoop;
  if (failures.length > 0) throw failures[0];

  const lagsTo = (reached: (poll: (typeof polls)[number], end: Position) => boolean) => batches.map((b) => {
    const seen = polls.find((p) => reached(p, b.end!));
    return seen === undefined ? Infinity : seen.at - b.committedAt;
  });
  const lags = lagsTo((p, end) => atOrAfter(p.pos, end));
  const summaryLags = lagsTo((p, end) => atOrAfter(p.summaries, end));
  const foldedDelta = (await checkpointsOf(poller)).timeline.folded - foldedBefore;
  // Everything posted must be visible in minuteSeries (the lag platform only).
  const to = new Date(Date.now() + 120_000);
  const from = new Date(phaseStart.getTime() - 120_000);
  let visible = 0;
  for (const provider of Object.keys(CATALOGUE)) {
    const data = await graphql<{ minuteSeries: { successes: number; errors: number; timeouts: number; rateLimited: number; clientErrors: number }[] }>(
      url, adminKey, `query ($from: DateTime!, $to: DateTime!, $provider: String!, $platform: String) {
        minuteSeries(from: $from, to: $to, provider: $provider, platform: $platform) { successes errors timeouts rateLimited clientErrors } }`,
      { from, to, provider, platform: LAG_PLATFORM });
    for (const m of data.minuteSeries) visible += m.successes + m.errors + m.timeouts + m.rateLimited + m.clientErrors;
  }
  const posted = batches.length * batchSize;
  return {
    batches: batches.length, batchSize, posted, seconds: (postEnd - t0) / 1000, rate: posted / ((postEnd - t0) / 1000), behind,
    p50: percentile(lags, 50), p99: percentile(lags, 99), max: Math.max(...lags), min: Math.min(...lags),
    summaries: { p50: percentile(summaryLags, 50), p99: percentile(summaryLags, 99), max: Math.max(...summaryLags) },
    foldedDelta, visibleInMinuteSeries: visible,
  };
}

// ───────────────────────────── replay ─────────────────────────────

interface ReplayRun {
  /** Events/s of the timeline's part (every phase but the vendor summaries'); `allRate` of the whole rebuild. */
  rate: number; allRate: number; ms: number; summarizingMs: number; folded: number; phaseSeconds: Record<string, number>;
  nodeCpuMs: number; pgCpuMs: number | null; rollupRows: number; outageRows: number; modelOutages: number;
  /** This process's RSS before the rebuild and at its peak during it (the rebuild runs here, as `cli rebuild` runs it in its own). */
  rssBeforeMb: number; rssPeakMb: number;
}

/** One full rebuild of the log: wall time per phase and the CPU the rebuild process and Postgres spent. */
async function replayOnce(db: Database, count: (sqlText: string) => Promise<number>): Promise<ReplayRun> {
  const phaseStarts: { phase: string; at: number }[] = [];
  const pgCpuBefore = postgresCpuMs(cleanup.tempDir);
  const nodeCpuBefore = process.cpuUsage();
  const rssBeforeKb = procStatusKb(process.pid, 'VmRSS') ?? 0;
  // This process alone: the embedded Postgres it started is its child, but not the rebuild's memory.
  const rss = new RssSampler(process.pid, 100, { children: false });
  const replayStart = performance.now();
  let lastLogged = 0;
  const rebuilt = await withTimeout(createProjectionRunner(db).rebuild({
    batchSize: REBUILD_BATCH,
    stretchBytes: STRETCH_MB * 2 ** 20,
    onProgress: ({ folded, total, phase }) => {
      const now = performance.now();
      if (phaseStarts.at(-1)?.phase !== phase) {
        phaseStarts.push({ phase, at: now });
        log(`    ${phase} (${secs(now - replayStart)} s)`);
      } else if (now - lastLogged > 2_000) {
        lastLogged = now;
        log(`    folded ${fmtInt(folded)} / ~${fmtInt(total)} (${secs(now - replayStart)} s)`);
      }
    },
  }), 1_800_000, 'the rebuild').finally(() => rss.stop());
  const ms = performance.now() - replayStart;
  const nodeCpu = process.cpuUsage(nodeCpuBefore);
  const pgCpuAfter = postgresCpuMs(cleanup.tempDir);
  // Seconds per phase: from its first progress report to the next phase's.
  const phaseSeconds = Object.fromEntries(phaseStarts.slice(0, -1).map((p, i) => [p.phase, r1((phaseStarts[i + 1]!.at - p.at) / 1000)]));
  const summarizingMs = (phaseSeconds.summarizing ?? 0) * 1000;
  const rate = rebuilt.folded / ((ms - summarizingMs) / 1000);
  const run: ReplayRun = {
    rate, allRate: rebuilt.folded / (ms / 1000), ms, summarizingMs, folded: rebuilt.folded, phaseSeconds,
    nodeCpuMs: (nodeCpu.user + nodeCpu.system) / 1000,
    pgCpuMs: pgCpuBefore === null || pgCpuAfter === null ? null : pgCpuAfter - pgCpuBefore,
    rollupRows: await count('SELECT count(*) AS n FROM minute_rollups'),
    outageRows: await count('SELECT count(*) AS n FROM outages'),
    modelOutages: await count("SELECT count(*) AS n FROM outages WHERE platform = ''"),
    rssBeforeMb: Math.round(rssBeforeKb / 1024), rssPeakMb: Math.round(rss.peakKb / 1024),
  };
  log(`(a) ${fmtInt(rebuilt.folded)} events in ${secs(ms)} s → ${fmtInt(run.allRate)} events/s (the timeline's part ${fmtInt(rate)} events/s); ` +
    `${fmtInt(run.rollupRows)} rollups, ${fmtInt(run.outageRows)} outages`);
  if (rebuilt.folded !== EVENTS) throw new Error(`the rebuild folded ${rebuilt.folded} events, not ${EVENTS}`);
  return run;
}

/** The options `npm run cli` gives node (package.json's `cli` script), so that the CLI is measured as it runs. */
function cliNodeArgs(): string[] {
  const words = packageScript('cli').split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.findIndex((w) => w.endsWith('.js')));
}

/** `cli rebuild` over the log, in a process of its own as an operator runs it: its wall time and its peak RSS (sampled every 100 ms). */
async function cliRebuild(databaseUrl: string): Promise<{ seconds: number; rssPeakMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...cliNodeArgs(), join(__dirname, '../apps/cli/src/main.js'), 'rebuild', '--stretch-mb', String(STRETCH_MB)], {
    env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const rss = new RssSampler(child.pid!, 100, { children: false });
  const code = await withTimeout(new Promise<number | null>((resolve) => child.on('exit', resolve)), 1_800_000, 'cli rebuild');
  rss.stop();
  if (code !== 0) throw new Error(`cli rebuild exited with ${code}: ${stderr.trim()}`);
  return { seconds: r1((performance.now() - started) / 1000), rssPeakMb: Math.round(rss.peakKb / 1024) };
}

// ───────────────────────────── main ─────────────────────────────

const cleanup = new BenchCleanup(log);

async function main(): Promise<number> {
  const startedAt = performance.now();
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');

  const databaseUrl = await cleanup.databaseUrl('proj', PG_PORT, EXTERNAL_DATABASE_URL);
  const db = (cleanup.db = createDatabase({ url: databaseUrl, poolSize: 4, applicationName: 'bench-projections' }));
  await migrateToLatest(db);
  const admin = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-admin' });
  cleanup.clients.push(admin);
  await admin.connect();
  const count = async (sqlText: string) => Number((await admin.query<{ n: string }>(sqlText)).rows[0]?.n ?? 0);
  if ((await count('SELECT count(*) AS n FROM outcome_events')) > 0) throw new Error('the database already holds outcome events: use an empty one');
  const version = (await admin.query<{ v: string }>("SELECT split_part(version(), ',', 1) AS v")).rows[0]?.v ?? '?';
  const settingNames = ['shared_buffers', 'work_mem', 'max_wal_size', 'fsync', 'synchronous_commit'];
  const settings = Object.fromEntries((await admin.query<{ name: string; s: string }>(
    'SELECT name, current_setting(name) AS s FROM unnest($1::text[]) AS name', [settingNames])).rows.map((r) => [r.name, r.s]));

  // ── the log ──
  const logEnd = Date.now() - 3_600_000;
  const logStart = logEnd - LOG_DAYS * 86_400_000;
  const genStart = performance.now();
  await withTimeout(generateLog(admin, {
    events: EVENTS, start: new Date(logStart), end: new Date(logEnd), chunk: GEN_CHUNK,
    onChunk: (written) => log(`generated ${fmtInt(written)} / ${fmtInt(EVENTS)} events (${secs(performance.now() - genStart)} s)`),
  }), 1_800_000, 'generating the log');
  const genMs = performance.now() - genStart;
  const vacuumStart = performance.now();
  await admin.query('VACUUM (ANALYZE) outcome_events');
  await admin.query('CHECKPOINT');
  const vacuumMs = performance.now() - vacuumStart;
  const logFacts = (await admin.query<{ failed: string; success: string }>(
    "SELECT round(100.0 * count(*) FILTER (WHERE outcome IN ('error', 'timeout')) / count(*), 2)::text AS failed, " +
    "round(100.0 * count(*) FILTER (WHERE outcome = 'success') / count(*), 2)::text AS success FROM outcome_events")).rows[0]!;
  log(`log ready: ${fmtInt(EVENTS)} events in ${secs(genMs)} s, VACUUM ANALYZE + CHECKPOINT ${secs(vacuumMs)} s`);

  // ── (a0) incremental catch-up ──
  let catchUp: { seconds: number; rate: number } | null = null;
  if (CATCH_UP) {
    log(`(a0) the timeline folding the whole log incrementally, ${fmtInt(CATCH_UP_BATCH)}-event batches`);
    const started = performance.now();
    await withTimeout(createProjectionRunner(db).catchUp(TIMELINE_PROJECTION, { batchSize: CATCH_UP_BATCH, wait: true }), 3_600_000, 'the catch-up');
    const seconds = (performance.now() - started) / 1000;
    catchUp = { seconds: r1(seconds), rate: Math.round(EVENTS / seconds) };
    log(`(a0) ${fmtInt(EVENTS)} events in ${secs(seconds * 1000)} s → ${fmtInt(catchUp.rate)} events/s`);
  }

  // ── (a) replay ──
  const runs: ReplayRun[] = [];
  for (let run = 1; run <= REPLAY_RUNS; run++) {
    if (run > 1) {
      // As before the first: no dead rows or dirty pages from the last run weigh on the next.
      await admin.query('VACUUM (ANALYZE)');
      await admin.query('CHECKPOINT');
    }
    log(`(a) rebuild of every read model over ${fmtInt(EVENTS)} events, batchSize ${fmtInt(REBUILD_BATCH)}${REPLAY_RUNS > 1 ? `, run ${run} of ${REPLAY_RUNS}` : ''}`);
    runs.push(await replayOnce(db, count));
  }
  log('(a) `cli rebuild` over the same log, in a process of its own');
  const cli = await cliRebuild(databaseUrl);
  log(`(a) \`cli rebuild\` took ${cli.seconds} s, peak RSS ${cli.rssPeakMb} MB`);
  await db.destroy();
  cleanup.db = null;
  // The median run (by rate) is the figure; every run is listed when there are several.
  const median = [...runs].sort((a, b) => a.rate - b.rate)[Math.floor((runs.length - 1) / 2)]!;
  const replayRate = median.rate;
  const runLine = (r: ReplayRun) => `${fmtInt(r.rate).padStart(10)} events/s   the timeline: ${fmtInt(r.folded)} events in ${secs(r.ms - r.summarizingMs)} s; ` +
    `with the vendor summaries ${secs(r.ms)} s, ${fmtInt(r.allRate)} events/s (${Object.entries(r.phaseSeconds).map(([p, t]) => `${p} ${t} s`).join(', ')})`;
  const replayLines = [
    ...(catchUp === null ? [] : [`(a0) incremental catch-up: the timeline folded the ${fmtInt(EVENTS)}-event log in ${fmtInt(CATCH_UP_BATCH)}-event batches in ${catchUp.seconds} s, ${fmtInt(catchUp.rate)} events/s`]),
    `(a) replay: rebuild of every read model (timeline, vendor summaries), batchSize ${fmtInt(REBUILD_BATCH)}${runs.length > 1 ? `, ${runs.length} runs over the same log, the median:` : ''}`,
    `${runLine(median)}   target ≥ ${fmtInt(TARGET.replay)}   ${verdict(replayRate >= TARGET.replay)}`,
    `    CPU during the rebuild: rebuild process ${secs(median.nodeCpuMs)} s, Postgres ${median.pgCpuMs === null ? 'not measured' : `${secs(median.pgCpuMs)} s`} ` +
      `(on a machine to itself, wall time would approach the larger of the two per phase)`,
    `    RSS of this process, the rebuild ran in: ${median.rssBeforeMb} MB before, peak ${median.rssPeakMb} MB`,
    `    \`cli rebuild --stretch-mb ${STRETCH_MB}\` over the same log: ${cli.seconds} s, peak RSS ${cli.rssPeakMb} MB   target ≤ ${TARGET.rebuildRssMb} MB   ${verdict(cli.rssPeakMb <= TARGET.rebuildRssMb)}`,
    ...(runs.length > 1 ? ['    every run:', ...runs.map((r) => `  ${runLine(r)}`)] : []),
    `    read models: ${fmtInt(median.rollupRows)} minute_rollups (${(median.folded / Math.max(1, median.rollupRows)).toFixed(2)} events per series-minute), ` +
      `${fmtInt(median.outageRows)} outages (${fmtInt(median.modelOutages)} on all-platform model series)`,
  ];
  const replayJson = {
    eventsPerSec: Math.round(replayRate), seconds: r1(median.ms / 1000), withVendorSummariesEventsPerSec: Math.round(median.allRate), phases: median.phaseSeconds,
    cpuSeconds: { rebuildProcess: r1(median.nodeCpuMs / 1000), postgres: median.pgCpuMs === null ? null : r1(median.pgCpuMs / 1000) },
    rssMb: { before: median.rssBeforeMb, peak: median.rssPeakMb }, cliRebuild: cli,
    ...(catchUp === null ? {} : { catchUp }),
    rollups: median.rollupRows, eventsPerRollup: r1(median.folded / Math.max(1, median.rollupRows)), outages: median.outageRows,
    ...(runs.length > 1 ? { runs: runs.map((r) => ({ eventsPerSec: Math.round(r.rate), seconds: r1(r.ms / 1000), phases: r.phaseSeconds })) } : {}),
  };
  if (REPLAY_ONLY) {
    process.stdout.write([
      '', 'SLA Ledger projections benchmark (replay only)', machineLine(loadBefore), postgresLine(version, settings, settingNames), logLine(logFacts, genMs, vacuumMs), '',
      ...replayLines, '', `total bench time ${secs(performance.now() - startedAt)} s`, '',
    ].join('\n'));
    process.stdout.write(`${JSON.stringify({ bench: 'projections', events: EVENTS, days: LOG_DAYS, replay: replayJson, pass: { replay: replayRate >= TARGET.replay, rebuildRss: cli.rssPeakMb <= TARGET.rebuildRssMb } })}\n`);
    return STRICT && replayRate < TARGET.replay ? 1 : 0;
  }

  // ── the service; (c) queries ──
  const adminKey = `bench-admin-${randomBytes(24).toString('hex')}`;
  const service = (cleanup.service = spawnBenchService({ databaseUrl, port: await freePort(), adminKey, role: 'all', log }));
  await waitUntilReady(service, 90_000);
  log(`service ready at ${service.url} (ROLE=all)`);
  // The rebuild summarized for the vendor comparisons before swapping in: nothing is left to catch
  // up on, so (c) and (b) run right after it.
  const lagsAtStart = await projectionLags(admin);
  log(`projection lag at service start: ${JSON.stringify(lagsAtStart)}`);
  log(`(c) ${QUERIES} sequential requests per query after ${WARMUP_QUERIES} warm-up`);
  // The rebuild swaps in freshly filled tables: say whether the planner had statistics for them yet.
  const analyzed = (await admin.query<{ relname: string; ok: boolean }>(
    "SELECT relname, coalesce(last_analyze, last_autoanalyze) IS NOT NULL AS ok FROM pg_stat_user_tables WHERE relname IN ('minute_rollups', 'outages') ORDER BY 1",
  )).rows.map((r) => `${r.relname} ${r.ok ? 'analyzed' : 'not yet analyzed'}`).join(', ');
  const queriesBefore = await withTimeout(measureQueries(service.url, adminKey), 600_000, 'the query phase');

  // ── (b) lag ──
  const token = (await graphql<{ createApiKey: { secret: string } }>(service.url, adminKey,
    `mutation { createApiKey(platform: "${LAG_PLATFORM}", scopes: [INGEST]) { secret } }`)).createApiKey.secret;
  log(`(b) posting ${fmtInt(LAG_RATE)} events/s for ${LAG_SECONDS} s (${BATCHES_PER_SECOND} batches/s), checkpoint polled every ${POLL_MS} ms`);
  const lag = await withTimeout(lagPhase(service.url, adminKey, token, databaseUrl), (LAG_SECONDS + 300) * 1000, 'the lag phase');
  const loadAfterLag = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  log(`(b) lag p50 ${lag.p50.toFixed(0)} ms, p99 ${lag.p99.toFixed(0)} ms at ${fmtInt(lag.rate)} events/s`);
  if (lag.foldedDelta !== lag.posted || lag.visibleInMinuteSeries !== lag.posted) {
    throw new Error(`posted ${lag.posted} events, the checkpoint folded ${lag.foldedDelta}, minuteSeries shows ${lag.visibleInMinuteSeries}`);
  }
  log('(c) again, after the lag phase (providerStatus now has live minutes)');
  const queriesAfter = await withTimeout(measureQueries(service.url, adminKey), 600_000, 'the query phase');
  await stopService(service, log);
  cleanup.service = null;

  // ── report ──
  const worst = (key: 'outages' | 'providerStatus') => Math.max(queriesBefore[key].p95, queriesAfter[key].p95);
  const pass = {
    replay: replayRate >= TARGET.replay,
    rebuildRss: cli.rssPeakMb <= TARGET.rebuildRssMb,
    lag: lag.p99 <= TARGET.lagP99Ms,
    outages: worst('outages') <= TARGET.queryP95Ms,
    providerStatus: worst('providerStatus') <= TARGET.queryP95Ms,
  };
  const q = (s: QueryStats) => `p50 ${s.p50.toFixed(1).padStart(6)}  p95 ${s.p95.toFixed(1).padStart(6)}  p99 ${s.p99.toFixed(1).padStart(6)} ms  (${s.rows.toFixed(0)} rows/answer)`;
  const lines = [
    '',
    'SLA Ledger projections benchmark',
    '════════════════════════════════',
    machineLine(loadBefore, loadAfterLag),
    postgresLine(version, settings, settingNames),
    logLine(logFacts, genMs, vacuumMs),
    '',
    ...replayLines,
    `service    started right after the rebuild; projection lag then: ${Object.entries(lagsAtStart).map(([name, lag]) => `${name} ${fmtInt(lag)} events`).join(', ')}`,
    `(b) lag under ${fmtInt(LAG_RATE)} events/s for ${LAG_SECONDS} s: ${lag.batches} batches of ${fmtInt(lag.batchSize)}, achieved ${fmtInt(lag.rate)} events/s over ${lag.seconds.toFixed(1)} s` +
      (lag.behind > 0 ? ` (${lag.behind} batches sent > 100 ms late)` : ''),
    `    commit → visible: p50 ${lag.p50.toFixed(0)} ms, p99 ${lag.p99.toFixed(0)} ms, max ${lag.max.toFixed(0)} ms (min ${lag.min.toFixed(0)})   target p99 ≤ ${fmtInt(TARGET.lagP99Ms)} ms   ${verdict(pass.lag)}`,
    `    vendor summaries: p50 ${lag.summaries.p50.toFixed(0)} ms, p99 ${lag.summaries.p99.toFixed(0)} ms, max ${lag.summaries.max.toFixed(0)} ms (their checkpoint past the batch; the worker folds them after the timeline)`,
    `    (commit = POST answered 200; visible = first ${POLL_MS} ms checkpoint poll past the batch's last event: the checkpoint commits with the`,
    `     rollups minuteSeries reads, so it is the same moment; all ${fmtInt(lag.posted)} events checked present in minuteSeries afterwards)`,
    `(c) queries over HTTP POST /graphql, ${QUERIES} sequential after ${WARMUP_QUERIES} warm-up; service ROLE=all (worker idle)`,
    `    first run right after the rebuild and service start (${analyzed} by autovacuum at that point)`,
    `    outages, one model, ${LOG_DAYS} days        ${q(queriesBefore.outages)}`,
    `    providerStatus, all models      ${q(queriesBefore.providerStatus)}`,
    `    after (b): outages              ${q(queriesAfter.outages)}`,
    `    after (b): providerStatus       ${q(queriesAfter.providerStatus)}`,
    `    target p95 ≤ ${TARGET.queryP95Ms} ms (worse of the two runs): outages ${worst('outages').toFixed(1)} ms ${verdict(pass.outages)}, ` +
      `providerStatus ${worst('providerStatus').toFixed(1)} ms ${verdict(pass.providerStatus)}`,
    '',
    `total bench time ${secs(performance.now() - startedAt)} s`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  const qs = (s: QueryStats) => ({ p50: r1(s.p50), p95: r1(s.p95), p99: r1(s.p99), rows: r1(s.rows) });
  process.stdout.write(`${JSON.stringify({
    bench: 'projections',
    events: EVENTS,
    replay: replayJson,
    lagAtServiceStart: lagsAtStart,
    lag: { rate: LAG_RATE, seconds: LAG_SECONDS, achievedEventsPerSec: Math.round(lag.rate), p50Ms: r1(lag.p50), p99Ms: r1(lag.p99), maxMs: r1(lag.max), vendorSummariesP99Ms: r1(lag.summaries.p99) },
    queries: { outages: qs(queriesBefore.outages), providerStatus: qs(queriesBefore.providerStatus), afterLag: { outages: qs(queriesAfter.outages), providerStatus: qs(queriesAfter.providerStatus) } },
    targets: TARGET,
    pass: { ...pass, all: Object.values(pass).every(Boolean) },
    generation: { seconds: r1(genMs / 1000), vacuumSeconds: r1(vacuumMs / 1000) },
    machine: { cores: os.cpus().length, memGb: r1(os.totalmem() / 1024 ** 3), node: process.version, loadBefore, postgres: version, ...settings },
  })}\n`);
  return STRICT && !Object.values(pass).every(Boolean) ? 1 : 0;
}

runBenchmark({ main, cleanUp: cleanup.run, watchdogMs: WATCHDOG_MS, log, lastOutput: () => cleanup.service?.output ?? [] });
