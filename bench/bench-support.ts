import { ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { migrationsFolder, RunningPostgres, startEmbeddedPostgres } from '@ledger/database';

/** Whether nothing listens on a loopback port now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Runs a benchmark's `main` to its exit code, always cleaning up (service, Postgres, temp
 * folders), and gives up after `watchdogMs` so a stuck run never outlives its budget.
 */
export function runBenchmark(options: {
  main: () => Promise<number>;
  cleanUp: () => Promise<void>;
  watchdogMs: number;
  log: (line: string) => void;
  /** The service's last output lines, shown when the run fails. */
  lastOutput: () => string[];
}): void {
  const { main, cleanUp, watchdogMs, log, lastOutput } = options;
  const watchdog = setTimeout(() => {
    log(`the benchmark took longer than ${watchdogMs / 1000} s; giving up`);
    void cleanUp().finally(() => process.exit(3));
  }, watchdogMs);
  main().then(
    async (code) => {
      await cleanUp();
      clearTimeout(watchdog);
      process.exit(code);
    },
    async (error: unknown) => {
      log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      const output = lastOutput();
      if (output.length > 0) log(`last service output:\n${output.slice(-20).join('\n')}`);
      await cleanUp();
      clearTimeout(watchdog);
      process.exit(1);
    },
  );
}

/** The service under test, run as a child process. */
export interface ServiceChild {
  child: ChildProcess;
  url: string;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `/readyz` to answer 200; fails early if the process exits. */
export async function waitUntilReady(service: ServiceChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new Error(`the service exited during start-up (code ${service.child.exitCode}, signal ${service.child.signalCode})`);
    }
    try {
      const response = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the service was not ready within ${timeoutMs / 1000} s`);
}

/** SIGTERM, then SIGKILL after 15 s. */
export async function stopService(service: ServiceChild, log: (line: string) => void): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]))) {
    log('the service did not stop within 15 s of SIGTERM; killing it');
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5_000)]);
  }
}

// ───────────── settings, statistics, the service over HTTP, throwaway Postgres ─────────────

/** A numeric environment setting within bounds, or the fallback when unset. */
export function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number in [${min}, ${max}]`);
  return value;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** A free loopback port, probing from a random start. */
export async function freePort(): Promise<number> {
  for (let port = 20_000 + Math.floor(Math.random() * 20_000); ; port++) if (await portIsFree(port)) return port;
}

/** POST /graphql with a bearer key; throws on any error or non-200 answer. */
export async function benchGraphql<T>(url: string, key: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(600_000),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: T; errors?: unknown[] };
  if (response.status !== 200 || body.errors !== undefined || body.data === undefined) throw new Error(`GraphQL HTTP ${response.status}: ${text.slice(0, 500)}`);
  return body.data;
}

/** The service's ingest key for `platform`, created with the admin key. */
export async function createIngestKey(url: string, adminKey: string, platform: string): Promise<string> {
  const data = await benchGraphql<{ createApiKey: { secret: string } }>(
    url, adminKey, 'mutation ($platform: String) { createApiKey(platform: $platform, scopes: [INGEST]) { secret } }', { platform },
  );
  return data.createApiKey.secret;
}

/** The built service as a child process (its output kept for failure reports). */
export interface BenchService extends ServiceChild {
  pid: number;
  output: string[];
}

/** One of the npm scripts in the project's package.json (beside migrations/). */
export function packageScript(name: 'start' | 'cli'): string {
  return (JSON.parse(readFileSync(join(dirname(migrationsFolder()), 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[name]!;
}

/** The service's V8 heap bound, as `npm start` and the Dockerfile run it. */
export const SERVICE_HEAP_FLAGS: readonly string[] = /--max-old-space-size=\d+/.exec(packageScript('start'))?.slice(0, 1) ?? [];

export function spawnBenchService(options: {
  databaseUrl: string; port: number; adminKey: string; role: 'all' | 'api' | 'worker'; log: (line: string) => void;
  /** Flags for the service's node, e.g. `--cpu-prof`, after the heap bound `npm start` and the Docker image give it. */
  nodeArgs?: readonly string[];
  /** More settings for the service (ALLOW_PRIVATE_WEBHOOKS for a local receiver, …). */
  env?: Record<string, string>;
}): BenchService {
  const main = join(__dirname, '../apps/api/src/main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: run \`npm run build\` first`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('BENCH_')) delete env[name];
  Object.assign(env, {
    DATABASE_URL: options.databaseUrl, PORT: String(options.port), HOST: '127.0.0.1', ADMIN_API_KEY: options.adminKey, ROLE: options.role, LOG_LEVEL: 'warn',
    ...options.env,
  });
  const child = spawn(process.execPath, [...SERVICE_HEAP_FLAGS, ...(options.nodeArgs ?? []), main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not spawn the service');
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter((l) => l.trim() !== '')) {
      output.push(line);
      if (output.length > 200) output.shift();
      options.log(`[service] ${line}`);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, pid: child.pid, url: `http://127.0.0.1:${options.port}`, output };
}

/**
 * A throwaway embedded Postgres in a temp folder, on the first free port from `firstPort`
 * (startEmbeddedPostgres would reuse a cluster already answering on the port).
 */
export async function startThrowawayPostgres(name: string, firstPort: number, log: (line: string) => void): Promise<{ postgres: RunningPostgres; dataDir: string }> {
  let port = firstPort;
  while (!(await portIsFree(port))) if (++port > firstPort + 50) throw new Error(`no free port in ${firstPort}..${firstPort + 50}`);
  const dataDir = await mkdtemp(join(os.tmpdir(), `sla-ledger-bench-${name}-`));
  const output: string[] = []; // Postgres's last lines, shown if it fails to start
  try {
    // When run as root, Postgres runs as the `postgres` user, which must be able to enter the folder.
    await chmod(dataDir, 0o755);
    log(`starting a throwaway embedded Postgres on 127.0.0.1:${port} in ${dataDir}`);
    const keep = (line: string) => {
      output.push(line);
      if (output.length > 100) output.shift();
    };
    const postgres = await withTimeout(startEmbeddedPostgres({ dataDir, port, log: keep }), 120_000, 'starting Postgres');
    return { postgres, dataDir };
  } catch (error) {
    if (output.length > 0) log(`embedded Postgres output:\n${output.join('\n')}`);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The Postgres settings the benchmarks print. */
export const SETTING_NAMES = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers', 'max_wal_size'];

export interface PostgresFacts {
  version: string;
  settings: Record<string, string>;
  /** Null when Postgres is not a local process: then its CPU time is not measured. */
  postmaster: number | null;
}

export async function describePostgres(admin: pg.Client, log: (line: string) => void): Promise<PostgresFacts> {
  const version = (await admin.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? 'unknown';
  const { rows } = await admin.query<{ name: string; setting: string }>(
    'SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name',
    [SETTING_NAMES],
  );
  const postmaster = await postmasterPid(admin);
  if (postmaster === null) log('Postgres is not a local process: its CPU time will not be reported');
  return { version: version.split(',')[0] ?? version, settings: Object.fromEntries(rows.map((r) => [r.name, r.setting])), postmaster };
}

/** Each projection's lag right now: committed events after its checkpoint, by name. */
export async function projectionLags(client: pg.Client): Promise<Record<string, number>> {
  const { rows } = await client.query<{ name: string; lag: string }>(`
    SELECT c.name, (SELECT count(*) FROM outcome_events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))::text AS lag
    FROM projection_checkpoints c ORDER BY c.name`);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.lag)]));
}

/**
 * What a benchmark has started, released once on the way out (`run`); if the process exits
 * abruptly, the service child is killed and the temp folder removed all the same.
 */
export class BenchCleanup {
  service: BenchService | null = null;
  postgres: RunningPostgres | null = null;
  tempDir: string | null = null;
  readonly clients: pg.Client[] = [];
  db: { destroy(): Promise<void> } | null = null;
  private done = false;

  constructor(private readonly log: (line: string) => void) {
    process.on('exit', () => {
      const child = this.service?.child;
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
    });
  }

  /** A connected client, named `applicationName` in pg_stat_activity, ended by `run`. */
  async connect(url: string, applicationName: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 10_000 });
    // Without a listener, a dropped idle connection would crash the process instead of failing the next query.
    client.on('error', (error) => this.log(`${applicationName}: connection error: ${error.message}`));
    await client.connect();
    this.clients.push(client);
    return client;
  }

  /** `external` (DATABASE_URL) when given; else a throwaway embedded Postgres, stopped and removed by `run`. */
  async databaseUrl(name: string, firstPort: number, external: string | undefined): Promise<string> {
    if (external !== undefined) return external;
    ({ postgres: this.postgres, dataDir: this.tempDir } = await startThrowawayPostgres(name, firstPort, this.log));
    return this.postgres.url;
  }

  readonly run = async (): Promise<void> => {
    if (this.done) return;
    this.done = true;
    for (const client of this.clients) await client.end().catch(() => undefined);
    if (this.db) await this.db.destroy().catch(() => undefined);
    if (this.service) await stopService(this.service, this.log).catch(() => undefined);
    if (this.postgres) await withTimeout(this.postgres.stop(), 30_000, 'stopping Postgres').catch((e: Error) => this.log(e.message));
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  };
}

/** Lets the database settle between measured phases: no autovacuum at work (waiting up to 20 s), then a checkpoint. */
export async function settle(client: pg.Client, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'");
    if (Number(rows[0]?.n ?? 0) === 0) break;
    await sleep(250);
  }
  await client.query('CHECKPOINT').catch((error: Error) => log(`CHECKPOINT failed (ignored): ${error.message}`));
}

// ───────────── closed-loop load ─────────────

export interface LoadResult {
  units: number;
  operations: number;
  elapsedMs: number;
  /** One per operation, unsorted. */
  latenciesMs: number[];
  /** True when `operation` ran out of work before the time was up. */
  exhausted: boolean;
}

/**
 * Closed loop: `workers` loops each run one operation at a time until the time is up; operations
 * in flight at the deadline complete and count, and the elapsed time runs to the last completion.
 * `operation` returns the units it did, or null when there is nothing left to do.
 */
export async function runLoad(workers: number, seconds: number, operation: (worker: number) => Promise<number | null>): Promise<LoadResult> {
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const latenciesMs: number[] = [];
  let units = 0;
  let operations = 0;
  let exhausted = false;
  let end = start;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!exhausted && performance.now() < deadline) {
        const t0 = performance.now();
        const done = await operation(worker);
        const t1 = performance.now();
        if (done === null) {
          exhausted = true;
          break;
        }
        units += done;
        operations += 1;
        latenciesMs.push(t1 - t0);
        end = Math.max(end, t1);
      }
    }),
  );
  return { units, operations, elapsedMs: end - start, latenciesMs, exhausted };
}

