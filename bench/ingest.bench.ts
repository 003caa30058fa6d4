/**
 * Ingest benchmark (`npm run bench:ingest`).
 *
 * 1. Starts a throwaway embedded Postgres (or uses DATABASE_URL) with durability settings left
 *    at their defaults (fsync on, synchronous_commit on): this is a durability product.
 * 2. Spawns the built service as a child process, creates an ingest key, and has several
 *    concurrent HTTP clients post batches of 5,000 events for a fixed time → events/s.
 *    The service's RSS is sampled every 100 ms and its VmHWM read at the end.
 * 3. Measures the raw ceiling: COPY of the same kind of rows, 5,000 rows per COPY statement
 *    (one transaction each, like the service's one transaction per batch), into a table with
 *    the same columns, defaults, identity, constraints and indexes as outcome_events, over one
 *    and over two parallel connections. The ceiling is the better of the two.
 * 4. Prints a summary (ratio end-to-end / ceiling, peak RSS, where the CPU went) and one JSON line.
 *
 * Environment: BENCH_CLIENTS (4), BENCH_SECONDS (20), BENCH_COPY_SECONDS (= BENCH_SECONDS),
 * BENCH_WARMUP_SECONDS (3), BENCH_BATCH_SIZE (5000), BENCH_POOL_BATCHES (32), BENCH_PG_PORT (55433),
 * DATABASE_URL (use an existing Postgres instead of an embedded one), DB_POOL_SIZE (passed to the
 * service), BENCH_SERVICE_NODE_ARGS (extra node flags for the service, e.g. --cpu-prof),
 * BENCH_STRICT=1 (exit 1 when a target is missed).
 */
