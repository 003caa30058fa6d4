import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type pg from 'pg';

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

/** 5 providers × 6 models, as the projections benchmark uses them. */
export const BENCH_CATALOGUE: Record<string, string[]> = {
  anthropic: ['claude-opus-4-7', 'claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-opus-4-1', 'claude-sonnet-4-5', 'claude-3-7-sonnet'],
  openai: ['gpt-5', 'gpt-5-mini', 'o4-mini', 'gpt-4.1', 'gpt-5-nano', 'gpt-4o'],
  google: ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-3-pro', 'gemini-2.5-flash-lite', 'gemini-2.0-flash', 'gemma-3-27b'],
  mistral: ['mistral-large-2', 'codestral-2', 'mistral-medium-3', 'mistral-small-3', 'devstral-medium', 'magistral-medium'],
  deepseek: ['deepseek-v3.2', 'deepseek-r1', 'deepseek-v3.1', 'deepseek-coder-v2', 'deepseek-v3', 'deepseek-r1-distill'],
};

const uniformSql = (seed: number) => `((hashint8extended(i, ${seed}) & 4503599627370495)::float8 / 4503599627370496)`;
/** One chunk of a synthetic log, computed by Postgres from the row number alone (deterministic). */
const SYNTHETIC_LOG_SQL = `
INSERT INTO outcome_events (platform, event_id, provider, model, occurred_at, outcome, http_status, error_code, latency_ms, ttft_ms)
SELECT platform, 'e' || i, provider, model, ts, oc::outcome,
  CASE oc WHEN 'success' THEN 200 WHEN 'error' THEN (ARRAY[500, 502, 503, 529])[1 + floor(u4 * 4)::int]
          WHEN 'rate_limited' THEN 429 WHEN 'client_error' THEN 400 END,
  CASE oc WHEN 'error' THEN 'api_error' WHEN 'timeout' THEN 'timeout' WHEN 'rate_limited' THEN 'rate_limit_error'
          WHEN 'client_error' THEN 'invalid_request_error' END,
  lat, CASE WHEN oc = 'success' AND u6 < 0.8 THEN greatest(1, round(lat * (0.08 + 0.375 * u6))::int) END
FROM (
  SELECT *, CASE oc WHEN 'success' THEN least(600000, greatest(40, round(exp(ln(1500) + 0.8 * sqrt(-2 * ln(1 - u4)) * cos(2 * pi() * u5)))))::int
                    WHEN 'error' THEN round(200 + u4 * 8000)::int WHEN 'timeout' THEN 30000 + 30000 * floor(u4 * 4)::int
                    WHEN 'rate_limited' THEN round(30 + u4 * 400)::int ELSE round(20 + u4 * 300)::int END AS lat
  FROM (
    SELECT *, CASE WHEN burst AND u3 < 0.45 THEN 'error' WHEN burst AND u3 < 0.5 THEN 'timeout'
                   WHEN u3 < 0.970 THEN 'success' WHEN u3 < 0.974 THEN 'error' WHEN u3 < 0.975 THEN 'timeout'
                   WHEN u3 < 0.990 THEN 'rate_limited' ELSE 'client_error' END AS oc
    FROM (
      SELECT i, ts, u3, u4, u5, u6, ($5::text[])[mi] AS provider, ($6::text[])[mi] AS model,
             ($7::text[])[1 + floor(u2 * cardinality($7::text[]))::int] AS platform,
             (hashint8extended(floor(extract(epoch FROM ts) / 3600)::bigint * 64 + mi, 7) & 1023) < $9::int AS burst
      FROM (
        SELECT i, $1::timestamptz + (i * $2::float8) * interval '1 millisecond' AS ts,
               ($4::int[])[1 + floor(${uniformSql(1)} * cardinality($4::int[]))::int] AS mi,
               ${uniformSql(2)} AS u2, ${uniformSql(3)} AS u3, ${uniformSql(4)} AS u4, ${uniformSql(5)} AS u5, ${uniformSql(6)} AS u6
        FROM generate_series($3::bigint, $8::bigint) AS i
      ) a
    ) b
  ) c
) d`;

/**
 * Writes a synthetic log straight into outcome_events with SQL, in chunks: `events` events
 * evenly spread over [start, end), 30 models of 5 providers with Zipf-like traffic, 3 platforms
 * (60/30/10), ~97 % success, and error bursts (50 % failures) in ~1 % of each model's hours.
 */
export async function writeSyntheticLog(
  client: pg.Client,
  options: { events: number; start: number; end: number; chunk?: number; onChunk?: (written: number) => void },
): Promise<void> {
  const models = Object.entries(BENCH_CATALOGUE).flatMap(([provider, names]) => names.map((model) => ({ provider, model })));
  // Interleave providers in rank order so every provider has a busy model.
  const ranked = [0, 1, 2, 3, 4, 5].flatMap((r) => [0, 1, 2, 3, 4].map((p) => models[p * 6 + r]!));
  const modelSlots = ranked.flatMap((_, rank) => Array<number>(Math.max(1, Math.round(200 / (rank + 1) ** 0.8))).fill(rank + 1));
  const platformSlots = [...Array<string>(6).fill('acme'), ...Array<string>(3).fill('globex'), 'initech'];
  const burstPer1024 = 10;
  const chunk = options.chunk ?? 500_000;
  for (let lo = 1; lo <= options.events; lo += chunk) {
    const hi = Math.min(options.events, lo + chunk - 1);
    await client.query(SYNTHETIC_LOG_SQL, [new Date(options.start), (options.end - options.start) / options.events, lo, modelSlots,
      ranked.map((m) => m.provider), ranked.map((m) => m.model), platformSlots, hi, burstPer1024]);
    options.onChunk?.(hi);
  }
}
