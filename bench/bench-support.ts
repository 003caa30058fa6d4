import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import type pg from 'pg';
import { RunningPostgres, startEmbeddedPostgres } from '@ledger/database';

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

// ───────────── shared by the query benchmarks (vendor; the others keep their own copies for now) ─────────────

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

/** The built service as a child process (its output kept for failure reports). */
export interface BenchService extends ServiceChild {
  output: string[];
}

export function spawnBenchService(options: { databaseUrl: string; port: number; adminKey: string; role: 'all' | 'api' | 'worker'; log: (line: string) => void }): BenchService {
  const main = join(__dirname, '../apps/api/src/main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: run \`npm run build\` first`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('BENCH_')) delete env[name];
  Object.assign(env, {
    DATABASE_URL: options.databaseUrl, PORT: String(options.port), HOST: '127.0.0.1', ADMIN_API_KEY: options.adminKey, ROLE: options.role, LOG_LEVEL: 'warn',
  });
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  return { child, url: `http://127.0.0.1:${options.port}`, output };
}

/**
 * A throwaway embedded Postgres in a temp folder, on the first free port from `firstPort`
 * (startEmbeddedPostgres would reuse a cluster already answering on the port).
 */
export async function startThrowawayPostgres(name: string, firstPort: number, log: (line: string) => void): Promise<{ postgres: RunningPostgres; dataDir: string }> {
  let port = firstPort;
  while (!(await portIsFree(port))) if (++port > firstPort + 50) throw new Error(`no free port in ${firstPort}..${firstPort + 50}`);
  const dataDir = await mkdtemp(join(os.tmpdir(), `sla-ledger-bench-${name}-`));
  try {
    await chmod(dataDir, 0o755);
    log(`starting a throwaway embedded Postgres on 127.0.0.1:${port} in ${dataDir}`);
    return { postgres: await withTimeout(startEmbeddedPostgres({ dataDir, port }), 120_000, 'starting Postgres'), dataDir };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Waits until the worker's vendor summaries reach the timeline checkpoint — after a rebuild the
 * worker summarizes every rollup again, minutes of work that compete with whatever is measured
 * next — and returns how long that took (ms).
 */
export async function waitForVendorSummaries(client: pg.Client, timeoutMs = 1_800_000): Promise<number> {
  const started = performance.now();
  const summarized = async () => (await client.query<{ ok: boolean | null }>(
    "SELECT s.transaction_id = c.transaction_id AND s.global_position = c.global_position AS ok FROM vendor_summary_state s, projection_checkpoints c WHERE c.name = 'timeline'",
  )).rows[0]?.ok === true;
  while (!(await summarized())) {
    if (performance.now() - started > timeoutMs) throw new Error(`the worker did not summarize the rollups within ${timeoutMs / 60_000} minutes`);
    await sleep(1_000);
  }
  return performance.now() - started;
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
