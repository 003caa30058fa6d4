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
 *    contracts over the same traffic whose summaries nothing has cached. The same for a contract
 *    that counts only 5xx errors (`errorStatuses`, which reads the rollups' errors by status).
 * 4. Claims, on a service process of its own (as `npm start` runs it, its RSS sampled every
 *    20 ms): 1,000 claims in the read model, `claims` and `claimSummary` asked repeatedly; then a
 *    claim of the big contract whose evidence minutes hold BENCH_EVIDENCE_EVENTS raw events in
 *    the log: `openClaim` (which hashes them) and `packet.json` (which reads them again, with
 *    every minute's counts), timed.
 *
 * Environment: DATABASE_URL, BENCH_CONTRACTS (1000), BENCH_REPORTS (60), BENCH_COLD_REPORTS (20),
 * BENCH_EVIDENCE_EVENTS (1000000), BENCH_CLAIM_LISTS (300: a p95 of a few dozen samples is
 * the third-slowest answer, which moves with whatever else the machine does).
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
import { HourRollupRepository } from '@ledger/projections';
import { ContractRepository, ContractService, MaintenanceRepository } from '@ledger/reporting';
import { startService } from '@ledger/runtime';
import { benchGraphql, freePort, percentile, procStatusKb, RssSampler, spawnBenchService, stopService, waitUntilReady } from './bench-support';

const CONTRACTS = Number(process.env.BENCH_CONTRACTS ?? 1_000);
const REPORTS = Number(process.env.BENCH_REPORTS ?? 60);
const COLD_REPORTS = Number(process.env.BENCH_COLD_REPORTS ?? 20);
const CLAIM_LISTS = Number(process.env.BENCH_CLAIM_LISTS ?? 300);
const COLD_CREDIT_RUNS = 3;
const EVIDENCE_EVENTS = Number(process.env.BENCH_EVIDENCE_EVENTS ?? 1_000_000);
/** The big contract's evidence: 41 minutes a day (10:00–10:41 UTC, the error bursts on model-1) for 30 days. */
const EVIDENCE_MINUTES = 30 * 41;
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
    // Errors by status and class, as the fold keeps them: the bursts are 529s, the background errors a mix of 500s and 400s.
    await sql`
      INSERT INTO minute_rollups (provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, latency_sketch, ttft_sketch, error_statuses)
      SELECT 'vendor', 'model-' || m, 'bigco', timestamptz '2026-06-01 00:00+00' + make_interval(mins => i), 70 + (i * 7 + m) % 15, e,
             (i + m) % 5 / 4, (i + m) % 11 / 10, (i + m) % 13 / 12, ''::bytea, ''::bytea,
             CASE WHEN e = 0 THEN NULL WHEN e >= 60 THEN jsonb_build_object('529', e, '5xx', e) WHEN e = 1 THEN jsonb_build_object('500', 1, '5xx', 1)
                  ELSE jsonb_build_object('500', 1, '5xx', 1, '400', e - 1, '4xx', e - 1) END
      FROM generate_series(0, 43199) AS i, generate_series(1, 3) AS m,
           LATERAL (SELECT CASE WHEN i % 1440 BETWEEN 600 AND 640 AND m = 1 THEN 60 ELSE (i + m) % 3 END AS e) AS errors`.execute(db);
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
    // Their hour sums, as the timeline keeps them.
    await new HourRollupRepository().sumAllFromMinutes(db);
    // A closed month's rollups, as autovacuum leaves them: statistics current, pages all-visible.
    await sql`VACUUM ANALYZE`.execute(db);
    log(`rollups written in ${((performance.now() - started) / 1000).toFixed(1)} s; the big contract's June holds ${Number(big[0]!.n).toLocaleString('en-US')} events`);

    const contracts = new ContractService(db, new ContractRepository(), new MaintenanceRepository(), new AdminEventRepository());
    const terms = (platform: string) => ({
      platform, provider: 'vendor', targetPercent: '99.9', policy: { kind: 'DOWNTIME_MINUTES' },
      creditTiers: [{ uptimeBelow: '99.9', creditPercent: '10' }, { uptimeBelow: '99', creditPercent: '25' }],
      // A long claim window: the big contract's June is claimed below, whenever the benchmark runs.
      monthlyFee: { amount: '1000.00', currency: 'USD' }, claimWindowDays: 3650, effectiveFrom: '2026-01-01T00:00:00Z',
    });
    started = performance.now();
    const bigContract = await contracts.define(terms('bigco'), null);
    const fivexx = await contracts.define({ ...terms('bigco'), errorStatuses: ['5xx'] }, null);
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
    const statusReportTimes = await timeRequests(REPORTS, async () => void (await graphql(reportQuery(fivexx.id))));
    const creditTimes = await timeRequests(5, async () => void (await graphql(creditsQuery('2026-06'))));

    // Cold reports: contracts over the same 10 M-event traffic, each with its own threshold, so
    // that none finds a summary cached by another; each is timed on its first report.
    const coldContracts = [];
    for (let k = 1; k <= COLD_REPORTS; k++) {
      const input = terms('bigco');
      coldContracts.push(await contracts.define({ ...input, policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: (0.05 + k / 10_000).toFixed(4) } }, null));
    }
    const coldStatusContracts = [];
    for (let k = 1; k <= COLD_REPORTS; k++) {
      const input = { ...terms('bigco'), errorStatuses: ['5xx'] };
      coldStatusContracts.push(await contracts.define({ ...input, policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: (0.05 + k / 10_000).toFixed(4) } }, null));
    }
    const firstReports = async (list: readonly { id: string }[]) => {
      const times: number[] = [];
      for (const contract of list) {
        const start = performance.now();
        await graphql(reportQuery(contract.id));
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b);
    };
    const coldReports = await firstReports(coldContracts);
    const coldStatusReports = await firstReports(coldStatusContracts);

    // Claims: 1,000 in the read model (statuses and deadlines spread), listed and totalled.
    await sql`
      INSERT INTO claims (id, contract_id, platform, provider, period, status, statement_version, claimed_amount, currency, credited_amount,
                          claim_deadline, filed_at, reference, resolved_at, evidence_events, evidence_digest, evidence_runs, history, opened_at)
      SELECT 'clm_bench' || c, 'ctr_bench' || c, 'p' || lpad((c % ${CONTRACTS}::int)::text, 4, '0'), 'vendor', '2026-06',
             (ARRAY['DRAFT', 'FILED', 'ACCEPTED', 'PARTIALLY_ACCEPTED', 'DENIED', 'WITHDRAWN'])[1 + c % 6], 1, 100.00, 'USD',
             CASE c % 6 WHEN 2 THEN 100.00 WHEN 3 THEN 40.00 WHEN 4 THEN 0 END,
             timestamptz '2026-07-31 00:00+00' + make_interval(days => c % 400), NULL, NULL, NULL, 0, repeat('0', 64), '[]',
             jsonb_build_array(jsonb_build_object('status', (ARRAY['DRAFT', 'FILED', 'ACCEPTED', 'PARTIALLY_ACCEPTED', 'DENIED', 'WITHDRAWN'])[1 + c % 6], 'at', '2026-07-03T00:00:00.000Z', 'actor', NULL, 'note', NULL)),
             timestamptz '2026-07-03 00:00+00'
      FROM generate_series(0, 999) AS c`.execute(db);
    await sql`ANALYZE claims`.execute(db);

    // A claim whose evidence holds EVIDENCE_EVENTS raw events: the big contract's run minutes, filled in the log.
    const perMinute = Math.ceil(EVIDENCE_EVENTS / EVIDENCE_MINUTES);
    started = performance.now();
    await sql`SELECT ensure_outcome_event_days(ARRAY(SELECT d::date FROM generate_series(date '2026-06-01', date '2026-06-30', interval '1 day') AS d))`.execute(db);
    await sql`
      INSERT INTO outcome_events (platform, event_id, provider, model, occurred_at, occurred_on, outcome, http_status, error_code, latency_ms)
      SELECT 'bigco', 'req_' || md5(d || '-' || m || '-' || k), 'vendor', 'model-' || (1 + k % 3), at, (at AT TIME ZONE 'UTC')::date,
             (CASE WHEN k % 2 = 0 THEN 'error' ELSE 'success' END)::outcome, CASE WHEN k % 2 = 0 THEN 529 ELSE 200 END,
             CASE WHEN k % 2 = 0 THEN 'overloaded_error' END, 800 + k % 400
      FROM generate_series(0, 29) AS d, generate_series(600, 640) AS m, generate_series(0, ${perMinute - 1}::int) AS k,
           LATERAL (SELECT timestamptz '2026-06-01 00:00+00' + make_interval(days => d, mins => m, secs => k * 59.0 / ${perMinute}::int) AS at) AS t`.execute(db);
    await sql`VACUUM ANALYZE outcome_events`.execute(db);
    log(`${(30 * 41 * perMinute).toLocaleString('en-US')} raw events in the evidence minutes written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await graphql(`mutation { issueStatement(contractId: "${bigContract.id}", period: "2026-06") { version } }`);
    // Claims are listed and the packet built by a service of its own (as `npm start` runs it), so that its RSS is the service's alone.
    await service.close();
    service = null;
    const packetService = spawnBenchService({ databaseUrl: url, port: await freePort(), adminKey: ADMIN_KEY, role: 'api', log });
    let packetRss: { beforeKb: number; peakKb: number };
    let opened: { openClaim: { id: string; evidenceEvents: number } };
    let openMs: number;
    let packetMs: number;
    let packetBytes: number;
    let claimsTimes: number[];
    let openClaimsTimes: number[];
    try {
      await waitUntilReady(packetService, 60_000);
      // The claims list and its totals, on the service alone.
      const claimsQuery = '{ claims { id status claimedAmount { amount currency } creditedAmount { amount } claimDeadline reference } claimSummary { provider currency claimed credited outstanding recoveryRate } }';
      claimsTimes = await timeRequests(CLAIM_LISTS, async () => void (await benchGraphql(packetService.url, ADMIN_KEY, claimsQuery)));
      openClaimsTimes = await timeRequests(CLAIM_LISTS, async () => void (await benchGraphql(packetService.url, ADMIN_KEY, '{ claims(status: FILED, dueBefore: "2026-12-31T00:00:00Z") { id claimDeadline } }')));
      const beforeKb = procStatusKb(packetService.pid, 'VmRSS') ?? 0;
      const sampler = new RssSampler(packetService.pid, 20);
      started = performance.now();
      opened = await benchGraphql(packetService.url, ADMIN_KEY, `mutation { openClaim(contractId: "${bigContract.id}", period: "2026-06") { id evidenceEvents } }`);
      openMs = performance.now() - started;
      started = performance.now();
      const packetResponse = await fetch(`${packetService.url}/v1/claims/${opened.openClaim.id}/packet.json`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      packetBytes = (await packetResponse.arrayBuffer()).byteLength;
      packetMs = performance.now() - started;
      sampler.stop();
      packetRss = { beforeKb, peakKb: Math.max(sampler.peakKb, procStatusKb(packetService.pid, 'VmRSS') ?? 0) };
    } finally {
      await stopService(packetService, log);
    }

    const ms = (times: number[], p: number) => +percentile(times, p).toFixed(1);
    const figures = {
      bench: 'sla',
      bigContractEvents: Number(big[0]!.n),
      contracts: CONTRACTS + 1,
      slaReportMs: { p50: ms(reportTimes, 50), p95: ms(reportTimes, 95), samples: reportTimes.length },
      slaReportColdMs: { p50: ms(coldReports, 50), p95: ms(coldReports, 95), samples: coldReports.length },
      slaReport5xxMs: { p50: ms(statusReportTimes, 50), p95: ms(statusReportTimes, 95), samples: statusReportTimes.length },
      slaReport5xxColdMs: { p50: ms(coldStatusReports, 50), p95: ms(coldStatusReports, 95), samples: coldStatusReports.length },
      claimsMs: { p50: ms(claimsTimes, 50), p95: ms(claimsTimes, 95), claims: 1_000, samples: claimsTimes.length },
      claimsFilteredMs: { p50: ms(openClaimsTimes, 50), p95: ms(openClaimsTimes, 95), samples: openClaimsTimes.length },
      claimPacket: {
        evidenceEvents: opened.openClaim.evidenceEvents, openClaimMs: Math.round(openMs), packetMs: Math.round(packetMs), packetMb: +(packetBytes / 2 ** 20).toFixed(1),
        serviceRssBeforeMb: Math.round(packetRss.beforeKb / 1024), serviceRssPeakMb: Math.round(packetRss.peakKb / 1024),
      },
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
    console.log(`5xx contract    p50 ${figures.slaReport5xxMs.p50} ms, p95 ${figures.slaReport5xxMs.p95} ms repeated; cold p50 ${figures.slaReport5xxColdMs.p50} ms, p95 ${figures.slaReport5xxColdMs.p95} ms (errorStatuses ["5xx"]: the rollups' errors by status; warm ≤ 20 ms ${verdict(figures.slaReport5xxMs.p95 <= 20)}, cold ≤ 50 ms ${verdict(figures.slaReport5xxColdMs.p95 <= 50)})`);
    console.log(`claims          p50 ${figures.claimsMs.p50} ms, p95 ${figures.claimsMs.p95} ms (1,000 claims and their totals; ≤ 20 ms ${verdict(figures.claimsMs.p95 <= 20)}); filed before a date: p95 ${figures.claimsFilteredMs.p95} ms`);
    console.log(`claim packet    ${figures.claimPacket.evidenceEvents.toLocaleString('en-US')} evidence events: openClaim ${figures.claimPacket.openClaimMs} ms, packet.json ${figures.claimPacket.packetMs} ms (${figures.claimPacket.packetMb} MB; ≤ 10 s ${verdict(figures.claimPacket.packetMs <= 10_000)}); the service's RSS ${figures.claimPacket.serviceRssBeforeMb} → peak ${figures.claimPacket.serviceRssPeakMb} MB (≤ 300 MB ${verdict(figures.claimPacket.serviceRssPeakMb <= 300)})`);
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
