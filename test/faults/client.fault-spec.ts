import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';
import { LedgerClient, LedgerClientError, LedgerStats } from '../../libs/client/src';
import { FaultDecision, FaultProxy } from '../support/fault-proxy';
import { ServiceProcess, sleep, stopAll } from '../support/service-process';
import { createTestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait';

const REPO = join(__dirname, '../..');
const CLIENT_PACKAGE = join(REPO, 'libs/client');

/** Shaped like the Anthropic SDK's errors (not a dependency): class names, `status`, the body in `error`. */
class InternalServerError extends Error {
  constructor(readonly status: number, readonly error: unknown) {
    super(`${status} ${JSON.stringify(error)}`);
  }
}
class APIConnectionTimeoutError extends Error {
  constructor() {
    super('Request timed out.');
  }
}

/** recorded = accepted + duplicates + dropped + queued + inFlight. */
function expectBalanced(stats: LedgerStats): void {
  const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
  expect(stats.accepted + stats.duplicates + dropped + stats.queued + stats.inFlight).toBe(stats.recorded);
}

const NO_DROPS = { invalid: 0, queueFull: 0, rejected: 0, batchRefused: 0, closed: 0, closeTimeout: 0 };

/**
 * The TypeScript client (libs/client) against the real service, through a proxy of the test's
 * own that answers some requests 429 or 503 with Retry-After and cuts the connection under
 * others after the service committed them; the service SIGKILLed and restarted in between.
 */
describe('the TypeScript client against the real service', () => {
  let databaseUrl: string;
  let db: Database;
  let service: ServiceProcess;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    db = createDatabase({ url: databaseUrl, poolSize: 1 });
    service = new ServiceProcess('api', { DATABASE_URL: databaseUrl, ROLE: 'api' });
    await service.start();
  });
  afterAll(async () => {
    await stopAll([service]);
    await db.destroy();
  });

  async function storedIds(platform: string): Promise<string[]> {
    const { rows } = await sql<{ event_id: string }>`SELECT event_id FROM outcome_events WHERE platform = ${platform}`.execute(db);
    return rows.map((row) => row.event_id);
  }

  it('stores every recorded event exactly once through 429s, 503s, lost answers and a SIGKILL and restart', async () => {
    const PLATFORM = 'client-faults';
    const ROUNDS = 40;
    const PER_ROUND = 500;
    const key = (await service.client.createKey(PLATFORM, ['INGEST'])).secret;
    // Requests 2, 7, 12… answered 429 (Retry-After in seconds); 4, 11, 18… 503 (Retry-After as
    // an HTTP date); 5, 10, 15… passed on and their answers lost (the 5th comes before the kill);
    // the rest passed on.
    const proxy = new FaultProxy((nth): FaultDecision => {
      if (nth % 5 === 2) return { status: 429, retryAfter: '1' };
      if (nth % 7 === 4) return { status: 503, retryAfter: new Date(Date.now() + 1_000).toUTCString() };
      if (nth % 5 === 0) return 'lose-answer';
      return 'pass';
    });
    proxy.upstream = service.url;
    await proxy.start();
    const problems: LedgerClientError[] = [];
    const ledger = new LedgerClient({
      url: proxy.url, apiKey: key, batchSize: 1_000, maxQueue: 50_000, initialRetryDelayMs: 100, maxRetryDelayMs: 1_000,
      requestTimeoutMs: 15_000, onError: (problem) => problems.push(problem),
    });
    try {
      const knownIds: string[] = [];
      const tracked: Promise<unknown>[] = [];
      /** One round: three in four events recorded with ids of the test's own, one in four tracked (ids generated). */
      const recordRound = (round: number) => {
        for (let i = 0; i < PER_ROUND; i++) {
          if (i % 4 === 3) {
            tracked.push(trackOne(ledger, round * PER_ROUND + i));
          } else {
            const id = `s-${round}-${i}`;
            knownIds.push(id);
            ledger.record({ id, provider: 'anthropic', model: 'claude-opus-4-7', outcome: i % 10 === 0 ? 'error' : 'success', httpStatus: i % 10 === 0 ? 529 : 200, latencyMs: i });
          }
        }
      };
      // A third of the stream before the kill, a third while the service is down, the rest after it is back.
      let round = 0;
      for (; round < 14; round++) {
        recordRound(round);
        await sleep(40);
      }
      // SIGKILL while a batch is on its way to the service (committed or not: the client cannot tell).
      await waitFor(() => proxy.forwarding > 0, { what: 'a batch on its way to the service', intervalMs: 1 });
      await service.stop('SIGKILL');
      const restarted = service.start();
      for (; round < 27; round++) {
        recordRound(round);
        await sleep(40);
      }
      // The proxy points at the dead process until the client has been turned away twice.
      const newUrl = await restarted;
      await waitFor(() => proxy.counts.upstreamFailures >= 2, { what: 'the client to find the service down' });
      proxy.upstream = newUrl;
      for (; round < ROUNDS; round++) {
        recordRound(round);
        await sleep(40);
      }
      await Promise.allSettled(tracked);
      await ledger.close();

      const stats = ledger.stats();
      const stored = await storedIds(PLATFORM);
      console.log(
        `client through faults: ${JSON.stringify(stats)}; proxy: ${JSON.stringify(proxy.counts)}; ` +
          `problems reported: ${problems.length} (${[...new Set(problems.map((p) => p.kind))].join(', ')})`,
      );
      const total = ROUNDS * PER_ROUND;
      expect(stored).toHaveLength(total);
      expect(new Set(stored).size).toBe(total); // exactly once
      const storedSet = new Set(stored);
      expect(knownIds.filter((id) => !storedSet.has(id))).toEqual([]);
      expect(stats).toEqual({ recorded: total, accepted: stats.accepted, duplicates: total - stats.accepted, dropped: NO_DROPS, retries: stats.retries, queued: 0, inFlight: 0 });
      expectBalanced(stats);
      // The faults happened, and each cost one retry: the proxy's 429s and 503s, the answers it
      // lost (whose events came back as duplicates), the requests cut while the service was down.
      expect(proxy.counts.injected).toBeGreaterThan(0);
      expect(proxy.counts.lostAnswers).toBeGreaterThan(0);
      expect(proxy.counts.upstreamFailures).toBeGreaterThanOrEqual(2);
      expect(stats.retries).toBeGreaterThanOrEqual(proxy.counts.injected + proxy.counts.lostAnswers + proxy.counts.upstreamFailures);
      expect(stats.duplicates).toBeGreaterThanOrEqual(proxy.counts.lostAnswerEvents);
      expect(problems.filter((p) => p.kind !== 'retrying')).toEqual([]);
    } finally {
      await ledger.close({ timeoutMs: 0 });
      await proxy.close();
    }
  });

  it('drops the newest events of a 10× burst past the bound while the service is down, counts them, and delivers the rest on close()', async () => {
    const PLATFORM = 'client-burst';
    const MAX_QUEUE = 1_000;
    const BATCH_SIZE = 100;
    const key = (await service.client.createKey(PLATFORM, ['INGEST'])).secret;
    const proxy = new FaultProxy();
    await proxy.start();
    const problems: LedgerClientError[] = [];
    const ledger = new LedgerClient({
      url: proxy.url, apiKey: key, batchSize: BATCH_SIZE, maxQueue: MAX_QUEUE, initialRetryDelayMs: 100, maxRetryDelayMs: 1_000,
      onError: (problem) => problems.push(problem),
    });
    try {
      await service.stop('SIGKILL');
      const restarted = service.start();
      const record = (id: string) => ledger.record({ id, provider: 'openai', model: 'gpt-5', outcome: 'success', httpStatus: 200 });
      const burst = Array.from({ length: 10 * MAX_QUEUE }, (_, i) => `b-${i}`);
      for (const id of burst) record(id);
      // Drop the newest: the first MAX_QUEUE wait, the other nine in ten are dropped and counted.
      expect(ledger.stats()).toMatchObject({ recorded: 10 * MAX_QUEUE, queued: MAX_QUEUE, inFlight: 0, dropped: { ...NO_DROPS, queueFull: 9 * MAX_QUEUE } });

      // The first batch goes out and fails (no service behind the proxy): in flight, it is outside
      // the bound, which leaves room for one batch more of a second burst.
      await waitFor(() => ledger.stats().inFlight === BATCH_SIZE && ledger.stats().retries > 0, { what: 'the first batch to be retried' });
      const second = Array.from({ length: MAX_QUEUE }, (_, i) => `c-${i}`);
      for (const id of second) record(id);
      expect(ledger.stats()).toMatchObject({ queued: MAX_QUEUE, inFlight: BATCH_SIZE, dropped: { ...NO_DROPS, queueFull: 9 * MAX_QUEUE + MAX_QUEUE - BATCH_SIZE } });
      const queueFullReports = problems.filter((p) => p.kind === 'queueFull');
      expect(queueFullReports.length).toBeGreaterThanOrEqual(1);
      expect(queueFullReports[0]!.eventIds).toEqual([`b-${MAX_QUEUE}`]);

      proxy.upstream = await restarted;
      await ledger.close();
      const kept = [...burst.slice(0, MAX_QUEUE), ...second.slice(0, BATCH_SIZE)];
      expect((await storedIds(PLATFORM)).sort()).toEqual(kept.sort());
      const stats = ledger.stats();
      console.log(`burst: ${JSON.stringify(stats)}; queueFull reports: ${queueFullReports.length}`);
      expect(stats).toEqual({
        recorded: 11 * MAX_QUEUE, accepted: kept.length, duplicates: 0, dropped: { ...NO_DROPS, queueFull: 11 * MAX_QUEUE - kept.length },
        retries: stats.retries, queued: 0, inFlight: 0,
      });
      expectBalanced(stats);
    } finally {
      await ledger.close({ timeoutMs: 0 });
      await proxy.close();
    }
  });

  it('builds as a package that loads as ESM and as CommonJS, with types for both', async () => {
    const PLATFORM = 'client-package';
    const key = (await service.client.createKey(PLATFORM, ['INGEST'])).secret;
    const workDir = mkdtempSync(join(tmpdir(), 'sla-ledger-client-'));
    try {
      // Installed as a consumer would have it: node_modules/@sla-ledger/client with the package's files.
      const installed = join(workDir, 'node_modules/@sla-ledger/client');
      mkdirSync(installed, { recursive: true });
      execFileSync(process.execPath, [join(CLIENT_PACKAGE, 'scripts/build.mjs'), '--out-dir', join(installed, 'dist')], { stdio: 'pipe' });
      copyFileSync(join(CLIENT_PACKAGE, 'package.json'), join(installed, 'package.json'));
      copyFileSync(join(CLIENT_PACKAGE, 'README.md'), join(installed, 'README.md'));
      const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
      expect(manifest).toMatchObject({ name: '@sla-ledger/client', version: '0.1.0', license: 'Apache-2.0', sideEffects: false });
      expect(manifest.dependencies).toBeUndefined();
      const targets = [manifest.main, manifest.types, ...Object.values(manifest.exports['.']).flatMap((entry) => Object.values(entry as object))];
      for (const target of targets) expect([target, existsSync(join(installed, target as string))]).toEqual([target, true]);

      const smoke = (format: 'esm' | 'cjs') => `
        (async () => {
          const ledger = new LedgerClient({ url: process.env.LEDGER_URL, apiKey: process.env.LEDGER_KEY, onError: (p) => console.error(p.message) });
          ledger.record({ id: '${format}-1', provider: 'anthropic', model: 'claude-opus-4-7', outcome: 'success', latencyMs: 12 });
          const overloaded = Object.assign(new Error('overloaded'), { status: 529 });
          await ledger.track('anthropic', 'claude-opus-4-7', () => Promise.reject(overloaded), { id: '${format}-2' }).catch(() => {});
          await ledger.close();
          const resolved = ${format === 'esm' ? "import.meta.resolve('@sla-ledger/client')" : "require.resolve('@sla-ledger/client')"};
          console.log(JSON.stringify({ resolved, stats: ledger.stats() }));
        })();
      `;
      writeFileSync(join(workDir, 'smoke.mjs'), `import { LedgerClient } from '@sla-ledger/client';\n${smoke('esm')}`);
      writeFileSync(join(workDir, 'smoke.cjs'), `const { LedgerClient } = require('@sla-ledger/client');\n${smoke('cjs')}`);
      const env = { ...process.env, LEDGER_URL: service.url, LEDGER_KEY: key };
      const run = (file: string) => JSON.parse(execFileSync(process.execPath, [file], { cwd: workDir, env, encoding: 'utf8' }));
      const esm = run('smoke.mjs');
      const cjs = run('smoke.cjs');
      expect(esm.resolved).toMatch(/node_modules\/@sla-ledger\/client\/dist\/esm\/index\.js$/);
      expect(cjs.resolved).toMatch(/node_modules\/@sla-ledger\/client\/dist\/cjs\/index\.js$/);
      for (const { stats } of [esm, cjs]) expect(stats).toMatchObject({ recorded: 2, accepted: 2, queued: 0, inFlight: 0 });
      expect((await storedIds(PLATFORM)).sort()).toEqual(['cjs-1', 'cjs-2', 'esm-1', 'esm-2']);

      // Types through the exports map, for an ES module and a CommonJS consumer, checked strictly
      // (skipLibCheck off): a wrong outcome must not compile, so the types are not `any`.
      const consumer = `
        import { LedgerClient, classifyError, type LedgerStats, type OutcomeEventInput } from '@sla-ledger/client';
        const ledger = new LedgerClient({ url: 'http://127.0.0.1:1', apiKey: 'k', maxQueue: 10 });
        const event: OutcomeEventInput = { provider: 'openai', model: 'gpt-5', outcome: 'rate_limited', httpStatus: 429 };
        ledger.record(event);
        // @ts-expect-error not an outcome
        ledger.record({ provider: 'openai', model: 'gpt-5', outcome: 'failed' });
        const stats: LedgerStats = ledger.stats();
        const dropped: number = stats.dropped.queueFull + stats.dropped.rejected;
        const answer: Promise<number> = ledger.track('openai', 'gpt-5', async () => 42);
        const outcome: 'success' | 'error' | 'timeout' | 'rate_limited' | 'client_error' = classifyError(new Error('x')).outcome;
        export { dropped, answer, outcome };
      `;
      writeFileSync(join(workDir, 'consumer.mts'), consumer);
      writeFileSync(join(workDir, 'consumer.cts'), consumer);
      writeFileSync(
        join(workDir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, noEmit: true, skipLibCheck: false },
          files: ['consumer.mts', 'consumer.cts'],
        }),
      );
      const tsc = require.resolve('typescript/bin/tsc');
      const typecheck = (() => {
        try {
          return execFileSync(process.execPath, [tsc, '-p', join(workDir, 'tsconfig.json'), '--traceResolution'], { cwd: workDir, encoding: 'utf8' });
        } catch (error) {
          const errors = (error as { stdout?: string }).stdout?.split('\n').filter((line) => line.includes('error TS'));
          throw new Error(`the consumer does not type-check:\n${errors?.join('\n')}`, { cause: error });
        }
      })();
      // Each consumer got the declarations of its own format.
      expect(typecheck).toMatch(/'@sla-ledger\/client' was successfully resolved to '.*dist\/esm\/index\.d\.ts'/);
      expect(typecheck).toMatch(/'@sla-ledger\/client' was successfully resolved to '.*dist\/cjs\/index\.d\.ts'/);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});

/** A provider call through track(): mostly fine; some overloaded (529), rate limited (429) or timed out. */
function trackOne(ledger: LedgerClient, n: number): Promise<unknown> {
  return ledger.track('anthropic', 'claude-sonnet-4-6', async () => {
    if (n % 13 === 0) throw new InternalServerError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    if (n % 17 === 0) throw Object.assign(new InternalServerError(429, { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } }));
    if (n % 19 === 0) throw new APIConnectionTimeoutError();
    return { id: `msg_${n}` };
  });
}
