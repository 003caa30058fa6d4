/**
 * Ingest benchmark (`npm run bench:ingest`).
 *
 * 1. Starts a throwaway embedded Postgres (or uses DATABASE_URL) with durability settings left
 *    at their defaults (fsync on, synchronous_commit on): this is a durability product.
 * 2. Generates a pool of events, pre-serialised both as JSON bodies and as COPY rows.
 * 3. Spawns the built service as a child process, creates an ingest key, and has several
 *    concurrent HTTP clients post batches of 5,000 events for a fixed time → events/s.
 *    The service's RSS is sampled every 100 ms and its VmHWM read at the end.
 * 4. Measures the raw ceiling: COPY of the same kind of rows, 5,000 rows per COPY statement
 *    (one transaction each, like the service's one transaction per batch), into a table with
 *    the same columns, defaults, constraints and indexes as outcome_events, partitioned by day
 *    like it, over one and over two parallel connections. The ceiling is the better of the two.
 *    Steps 3 and 4 run in rounds: each round a window of end-to-end ingest, then one of COPY over
 *    one stream and one over two (see `measureRounds`).
 * 5. Prints a summary (ratio end-to-end / ceiling, and round by round; peak RSS; where the CPU
 *    went) and one JSON line.
 *
 * Environment: BENCH_CLIENTS (4), BENCH_SECONDS (20), BENCH_COPY_SECONDS (= BENCH_SECONDS),
 * BENCH_ROUNDS (4: the seconds of each kind are split into this many windows),
 * BENCH_WARMUP_SECONDS (3), BENCH_BATCH_SIZE (5000), BENCH_POOL_BATCHES (32), BENCH_PG_PORT (55433),
 * DATABASE_URL (use an existing Postgres instead of an embedded one), DB_POOL_SIZE (passed to the
 * service), BENCH_ROLE (api; `all` adds the projection worker), BENCH_SERVICE_NODE_ARGS (extra
 * node flags for the service, e.g. --cpu-prof), BENCH_STRICT=1 (exit 1 when a target is missed).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  cpuBetween, cpuSnapshot, createIngestKey, describePostgres, envNumber, freePort, percentile, runBenchmark, runLoad, treeStatusKb,
  settle, spawnBenchService, stopService, waitUntilReady, withTimeout,
  BenchCleanup, CpuUse, LoadResult, PostgresFacts, RssSampler, SETTING_NAMES,
} from './bench-support';
import { CATALOGUE, GeneratedEvent, generateEvent, jsonBody, MODEL_COUNT, postBatch } from './realistic-traffic';

// ───────────────────────────── parameters ─────────────────────────────

const CLIENTS = Math.floor(envNumber('BENCH_CLIENTS', 4, 1, 64));
const SECONDS = envNumber('BENCH_SECONDS', 20, 1, 600);
const COPY_SECONDS = envNumber('BENCH_COPY_SECONDS', SECONDS, 1, 600);
const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 3, 0, 60);
const ROUNDS = Math.floor(envNumber('BENCH_ROUNDS', 4, 1, 60));
const BATCH = Math.floor(envNumber('BENCH_BATCH_SIZE', 5000, 1, 10_000));
const POOL_BATCHES = Math.floor(envNumber('BENCH_POOL_BATCHES', 32, 2, 1000));
const PG_PORT = Math.floor(envNumber('BENCH_PG_PORT', 55433, 1, 65535));
const EXTERNAL_DATABASE_URL = process.env.DATABASE_URL || undefined;
const STRICT = process.env.BENCH_STRICT === '1';
// The ingest path alone by default: in ROLE=all the projection worker folds these events on the same cores.
const ROLE = ((role) => {
  if (role !== 'api' && role !== 'all') throw new Error(`BENCH_ROLE must be api or all, not ${JSON.stringify(role)}`);
  return role;
})(process.env.BENCH_ROLE || 'api');
// e.g. BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the service's CPU goes.
const SERVICE_NODE_ARGS = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');

const PLATFORM = 'bench';
/** The log's twins the ceiling COPYs into, one per stream count (each grows only with its own windows, as the log with its own). */
const COPY_TABLES = ['copy_ceiling_1', 'copy_ceiling_2'] as const;
const COPY_WARMUP_SECONDS = Math.min(2, WARMUP_SECONDS);
const TARGET_RATIO = 0.6;
const TARGET_RSS_MB = 300;
/** Hard bound on the whole run; generous, the default run takes ~1.5 minutes. */
const WATCHDOG_MS = (180 + 2 * (SECONDS + WARMUP_SECONDS) + 3 * (2 * COPY_SECONDS + COPY_WARMUP_SECONDS) + 3 * 20 * ROUNDS) * 1000;

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => (ms / 1000).toFixed(1);

