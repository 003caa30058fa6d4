import { sql } from 'kysely';
import { createDatabase } from '@ledger/database';
import { outcomeEvents } from '../support/events';
import { ServiceProcess, sleep, stopAll } from '../support/service-process';
import { createTestDatabase } from '../support/test-database';

const BATCH_SIZE = 5_000;
const CLIENTS = 4;

/**
 * SIGTERM in the middle of ingest (with the projector folding): batches in flight are
 * answered, every acknowledged batch is in the log, the projector's checkpoint matches its
 * rollups, the process exits 0, and everything it printed is JSON lines (Nest's messages too).
 */
describe('a SIGTERM during ingest', () => {
  it('answers the batches in flight, loses no acknowledged batch and exits 0', async () => {
    const databaseUrl = await createTestDatabase();
    const service = new ServiceProcess('api+worker', { DATABASE_URL: databaseUrl, ROLE: 'all' });
    const db = createDatabase({ url: databaseUrl, poolSize: 1 });
    try {
      await service.start();
      const key = (await service.client.createKey('notion', ['INGEST'])).secret;
      const acknowledged: number[] = [];
      let next = 0;
      let signalledAt: number | null = null;
      // A request sent this long before the signal has surely reached the server, which must
      // answer it (a 503 is for requests arriving after the signal).
      const SURELY_ARRIVED_MS = 150;
      let answeredAfterSignal = 0;
      let notAnsweredInFlight = 0;
      let cutOff = 0;
      const statusesAfterSignal = new Map<string, number>();
      const countAfterSignal = (status: string) => statusesAfterSignal.set(status, (statusesAfterSignal.get(status) ?? 0) + 1);
      const pending = new Set<number>(); // send times of requests not yet answered
      const client = async () => {
        while (next < 400) {
          const b = next++;
          const body = JSON.stringify({ events: outcomeEvents(`gs-${b}`, BATCH_SIZE) });
          const sentAt = performance.now();
          const inFlightAtSignal = () => signalledAt !== null && sentAt < signalledAt - SURELY_ARRIVED_MS;
          pending.add(sentAt);
          try {
            const { status } = await service.client.postRaw(key, 'application/json', body);
            if (status === 200) acknowledged.push(b);
            if (signalledAt !== null) countAfterSignal(String(status));
            if (inFlightAtSignal()) {
              if (status === 200) answeredAfterSignal++;
              else notAnsweredInFlight++;
            }
          } catch (error) {
            // Refused: the server no longer listens. A keep-alive connection closed by the server
            // as a request is sent after the signal: that request was never started (the
            // usual keep-alive race; the client retries it). Either is safe. A connection cut
            // under a request in flight at the signal would not be.
            const code = (error as { cause?: { code?: string } }).cause?.code ?? 'unknown';
            countAfterSignal(code === 'ECONNREFUSED' ? 'refused' : `closed (${code})`);
            if (inFlightAtSignal()) cutOff++;
            return;
          } finally {
            pending.delete(sentAt);
          }
        }
      };
      // The signal comes once 12 batches are stored and a request has surely reached the server.
      const signal = async () => {
        while (next < 400 && (acknowledged.length < 12 || ![...pending].some((sentAt) => sentAt < performance.now() - 2 * SURELY_ARRIVED_MS))) await sleep(5);
        signalledAt = performance.now();
        if (service.pid !== undefined) process.kill(service.pid, 'SIGTERM');
      };
      await Promise.all([signal(), ...Array.from({ length: CLIENTS }, client)]);
      const exitCode = await service.stop();
      console.log(
        `SIGTERM after 12 batches: ${acknowledged.length} acknowledged in all, ${answeredAfterSignal} of them in flight at the signal ` +
          `and answered after it; answers after the signal: ${[...statusesAfterSignal.entries()].map(([s, n]) => `${s} ×${n}`).join(', ')}; exit code ${exitCode}`,
      );

      expect(exitCode).toBe(0);
      expect(signalledAt).not.toBeNull();
      // No connection cut under a request; requests in flight at the signal all answered with a 200.
      expect(cutOff).toBe(0);
      expect(notAnsweredInFlight).toBe(0);
      expect(answeredAfterSignal).toBeGreaterThanOrEqual(1);
      // Every acknowledged batch is whole in the log, and nothing else is.
      const { rows } = await sql<{ batch: string; n: string }>`
        SELECT split_part(event_id, '-', 2) AS batch, count(*)::text AS n FROM outcome_events GROUP BY 1`.execute(db);
      const stored = new Map(rows.map((r) => [Number(r.batch), Number(r.n)]));
      for (const b of acknowledged) expect(stored.get(b)).toBe(BATCH_SIZE);
      for (const [b, n] of stored) expect([b, n]).toEqual([b, BATCH_SIZE]); // no half batch
      // The projector stopped between batches: its rollups hold exactly the events below its checkpoint.
      const folded = await sql<{ rolled: string; below: string }>`
        SELECT (SELECT coalesce(sum(successes + errors + timeouts + rate_limited + client_errors), 0) FROM minute_rollups)::text AS rolled,
               (SELECT count(*) FROM outcome_events e, projection_checkpoints c
                 WHERE c.name = 'timeline' AND (e.transaction_id, e.global_position) <= (c.transaction_id, c.global_position))::text AS below`.execute(db);
      expect(folded.rows[0]!.rolled).toBe(folded.rows[0]!.below);
      // Logs: every line JSON, Nest's own messages included, and no error logged.
      const lines = service.stdout.map((line) => JSON.parse(line) as { level: number; msg: string; nest?: boolean; context?: string });
      expect(lines.some((l) => l.nest === true && l.context === 'RouterExplorer')).toBe(true);
      expect(lines.some((l) => l.msg === 'shutting down')).toBe(true);
      const stopped = lines.find((l) => l.msg === 'stopped') as { ms?: number } | undefined;
      expect(stopped?.ms).toBeDefined();
      console.log(`shutdown took ${stopped!.ms} ms from SIGTERM to exit`);
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      expect(service.stderr).toEqual([]);
    } finally {
      await db.destroy();
      await stopAll([service]);
    }
  }, 180_000);
});
