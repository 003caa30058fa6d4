/**
 * Scale benchmark (`npm run bench:scale`; long: not part of `npm run bench`).
 *
 * 1. A throwaway embedded Postgres (or DATABASE_URL, which is not emptied), default durability.
 * 2. The built service with ROLE=all (the API and the projection worker in one process); three
 *    platforms, each with its own ingest key; an SLA contract (acme × anthropic) for the month.
 * 3. BENCH_SCALE_EVENTS events of realistic traffic posted by BENCH_CLIENTS concurrent clients in
 *    BENCH_BATCH_SIZE-event batches, as fast as the service answers: random `req_…` ids, 13
 *    models of 5 providers, ~97 % success, seeded error bursts on a model or a whole provider
 *    for minutes at a time; each platform's occurredAt advances through the month before last
 *    as the run goes, so slice k covers about the k-th part of the month.
 *    Meanwhile, every second: each projection's lag in events (the `projections` query) and in
 *    seconds (how long ago the newest event it has folded was acknowledged), and the service's
 *    RSS; and a dashboard-like client, on a thread of its own (dashboard-client.ts), asks outages,
 *    incidents, providerStatus and slaReport in turn, one at a time. Figures are printed per slice
 *    of BENCH_SCALE_SLICE acknowledged events.
 * 4. After the last batch: the time until every projection has caught up, then each query 50
 *    times on the quiet service.
 * 5. Catch-up from a backlog: the service stopped, BENCH_SCALE_BACKLOG events ingested by a
 *    ROLE=api service, which folds nothing (the traffic going on after the month at the same
 *    rate, as while a worker is down); then ROLE=all is started and timed until no projection lags.
 * 6. Targets (PASS/MISS) and one JSON line.
 *
 * Environment: BENCH_SCALE_EVENTS (30000000), BENCH_SCALE_SLICE (5000000), BENCH_SCALE_BACKLOG
 * (5000000; 0 skips step 5), BENCH_SCALE_DAYS (31: the traffic's days of the month; e.g. 3 for 3 M
 * events at the full run's density), BENCH_CLIENTS (4), BENCH_BATCH_SIZE (5000), BENCH_PG_PORT (55490),
 * DATABASE_URL, DB_POOL_SIZE (passed to the service), BENCH_SERVICE_NODE_ARGS (extra node flags
 * for the service and its worker, e.g. --cpu-prof), BENCH_STRICT=1 (exit 1 when a target is missed).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { seededRandom } from '@ledger/domain';
import {
  benchGraphql, cpuBetween, cpuSnapshot, createIngestKey, describePostgres, envNumber, freePort, percentile, projectionLags,
  runBenchmark, runLoad, sleep, spawnBenchService, stopService, treeStatusKb, waitUntilReady,
  BenchCleanup, BenchService, CpuSnapshot, CpuUse, PostgresFacts, RssSampler, SETTING_NAMES,
} from './bench-support';
import { DashboardClient } from './dashboard-client';
import { CATALOGUE, drawOutcome, GeneratedEvent, jsonBody, MODEL_COUNT, OutcomeMix, outcomeFields, pickModel, postBatch } from './realistic-traffic';

// ───────────────────────────── parameters ─────────────────────────────

const EVENTS = Math.floor(envNumber('BENCH_SCALE_EVENTS', 30_000_000, 1_000, 1e9));
const SLICE = Math.floor(envNumber('BENCH_SCALE_SLICE', 5_000_000, 1_000, 1e9));
const BACKLOG = Math.floor(envNumber('BENCH_SCALE_BACKLOG', 5_000_000, 0, 1e9));
/** The traffic covers the month's first DAYS days: fewer days keep a shorter run at the full run's density. */
const DAYS = Math.floor(envNumber('BENCH_SCALE_DAYS', 31, 1, 31));
const CLIENTS = Math.floor(envNumber('BENCH_CLIENTS', 4, 1, 64));
const BATCH = Math.floor(envNumber('BENCH_BATCH_SIZE', 5000, 1, 10_000));
const PG_PORT = Math.floor(envNumber('BENCH_PG_PORT', 55490, 1, 65535));
const EXTERNAL_DATABASE_URL = process.env.DATABASE_URL || undefined;
const STRICT = process.env.BENCH_STRICT === '1';
const SERVICE_NODE_ARGS = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
if (SLICE < BATCH) throw new Error('BENCH_SCALE_SLICE must be at least BENCH_BATCH_SIZE');

const SAMPLE_MS = 1_000;
const PROGRESS_MS = 10_000;
/** The dashboard client's pause between queries: a person or a status page, not a load test. */
const QUERY_PAUSE_MS = 250;
const QUERIES_AFTER = 50;
const CONTRACT_PLATFORM = 'acme';
const QUERY_PROVIDER = 'anthropic';
/** Batches go to the platforms in this order: 60 / 30 / 10 % of the traffic. */
const PLATFORM_ORDER = ['acme', 'globex', 'acme', 'initech', 'acme', 'globex', 'acme', 'acme', 'globex', 'acme'];
const PLATFORMS = [...new Set(PLATFORM_ORDER)];
/** Outside bursts; the bursts bring success to ~97 %. */
const SCALE_MIX: OutcomeMix = { success: 0.972, error: 0.009, rate_limited: 0.01, timeout: 0.002, client_error: 0.007 };

