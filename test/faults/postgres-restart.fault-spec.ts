import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createDatabase } from '@ledger/database';
import { outcomeEvents } from '../support/events';
import { LogReader } from '../support/log-reader';
import { freePort } from '../support/ports';
import { PostgresProcess } from '../support/postgres-process';
import { ServiceProcess, sleep, stopAll } from '../support/service-process';
import { ADMIN_KEY, waitForProjections, waitUntilReady } from '../support/test-service';
import { waitFor } from '../support/wait';

const BATCHES = 40;
const BATCH_SIZE = 1_000;
const CLIENTS = 4;

/**
 * Postgres itself restarted while clients post: requests fail with 503 (never a 200 for a
 * batch that did not commit, never a 500), /readyz says the database is gone, the service
 * reconnects by itself, and the clients' retries complete the log with nothing lost or doubled.
 * A cluster of its own, since this spec stops it (fsync on: commits are durable).
 */
describe('Postgres restarted during ingest', () => {
  it('answers 503 while it is down, reconnects by itself, and retried batches complete exactly once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sla-ledger-fault-pg-'));
    const port = await freePort();
    const postgres = new PostgresProcess(dataDir, port);
    const databaseUrl = await postgres.start();
    let aborted = false;
    const service = new ServiceProcess('api+worker', { DATABASE_URL: databaseUrl, ROLE: 'all' });
    try {
      await service.start();
      const key = (await service.client.createKey('notion', ['INGEST'])).secret;
      const batches = Array.from({ length: BATCHES }, (_, b) => JSON.stringify({ events: outcomeEvents(`pgr-${b}`, BATCH_SIZE) }));

      // Each batch is re-sent until it gets a 200; a 200 removes it from the queue for good.
      const queue = batches.map((_, b) => b);
      const acknowledged = new Map<number, number>();
      const statuses = new Map<number, number>();
      const bodies503: string[] = [];
      let networkErrors = 0;
      let phase: 'before' | 'stopping' | 'down' | 'after' = 'before';
      const statusesWhileDown = new Map<number, number>();
      const client = async () => {
        while (!aborted && (queue.length > 0 || acknowledged.size < BATCHES)) {
          const b = queue.shift();
          if (b === undefined) {
            await sleep(20);
            continue;
          }
          let status: number;
          let text: string;
          try {
            const response = await fetch(`${service.url}/v1/events`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: batches[b],
            });
            status = response.status;
            text = await response.text();
          } catch {
            networkErrors++;
            queue.push(b);
            await sleep(100);
            continue;
          }
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (phase === 'down') statusesWhileDown.set(status, (statusesWhileDown.get(status) ?? 0) + 1);
          if (status === 200) {
            const body = JSON.parse(text) as { accepted: number; duplicates: number; rejected: unknown[] };
            expect(body.rejected).toEqual([]);
            expect(body.accepted + body.duplicates).toBe(BATCH_SIZE);
            acknowledged.set(b, (acknowledged.get(b) ?? 0) + 1);
            continue;
          }
          expect(status).toBe(503); // anything else is a failure, not something to retry
          if (bodies503.length < 3) bodies503.push(text);
          queue.push(b);
          await sleep(100);
        }
      };

      const clients = Promise.all(Array.from({ length: CLIENTS }, client));
      let clientFailure: unknown = null;
      clients.catch((error: unknown) => (clientFailure = error));
      const clientsOk = () => {
        if (clientFailure !== null) throw clientFailure;
      };
      await waitFor(() => (clientsOk(), acknowledged.size >= 8), { what: '8 batches acknowledged before the stop', timeoutMs: 120_000 });
      const ackedBeforeStop = acknowledged.size;
      phase = 'stopping';
      const stopped = performance.now();
      await postgres.stop(); // resolves once the Postgres process has exited
      phase = 'down';
      const ackedAtDown = acknowledged.size;

      // While Postgres is down: readiness says so, ingest answers 503 with a JSON reason. The
      // clients keep retrying; a 503 answered while it is down is awaited, not slept for.
      await waitFor(() => (clientsOk(), (statusesWhileDown.get(503) ?? 0) > 0), {
        what: 'a client to be answered 503 while Postgres is down',
        timeoutMs: 60_000,
        detail: () => `answers while down: ${JSON.stringify([...statusesWhileDown.entries()])}`,
      });
      const ready = await fetch(`${service.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { message: string }).message).toContain('database is unreachable');
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      // GraphQL says the same, whether the key lookup or the resolver meets the missing database.
      for (const bearer of [key, ADMIN_KEY]) {
        const answer = await service.client.graphql(bearer, '{ projections { name lagEvents } }');
        expect(answer.status).toBe(503);
        expect(answer.body.errors[0].extensions.code).toBe('DATABASE_UNAVAILABLE');
      }
      const graphql503s = 2;
      const ackedWhileDown = acknowledged.size;

      await postgres.start();
      const restarted = performance.now();
      phase = 'after';
      await waitUntilReady(service.url, 60_000);
      const readyAgain = performance.now();
      await clients;

      const stats = [...statuses.entries()].sort().map(([s, n]) => `${s}×${n}`).join(', ');
      console.log(
        `Postgres restart: down ${((restarted - stopped) / 1000).toFixed(1)} s, service ready again ${((readyAgain - restarted) / 1000).toFixed(1)} s after ` +
          `Postgres was back; answers ${stats}; network errors ${networkErrors}; ${ackedBeforeStop} of ${BATCHES} batches acknowledged before the stop`,
      );
      // Nothing but 200 and 503: no 500, no dropped connections; and 503s were actually seen.
      expect([...statuses.keys()].sort()).toEqual([200, 503]);
      expect(statusesWhileDown.get(503) ?? 0).toBeGreaterThan(0);
      expect(networkErrors).toBe(0);
      // Nothing acknowledged while Postgres was down, except answers already on their way when it
      // exited (at most one per client): counted from the moment its process had exited.
      expect(ackedWhileDown - ackedAtDown).toBeLessThanOrEqual(CLIENTS);
      expect(JSON.parse(bodies503[0]!)).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
      // Every batch acknowledged exactly once, and the log holds each event exactly once.
      expect(acknowledged.size).toBe(BATCHES);
      expect([...acknowledged.values()].every((n) => n === 1)).toBe(true);
      const log = new LogReader(databaseUrl);
      try {
        expect(await log.count('notion')).toBe(BATCHES * BATCH_SIZE);
        expect(await log.distinctIds('notion')).toBe(BATCHES * BATCH_SIZE);
      } finally {
        await log.close();
      }
      // The worker reconnected too: the projection folds the whole log, exactly.
      await waitForProjections(service.client, 120_000);
      const db = createDatabase({ url: databaseUrl, poolSize: 1 });
      try {
        const { rows } = await sql<{ n: string }>`SELECT sum(successes + errors + timeouts + rate_limited + client_errors)::text AS n FROM minute_rollups`.execute(db);
        expect(Number(rows[0]!.n)).toBe(BATCHES * BATCH_SIZE);
      } finally {
        await db.destroy();
      }
      // Every 503 was counted in /metrics, ingest and GraphQL alike.
      const metrics = await (await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
      expect(metrics).toContain(`ledger_http_database_unavailable_total ${statuses.get(503)! + graphql503s}`);
      // The service never fell over: still the same process, and it stops cleanly.
      expect(await service.stop('SIGTERM')).toBe(0);
    } catch (error) {
      process.stderr.write([...service.stdout.slice(-60), ...service.stderr.slice(-60)].join('\n') + '\n');
      throw error;
    } finally {
      aborted = true;
      await stopAll([service]);
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