import { ChildProcess, execSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { RunningPostgres, startEmbeddedPostgres } from '@ledger/database';
import { portIsFree, runBenchmark, sleep, stopService, waitUntilReady } from './bench-support';

// ───────────────────────────── parameters ─────────────────────────────

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number between ${min} and ${max}, not ${JSON.stringify(raw)}`);
  }
  return value;
}

const CLIENTS = Math.floor(envNumber('BENCH_CLIENTS', 4, 1, 64));
const SECONDS = envNumber('BENCH_SECONDS', 20, 1, 600);
const COPY_SECONDS = envNumber('BENCH_COPY_SECONDS', SECONDS, 1, 600);
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 3, 0, 60);
const BATCH = Math.floor(envNumber('BENCH_BATCH_SIZE', 5000, 1, 10_000));
const POOL_BATCHES = Math.floor(envNumber('BENCH_POOL_BATCHES', 32, 2, 1000));
const PG_PORT_EXPLICIT = process.env.BENCH_PG_PORT !== undefined && process.env.BENCH_PG_PORT !== '';
const PG_PORT = Math.floor(envNumber('BENCH_PG_PORT', 55433, 1, 65535));
const EXTERNAL_DATABASE_URL = process.env.DATABASE_URL || undefined;
const STRICT = process.env.BENCH_STRICT === '1';

const PLATFORM = 'bench';
const COPY_TABLE = 'copy_ceiling';
const COPY_WARMUP_SECONDS = Math.min(2, WARMUP_SECONDS);
const TARGET_RATIO = 0.6;
const TARGET_RSS_MB = 300;
const HOST = '127.0.0.1';
/** Hard bound on the whole run; generous, the default run takes ~1.5 minutes. */
const WATCHDOG_MS = (180 + 2 * (SECONDS + WARMUP_SECONDS) + 3 * (COPY_SECONDS + COPY_WARMUP_SECONDS)) * 1000;

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

// ───────────────────────────── event generation ─────────────────────────────

interface GeneratedEvent {
  id: string;
  provider: string;
  model: string;
  occurredAt: string;
  outcome: 'success' | 'error' | 'timeout' | 'rate_limited' | 'client_error';
  httpStatus: number | null;
  errorCode: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
}

const CATALOGUE: { provider: string; models: string[]; weight: number }[] = [
  { provider: 'anthropic', models: ['claude-opus-4-7', 'claude-sonnet-4-6', 'claude-haiku-4-5'], weight: 35 },
  { provider: 'openai', models: ['gpt-5', 'gpt-5-mini', 'o4-mini', 'gpt-4.1'], weight: 33 },
  { provider: 'google', models: ['gemini-2.5-pro', 'gemini-2.5-flash'], weight: 15 },
  { provider: 'mistral', models: ['mistral-large-2', 'codestral-2'], weight: 9 },
  { provider: 'deepseek', models: ['deepseek-v3.2', 'deepseek-r1'], weight: 8 },
];
const CATALOGUE_WEIGHT = CATALOGUE.reduce((sum, p) => sum + p.weight, 0);

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function gaussian(): number {
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

function clampInt(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(value)));
}

/** One event: ~95% success, a mix of failures, lognormal latencies, occurredAt within the past day. */
function generateEvent(now: number): GeneratedEvent {
  let r = Math.random() * CATALOGUE_WEIGHT;
  let entry = CATALOGUE[0]!;
  for (const candidate of CATALOGUE) {
    r -= candidate.weight;
    if (r <= 0) {
      entry = candidate;
      break;
    }
  }
  const base = {
    id: randomUUID(),
    provider: entry.provider,
    model: pick(entry.models),
    occurredAt: new Date(now - Math.floor(Math.random() * 86_400_000)).toISOString(),
  };
  const roll = Math.random();
  if (roll < 0.95) {
    const latencyMs = clampInt(Math.exp(Math.log(1500) + 0.8 * gaussian()), 40, 600_000);
    const streamed = Math.random() < 0.8;
    return {
      ...base,
      outcome: 'success',
      httpStatus: 200,
      errorCode: null,
      latencyMs,
      ttftMs: streamed ? clampInt(latencyMs * (0.08 + 0.3 * Math.random()), 10, latencyMs) : null,
    };
  }
  if (roll < 0.97) {
    return {
      ...base,
      outcome: 'error',
      httpStatus: pick([500, 502, 503, 529]),
      errorCode: pick(['api_error', 'overloaded_error', 'bad_gateway', 'internal_server_error']),
      latencyMs: clampInt(200 + Math.random() * 8000, 1, 600_000),
      ttftMs: null,
    };
  }
  if (roll < 0.985) {
    return {
      ...base,
      outcome: 'rate_limited',
      httpStatus: 429,
      errorCode: pick(['rate_limit_error', 'rate_limit_exceeded', 'quota_exceeded']),
      latencyMs: clampInt(30 + Math.random() * 400, 1, 600_000),
      ttftMs: null,
    };
  }
  if (roll < 0.995) {
    return {
      ...base,
      outcome: 'timeout',
      httpStatus: null,
      errorCode: 'timeout',
      latencyMs: pick([30_000, 60_000, 120_000, 300_000]),
      ttftMs: null,
    };
  }
  return {
    ...base,
    outcome: 'client_error',
    httpStatus: pick([400, 404, 413, 422]),
    errorCode: pick(['invalid_request_error', 'not_found_error', 'request_too_large']),
    latencyMs: clampInt(20 + Math.random() * 300, 1, 600_000),
    ttftMs: null,
  };
}

/**
 * A batch, pre-serialised twice: as the JSON body a platform would POST, and as COPY text rows.
 * The byte offset of every id is kept so that later passes over the pool can make every id
 * unique again by rewriting two characters (see `variant`): ids stay random UUID-shaped strings
 * whose first 14 characters are untouched, so the index sees the same random insertion pattern.
 */
interface Batch {
  json: Buffer;
  jsonIds: Int32Array;
  copy: Buffer;
  copyIds: Int32Array;
}

const COPY_COLUMNS =
  'platform, event_id, provider, model, occurred_at, outcome, http_status, error_code, latency_ms, ttft_ms';

function nullable(value: string | number | null): string {
  return value === null ? '\\N' : String(value);
}

function serialiseBatch(events: GeneratedEvent[]): Batch {
  const body = JSON.stringify({
    events: events.map((e) => {
      const out: Record<string, unknown> = {
        id: e.id,
        provider: e.provider,
        model: e.model,
        occurredAt: e.occurredAt,
        outcome: e.outcome,
      };
      if (e.httpStatus !== null) out.httpStatus = e.httpStatus;
      if (e.errorCode !== null) out.errorCode = e.errorCode;
      if (e.latencyMs !== null) out.latencyMs = e.latencyMs;
      if (e.ttftMs !== null) out.ttftMs = e.ttftMs;
      return out;
    }),
  });
  const json = Buffer.from(body, 'utf8');
  const jsonIds = new Int32Array(events.length);
  let at = 0;
  for (let i = 0; i < events.length; i++) {
    const found = json.indexOf('"id":"', at);
    if (found < 0) throw new Error('internal: id not found in serialised batch');
    jsonIds[i] = found + 6;
    at = found + 6;
  }

  const copyIds = new Int32Array(events.length);
  let text = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    copyIds[i] = text.length + PLATFORM.length + 1; // ASCII only: chars == bytes
    text +=
      `${PLATFORM}\t${e.id}\t${e.provider}\t${e.model}\t${e.occurredAt}\t${e.outcome}\t` +
      `${nullable(e.httpStatus)}\t${nullable(e.errorCode)}\t${nullable(e.latencyMs)}\t${nullable(e.ttftMs)}\n`;
  }
  return { json, jsonIds, copy: Buffer.from(text, 'ascii'), copyIds };
}

const HEX = '0123456789abcdef';
const HEX_WITHOUT_4 = '012356789abcdef';
/** Pass 0 uses the ids as generated; passes 1..240 rewrite the version and variant characters. */
const MAX_PASSES = 1 + HEX_WITHOUT_4.length * HEX.length;

/**
 * The pass-th variant of a serialised batch. A v4 UUID always has '4' at index 14, so putting
 * anything else there (and a pass-dependent character at index 19) can never produce an id
 * of pass 0 or of another pass.
 */
function variant(source: Buffer, idOffsets: Int32Array, pass: number): Buffer {
  if (pass === 0) return source;
  const i = pass - 1;
  const c14 = HEX_WITHOUT_4.charCodeAt(i % HEX_WITHOUT_4.length);
  const c19 = HEX.charCodeAt(Math.floor(i / HEX_WITHOUT_4.length));
  const copy = Buffer.from(source);
  for (const offset of idOffsets) {
    copy[offset + 14] = c14;
    copy[offset + 19] = c19;
  }
  return copy;
}

class BatchPool {
  readonly batches: Batch[] = [];

  constructor(count: number, size: number) {
    const now = Date.now();
    for (let b = 0; b < count; b++) {
      const events: GeneratedEvent[] = [];
      for (let i = 0; i < size; i++) events.push(generateEvent(now));
      this.batches.push(serialiseBatch(events));
    }
  }

  get capacity(): number {
    return this.batches.length * MAX_PASSES;
  }

  /** The n-th distinct batch (n counts from 0 across a sequence that must not repeat ids). */
  json(n: number): Buffer | null {
    if (n >= this.capacity) return null;
    const batch = this.batches[n % this.batches.length]!;
    return variant(batch.json, batch.jsonIds, Math.floor(n / this.batches.length));
  }

  copy(n: number): Buffer | null {
    if (n >= this.capacity) return null;
    const batch = this.batches[n % this.batches.length]!;
    return variant(batch.copy, batch.copyIds, Math.floor(n / this.batches.length));
  }
}

// ───────────────────────────── /proc accounting ─────────────────────────────

const CLK_TCK = (() => {
  try {
    const value = Number(execSync('getconf CLK_TCK', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in seconds. */
  cpu: number;
}

function procStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i - 3]);
    return { ppid: n(4), cpu: (n(14) + n(15) + n(16) + n(17)) / CLK_TCK };
  } catch {
    return null;
  }
}

/** CPU seconds of a process and its live children (exited children are in its cutime/cstime once reaped). */
function treeCpu(root: number): number | null {
  const self = procStat(root);
  if (self === null) return null;
  let total = self.cpu;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat !== null && stat.ppid === root) total += stat.cpu;
  }
  return total;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusyCpu(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values;
    return (user + nice + system + irq + softirq + steal) / CLK_TCK;
  } catch {
    return null;
  }
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

interface CpuSnapshot {
  at: number;
  service: number | null;
  postgres: number | null;
  bench: number;
  machine: number | null;
}

interface CpuUse {
  wallSeconds: number;
  /** CPU seconds per wall second (1.0 = one core fully busy). */
  service: number | null;
  postgres: number | null;
  bench: number;
  other: number | null;
  machine: number | null;
}

function cpuSnapshot(servicePid: number | null, postmasterPid: number | null): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    service: servicePid === null ? null : (procStat(servicePid)?.cpu ?? null),
    postgres: postmasterPid === null ? null : treeCpu(postmasterPid),
    bench: (usage.user + usage.system) / 1e6,
    machine: machineBusyCpu(),
  };
}

function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const wall = (b.at - a.at) / 1000;
  const per = (x: number | null, y: number | null) => (x === null || y === null ? null : (y - x) / wall);
  const service = per(a.service, b.service);
  const postgres = per(a.postgres, b.postgres);
  const bench = (b.bench - a.bench) / wall;
  const machine = per(a.machine, b.machine);
  const other = machine === null ? null : machine - bench - (service ?? 0) - (postgres ?? 0);
  return { wallSeconds: wall, service, postgres, bench, other, machine };
}

// ───────────────────────────── small utilities ─────────────────────────────



function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtCpu = (n: number | null) => (n === null ? '   n/a' : n.toFixed(2).padStart(6));

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ───────────────────────────── load loop ─────────────────────────────

interface LoadResult {
  units: number;
  operations: number;
  elapsedMs: number;
  latenciesMs: number[];
  /** True when the pool of distinct batches ran out before the time was up. */
  exhausted: boolean;
}

/**
 * Closed loop: `workers` loops each run one operation at a time until the time is up; operations
 * in flight at the deadline complete and count, and the elapsed time runs to the last completion.
 * `operation` returns the units it did, or null when there is nothing left to do.
 */
async function runLoad(
  workers: number,
  seconds: number,
  operation: (worker: number) => Promise<number | null>,
): Promise<LoadResult> {
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
  return { units, operations, elapsedMs: end - start, latenciesMs: latenciesMs.sort((a, b) => a - b), exhausted };
}

// ───────────────────────────── the service ─────────────────────────────

interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  output: string[];
}

function spawnService(databaseUrl: string, port: number, adminKey: string): ServiceProcess {
  const main = join(__dirname, '../apps/api/src/main.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: run \`npm run build\` first`);
  // The ingest path alone by default: in ROLE=all the projection worker would fold these
  // events on the same two cores (BENCH_ROLE=all measures that).
  const role = process.env.BENCH_ROLE ?? 'api';
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('BENCH_')) delete env[name];
  Object.assign(env, {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST,
    ADMIN_API_KEY: adminKey,
    ROLE: role,
    LOG_LEVEL: 'warn',
  });
  // e.g. BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the service's CPU goes.
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('could not spawn the service');
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > 200) output.shift();
      process.stderr.write(`[service] ${line}\n`);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, pid: child.pid, url: `http://${HOST}:${port}`, output };
}



