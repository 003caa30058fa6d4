/**
 * SLA reporting benchmark (`npm run bench:sla`).
 *
 * 1. A throwaway embedded Postgres (or DATABASE_URL), migrated.
 * 2. Read models as the timeline projection leaves them, written directly with SQL: a contract
 *    whose June 2026 holds ~10 million events (3 models, ~230 requests a minute, failure bursts),
 *    and 1,000 more contracts of 1,000 platforms with a row every 30 minutes. Reports read only
 *    these rollups, so how the raw log got there does not change what is measured.
 * 3. The service (ROLE=api) in this process; over HTTP GraphQL: `slaReport` for the big
 *    contract (p50/p95) and `credits` for the month (all 1,001 contracts), each asked
 *    repeatedly (the service keeps traffic summaries while the rollups have not changed) and
 *    cold: `credits` as a fresh service's first request, `slaReport` as the first report of
 *    contracts over the same traffic whose summaries nothing has cached.
 *
 * Environment: DATABASE_URL, BENCH_CONTRACTS (1000), BENCH_REPORTS (60), BENCH_COLD_REPORTS (20).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '@ledger/config';
import { createDatabase, migrateToLatest, RunningPostgres, startEmbeddedPostgres } from '@ledger/database';
import { AdminEventRepository } from '@ledger/event-store';
import { ContractRepository, ContractService, MaintenanceRepository } from '@ledger/reporting';
import { startService } from '@ledger/runtime';
import { freePort, percentile } from './bench-support';

const CONTRACTS = Number(process.env.BENCH_CONTRACTS ?? 1_000);
const REPORTS = Number(process.env.BENCH_REPORTS ?? 60);
const COLD_REPORTS = Number(process.env.BENCH_COLD_REPORTS ?? 20);
const COLD_CREDIT_RUNS = 3;
const ADMIN_KEY = 'bench-admin-key-0123456789-0123456789-abcdef';
const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function timeRequests(count: number, request: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < Math.min(5, count); i++) await request();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await request();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  let embedded: RunningPostgres | null = null;
  let dataDir: string | null = null;
  let url = process.env.DATABASE_URL;
  if (!url) {
    dataDir = await mkdtemp(join(os.tmpdir(), 'sla-ledger-bench-sla-'));
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    url = embedded.url;
  }
  const db = createDatabase({ url, poolSize: 4 });
  let service: Awaited<ReturnType<typeof startService>> | null = null;
  try {
    await migrateToLatest(db);
    log('writing rollups: one contract with ~10 M events in June 2026, and 1,000 smaller ones');
    let started = performance.now();
    await sql`
      INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch)
      SELECT 'vendor', 'model-' || m, 'bigco', timestamptz '2026-06-01 00:00+00' + make_interval(mins => i),
             70 + (i * 7 + m) % 15,
             CASE WHEN i % 1440 BETWEEN 600 AND 640 AND m = 1 THEN 60 ELSE (i + m) % 3 END,
             (i + m) % 5 / 4, (i + m) % 11 / 10, (i + m) % 13 / 12, ''::bytea, ''::bytea
      FROM generate_series(0, 43199) AS i, generate_series(1, 3) AS m`.execute(db);
    const { rows: big } = await sql<{ n: string }>`SELECT sum(successes + errors + timeouts + rate_limited + client_errors)::text AS n FROM minute_rollups WHERE platform = 'bigco'`.execute(db);
    await sql`
      INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch)
      SELECT 'vendor', 'model-1', 'p' || lpad(c::text, 4, '0'), timestamptz '2026-06-01 00:00+00' + make_interval(mins => i * 30),
             20, CASE WHEN (i + c) % 97 = 0 THEN 5 ELSE 0 END, 0, 0, 0, ''::bytea, ''::bytea
      FROM generate_series(0, ${CONTRACTS - 1}::int) AS c, generate_series(0, 1439) AS i`.execute(db);
    await sql`
      INSERT INTO api_keys (id, platform, name, scopes, secret_hash, created_at)
      SELECT 'bench' || p, p, 'bench', '{ingest}', '\\x00', now()
      FROM (SELECT 'bigco' AS p UNION ALL SELECT 'p' || lpad(c::text, 4, '0') FROM generate_series(0, ${CONTRACTS - 1}::int) AS c) AS platforms`.execute(db);
    // A closed month's rollups, as autovacuum leaves them: statistics current, pages all-visible.
    await sql`VACUUM ANALYZE`.execute(db);
    log(`rollups written in ${((performance.now() - started) / 1000).toFixed(1)} s; the big contract's June holds ${Number(big[0]!.n).toLocaleString('en-US')} events`);

    const contracts = new ContractService(db, new ContractRepository(), new MaintenanceRepository(), new AdminEventRepository());
    const terms = (platform: string) => ({
      platform, provider: 'vendor', targetPercent: '99.9', policy: { kind: 'DOWNTIME_MINUTES' },
      creditTiers: [{ uptimeBelow: '99.9', creditPercent: '10' }, { uptimeBelow: '99', creditPercent: '25' }],
      monthlyFee: { amount: '1000.00', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z',
    });
    started = performance.now();
    const bigContract = await contracts.define(terms('bigco'), null);
    for (let c = 0; c < CONTRACTS; c++) await contracts.define(terms(`p${String(c).padStart(4, '0')}`), null);
    log(`${CONTRACTS + 1} contracts defined in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const config = loadConfig({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', ADMIN_API_KEY: ADMIN_KEY, ROLE: 'api', LOG_LEVEL: 'warn' });
    const graphql = async (query: string) => {
      const response = await fetch(`${service!.url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const reportQuery = (id: string) => `{ slaReport(contractId: "${id}", period: "2026-06") { uptimePercent downtimeMinutes creditAmount { amount currency } evidence { start minutes } } }`;
    const creditsQuery = (period: string) => `{ credits(period: "${period}") { totals { currency amount } lines { contract creditAmount { amount } } } }`;

    // Cold credits: a fresh service each time (its summary cache empty), its code warmed up on a month without traffic.
    const coldCredits: number[] = [];
    for (let run = 0; run < COLD_CREDIT_RUNS; run++) {
      service = await startService(config, pino({ level: 'warn' }));
      for (let i = 0; i < 3; i++) await graphql(creditsQuery('2026-05'));
      const start = performance.now();
      await graphql(creditsQuery('2026-06'));
      coldCredits.push(performance.now() - start);
      await service.close();
      service = null;
    }
    coldCredits.sort((a, b) => a - b);

    service = await startService(config, pino({ level: 'warn' }));
    log(`sample report: ${JSON.stringify(await graphql(reportQuery(bigContract.id))).slice(0, 160)}`);
    const reportTimes = await timeRequests(REPORTS, async () => void (await graphql(reportQuery(bigContract.id))));
    const creditTimes = await timeRequests(5, async () => void (await graphql(creditsQuery('2026-06'))));

    // Cold reports: contracts over the same 10 M-event traffic, each with its own threshold, so
    // that none finds a summary cached by another; each is timed on its first report.
    const coldContracts = [];
    for (let k = 1; k <= COLD_REPORTS; k++) {
      const input = terms('bigco');
      coldContracts.push(await contracts.define({ ...input, policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: (0.05 + k / 10_000).toFixed(4) } }, null));
    }
    const coldReports: number[] = [];
    for (const contract of coldContracts) {
      const start = performance.now();
      await graphql(reportQuery(contract.id));
      coldReports.push(performance.now() - start);
    }
    coldReports.sort((a, b) => a - b);

    const ms = (times: number[], p: number) => +percentile(times, p).toFixed(1);
    const figures = {
      bench: 'sla',
      bigContractEvents: Number(big[0]!.n),
      contracts: CONTRACTS + 1,
      slaReportMs: { p50: ms(reportTimes, 50), p95: ms(reportTimes, 95), samples: reportTimes.length },
      slaReportColdMs: { p50: ms(coldReports, 50), p95: ms(coldReports, 95), samples: coldReports.length },
      creditsMs: { p50: ms(creditTimes, 50), max: +creditTimes.at(-1)!.toFixed(0), samples: creditTimes.length },
      creditsColdMs: { p50: ms(coldCredits, 50), max: +coldCredits.at(-1)!.toFixed(0), samples: coldCredits.length },
      machine: { cores: os.cpus().length, memGb: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version },
    };
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    console.log('\nSLA Ledger SLA reporting benchmark');
    console.log('══════════════════════════════════');
    console.log(`machine         ${figures.machine.cores} cores, ${figures.machine.memGb} GB RAM, node ${figures.machine.node}`);
    console.log(`slaReport       p50 ${figures.slaReportMs.p50} ms, p95 ${figures.slaReportMs.p95} ms (${REPORTS} requests, same contract; ${figures.bigContractEvents.toLocaleString('en-US')} events in the month; target p95 ≤ 50 ms ${verdict(figures.slaReportMs.p95 <= 50)})`);
    console.log(`slaReport cold  p50 ${figures.slaReportColdMs.p50} ms, p95 ${figures.slaReportColdMs.p95} ms (first report of ${COLD_REPORTS} contracts over that traffic; ${verdict(figures.slaReportColdMs.p95 <= 50)})`);
    console.log(`credits         p50 ${figures.creditsMs.p50} ms, max ${figures.creditsMs.max} ms for ${figures.contracts} contracts (target ≤ 1 s ${verdict(figures.creditsMs.max <= 1000)})`);
    console.log(`credits cold    p50 ${figures.creditsColdMs.p50} ms, max ${figures.creditsColdMs.max} ms (a fresh service's first credits, ${COLD_CREDIT_RUNS} runs; ${verdict(figures.creditsColdMs.max <= 1000)})`);
    console.log(JSON.stringify(figures));
  } finally {
    await service?.close();
    await db.destroy();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