// ───────────── CPU and memory from /proc (Linux; null where unavailable) ─────────────

let clockTicks = 0;
/** The unit of /proc CPU times, per second. */
function ticksPerSecond(): number {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execSync('getconf CLK_TCK', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    } catch {
      // no getconf: Linux's usual value below
    }
    if (!Number.isFinite(clockTicks) || clockTicks <= 0) clockTicks = 100;
  }
  return clockTicks;
}

/** A process's parent and CPU seconds (utime + stime + cutime + cstime). */
function procStat(pid: number): { ppid: number; cpu: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i - 3]);
    return { ppid: n(4), cpu: (n(14) + n(15) + n(16) + n(17)) / ticksPerSecond() };
  } catch {
    return null;
  }
}

/** CPU seconds of a process and its live children (exited children are in its cutime/cstime once reaped). */
function treeCpu(root: number): number | null {
  const self = procStat(root);
  if (self === null) return null;
  return childPids(root).reduce((total, child) => total + (procStat(child)?.cpu ?? 0), self.cpu);
}

/** The processes whose parent is `pid`. */
function childPids(pid: number): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && procStat(Number(entry))?.ppid === pid).map(Number);
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusyCpu(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq + steal) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** The postmaster's pid, when Postgres runs on this machine (in this pid namespace). */
export async function postmasterPid(client: pg.Client): Promise<number | null> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const backend = rows[0]?.pid;
  return backend === undefined ? null : (procStat(backend)?.ppid ?? null);
}