async function createIngestKey(url: string, adminKey: string): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query: `mutation { createApiKey(platform: "${PLATFORM}", scopes: [INGEST]) { secret } }` }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let secret: unknown;
  try {
    secret = (JSON.parse(text) as { data?: { createApiKey?: { secret?: unknown } } }).data?.createApiKey?.secret;
  } catch {
    secret = undefined;
  }
  if (response.status !== 200 || typeof secret !== 'string') {
    throw new Error(`createApiKey failed: HTTP ${response.status} ${text.slice(0, 500)}`);
  }
  return secret;
}

interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
}

async function postBatch(url: string, token: string, body: Buffer, expected: number): Promise<number> {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    // A view, not a copy (Buffer's type is wider than what fetch's BodyInit names).
    body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(`POST /v1/events answered HTTP ${response.status}: ${text.slice(0, 500)}`);
  }
  const result = JSON.parse(text) as IngestResponse;
  if (result.accepted !== expected || result.duplicates !== 0 || result.rejected.length !== 0) {
    throw new Error(
      `POST /v1/events accepted ${result.accepted} of ${expected} events (duplicates ${result.duplicates}, ` +
        `rejected ${result.rejected.length}): ${JSON.stringify(result.rejected.slice(0, 3))}`,
    );
  }
  return result.accepted;
}