const TARGETS = { lastSliceRatio: 0.7, lagP99Seconds: 5, queryP95DuringMs: 200, queryP95AfterMs: 50, rssMb: 300, catchUpEventsPerSec: 200_000 };
/**
 * Hard bound on the whole run: 30 minutes plus 2,500 events a second, ~4.4 h for the defaults.
 * Generous: both catch-ups wait for the projections, which may fold far slower than the ingest.
 */
const WATCHDOG_MS = (1_800 + (EVENTS + BACKLOG) / 2_500) * 1000;

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const out = (line = '') => process.stdout.write(`${line}\n`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => (ms / 1000).toFixed(1);
const mb = (kb: number) => (kb / 1024).toFixed(0);

const cleanup = new BenchCleanup(log);

// ───────────────────────────── traffic ─────────────────────────────

/** A span of time, epoch ms. */
interface Window {
  start: number;
  end: number;
}

interface Month extends Window {
  period: string;
}

/** The UTC calendar month `offset` months from now's (−2: the month before last, complete and past). */
function monthFrom(now: Date, offset: number): Month {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset + 1, 1);
  return { period: new Date(start).toISOString().slice(0, 7), start, end };
}

interface Burst {
  models: readonly string[];
  start: number;
  end: number;
  failureShare: number;
}

/**
 * Error bursts in [start, end), seeded (the same every run): one every ~6 hours, on one model or
 * (a quarter of them) on all of a provider's, for 3–60 minutes, failing 30–90 % of its requests.
 */
function planBursts(window: Window, seed: number): Burst[] {
  const random = seededRandom(seed);
  const bursts: Burst[] = [];
  for (let t = window.start; ; ) {
    t += Math.round(-Math.log(1 - random()) * 6 * 3_600_000);
    if (t >= window.end) return bursts;
    const provider = CATALOGUE[Math.floor(random() * CATALOGUE.length)]!;
    const models = random() < 0.25 ? provider.models : [provider.models[Math.floor(random() * provider.models.length)]!];
    const minutes = Math.min(60, 3 + Math.round(-Math.log(1 - random()) * 12));
    bursts.push({ models, start: t, end: t + minutes * 60_000, failureShare: 0.3 + 0.6 * random() });
  }
}

interface TrafficBatch {
  platform: string;
  body: Buffer;
  events: number;
}

/**
 * `total` events as batches, handed out in order. Each platform's events advance through the
 * window as its batches go out (its n-th batch covers the n-th part of the window for its
 * share of the events), so every platform has traffic in every minute and the window fills in
 * from its start.
 */
class Traffic {
  readonly bursts: Burst[];
  private readonly platformTotal = new Map<string, number>();
  private readonly platformDone = new Map<string, number>();
  private batches = 0;
  private issued = 0;

  constructor(readonly total: number, private readonly window: Window, seed: number) {
    this.bursts = planBursts(window, seed);
    for (let b = 0; b * BATCH < total; b++) {
      const platform = PLATFORM_ORDER[b % PLATFORM_ORDER.length]!;
      this.platformTotal.set(platform, (this.platformTotal.get(platform) ?? 0) + Math.min(BATCH, total - b * BATCH));
    }
  }

  next(): TrafficBatch | null {
    const size = Math.min(BATCH, this.total - this.issued);
    if (size <= 0) return null;
    const platform = PLATFORM_ORDER[this.batches++ % PLATFORM_ORDER.length]!;
    const done = this.platformDone.get(platform) ?? 0;
    const share = (this.window.end - this.window.start) / this.platformTotal.get(platform)!;
    this.platformDone.set(platform, done + size);
    this.issued += size;
    return { platform, body: Buffer.from(jsonBody(this.events(size, this.window.start + done * share, size * share)), 'utf8'), events: size };
  }

  /** `size` events in [from, from + span), in time order, as a platform would flush them. */
  private events(size: number, from: number, span: number): GeneratedEvent[] {
    const times = Array.from({ length: size }, () => Math.floor(from + Math.random() * span)).sort((a, b) => a - b);
    const bursts = this.bursts.filter((b) => b.start < from + span && b.end > from);
    const ids = randomBytes(15 * size);
    const iso = isoFormatter();
    return times.map((t, i) => {
      const { provider, model } = pickModel();
      const burst = bursts.find((b) => t >= b.start && t < b.end && b.models.includes(model));
      const failed = burst !== undefined && Math.random() < burst.failureShare;
      return {
        id: `req_${ids.toString('base64url', 15 * i, 15 * i + 15)}`,
        provider,
        model,
        occurredAt: iso(t),
        ...(failed ? outcomeFields(Math.random() < 0.75 ? 'error' : 'timeout') : drawOutcome(SCALE_MIX)),
      };
    });
  }
}

/** `toISOString` for times in ascending order, formatting each minute once (a fifth of the generation's time otherwise). */
function isoFormatter(): (t: number) => string {
  let minute = NaN;
  let prefix = '';
  return (t) => {
    const m = Math.floor(t / 60_000);
    if (m !== minute) [minute, prefix] = [m, new Date(m * 60_000).toISOString().slice(0, 17)];
    const ms = t - m * 60_000;
    return `${prefix}${String(Math.floor(ms / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}Z`;
  };
}

// ───────────────────────────── the service over GraphQL ─────────────────────────────

interface ProjectionSample {
  name: string;
  lagEvents: number;
  eventsFolded: number;
}

const PROJECTIONS_QUERY = '{ projections { name lagEvents eventsFolded } }';

