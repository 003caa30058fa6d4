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
      let signalled = false;
      /** Batches not yet answered when the signal was sent, and the ingests Postgres was running then. */
      let pendingAtSignal = new Set<number>();
      let ingestsRunningAtSignal = 0;
      let signalledPid: number | undefined;
      const pending = new Set<number>();
      const outcomes = new Map<number, string>(); // batch → 200, 503, … or refused / closed (code)
      const statusesAfterSignal = new Map<string, number>(); // every answer that came after the signal
      const countAfterSignal = (outcome: string) => statusesAfterSignal.set(outcome, (statusesAfterSignal.get(outcome) ?? 0) + 1);
      const client = async () => {
        while (next < 400) {
          const b = next++;
          const body = JSON.stringify({ events: outcomeEvents(`gs-${b}`, BATCH_SIZE) });
          pending.add(b);
          try {
            const { status } = await service.client.postRaw(key, 'application/json', body);
            outcomes.set(b, String(status));
            if (signalled) countAfterSignal(String(status));
            if (status === 200) acknowledged.push(b);
          } catch (error) {
            // Refused: the server no longer listens. A keep-alive connection closed by the server
            // as a request is sent after the signal: that request was never started (the usual
            // keep-alive race; the client retries it). Either is safe; a connection cut under a
            // request the server had started would not be, and shows below as a batch in the
            // log that was never acknowledged.
            const code = (error as { cause?: { code?: string } }).cause?.code ?? 'unknown';
            outcomes.set(b, code === 'ECONNREFUSED' ? 'refused' : `closed (${code})`);
            if (signalled) countAfterSignal(outcomes.get(b)!);
            return;
          } finally {
            pending.delete(b);
          }
        }
      };
      // The signal comes once 12 batches are stored and Postgres shows an ingest running (a COPY
      // into the log from this service): a request the server has started, which it must answer.
      // No guess at how long a request takes to arrive.
      const ingestsRunning = async () => {
        const { rows } = await sql<{ n: string }>`
          SELECT count(*)::text AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name IN ('sla-ledger-all', 'sla-ledger-all-background') AND state = 'active'
            AND query LIKE 'COPY outcome_events %'`.execute(db);
        return Number(rows[0]!.n);
      };
      const signal = async () => {
        for (;;) {
          if (next >= 400 && pending.size === 0) return; // ran out of batches first: fails below
          if (acknowledged.length >= 12) {
            // Taken before the look at Postgres: a COPY running then belongs to one of these.
            const pendingNow = new Set(pending);
            const running = await ingestsRunning();
            if (running > 0) {
              pendingAtSignal = pendingNow;
              ingestsRunningAtSignal = running;
              signalled = true;
              signalledPid = service.pid;
              process.kill(service.pid!, 'SIGTERM');
              return;
            }
          }
          await sleep(2);
        }
      };
      await Promise.all([signal(), ...Array.from({ length: CLIENTS }, client)]);
      const exitCode = await service.stop();
      const afterSignal = new Map<string, number>();
      for (const b of pendingAtSignal) afterSignal.set(outcomes.get(b)!, (afterSignal.get(outcomes.get(b)!) ?? 0) + 1);
      const answeredAfterSignal = [...pendingAtSignal].filter((b) => outcomes.get(b) === '200').length;
      console.log(
        `SIGTERM after 12 batches, with ${ingestsRunningAtSignal} ingest(s) running in Postgres: ${acknowledged.length} acknowledged in all; ` +
          `batches unanswered at the signal: ${[...afterSignal.entries()].map(([s, n]) => `${s} ×${n}`).join(', ')}; ` +
          `answers after the signal: ${[...statusesAfterSignal.entries()].map(([s, n]) => `${s} ×${n}`).join(', ')}; exit code ${exitCode}`,
      );

      expect(exitCode).toBe(0);
      expect(signalled).toBe(true);
      expect(ingestsRunningAtSignal).toBeGreaterThanOrEqual(1);
      // Every request the server had started at the signal was answered with a 200: at least as
      // many 200s among the unanswered batches as ingests were running.
      expect(answeredAfterSignal).toBeGreaterThanOrEqual(ingestsRunningAtSignal);
      // Anything after the signal: answered (200), turned away (503), or never started (refused,
      // or the keep-alive race); never a 500 or a 429.
      for (const outcome of statusesAfterSignal.keys()) expect(outcome).toMatch(/^(200|503|refused|closed \(.+\))$/);
      // Every acknowledged batch is whole in the log, and nothing else is.
      const { rows } = await sql<{ batch: string; n: string }>`
        SELECT split_part(event_id, '-', 2) AS batch, count(*)::text AS n FROM outcome_events GROUP BY 1`.execute(db);
      const stored = new Map(rows.map((r) => [Number(r.batch), Number(r.n)]));
      for (const b of acknowledged) expect(stored.get(b)).toBe(BATCH_SIZE);
      for (const [b, n] of stored) expect([b, n]).toEqual([b, BATCH_SIZE]); // no half batch
      // …and every batch in the log was acknowledged: no request the server committed lost its answer.
      expect([...stored.keys()].sort((x, y) => x - y)).toEqual([...acknowledged].sort((x, y) => x - y));
      // The projector stopped between batches: its rollups hold exactly the events below its checkpoint.
      const folded = await sql<{ rolled: string; below: string }>`
        SELECT (SELECT coalesce(sum(successes + errors + timeouts + rate_limited + client_errors), 0) FROM minute_rollups)::text AS rolled,
               (SELECT count(*) FROM outcome_events e, projection_checkpoints c
                 WHERE c.name = 'timeline' AND (e.transaction_id, e.global_position) <= (c.transaction_id, c.global_position))::text AS below`.execute(db);
      expect(folded.rows[0]!.rolled).toBe(folded.rows[0]!.below);
      // Logs: every line JSON, Nest's own messages included, and no error logged.
      const lines = service.stdout.map((line) => JSON.parse(line) as { level: number; msg: string; nest?: boolean; context?: string });
      expect(lines.some((l) => l.nest === true && l.context === 'RouterExplorer')).toBe(true);
      // The service's own lines (by pid): with WORKER_PROCESS=child its worker process writes to the same stdout and logs its own stop.
      const own = lines.filter((l) => (l as { pid?: number }).pid === signalledPid);
      expect(own.filter((l) => l.msg === 'shutting down')).toEqual([expect.objectContaining({ level: 30, signal: 'SIGTERM' })]);
      const stopped = own.filter((l) => l.msg === 'stopped') as unknown as { level: number; ms: unknown }[];
      expect(stopped).toEqual([expect.objectContaining({ level: 30, ms: expect.any(Number) })]);
      expect(Number.isInteger(stopped[0]!.ms) && (stopped[0]!.ms as number) >= 0).toBe(true);
      expect(own.at(-1)).toMatchObject({ msg: 'stopped' }); // the last thing it printed
      console.log(`shutdown took ${stopped[0]!.ms as number} ms from SIGTERM to exit`);
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);
      expect(service.stderr).toEqual([]);
    } finally {
      await db.destroy();
      await stopAll([service]);
    }
  }, 180_000);
});