// ───────────────────────────── Postgres helpers ─────────────────────────────

async function connect(url: string, name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: name, connectionTimeoutMillis: 10_000 });
  await client.connect();
  client.on('error', (error) => log(`${name}: connection error: ${error.message}`));
  return client;
}

async function postmasterPid(client: pg.Client): Promise<number | null> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const backend = rows[0]?.pid;
  if (backend === undefined) return null;
  const stat = procStat(backend);
  // Only when Postgres runs on this machine, in this pid namespace.
  return stat === null ? null : stat.ppid;
}

/** A normalised description of a table: columns (type, nullability, default, identity) and indexes. */
async function describeTable(client: pg.Client, table: string): Promise<string> {
  const columns = await client.query<{ d: string }>(
    `SELECT format('%s %s%s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
              CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
              CASE WHEN d.adbin IS NOT NULL THEN ' default ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END,
              CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END
                || COALESCE(' cache ' || s.seqcache, '')) AS d
       FROM pg_attribute a
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       LEFT JOIN pg_sequence s ON s.seqrelid = pg_get_serial_sequence($1::text, a.attname)::regclass
       WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
    [table],
  );
  const indexes = await client.query<{ d: string }>(
    `SELECT format('%s%s index on (%s)', CASE WHEN i.indisprimary THEN 'primary ' ELSE '' END,
              CASE WHEN i.indisunique THEN 'unique' ELSE 'plain' END,
              (SELECT string_agg(pg_get_indexdef(i.indexrelid, k, true), ', ' ORDER BY k)
                 FROM generate_series(1, i.indnkeyatts) AS k)) AS d
       FROM pg_index i WHERE i.indrelid = $1::text::regclass ORDER BY 1`,
    [table],
  );
  const constraints = await client.query<{ d: string }>(
    `SELECT contype::text || ' ' || regexp_replace(pg_get_constraintdef(oid), '\\s+', ' ', 'g') AS d
       FROM pg_constraint WHERE conrelid = $1::text::regclass ORDER BY 1`,
    [table],
  );
  return [...columns.rows, ...indexes.rows, ...constraints.rows].map((r) => r.d).join('\n');
}

/** Lets the database settle between phases: no autovacuum at work, then a checkpoint. */
async function settle(client: pg.Client): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'",
    );
    if (Number(rows[0]?.n ?? 0) === 0) break;
    await sleep(250);
  }
  await client.query('CHECKPOINT').catch((error: Error) => log(`CHECKPOINT failed (ignored): ${error.message}`));
}

async function copyChunk(client: pg.Client, chunk: Buffer): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${COPY_TABLE} (${COPY_COLUMNS}) FROM STDIN`));
  stream.end(chunk);
  await finished(stream);
  return stream.rowCount;
}