/** A /proc/<pid>/status memory figure in kB: VmRSS (resident now) or VmHWM (the peak so far). */
export function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * A field of a process and of its children summed: a ROLE=all service is its API process and
 * the worker process it started. For VmHWM the sum of the peaks bounds the peak of the sum.
 */
export function treeStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  const own = procStatusKb(pid, field);
  if (own === null) return null;
  return childPids(pid).reduce((sum, child) => sum + (procStatusKb(child, field) ?? 0), own);
}

/** The peak of a process's RSS (with its children's, unless told not to), sampled every `everyMs` until stopped. */
export class RssSampler {
  peakKb = 0;
  samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(pid: number, everyMs: number, options: { children?: boolean } = {}) {
    this.timer = setInterval(() => {
      const kb = options.children === false ? procStatusKb(pid, 'VmRSS') : treeStatusKb(pid, 'VmRSS');
      if (kb === null) return;
      this.samples += 1;
      this.peakKb = Math.max(this.peakKb, kb);
    }, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface CpuSnapshot {
  at: number;
  service: number | null;
  postgres: number | null;
  bench: number;
  machine: number | null;
}

/** CPU seconds per wall second (1.0 = one core fully busy) during a phase. */
export interface CpuUse {
  service: number | null;
  postgres: number | null;
  /** This process. */
  bench: number;
  /** Everything else on the machine. */
  other: number | null;
  machine: number | null;
}

/** CPU seconds used so far by the service, Postgres (the postmaster and its children), this process and the machine. */
export function cpuSnapshot(servicePid: number | null, postmaster: number | null): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    service: servicePid === null ? null : treeCpu(servicePid),
    postgres: postmaster === null ? null : treeCpu(postmaster),
    bench: (usage.user + usage.system) / 1e6,
    machine: machineBusyCpu(),
  };
}

export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const wall = (b.at - a.at) / 1000;
  const per = (x: number | null, y: number | null) => (x === null || y === null ? null : (y - x) / wall);
  const service = per(a.service, b.service);
  const postgres = per(a.postgres, b.postgres);
  const bench = (b.bench - a.bench) / wall;
  const machine = per(a.machine, b.machine);
  const other = machine === null ? null : machine - bench - (service ?? 0) - (postgres ?? 0);
  return { service, postgres, bench, other, machine };
}