async function projectionStates(url: string, adminKey: string): Promise<ProjectionSample[]> {
  return (await benchGraphql<{ projections: ProjectionSample[] }>(url, adminKey, PROJECTIONS_QUERY)).projections;
}

const QUERY_NAMES = ['outages', 'incidents', 'providerStatus', 'slaReport'] as const;
type QueryName = (typeof QUERY_NAMES)[number];

interface Answers {
  outages: { outages: unknown[] };
  incidents: { incidents: unknown[] };
  providerStatus: { providerStatus: unknown[] };
  slaReport: { slaReport: { uptimePercent: string; downtimeMinutes: number | null; eventsCounted: number; evidence: unknown[] } };
}

/** The four queries as a dashboard asks them: one provider's outages and incidents over the month, live status (as the status page), the contract's report. */
function dashboardQueries(month: Month, contractId: string): Record<QueryName, { query: string; variables: Record<string, unknown> }> {
  const window = { from: new Date(month.start).toISOString(), to: new Date(month.end).toISOString(), provider: QUERY_PROVIDER };
  return {
    outages: {
      query: `query ($from: DateTime!, $to: DateTime!, $provider: String) { outages(from: $from, to: $to, provider: $provider) {
        provider model start end durationMinutes severity peakErrorRate eligibleRequests failedRequests platformsAffected } }`,
      variables: window,
    },
    incidents: {
      query: `query ($from: DateTime!, $to: DateTime!, $provider: String) { incidents(from: $from, to: $to, provider: $provider) {
        provider start end durationMinutes severity models outages } }`,
      variables: window,
    },
    providerStatus: { query: '{ providerStatus { provider model status since errorRate eligibleRequests } }', variables: {} },
    slaReport: {
      query: `query ($id: ID!, $period: String!) { slaReport(contractId: $id, period: $period) {
        uptimePercent met downtimeMinutes creditPercent creditAmount { amount currency } eventsCounted evidence { start end minutes } } }`,
      variables: { id: contractId, period: month.period },
    },
  };
}

