import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { createDatabase } from '@ledger/database';
import { outcomeEvents } from '../support/events';
import { ServiceProcess, stopAll } from '../support/service-process';
import { createTestDatabase } from '../support/test-database';
import { waitForProjections } from '../support/test-service';
import { waitFor } from '../support/wait';

/** The pids of the worker processes the service reported starting, in order. */
const workerPids = (service: ServiceProcess) =>
  service.stdout.filter((line) => line.includes('started the worker process')).map((line) => (JSON.parse(line) as { pid: number }).pid);
const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * ROLE=all with WORKER_PROCESS=child: the projections fold in a worker process of the service's
 * own, which the service starts again when it dies and which does not outlive the service.
 */
describe('the worker process of a ROLE=all service', () => {
  it('folds in a child process, is restarted when killed, and ends with the service', async () => {
    const databaseUrl = await createTestDatabase();
    const service = new ServiceProcess('api+worker', { DATABASE_URL: databaseUrl, ROLE: 'all', WORKER_PROCESS: 'child' });
    const db = createDatabase({ url: databaseUrl, poolSize: 1 });
    try {
      await service.start();
      const [first] = await waitFor(() => workerPids(service).length === 1 && workerPids(service), { what: 'the worker process started', timeoutMs: 10_000 });
      expect(parentOf(first!)).toBe(service.pid);
      const key = (await service.client.createKey('notion', ['INGEST'])).secret;
      const post = async (prefix: string) => expect((await service.client.postEvents(key, outcomeEvents(prefix, 500))).status).toBe(200);

      await post('wp-1');
      await waitForProjections(service.client);
      // The folding is the worker's: its connections are the only ones of the worker role (each
      // process's background pool, on a Postgres of this machine, named after it).
      const roles = [...new Set((await sql<{ application_name: string }>`
        SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'sla-ledger-%'`.execute(db))
        .rows.map((r) => r.application_name.replace(/-background$/, '')))].sort();
      expect(roles).toEqual(['sla-ledger-all', 'sla-ledger-worker']);

      process.kill(first!, 'SIGKILL');
      const [, second] = await waitFor(() => workerPids(service).length === 2 && workerPids(service), { what: 'the worker process started again', timeoutMs: 15_000 });
      expect(second).not.toBe(first);
      expect(parentOf(second!)).toBe(service.pid);
      await post('wp-2');
      await waitForProjections(service.client);
      expect(Number((await sql<{ n: string }>`SELECT sum(successes + errors + timeouts + rate_limited + client_errors)::text AS n FROM minute_rollups WHERE platform = 'notion'`.execute(db)).rows[0]!.n)).toBe(1_000);

      // Killed without a chance to stop its worker, the service leaves no worker behind.
      await service.stop('SIGKILL');
      await waitFor(() => !alive(second!), { what: 'the orphaned worker to exit', timeoutMs: 15_000 });
    } finally {
      await stopAll([service]);
      await db.destroy();
    }
  });
});