// ───────────────────────────── main ─────────────────────────────

interface Cleanup {
  service: ServiceProcess | null;
  postgres: RunningPostgres | null;
  tempDir: string | null;
  clients: pg.Client[];
}

const cleanup: Cleanup = { service: null, postgres: null, tempDir: null, clients: [] };
let cleanedUp = false;

async function cleanUp(): Promise<void> {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const client of cleanup.clients) await client.end().catch(() => undefined);
  if (cleanup.service) await stopService(cleanup.service, log).catch(() => undefined);
  if (cleanup.postgres) {
    await withTimeout(cleanup.postgres.stop(), 30_000, 'stopping Postgres').catch((error: Error) => log(error.message));
  }
  if (cleanup.tempDir) rmSync(cleanup.tempDir, { recursive: true, force: true });
}

// Last resort on an abrupt exit: never leave the service running or the temp folder behind.
process.on('exit', () => {
  const child = cleanup.service?.child;
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (cleanup.tempDir) {
    try {
      rmSync(cleanup.tempDir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
});

async function main(): Promise<number> {
  const startedAt = performance.now();
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  if (process.platform !== 'linux') log('not Linux: RSS and CPU figures (from /proc) will be missing');

  // ── Postgres ──
  let databaseUrl: string;
  if (EXTERNAL_DATABASE_URL !== undefined) {
    databaseUrl = EXTERNAL_DATABASE_URL;
    log('using the Postgres in DATABASE_URL');
  } else {
    let port = PG_PORT;
    // startEmbeddedPostgres reuses any cluster already answering on the port: make sure it is ours.
    while (!(await portIsFree(port))) {
      if (PG_PORT_EXPLICIT) throw new Error(`BENCH_PG_PORT ${port} is in use`);
      port += 1;
      if (port > PG_PORT + 50) throw new Error(`no free port in ${PG_PORT}..${PG_PORT + 50} for Postgres`);
    }
    cleanup.tempDir = await mkdtemp(join(os.tmpdir(), 'sla-ledger-bench-'));
    // When run as root, Postgres runs as the `postgres` user, which must be able to enter the folder.
    await chmod(cleanup.tempDir, 0o755);
    log(`starting a throwaway embedded Postgres on ${HOST}:${port} in ${cleanup.tempDir}`);
    const pgLog: string[] = [];
    try {
      cleanup.postgres = await withTimeout(
        startEmbeddedPostgres({
          dataDir: cleanup.tempDir,
          port,
          log: (line) => {
            pgLog.push(line);
            if (pgLog.length > 100) pgLog.shift();
          },
        }),
        120_000,
        'starting the embedded Postgres',
      );
    } catch (error) {
      log(`embedded Postgres output:\n${pgLog.join('\n')}`);
      throw error;
    }
    databaseUrl = cleanup.postgres.url;
  }

  const admin = await connect(databaseUrl, 'bench-admin');
  cleanup.clients.push(admin);
  const version = (await admin.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? 'unknown';
  const settingNames = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers', 'max_wal_size'];
  const settings = Object.fromEntries(
    (
      await admin.query<{ name: string; setting: string }>(
        'SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name',
        [settingNames],
      )
    ).rows.map((r) => [r.name, r.setting]),
  );
  const pmPid = await postmasterPid(admin);
  if (pmPid === null) log('Postgres is not a local process: its CPU time will not be reported');

  // ── events ──
  const genStart = performance.now();
  const pool = new BatchPool(POOL_BATCHES, BATCH);
  const poolMb = pool.batches.reduce((sum, b) => sum + b.json.length + b.copy.length, 0) / 1e6;
  const avgJsonBytes = pool.batches.reduce((sum, b) => sum + b.json.length, 0) / pool.batches.length;
  log(
    `generated ${fmtInt(POOL_BATCHES * BATCH)} events in ${POOL_BATCHES} batches (${poolMb.toFixed(0)} MB serialised, ` +
      `${(avgJsonBytes / 1e6).toFixed(2)} MB per JSON body) in ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
  );

  // ── the service ──
  const adminKey = `bench-admin-${randomBytes(24).toString('hex')}`;
  const service = spawnService(databaseUrl, await freePort(), adminKey);
  cleanup.service = service;
  let peakSampledKb = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    const kb = procStatusKb(service.pid, 'VmRSS');
    if (kb !== null) {
      samples += 1;
      peakSampledKb = Math.max(peakSampledKb, kb);
    }
  }, 100);
  let e2e: LoadResult;
  let e2eCpu: CpuUse;
  let e2eRows: number;
  let idleRssKb: number | null;
  let hwmKb: number | null;
  try {
    await waitUntilReady(service, 90_000);
    idleRssKb = procStatusKb(service.pid, 'VmRSS');
    const token = await createIngestKey(service.url, adminKey);
    log(`service ready at ${service.url} (pid ${service.pid}, RSS ${((idleRssKb ?? 0) / 1024).toFixed(0)} MB)`);

    let next = 0;
    const send = async (): Promise<number | null> => {
      const body = pool.json(next++);
      return body === null ? null : postBatch(service.url, token, body, BATCH);
    };
    if (WARMUP_SECONDS > 0) {
      const warm = await runLoad(CLIENTS, WARMUP_SECONDS, send);
      log(`warm-up: ${fmtInt(warm.units)} events in ${(warm.elapsedMs / 1000).toFixed(1)} s`);
    }
    await settle(admin);
    const countBefore = await outcomeRows(admin);
    log(`end-to-end: ${CLIENTS} clients posting ${fmtInt(BATCH)}-event batches for ${SECONDS} s`);
    const before = cpuSnapshot(service.pid, pmPid);
    e2e = await withTimeout(runLoad(CLIENTS, SECONDS, send), (SECONDS + 180) * 1000, 'the end-to-end phase');
    e2eCpu = cpuBetween(before, cpuSnapshot(service.pid, pmPid));
    e2eRows = (await outcomeRows(admin)) - countBefore;
    if (e2eRows !== e2e.units) {
      throw new Error(`the service reported ${e2e.units} events accepted but ${e2eRows} rows were added to outcome_events`);
    }
    hwmKb = procStatusKb(service.pid, 'VmHWM');
    log(`end-to-end: ${fmtInt(e2e.units)} events in ${(e2e.elapsedMs / 1000).toFixed(1)} s`);
  } finally {
    clearInterval(sampler);
  }
  await stopService(service, log);
  cleanup.service = null;

  // ── COPY ceiling ──
  await admin.query(`DROP TABLE IF EXISTS ${COPY_TABLE}`);
  await admin.query(`CREATE TABLE ${COPY_TABLE} (LIKE outcome_events INCLUDING ALL)`);
  const [wanted, got] = [await describeTable(admin, 'outcome_events'), await describeTable(admin, COPY_TABLE)];
  if (wanted.replaceAll('outcome_events', COPY_TABLE) !== got) {
    // LIKE names constraints differently; compare again with names stripped before giving up.
    const strip = (s: string) => s.replace(/\b\w+_(pkey|key)\b/g, '').replaceAll('outcome_events', COPY_TABLE);
    if (strip(wanted) !== strip(got)) {
      throw new Error(`${COPY_TABLE} does not match outcome_events:\n--- outcome_events\n${wanted}\n--- ${COPY_TABLE}\n${got}`);
    }
  }
  log(`${COPY_TABLE} matches outcome_events:\n  ${got.split('\n').join('\n  ')}`);
  const streams = [await connect(databaseUrl, 'bench-copy-1'), await connect(databaseUrl, 'bench-copy-2')];
  cleanup.clients.push(...streams);

  const copyRun = async (workers: number, seconds: number): Promise<LoadResult> => {
    let next = 0;
    return runLoad(workers, seconds, async (worker) => {
      const chunk = pool.copy(next++);
      return chunk === null ? null : copyChunk(streams[worker]!, chunk);
    });
  };
  const copyRuns: { streams: number; result: LoadResult; cpu: CpuUse }[] = [];
  if (COPY_WARMUP_SECONDS > 0) {
    await copyRun(1, COPY_WARMUP_SECONDS);
    await admin.query(`TRUNCATE ${COPY_TABLE}`);
  }
  for (const workers of [1, 2]) {
    await settle(admin);
    log(`COPY: ${workers} stream${workers > 1 ? 's' : ''} of ${fmtInt(BATCH)}-row COPY statements for ${COPY_SECONDS} s`);
    const before = cpuSnapshot(null, pmPid);
    const result = await withTimeout(copyRun(workers, COPY_SECONDS), (COPY_SECONDS + 180) * 1000, 'a COPY phase');
    const cpu = cpuBetween(before, cpuSnapshot(null, pmPid));
    const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${COPY_TABLE}`);
    if (Number(rows[0]?.n) !== result.units) {
      throw new Error(`COPY reported ${result.units} rows but ${COPY_TABLE} holds ${rows[0]?.n}`);
    }
    log(`COPY ${workers}: ${fmtInt(result.units)} rows in ${(result.elapsedMs / 1000).toFixed(1)} s`);
    copyRuns.push({ streams: workers, result, cpu });
    await admin.query(`TRUNCATE ${COPY_TABLE}`);
  }
  await admin.query(`DROP TABLE ${COPY_TABLE}`);

  // ── report ──
  const rate = (r: LoadResult) => r.units / (r.elapsedMs / 1000);
  const e2eRate = rate(e2e);
  const copy1 = copyRuns[0]!;
  const copy2 = copyRuns[1]!;
  const copy1Rate = rate(copy1.result);
  const copy2Rate = rate(copy2.result);
  const ceiling = Math.max(copy1Rate, copy2Rate);
  const ratio = e2eRate / ceiling;
  const peakRssKb = Math.max(peakSampledKb, hwmKb ?? 0);
  const peakRssMb = peakRssKb / 1024;
  const ratioOk = ratio >= TARGET_RATIO;
  const rssOk = peakRssKb > 0 && peakRssMb < TARGET_RSS_MB;
  const exhaustedNote = (r: LoadResult) => (r.exhausted ? '  (ran out of distinct batches early)' : '');
  const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
  const memGb = os.totalmem() / 1024 ** 3;
  const perK = (cpuPerSecond: number | null, unitsPerSecond: number) =>
    cpuPerSecond === null ? '   n/a' : ((cpuPerSecond / unitsPerSecond) * 1e6).toFixed(1).padStart(6);

  const lines = [
    '',
    'SLA Ledger ingest benchmark',
    '═══════════════════════════',
    `machine     ${os.cpus().length} cores (${cpuModel}), ${memGb.toFixed(1)} GB RAM, ${os.type()} ${os.release()}, node ${process.version}, load avg before start ${loadBefore}`,
    `postgres    ${version.split(',')[0]} (${EXTERNAL_DATABASE_URL ? 'DATABASE_URL' : 'embedded, throwaway cluster'})`,
    `            ${settingNames.map((n) => `${n}=${settings[n] ?? '?'}`).join(' ')}`,
    `parameters  ${CLIENTS} HTTP clients × ${fmtInt(BATCH)}-event batches, ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up); ` +
      `COPY ${fmtInt(BATCH)} rows per statement, one transaction each, ${COPY_SECONDS} s per run`,
    `events      random UUID ids, ${CATALOGUE.length} providers / ${CATALOGUE.reduce((n, p) => n + p.models.length, 0)} models, ` +
      `~95% success, occurredAt over the past day; ${(avgJsonBytes / 1e6).toFixed(2)} MB per JSON body, pre-serialised`,
    '',
    `  end-to-end HTTP ingest   ${fmtInt(e2eRate).padStart(9)} events/s   ${fmtInt(e2e.units)} events, ${e2e.operations} requests in ` +
      `${(e2e.elapsedMs / 1000).toFixed(1)} s; batch latency p50 ${percentile(e2e.latenciesMs, 50).toFixed(0)} ms, ` +
      `p99 ${percentile(e2e.latenciesMs, 99).toFixed(0)} ms${exhaustedNote(e2e)}`,
    `  COPY, 1 stream           ${fmtInt(copy1Rate).padStart(9)} rows/s     ${fmtInt(copy1.result.units)} rows in ` +
      `${(copy1.result.elapsedMs / 1000).toFixed(1)} s; per statement p50 ${percentile(copy1.result.latenciesMs, 50).toFixed(0)} ms${exhaustedNote(copy1.result)}`,
    `  COPY, 2 streams          ${fmtInt(copy2Rate).padStart(9)} rows/s     ${fmtInt(copy2.result.units)} rows in ` +
      `${(copy2.result.elapsedMs / 1000).toFixed(1)} s; per statement p50 ${percentile(copy2.result.latenciesMs, 50).toFixed(0)} ms${exhaustedNote(copy2.result)}`,
    `  COPY ceiling (best)      ${fmtInt(ceiling).padStart(9)} rows/s`,
    `  end-to-end / ceiling     ${(ratio * 100).toFixed(1).padStart(8)} %          target ≥ ${TARGET_RATIO * 100} %   ${ratioOk ? 'PASS' : 'FAIL'}`,
    `  service peak RSS         ${peakRssMb.toFixed(0).padStart(8)} MB         target < ${TARGET_RSS_MB} MB  ${rssOk ? 'PASS' : 'FAIL'}` +
      `   (VmHWM ${hwmKb === null ? 'n/a' : (hwmKb / 1024).toFixed(0)} MB, max of ${samples} samples ${(peakSampledKb / 1024).toFixed(0)} MB, ` +
      `idle after start ${idleRssKb === null ? 'n/a' : (idleRssKb / 1024).toFixed(0)} MB)`,
    '',
    '  CPU (cores busy on average)  service  postgres   bench   other  machine   µs CPU per event: service  postgres',
    ...[
      { name: 'end-to-end', cpu: e2eCpu, r: e2eRate },
      { name: 'COPY, 1 stream', cpu: copy1.cpu, r: copy1Rate },
      { name: 'COPY, 2 streams', cpu: copy2.cpu, r: copy2Rate },
    ].map(
      ({ name, cpu, r }) =>
        `  ${name.padEnd(28)} ${fmtCpu(cpu.service)}   ${fmtCpu(cpu.postgres)}  ${fmtCpu(cpu.bench)}  ${fmtCpu(cpu.other)}   ${fmtCpu(cpu.machine)}` +
        `                     ${perK(cpu.service, r)}    ${perK(cpu.postgres, r)}`,
    ),
    `  (of ${os.cpus().length} cores; "other" is everything else on the machine during the phase)`,
    '',
    `total bench time ${((performance.now() - startedAt) / 1000).toFixed(0)} s`,
    '',
  ];
  process.stdout.write(lines.join('\n'));

  const round = (n: number | null, digits = 0) => (n === null ? null : Number(n.toFixed(digits)));
  const summary = {
    bench: 'ingest',
    endToEndEventsPerSec: round(e2eRate),
    copy1StreamRowsPerSec: round(copy1Rate),
    copy2StreamsRowsPerSec: round(copy2Rate),
    copyCeilingRowsPerSec: round(ceiling),
    ratio: round(ratio, 4),
    targetRatio: TARGET_RATIO,
    peakRssMb: round(peakRssMb, 1),
    targetRssMb: TARGET_RSS_MB,
    pass: ratioOk && rssOk,
    e2eBatchLatencyMs: { p50: round(percentile(e2e.latenciesMs, 50), 1), p99: round(percentile(e2e.latenciesMs, 99), 1) },
    cpuCores: {
      endToEnd: { service: round(e2eCpu.service, 3), postgres: round(e2eCpu.postgres, 3), bench: round(e2eCpu.bench, 3), other: round(e2eCpu.other, 3) },
      copy1: { postgres: round(copy1.cpu.postgres, 3), bench: round(copy1.cpu.bench, 3), other: round(copy1.cpu.other, 3) },
      copy2: { postgres: round(copy2.cpu.postgres, 3), bench: round(copy2.cpu.bench, 3), other: round(copy2.cpu.other, 3) },
    },
    params: { clients: CLIENTS, batchSize: BATCH, seconds: SECONDS, copySeconds: COPY_SECONDS, warmupSeconds: WARMUP_SECONDS },
    machine: { cores: os.cpus().length, memGb: round(memGb, 1), cpu: cpuModel, node: process.version },
    postgres: { version: version.split(',')[0] ?? version, ...settings },
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return STRICT && !(ratioOk && rssOk) ? 1 : 0;
}

async function outcomeRows(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM outcome_events WHERE platform = $1', [PLATFORM]);
  return Number(rows[0]?.n ?? 0);
}

runBenchmark({ main, cleanUp, watchdogMs: WATCHDOG_MS, log, lastOutput: () => cleanup.service?.output ?? [] });