async function defineContract(url: string, adminKey: string, month: Month): Promise<string> {
  const data = await benchGraphql<{ defineContract: { id: string } }>(url, adminKey, 'mutation ($input: ContractInput!) { defineContract(input: $input) { id } }', {
    input: {
      platform: CONTRACT_PLATFORM, provider: QUERY_PROVIDER, targetPercent: '99.9', policy: { kind: 'DOWNTIME_MINUTES' },
      creditTiers: [{ uptimeBelow: '99.9', creditPercent: '10' }, { uptimeBelow: '99', creditPercent: '25' }],
      monthlyFee: { amount: '1000.00', currency: 'USD' }, effectiveFrom: new Date(month.start).toISOString(),
    },
  });
  return data.defineContract.id;
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<number> {
  const startedAt = performance.now();
  if (process.platform !== 'linux') log('not Linux: RSS and CPU figures (from /proc) will be missing');
  const databaseUrl = await cleanup.databaseUrl('scale', PG_PORT, EXTERNAL_DATABASE_URL);
  if (EXTERNAL_DATABASE_URL !== undefined) log('WARNING: using the Postgres in DATABASE_URL; it is not emptied, and what it holds weighs on every figure');
  const admin = await cleanup.connect(databaseUrl, 'bench-scale-admin');
  const postgres = await describePostgres(admin, log);
  const now = new Date();
  const month = monthFrom(now, -2);
  const traffic = { start: month.start, end: Math.min(month.end, month.start + DAYS * 86_400_000) };
  // The backlog: the traffic after the month at the same rate (up to the current month's start).
  const backlog = { start: month.end, end: Math.min(monthFrom(now, -1).end, month.end + ((traffic.end - traffic.start) * BACKLOG) / EVENTS) };
  printHeader(postgres, month, traffic, backlog);

  const adminKey = `bench-admin-${randomBytes(24).toString('hex')}`;
  const port = await freePort();
  const service = await startService(databaseUrl, port, adminKey, 'all');
  const keys = new Map<string, string>();
  for (const platform of PLATFORMS) keys.set(platform, await createIngestKey(service.url, adminKey, platform));
  const contractId = await defineContract(service.url, adminKey, month);
  const queries = dashboardQueries(month, contractId);

  const ingest = await ingestPhase({ service, adminKey, keys, admin, postmaster: postgres.postmaster, window: traffic, queries });
  const after = await afterIngest(service, adminKey, queries, ingest.endedAt);
  await stopService(service, log);
  cleanup.service = null;
  const catchUp = BACKLOG > 0 ? await backlogCatchUp({ databaseUrl, port, adminKey, keys, admin, window: backlog }) : null;

  const pass = report({ ingest, after, catchUp, startedAt });
  return STRICT && !pass ? 1 : 0;
}

async function startService(databaseUrl: string, port: number, adminKey: string, role: 'all' | 'api'): Promise<BenchService> {
  const service = (cleanup.service = spawnBenchService({ databaseUrl, port, adminKey, role, nodeArgs: SERVICE_NODE_ARGS, log }));
  await waitUntilReady(service, 90_000);
  log(`service (ROLE=${role}) ready at ${service.url}, pid ${service.pid}`);
  return service;
}

function printHeader(postgres: PostgresFacts, month: Month, traffic: Window, backlog: Window): void {
  const settings = Object.entries(process.env).filter(([name]) => name.startsWith('BENCH_') || name === 'DB_POOL_SIZE').map(([n, v]) => `${n}=${v}`);
  if (EXTERNAL_DATABASE_URL !== undefined) settings.push('DATABASE_URL=…');
  const cpus = os.cpus();
  out('');
  out('SLA Ledger scale benchmark');
  out('══════════════════════════');
  out(`command     ${[...settings, 'node', ...process.argv.slice(1).map((a) => a.replace(`${process.cwd()}/`, ''))].join(' ')}`);
  out(`machine     ${cpus.length} cores (${cpus[0]?.model ?? 'unknown CPU'}), ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB RAM, ${os.type()} ${os.release()}, ` +
    `node ${process.version}, load avg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out(`postgres    ${postgres.version} (${EXTERNAL_DATABASE_URL ? 'DATABASE_URL, not emptied' : 'embedded, throwaway cluster'})`);
  out(`            ${SETTING_NAMES.map((n) => `${n}=${postgres.settings[n] ?? '?'}`).join(' ')}`);
  out(`load        ${fmtInt(EVENTS)} events (slices of ${fmtInt(SLICE)}) by ${CLIENTS} HTTP clients in ${fmtInt(BATCH)}-event batches, service ROLE=all; ` +
    `backlog ${fmtInt(BACKLOG)} events (${spanText(backlog)})`);
  out(`traffic     req_ ids, ${PLATFORMS.length} platforms (${PLATFORMS.join(', ')}: 60/30/10 %), ${MODEL_COUNT} models of ${CATALOGUE.length} providers, ` +
    `~97 % success with seeded error bursts, occurredAt advancing through ${spanText(traffic)}`);
  // Fewer events over the same days leave most rollups with an event or two: costlier per event to fold.
  const perMinute = EVENTS / ((traffic.end - traffic.start) / 60_000);
  out(`density     ~${perMinute.toFixed(0)} events per minute, ~${(perMinute / MODEL_COUNT).toFixed(1)} per model (the default 30 M events over the month: ~${(3e7 / ((month.end - month.start) / 60_000)).toFixed(0)})`);
  out(`queries     one client, ${QUERY_PAUSE_MS} ms between queries: outages and incidents (${QUERY_PROVIDER}, ${month.period}), providerStatus, ` +
    `slaReport (${CONTRACT_PLATFORM} × ${QUERY_PROVIDER}, ${month.period})`);
  out('');
}

const spanText = (w: Window) => `${new Date(w.start).toISOString().slice(0, 16)} → ${new Date(w.end).toISOString().slice(0, 16)}`;

// ───────────────────────────── ingest with the projections running ─────────────────────────────

interface Slice {
  index: number;
  firstEvent: number;
  lastEvent: number;
  startedAt: number;
  endedAt: number;
  batchMs: number[];
  lagEvents: number[];
  lagSeconds: number[];
  queryMs: Record<QueryName, number[]>;
  errors: number;
  rss: RssSampler;
  cpuBefore: CpuSnapshot;
  cpu: CpuUse | null;
  dbBytesPerEvent: number;
}

interface IngestResult {
  slices: Slice[];
  endedAt: number;
  elapsedMs: number;
  hwmKb: number | null;
  burstCount: number;
}

const SLICE_HEADER =
  'slice  events                       events/s  batch p99 │ lag events p50 / p99 / max │ lag s p50 / p99 / max │ query p95 ms: outages incidents status slaReport │ RSS MB │ DB B/event │ CPU cores svc / pg / bench / other';

/**
 * When each acknowledged event count was reached, to tell how long ago the newest event a
 * projection has folded was acknowledged (the count it has folded, in acknowledgement order:
 * with several clients, commit order differs from it by a few batches at most).
 */
class AckTimeline {
  private readonly counts: number[] = [0];
  private readonly times: number[];

  constructor(start: number) {
    this.times = [start];
  }

  get acked(): number {
    return this.counts.at(-1)!;
  }

  add(events: number, at: number): void {
    this.counts.push(this.acked + events);
    this.times.push(at);
  }

  /** Seconds since the `folded`-th event was acknowledged (the run's start for 0); 0 when every acknowledged event is folded. */
  lagSeconds(folded: number, now: number): number {
    if (folded >= this.acked) return 0;
    let lo = 0;
    let hi = this.counts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.counts[mid]! >= folded) hi = mid;
      else lo = mid + 1;
    }
    return (now - this.times[lo]!) / 1000;
  }
}

async function ingestPhase(run: {
  service: BenchService; adminKey: string; keys: Map<string, string>; admin: pg.Client; postmaster: number | null; window: Window;
  queries: ReturnType<typeof dashboardQueries>;
}): Promise<IngestResult> {
  const { service, adminKey, admin, postmaster } = run;
  // Events already in the log (DATABASE_URL) come before ours in every projection's count.
  const baseline = new Map((await projectionStates(service.url, adminKey)).map((p) => [p.name, p.eventsFolded + p.lagEvents]));
  const eventsBefore = Math.max(0, ...baseline.values());
  const traffic = new Traffic(EVENTS, run.window, 2026);
  log(`ingesting ${fmtInt(EVENTS)} events over ${spanText(run.window)} (${traffic.bursts.length} error bursts planned), ${CLIENTS} clients`);

  const start = performance.now();
  const acks = new AckTimeline(start);
  const slices: Slice[] = [];
  const newSlice = (firstEvent: number, at: number): Slice => ({
    index: slices.length + 1, firstEvent, lastEvent: firstEvent, startedAt: at, endedAt: at, batchMs: [], lagEvents: [], lagSeconds: [],
    queryMs: { outages: [], incidents: [], providerStatus: [], slaReport: [] }, errors: 0, rss: new RssSampler(service.pid, 250),
    cpuBefore: cpuSnapshot(service.pid, postmaster), cpu: null, dbBytesPerEvent: NaN,
  });
  slices.push(newSlice(0, start));
  // The slice being measured; null once the last one is closed (what comes after is not "during ingest").
  let open: Slice | null = slices[0]!;
  out(SLICE_HEADER);
  let printed = Promise.resolve();
  const closeSlice = (slice: Slice, at: number) => {
    Object.assign(slice, { endedAt: at, lastEvent: acks.acked, cpu: cpuBetween(slice.cpuBefore, cpuSnapshot(service.pid, postmaster)) });
    slice.rss.stop();
    open = acks.acked < EVENTS ? newSlice(acks.acked, at) : null;
    if (open !== null) slices.push(open);
    printed = printed.then(async () => {
      slice.dbBytesPerEvent = (await databaseBytes(admin)) / (eventsBefore + slice.lastEvent);
      out(sliceLine(slice));
    });
  };

  let ingesting = true;
  let lastLag = { events: 0, seconds: 0 };
  const sampler = sampleLag(service, adminKey, () => ingesting, (lagEvents, lagSeconds) => {
    open?.lagEvents.push(lagEvents);
    open?.lagSeconds.push(lagSeconds);
    lastLag = { events: lagEvents, seconds: lagSeconds };
  }, (projection, now) => acks.lagSeconds(Math.max(0, projection.eventsFolded - (baseline.get(projection.name) ?? 0)), now));
  const dashboard = new DashboardClient(service.url, adminKey, run.queries, QUERY_PAUSE_MS, (name, ms) => open?.queryMs[name as QueryName].push(ms), (name, message) => {
    if (open !== null) open.errors += 1;
    log(`${name} failed: ${message}`);
  });
  let lastProgress = { at: start, acked: 0 };
  const progress = setInterval(() => {
    const at = performance.now();
    log(`ingest: ${fmtInt(acks.acked)} / ${fmtInt(EVENTS)} events, ${fmtInt(((acks.acked - lastProgress.acked) * 1000) / (at - lastProgress.at))} events/s ` +
      `over the last ${secs(at - lastProgress.at)} s; lag ${fmtInt(lastLag.events)} events / ${lastLag.seconds.toFixed(1)} s; ` +
      `RSS ${mb(treeStatusKb(service.pid, 'VmRSS') ?? 0)} MB`);
    lastProgress = { at, acked: acks.acked };
  }, PROGRESS_MS);

  try {
    await runLoad(CLIENTS, Infinity, async () => {
      const batch = traffic.next();
      if (batch === null) return null;
      const t0 = performance.now();
      await postBatch(service.url, run.keys.get(batch.platform)!, batch.body, batch.events);
      const t1 = performance.now();
      acks.add(batch.events, t1);
      const slice = open!; // open until the last batch is acknowledged
      slice.batchMs.push(t1 - t0);
      if (acks.acked >= slice.firstEvent + SLICE || acks.acked === EVENTS) closeSlice(slice, t1);
      return batch.events;
    });
  } finally {
    ingesting = false;
    clearInterval(progress);
  }
  const endedAt = performance.now();
  await Promise.all([sampler, dashboard.stop(), printed]);
  const hwmKb = treeStatusKb(service.pid, 'VmHWM');
  log(`ingest done: ${fmtInt(acks.acked)} events in ${secs(endedAt - start)} s`);
  return { slices, endedAt, elapsedMs: endedAt - start, hwmKb, burstCount: traffic.bursts.length };
}

/**
 * Every second while `running` (spaced out when the service is slow to count, see `pace`): the
 * projections' lag, the worst of them, in events and in seconds (`lagSeconds` of a projection
 * that lags; 0 for one that does not).
 */
async function sampleLag(
  service: BenchService, adminKey: string, running: () => boolean, record: (lagEvents: number, lagSeconds: number) => void,
  lagSeconds: (projection: ProjectionSample, now: number) => number,
): Promise<void> {
  while (running()) {
    const t0 = performance.now();
    try {
      const states = await projectionStates(service.url, adminKey);
      const now = performance.now();
      record(Math.max(...states.map((p) => p.lagEvents)), Math.max(...states.map((p) => (p.lagEvents === 0 ? 0 : lagSeconds(p, now)))));
    } catch (error) {
      log(`projections query failed: ${(error as Error).message}`);
    }
    await pace(t0, SAMPLE_MS);
  }
}

async function databaseBytes(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n');
  return Number(rows[0]?.n ?? NaN);
}

function sliceLine(s: Slice): string {
  const p = (values: number[], q: number, digits = 0) => (values.length === 0 ? 'n/a' : percentile(values, q).toFixed(digits));
  const lagE = [50, 99, 100].map((q) => (s.lagEvents.length === 0 ? 'n/a' : fmtInt(percentile(s.lagEvents, q)))).join(' / ');
  const lagS = [50, 99, 100].map((q) => p(s.lagSeconds, q, 1)).join(' / ');
  const queries = QUERY_NAMES.map((n) => p(s.queryMs[n], 95).padStart(n === 'providerStatus' ? 6 : n.length)).join(' ');
  const cpu = s.cpu === null ? 'n/a' : [s.cpu.service, s.cpu.postgres, s.cpu.bench, s.cpu.other].map((c) => (c === null ? 'n/a' : c.toFixed(2))).join(' / ');
  return `${String(s.index).padStart(5)}  ${`${fmtInt(s.firstEvent)} – ${fmtInt(s.lastEvent)}`.padEnd(27)}` +
    `${fmtInt(sliceRate(s)).padStart(9)}  ${p(s.batchMs, 99).padStart(6)} ms │ ${lagE.padStart(26)} │ ${lagS.padStart(21)} │ ` +
    `${queries.padStart(47)}${s.errors > 0 ? ` (${s.errors} failed)` : ''} │ ${mb(s.rss.peakKb).padStart(6)} │ ${s.dbBytesPerEvent.toFixed(0).padStart(10)} │ ${cpu}`;
}

const sliceRate = (s: Slice) => ((s.lastEvent - s.firstEvent) * 1000) / (s.endedAt - s.startedAt);

// ───────────────────────────── after ingest ─────────────────────────────

interface AfterIngest {
  catchUpMs: number;
  queryMs: Record<QueryName, number[]>;
  answers: Answers;
}

/** Waits for every projection to catch up (timed from the last acknowledged batch), then asks each query QUERIES_AFTER times. */
async function afterIngest(service: BenchService, adminKey: string, queries: ReturnType<typeof dashboardQueries>, endedAt: number): Promise<AfterIngest> {
  await waitForNoLag(service, adminKey, 'after ingest');
  const catchUpMs = performance.now() - endedAt;
  log(`every projection caught up ${secs(catchUpMs)} s after the last batch; asking each query ${QUERIES_AFTER} times`);
  const queryMs = { outages: [], incidents: [], providerStatus: [], slaReport: [] } as Record<QueryName, number[]>;
  const answers: Partial<Answers> = {};
  for (const name of QUERY_NAMES) {
    for (let i = 0; i < QUERIES_AFTER; i++) {
      const t0 = performance.now();
      const answer = await benchGraphql<Answers[typeof name]>(service.url, adminKey, queries[name].query, queries[name].variables);
      queryMs[name].push(performance.now() - t0);
      Object.assign(answers, { [name]: answer });
    }
  }
  return { catchUpMs, queryMs, answers: answers as Answers };
}

/** Polls the `projections` query (at most every 250 ms, see `pace`) until no projection lags. */
async function waitForNoLag(service: BenchService, adminKey: string, what: string): Promise<void> {
  let nextLog = performance.now() + PROGRESS_MS;
  for (;;) {
    const t0 = performance.now();
    const states = await projectionStates(service.url, adminKey);
    if (states.every((p) => p.lagEvents === 0)) return;
    if (performance.now() >= nextLog) {
      log(`${what}: waiting for the projections: ${states.map((p) => `${p.name} ${fmtInt(p.lagEvents)} behind`).join(', ')}`);
      nextLog += PROGRESS_MS;
    }
    await pace(t0, 250);
  }
}

/**
 * Waits until `everyMs` after `t0`, or three times as long as the poll since `t0` took: the
 * service counts a projection's lag event by event, so with a large lag each poll is costly, and
 * spacing them keeps the counting to a quarter of the time, not all of it.
 */
function pace(t0: number, everyMs: number): Promise<void> {
  const took = performance.now() - t0;
  return sleep(Math.max(everyMs - took, 3 * took));
}

// ───────────────────────────── catch-up from a backlog ─────────────────────────────

interface CatchUp {
  ingestRate: number;
  ingestBatchP99Ms: number;
  readyMs: number;
  caughtUpMs: number;
  peakRssKb: number;
}

/**
 * BACKLOG events ingested by a ROLE=api service (nothing folds them), then a ROLE=all service
 * started and timed from its spawn until every projection has folded them.
 */
async function backlogCatchUp(run: { databaseUrl: string; port: number; adminKey: string; keys: Map<string, string>; admin: pg.Client; window: Window }): Promise<CatchUp> {
  const api = await startService(run.databaseUrl, run.port, run.adminKey, 'api');
  const traffic = new Traffic(BACKLOG, run.window, 2027);
  log(`backlog: ingesting ${fmtInt(BACKLOG)} events over ${spanText(run.window)} with ROLE=api`);
  let acked = 0;
  const progress = setInterval(() => log(`backlog: ${fmtInt(acked)} / ${fmtInt(BACKLOG)} events`), PROGRESS_MS);
  const load = await runLoad(CLIENTS, Infinity, async () => {
    const batch = traffic.next();
    if (batch === null) return null;
    acked += await postBatch(api.url, run.keys.get(batch.platform)!, batch.body, batch.events);
    return batch.events;
  }).finally(() => clearInterval(progress));
  await stopService(api, log);
  cleanup.service = null;
  const ingestRate = (load.units * 1000) / load.elapsedMs;
  log(`backlog: ${fmtInt(load.units)} events in ${secs(load.elapsedMs)} s (${fmtInt(ingestRate)} events/s)`);

  // Where each checkpoint must get to: cheap to poll, unlike a count of the events after it.
  const lags = await projectionLags(run.admin);
  const folded = await checkpointsFolded(run.admin);
  const targets = new Map(Object.entries(lags).map(([name, lag]) => [name, (folded.get(name) ?? 0) + lag]));
  log(`catch-up: ${Object.entries(lags).map(([name, lag]) => `${name} ${fmtInt(lag)} behind`).join(', ')}; starting ROLE=all`);

  const t0 = performance.now();
  const service = (cleanup.service = spawnBenchService({ databaseUrl: run.databaseUrl, port: run.port, adminKey: run.adminKey, role: 'all', nodeArgs: SERVICE_NODE_ARGS, log }));
  const rss = new RssSampler(service.pid, 100);
  await waitUntilReady(service, 90_000);
  const readyMs = performance.now() - t0;
  let nextLog = performance.now() + PROGRESS_MS;
  for (;;) {
    const now = await checkpointsFolded(run.admin);
    if ([...targets].every(([name, target]) => (now.get(name) ?? 0) >= target)) break;
    if (performance.now() >= nextLog) {
      log(`catch-up: ${[...targets].map(([name, target]) => `${name} ${fmtInt(Math.max(0, target - (now.get(name) ?? 0)))} behind`).join(', ')}`);
      nextLog += PROGRESS_MS;
    }
    await sleep(100);
  }
  let caughtUpMs = performance.now() - t0;
  // The service's own word: no projection lags (else the time runs until it says so).
  if ((await projectionStates(service.url, run.adminKey)).some((p) => p.lagEvents > 0)) {
    log('catch-up: the checkpoints reached the end of the backlog, yet the service reports lag; waiting for it');
    await waitForNoLag(service, run.adminKey, 'catch-up');
    caughtUpMs = performance.now() - t0;
  }
  rss.stop();
  const peakRssKb = Math.max(rss.peakKb, treeStatusKb(service.pid, 'VmHWM') ?? 0);
  log(`catch-up: ${fmtInt(BACKLOG)} events folded ${secs(caughtUpMs)} s after the spawn (ready after ${secs(readyMs)} s)`);
  await stopService(service, log);
  cleanup.service = null;
  return { ingestRate, ingestBatchP99Ms: percentile(load.latenciesMs, 99), readyMs, caughtUpMs, peakRssKb };
}

async function checkpointsFolded(admin: pg.Client): Promise<Map<string, number>> {
  const { rows } = await admin.query<{ name: string; folded: string }>('SELECT name, events_folded::text AS folded FROM projection_checkpoints');
  return new Map(rows.map((r) => [r.name, Number(r.folded)]));
}

// ───────────────────────────── report ─────────────────────────────

function report(run: { ingest: IngestResult; after: AfterIngest; catchUp: CatchUp | null; startedAt: number }): boolean {
  const { ingest, after, catchUp } = run;
  const slices = ingest.slices;
  const full = slices.filter((s) => s.lastEvent - s.firstEvent >= SLICE);
  const first = full[0];
  const last = full.at(-1);
  // The item with the highest value; items without one (no samples: NaN) are left out.
  const worst = <T>(items: T[], value: (item: T) => number) => items.reduce<{ item: T; value: number } | null>((w, item) => {
    const v = value(item);
    return !Number.isNaN(v) && (w === null || v > w.value) ? { item, value: v } : w;
  }, null);
  const worstLag = worst(slices, (s) => percentile(s.lagSeconds, 99));
  const during = worst(slices.flatMap((s) => QUERY_NAMES.map((name) => ({ s, name }))), ({ s, name }) => percentile(s.queryMs[name], 95));
  const afterWorst = worst([...QUERY_NAMES], (name) => percentile(after.queryMs[name], 95));
  const ingestRssKb = Math.max(ingest.hwmKb ?? 0, ...slices.map((s) => s.rss.peakKb));
  const catchUpRate = catchUp === null ? null : (BACKLOG * 1000) / catchUp.caughtUpMs;
  const ratio = first !== undefined && last !== undefined && first !== last ? sliceRate(last) / sliceRate(first) : null;
  const sla = after.answers.slaReport.slaReport;
  const live = after.answers.providerStatus.providerStatus.length;

  const targets: { name: string; measured: string; pass: boolean | null }[] = [
    { name: `last slice ingest rate ≥ ${TARGETS.lastSliceRatio * 100} % of the first`, pass: ratio === null ? null : ratio >= TARGETS.lastSliceRatio,
      measured: ratio === null ? 'n/a (fewer than two full slices)' : `${fmtInt(sliceRate(last!))} vs ${fmtInt(sliceRate(first!))} events/s: ${(ratio * 100).toFixed(0)} %` },
    { name: `projection lag p99 ≤ ${TARGETS.lagP99Seconds} s in every slice`, pass: worstLag === null ? null : worstLag.value <= TARGETS.lagP99Seconds,
      measured: worstLag === null ? 'n/a' : `worst ${worstLag.value.toFixed(1)} s (slice ${worstLag.item.index})` },
    { name: `query p95 ≤ ${TARGETS.queryP95DuringMs} ms during ingest`, pass: during === null ? null : during.value <= TARGETS.queryP95DuringMs,
      measured: during === null ? 'n/a' : `worst ${during.item.name} ${during.value.toFixed(0)} ms (slice ${during.item.s.index})` },
    { name: `query p95 ≤ ${TARGETS.queryP95AfterMs} ms after ingest`, pass: afterWorst === null ? null : afterWorst.value <= TARGETS.queryP95AfterMs,
      measured: afterWorst === null ? 'n/a' : `worst ${afterWorst.item} ${afterWorst.value.toFixed(1)} ms` },
    { name: `service RSS ≤ ${TARGETS.rssMb} MB`, pass: ingestRssKb > 0 ? Math.max(ingestRssKb, catchUp?.peakRssKb ?? 0) / 1024 <= TARGETS.rssMb : null,
      measured: `peak ${mb(ingestRssKb)} MB during ingest${catchUp === null ? '' : `, ${mb(catchUp.peakRssKb)} MB during catch-up`}` },
    { name: `catch-up from a backlog ≥ ${fmtInt(TARGETS.catchUpEventsPerSec)} events/s`, pass: catchUpRate === null ? null : catchUpRate >= TARGETS.catchUpEventsPerSec,
      measured: catchUpRate === null ? 'n/a (BENCH_SCALE_BACKLOG=0)' : `${fmtInt(catchUpRate)} events/s` },
  ];
  const verdict = (pass: boolean | null) => (pass === null ? 'n/a' : pass ? 'PASS' : 'MISS');
  const allPass = targets.every((t) => t.pass !== false);
  const p95 = (values: number[]) => percentile(values, 95);

  out('');
  out('After ingest');
  out(`  ${fmtInt(slices.at(-1)!.lastEvent)} events in ${secs(ingest.elapsedMs)} s: ${fmtInt((slices.at(-1)!.lastEvent * 1000) / ingest.elapsedMs)} events/s overall; ` +
    `every projection caught up ${secs(after.catchUpMs)} s after the last batch`);
  out(`  query p95 after ingest (${QUERIES_AFTER} each): ${QUERY_NAMES.map((n) => `${n} ${p95(after.queryMs[n]).toFixed(1)} ms`).join(', ')}`);
  out(`  answers: ${after.answers.outages.outages.length} ${QUERY_PROVIDER} model outages and ${after.answers.incidents.incidents.length} incidents in the month ` +
    `(${ingest.burstCount} bursts planned over all providers); providerStatus ${live} models${live === 0 ? ' (live status: the traffic is in the past)' : ''}; ` +
    `slaReport uptime ${sla.uptimePercent} %, ${sla.downtimeMinutes ?? 'n/a'} downtime minutes in ${sla.evidence.length} runs, ${fmtInt(sla.eventsCounted)} events counted`);
  if (catchUp !== null) {
    out('');
    out('Catch-up from a backlog');
    out(`  ${fmtInt(BACKLOG)} events ingested with ROLE=api (nothing folding): ${fmtInt(catchUp.ingestRate)} events/s, batch p99 ${catchUp.ingestBatchP99Ms.toFixed(0)} ms`);
    out(`  ROLE=all restarted: ready after ${secs(catchUp.readyMs)} s, every projection caught up ${secs(catchUp.caughtUpMs)} s after the spawn: ` +
      `${fmtInt(catchUpRate!)} events/s (${catchUp.caughtUpMs > catchUp.readyMs ? fmtInt((BACKLOG * 1000) / (catchUp.caughtUpMs - catchUp.readyMs)) : 'n/a'} from ready); ` +
      `service RSS peak ${mb(catchUp.peakRssKb)} MB`);
  }
  out('');
  out('Targets');
  for (const t of targets) out(`  ${t.name.padEnd(48)} ${t.measured.padEnd(60)} ${verdict(t.pass)}`);
  out('');
  out(`total bench time ${secs(performance.now() - run.startedAt)} s`);

  const r1 = (n: number | null) => (n === null || Number.isNaN(n) ? null : Math.round(n * 10) / 10);
  out(JSON.stringify({
    bench: 'scale', events: EVENTS, sliceEvents: SLICE, backlog: BACKLOG, clients: CLIENTS, batchSize: BATCH,
    slices: slices.map((s) => ({
      slice: s.index, from: s.firstEvent, to: s.lastEvent, eventsPerSec: r1(sliceRate(s)), batchP99Ms: r1(percentile(s.batchMs, 99)),
      lagEvents: { p50: percentile(s.lagEvents, 50), p99: percentile(s.lagEvents, 99), max: percentile(s.lagEvents, 100) },
      lagSeconds: { p50: r1(percentile(s.lagSeconds, 50)), p99: r1(percentile(s.lagSeconds, 99)), max: r1(percentile(s.lagSeconds, 100)) },
      queryP95Ms: Object.fromEntries(QUERY_NAMES.map((n) => [n, r1(p95(s.queryMs[n]))])), queryErrors: s.errors,
      rssPeakMb: r1(s.rss.peakKb / 1024), dbBytesPerEvent: r1(s.dbBytesPerEvent),
    })),
    catchUpAfterIngestSec: r1(after.catchUpMs / 1000),
    queryP95AfterMs: Object.fromEntries(QUERY_NAMES.map((n) => [n, r1(p95(after.queryMs[n]))])),
    ingestRssPeakMb: r1(ingestRssKb / 1024),
    backlogCatchUp: catchUp === null ? null : { eventsPerSec: r1(catchUpRate), seconds: r1(catchUp.caughtUpMs / 1000), readySec: r1(catchUp.readyMs / 1000), rssPeakMb: r1(catchUp.peakRssKb / 1024) },
    targets: Object.fromEntries(targets.map((t) => [t.name, verdict(t.pass)])), pass: allPass,
  }));
  return allPass;
}

runBenchmark({ main, cleanUp: cleanup.run, watchdogMs: WATCHDOG_MS, log, lastOutput: () => cleanup.service?.output ?? [] });