const cleanup = new BenchCleanup(log);

async function main(): Promise<number> {
  const startedAt = performance.now();
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  if (process.platform !== 'linux') log('not Linux: RSS and CPU figures (from /proc) will be missing');
  const databaseUrl = await cleanup.databaseUrl('ingest', PG_PORT, EXTERNAL_DATABASE_URL);
  if (EXTERNAL_DATABASE_URL !== undefined) log('using the Postgres in DATABASE_URL');
  const admin = await cleanup.connect(databaseUrl, 'bench-admin');
  const postgres = await describePostgres(admin, log);
  const pool = generateEvents();
  const { rounds, rss } = await measureRounds(databaseUrl, admin, pool, postgres.postmaster);
  const pass = report({ startedAt, loadBefore, postgres, pool, rounds, rss });
  return STRICT && !pass ? 1 : 0;
}

// ───────────────────────────── 1. events ─────────────────────────────

function generateEvents(): BatchPool {
  const started = performance.now();
  const pool = new BatchPool(POOL_BATCHES, BATCH);
  log(
    `generated ${fmtInt(POOL_BATCHES * BATCH)} events in ${POOL_BATCHES} batches (${pool.serialisedMb.toFixed(0)} MB serialised, ` +
      `${(pool.jsonBodyBytes / 1e6).toFixed(2)} MB per JSON body) in ${secs(performance.now() - started)} s`,
  );
  return pool;
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
  'platform, event_id, provider, model, occurred_at, occurred_on, outcome, http_status, error_code, latency_ms, ttft_ms';

function nullable(value: string | number | null): string {
  return value === null ? '\\N' : String(value);
}

function serialiseBatch(events: GeneratedEvent[]): Batch {
  const json = Buffer.from(jsonBody(events), 'utf8');
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
      `${PLATFORM}\t${e.id}\t${e.provider}\t${e.model}\t${e.occurredAt}\t${e.occurredAt.slice(0, 10)}\t${e.outcome}\t` +
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

/** `count` batches generated once, then replayed with rewritten ids (see `variant`) so that no id repeats. */
class BatchPool {
  private readonly batches: Batch[] = [];

  constructor(count: number, size: number) {
    const now = Date.now();
    for (let b = 0; b < count; b++) {
      const events: GeneratedEvent[] = [];
      for (let i = 0; i < size; i++) events.push(generateEvent(now));
      this.batches.push(serialiseBatch(events));
    }
  }

  private get capacity(): number {
    return this.batches.length * MAX_PASSES;
  }

  /** Megabytes held, JSON and COPY text together. */
  get serialisedMb(): number {
    return this.batches.reduce((sum, b) => sum + b.json.length + b.copy.length, 0) / 1e6;
  }

  /** The mean size of a JSON body, in bytes. */
  get jsonBodyBytes(): number {
    return this.batches.reduce((sum, b) => sum + b.json.length, 0) / this.batches.length;
  }

  /**
   * The n-th distinct batch as a JSON body, or as COPY text (n counts from 0 across a sequence
   * that must not repeat ids); null once the distinct batches are used up.
   */
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

// ───────────────────────────── 2. rounds ─────────────────────────────

/** A load measured over one or more windows, and the CPU it took (cores busy on average). */
interface Phase {
  load: LoadResult;
  cpu: CpuUse;
}

/** One round: a window of each kind, one after another. */
interface Round {
  e2e: Phase;
  one: Phase;
  two: Phase;
}

interface EndToEnd extends Phase {
  /** The service's RSS (kB): right after start-up, VmHWM at the end, and the peak of `samples` samples. */
  idleRssKb: number | null;
  hwmKb: number | null;
  sampledPeakKb: number;
  samples: number;
}

/**
 * The service under CLIENTS concurrent HTTP clients and COPY over one and two streams, in ROUNDS
 * rounds of short windows of each rather than one long run of each: the machine's speed drifts
 * over tens of seconds (in runs of one long phase each, the service and Postgres sometimes spent
 * 15–19 % more CPU per event in the end-to-end phase while the COPY phases after it ran as usual);
 * interleaved, such a stretch counts as one slow window rather than as one side of the ratio.
 */
async function measureRounds(databaseUrl: string, admin: pg.Client, pool: BatchPool, postmaster: number | null): Promise<{ rounds: Round[]; rss: Omit<EndToEnd, keyof Phase> }> {
  const adminKey = `bench-admin-${randomBytes(24).toString('hex')}`;
  const service = (cleanup.service = spawnBenchService({ databaseUrl, port: await freePort(), adminKey, role: ROLE, nodeArgs: SERVICE_NODE_ARGS, log }));
  const rss = new RssSampler(service.pid, 100);
  await waitUntilReady(service, 90_000);
  const idleRssKb = treeStatusKb(service.pid, 'VmRSS');
  const token = await createIngestKey(service.url, adminKey, PLATFORM);
  log(`service ready at ${service.url} (pid ${service.pid}, RSS ${((idleRssKb ?? 0) / 1024).toFixed(0)} MB)`);
  for (const table of COPY_TABLES) await createCopyTable(admin, table); // like the log, which the service has migrated by now

  // Each sequence runs on through every window, so every batch posted and every COPY is new: the
  // log and each twin grow through the run, as in one long phase of each.
  let nextJson = 0;
  const post = async (): Promise<number | null> => {
    const body = pool.json(nextJson++);
    return body === null ? null : postBatch(service.url, token, body, BATCH);
  };
  const streams = [await cleanup.connect(databaseUrl, 'bench-copy-1'), await cleanup.connect(databaseUrl, 'bench-copy-2')];
  const nextCopy = [0, 0];
  /** COPY over `count` streams into twin `count`, each stream with its own connection. */
  const copyOver = (count: 1 | 2) => async (stream: number): Promise<number | null> => {
    const chunk = pool.copy(nextCopy[count - 1]!++);
    return chunk === null ? null : copyChunk(streams[stream]!, COPY_TABLES[count - 1]!, chunk);
  };
  const twinRows = (count: 1 | 2) => async () =>
    Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${COPY_TABLES[count - 1]}`)).rows[0]?.n ?? 0);

  if (WARMUP_SECONDS > 0) {
    const warm = await runLoad(CLIENTS, WARMUP_SECONDS, post);
    log(`warm-up: ${fmtInt(warm.units)} events in ${secs(warm.elapsedMs)} s`);
    const warmCopy = await runLoad(1, COPY_WARMUP_SECONDS, copyOver(1));
    log(`COPY warm-up: ${fmtInt(warmCopy.units)} rows in ${secs(warmCopy.elapsedMs)} s`);
    // The twin starts empty, with its sequence from the start again.
    await admin.query(`TRUNCATE ${COPY_TABLES[0]}`);
    nextCopy[0] = 0;
  }

  /** One window of `workers` loops running `operation`, after Postgres has settled; the rows added (`rows`) must be those reported. */
  const window = async (what: string, workers: number, seconds: number, operation: (worker: number) => Promise<number | null>, rows: () => Promise<number>): Promise<Phase> => {
    await settle(admin, log);
    const rowsBefore = await rows();
    const cpuBefore = cpuSnapshot(service.pid, postmaster);
    const load = await withTimeout(runLoad(workers, seconds, operation), (seconds + 180) * 1000, what);
    const cpu = cpuBetween(cpuBefore, cpuSnapshot(service.pid, postmaster));
    const added = (await rows()) - rowsBefore;
    if (added !== load.units) throw new Error(`${what}: ${load.units} rows reported, but ${added} were added`);
    log(`${what}: ${fmtInt(load.units)} rows in ${secs(load.elapsedMs)} s (${fmtInt(load.units / (load.elapsedMs / 1000))}/s)`);
    return { load, cpu };
  };

  log(
    `${ROUNDS} rounds of: ${CLIENTS} clients posting ${fmtInt(BATCH)}-event batches for ${secs(SECONDS * 1000 / ROUNDS)} s, ` +
      `then ${fmtInt(BATCH)}-row COPY statements over 1 and over 2 streams for ${secs(COPY_SECONDS * 1000 / ROUNDS)} s each`,
  );
  const rounds: Round[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    rounds.push({
      e2e: await window(`round ${r}, end to end`, CLIENTS, SECONDS / ROUNDS, post, () => outcomeRows(admin)),
      one: await window(`round ${r}, COPY 1 stream`, 1, COPY_SECONDS / ROUNDS, copyOver(1), twinRows(1)),
      two: await window(`round ${r}, COPY 2 streams`, 2, COPY_SECONDS / ROUNDS, copyOver(2), twinRows(2)),
    });
  }
  const hwmKb = treeStatusKb(service.pid, 'VmHWM');
  rss.stop();
  await stopService(service, log);
  cleanup.service = null;
  await admin.query(`DROP TABLE ${COPY_TABLES.join(', ')}`);
  return { rounds, rss: { idleRssKb, hwmKb, sampledPeakKb: rss.peakKb, samples: rss.samples } };
}

/** Windows of one kind as one phase: their loads added up, their CPU averaged over their time. */
function together(phases: readonly Phase[]): Phase {
  const elapsedMs = phases.reduce((sum, p) => sum + p.load.elapsedMs, 0);
  const mean = (pick: (cpu: CpuUse) => number | null): number | null => {
    let sum = 0;
    for (const p of phases) {
      const value = pick(p.cpu);
      if (value === null) return null;
      sum += value * p.load.elapsedMs;
    }
    return sum / elapsedMs;
  };
  return {
    load: {
      units: phases.reduce((sum, p) => sum + p.load.units, 0),
      operations: phases.reduce((sum, p) => sum + p.load.operations, 0),
      elapsedMs,
      latenciesMs: phases.flatMap((p) => p.load.latenciesMs),
      exhausted: phases.some((p) => p.load.exhausted),
    },
    cpu: { service: mean((c) => c.service), postgres: mean((c) => c.postgres), bench: mean((c) => c.bench)!, other: mean((c) => c.other), machine: mean((c) => c.machine) },
  };
}

async function outcomeRows(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM outcome_events WHERE platform = $1', [PLATFORM]);
  return Number(rows[0]?.n ?? 0);
}

// ───────────────────────────── 3. COPY ceiling ─────────────────────────────

/**
 * A twin of the log, created LIKE outcome_events and checked to match it (columns, defaults, indexes,
 * constraints), partitioned by day like it, with the partitions of the pool's days (its events
 * occurred within the day before it was generated).
 */
async function createCopyTable(admin: pg.Client, table: string): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS ${table}`);
  await admin.query(`CREATE TABLE ${table} (LIKE outcome_events INCLUDING ALL) PARTITION BY RANGE (occurred_on)`);
  await admin.query(`DO $$ DECLARE day date; BEGIN
    FOR day IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - 2, (now() AT TIME ZONE 'UTC')::date + 1, interval '1 day')::date LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF ${table} FOR VALUES FROM (%L) TO (%L)', '${table}_' || to_char(day, 'YYYYMMDD'), day, day + 1);
    END LOOP; END $$`);
  const [wanted, got] = [await describeTable(admin, 'outcome_events'), await describeTable(admin, table)];
  // LIKE names constraints differently: compare with their names stripped.
  const strip = (s: string) => s.replace(/\b\w+_(pkey|key)\b/g, '').replaceAll('outcome_events', table);
  if (strip(wanted) !== strip(got)) {
    throw new Error(`${table} does not match outcome_events:\n--- outcome_events\n${wanted}\n--- ${table}\n${got}`);
  }
  log(`${table} matches outcome_events:\n  ${got.split('\n').join('\n  ')}`);
}

/** A normalised description of a table: columns (type, nullability, default, identity), indexes and constraints. */
async function describeTable(client: pg.Client, table: string): Promise<string> {
  const columns = await client.query<{ d: string }>(
    `SELECT format('%s %s%s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
              CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
              CASE WHEN d.adbin IS NOT NULL THEN ' default ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END,
              CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END
                || COALESCE(' cache ' || s.seqcache, '')) AS d
       FROM pg_attribute a
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       -- The sequence a default draws from (the twin shares the log's, which only the log owns).
       LEFT JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid AND dep.refclassid = 'pg_class'::regclass
       LEFT JOIN pg_sequence s ON s.seqrelid = dep.refobjid
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

async function copyChunk(client: pg.Client, table: string, chunk: Buffer): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table} (${COPY_COLUMNS}) FROM STDIN`));
  stream.end(chunk);
  await finished(stream);
  return stream.rowCount;
}

// ───────────────────────────── 4. report ─────────────────────────────

/** Prints the summary and one JSON line; whether both targets were met. */
function report(run: { startedAt: number; loadBefore: string; postgres: PostgresFacts; pool: BatchPool; rounds: Round[]; rss: Omit<EndToEnd, keyof Phase> }): boolean {
  const { postgres, rounds } = run;
  const e2e: EndToEnd = { ...together(rounds.map((r) => r.e2e)), ...run.rss };
  const copy = { one: together(rounds.map((r) => r.one)), two: together(rounds.map((r) => r.two)) };
  const rate = (r: LoadResult) => r.units / (r.elapsedMs / 1000);
  const e2eRate = rate(e2e.load);
  const copy1Rate = rate(copy.one.load);
  const copy2Rate = rate(copy.two.load);
  const ceiling = Math.max(copy1Rate, copy2Rate);
  const ratio = e2eRate / ceiling;
  const peakRssKb = Math.max(e2e.sampledPeakKb, e2e.hwmKb ?? 0);
  const peakRssMb = peakRssKb / 1024;
  const ratioOk = ratio >= TARGET_RATIO;
  const roundRatios = rounds.map((r) => rate(r.e2e.load) / Math.max(rate(r.one.load), rate(r.two.load)));
  const rssOk = peakRssKb > 0 && peakRssMb < TARGET_RSS_MB;
  const p50 = percentile(e2e.load.latenciesMs, 50);
  const p99 = percentile(e2e.load.latenciesMs, 99);

  const cores = os.cpus().length;
  const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
  const memGb = os.totalmem() / 1024 ** 3;
  const exhaustedNote = (r: LoadResult) => (r.exhausted ? '  (ran out of distinct batches early)' : '');
  const mb = (kb: number | null) => (kb === null ? 'n/a' : (kb / 1024).toFixed(0));
  const fmtCpu = (n: number | null) => (n === null ? '   n/a' : n.toFixed(2).padStart(6));
  const perK = (cpuPerSecond: number | null, unitsPerSecond: number) =>
    cpuPerSecond === null ? '   n/a' : ((cpuPerSecond / unitsPerSecond) * 1e6).toFixed(1).padStart(6);
  const copyLine = (label: string, r: Phase, rowsPerSec: number) =>
    `  ${label.padEnd(25)}${fmtInt(rowsPerSec).padStart(9)} rows/s     ${fmtInt(r.load.units)} rows in ` +
    `${secs(r.load.elapsedMs)} s; per statement p50 ${percentile(r.load.latenciesMs, 50).toFixed(0)} ms${exhaustedNote(r.load)}`;

  const lines = [
    '',
    'SLA Ledger ingest benchmark',
    '═══════════════════════════',
    `machine     ${cores} cores (${cpuModel}), ${memGb.toFixed(1)} GB RAM, ${os.type()} ${os.release()}, node ${process.version}, load avg before start ${run.loadBefore}`,
    `postgres    ${postgres.version} (${EXTERNAL_DATABASE_URL ? 'DATABASE_URL' : 'embedded, throwaway cluster'})`,
    `            ${SETTING_NAMES.map((n) => `${n}=${postgres.settings[n] ?? '?'}`).join(' ')}`,
    `parameters  ${CLIENTS} HTTP clients × ${fmtInt(BATCH)}-event batches, ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up); ` +
      `COPY ${fmtInt(BATCH)} rows per statement, one transaction each, ${COPY_SECONDS} s per stream count; ` +
      `in ${ROUNDS} rounds of a window of each`,
    `events      random UUID ids, ${CATALOGUE.length} providers / ${MODEL_COUNT} models, ` +
      `~95% success, occurredAt over the past day; ${(run.pool.jsonBodyBytes / 1e6).toFixed(2)} MB per JSON body, pre-serialised`,
    '',
    `  end-to-end HTTP ingest   ${fmtInt(e2eRate).padStart(9)} events/s   ${fmtInt(e2e.load.units)} events, ${e2e.load.operations} requests in ` +
      `${secs(e2e.load.elapsedMs)} s; batch latency p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms${exhaustedNote(e2e.load)}`,
    copyLine('COPY, 1 stream', copy.one, copy1Rate),
    copyLine('COPY, 2 streams', copy.two, copy2Rate),
    `  COPY ceiling (best)      ${fmtInt(ceiling).padStart(9)} rows/s`,
    `  end-to-end / ceiling     ${(ratio * 100).toFixed(1).padStart(8)} %          target ≥ ${TARGET_RATIO * 100} %   ${ratioOk ? 'PASS' : 'FAIL'}`,
    `    round by round           ${roundRatios.map((r) => `${(r * 100).toFixed(1)} %`).join(', ')}`,
    `  service peak RSS         ${peakRssMb.toFixed(0).padStart(8)} MB         target < ${TARGET_RSS_MB} MB  ${rssOk ? 'PASS' : 'FAIL'}` +
      `   (VmHWM ${mb(e2e.hwmKb)} MB, max of ${e2e.samples} samples ${mb(e2e.sampledPeakKb)} MB, idle after start ${mb(e2e.idleRssKb)} MB)`,
    '',
    '  CPU (cores busy on average)  service  postgres   bench   other  machine   µs CPU per event: service  postgres',
    ...[
      { name: 'end-to-end', cpu: e2e.cpu, r: e2eRate },
      { name: 'COPY, 1 stream', cpu: copy.one.cpu, r: copy1Rate },
      { name: 'COPY, 2 streams', cpu: copy.two.cpu, r: copy2Rate },
    ].map(
      ({ name, cpu, r }) =>
        `  ${name.padEnd(28)} ${fmtCpu(cpu.service)}   ${fmtCpu(cpu.postgres)}  ${fmtCpu(cpu.bench)}  ${fmtCpu(cpu.other)}   ${fmtCpu(cpu.machine)}` +
        `                     ${perK(cpu.service, r)}    ${perK(cpu.postgres, r)}`,
    ),
    `  (of ${cores} cores; "other" is everything else on the machine during the phase)`,
    '',
    `total bench time ${((performance.now() - run.startedAt) / 1000).toFixed(0)} s`,
    '',
  ];
  process.stdout.write(lines.join('\n'));

  const round = (n: number | null, digits = 0) => (n === null ? null : Number(n.toFixed(digits)));
  const cpuJson = (cpu: CpuUse) => ({ postgres: round(cpu.postgres, 3), bench: round(cpu.bench, 3), other: round(cpu.other, 3) });
  const summary = {
    bench: 'ingest',
    endToEndEventsPerSec: round(e2eRate),
    copy1StreamRowsPerSec: round(copy1Rate),
    copy2StreamsRowsPerSec: round(copy2Rate),
    copyCeilingRowsPerSec: round(ceiling),
    ratio: round(ratio, 4),
    roundRatios: roundRatios.map((r) => round(r, 4)),
    targetRatio: TARGET_RATIO,
    peakRssMb: round(peakRssMb, 1),
    targetRssMb: TARGET_RSS_MB,
    pass: ratioOk && rssOk,
    e2eBatchLatencyMs: { p50: round(p50, 1), p99: round(p99, 1) },
    cpuCores: {
      endToEnd: { service: round(e2e.cpu.service, 3), ...cpuJson(e2e.cpu) },
      copy1: cpuJson(copy.one.cpu),
      copy2: cpuJson(copy.two.cpu),
    },
    params: { clients: CLIENTS, batchSize: BATCH, seconds: SECONDS, copySeconds: COPY_SECONDS, warmupSeconds: WARMUP_SECONDS, rounds: ROUNDS },
    machine: { cores, memGb: round(memGb, 1), cpu: cpuModel, node: process.version },
    postgres: { version: postgres.version, ...postgres.settings },
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return ratioOk && rssOk;
}

runBenchmark({ main, cleanUp: cleanup.run, watchdogMs: WATCHDOG_MS, log, lastOutput: () => cleanup.service?.output ?? [] });
