import pg from 'pg';
import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';
import { CheckpointRepository, TIMELINE_PROJECTION } from '@ledger/projections';
import { outcomeEvents } from '../support/events';
import { rollupsVersusLog } from '../support/rollups';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from '../support/test-service';
import { waitFor } from '../support/wait';

async function lagInMetrics(service: TestService): Promise<number> {
  const response = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(response.status).toBe(200);
  const match = /^ledger_projection_lag_events\{projection="timeline"\} (\d+)$/m.exec(await response.text());
  expect(match).not.toBeNull();
  return Number(match![1]);
}

async function rolledUp(db: Database): Promise<number> {
  const { rows } = await sql<{ n: string | null }>`SELECT sum(successes + errors + timeouts + rate_limited + client_errors)::text AS n FROM minute_rollups`.execute(db);
  return Number(rows[0]!.n ?? 0);
}

/**
 * Another session holds a transaction open after taking its transaction id and appending an
 * event. The running worker must wait for it rather than fold later commits past it (while
 * still folding what committed before it); the lag shows in the `projections` query and in
 * `/metrics`; once it commits, everything is folded with exact counts.
 */
describe('a transaction held open by another session', () => {
  let service: TestService;
  let db: Database;

  beforeAll(async () => {
    service = await startTestService({ ROLE: 'all' });
    db = createDatabase({ url: service.databaseUrl, poolSize: 2 });
  });
  afterAll(async () => {
    await db.destroy();
    await service.close();
  });

  it('makes the projector wait without skipping, shows the lag, then catches up exactly', async () => {
    const key = (await service.client.createKey('notion', ['INGEST'])).secret;
    const early = new pg.Client({ connectionString: service.databaseUrl });
    const holder = new pg.Client({ connectionString: service.databaseUrl });
    await early.connect();
    await holder.connect();
    const insert = (client: pg.Client, id: string) =>
      client.query(`INSERT INTO outcome_events (platform, event_id, provider, model, occurred_at, occurred_on, outcome)
                    VALUES ('notion', $1, 'anthropic', 'claude-opus-4-7', '2026-06-07T09:00:30Z', '2026-06-07', 'error')`, [id]);
    const xidOf = async (client: pg.Client) => BigInt((await client.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0]!.xid);
    try {
      await early.query(`SELECT ensure_outcome_event_days(ARRAY['2026-06-07']::date[])`); // the day's partition, as ingest makes it
      // `early` takes its transaction id first, then `holder` takes a later one and stays open.
      await early.query('BEGIN');
      for (const id of ['early-1', 'early-2', 'early-3']) await insert(early, id);
      const earlyXid = await xidOf(early);
      await holder.query('BEGIN');
      await insert(holder, 'held-open');
      const xid = await xidOf(holder);
      expect(earlyXid < xid).toBe(true);

      // Later transactions commit while `holder` is open…
      for (let b = 0; b < 4; b++) expect((await service.client.postEvents(key, outcomeEvents(`after-${b}`, 500))).status).toBe(200);
      // …and only then does `early` commit: its events come before the open transaction, so the
      // worker may fold them now, and it can only do so on a tick that also sees the later commits.
      await early.query('COMMIT');
      // Proof the worker ran while the transaction was held: its checkpoint moves past `early`
      // (no sleep: the checkpoint is awaited).
      const checkpoint = await waitFor(
        async () => {
          const current = await db.transaction().execute((trx) => new CheckpointRepository().get(trx, TIMELINE_PROJECTION));
          return current.eventsFolded > 0 ? current : null;
        },
        { what: 'the worker to fold the events committed before the open transaction', timeoutMs: 60_000 },
      );
      // It folded exactly the early events, and none of the 2,000 committed after the open transaction.
      expect(checkpoint.eventsFolded).toBe(3);
      expect(checkpoint.position.transactionId).toBe(earlyXid);
      expect(checkpoint.position.transactionId < xid).toBe(true);
      expect(await rolledUp(db)).toBe(3);

      // The vendor summaries and the alerts follow the timeline (a tick later): they reach its checkpoint and stop there, as far behind.
      const projections = await waitFor(
        async () => {
          const state = await service.client.graphql(ADMIN_KEY, '{ projections { name lagEvents caughtUp } }');
          const list = state.body.data.projections as { name: string; lagEvents: number }[];
          return list.every((p) => p.lagEvents === 2_000) ? list : null;
        },
        { what: 'the vendor summaries and the alerts to fold what the timeline folded', timeoutMs: 60_000 },
      );
      expect(projections).toEqual([
        { name: 'timeline', lagEvents: 2_000, caughtUp: false },
        { name: 'vendor-summaries', lagEvents: 2_000, caughtUp: false },
        { name: 'alerts', lagEvents: 2_000, caughtUp: false },
      ]);
      const lagWhileHeld = await lagInMetrics(service);
      expect(lagWhileHeld).toBe(2_000);
      // Still held back after the reads above, whatever ticks ran meanwhile.
      expect(await rolledUp(db)).toBe(3);
      const stillHeld = await db.transaction().execute((trx) => new CheckpointRepository().get(trx, TIMELINE_PROJECTION));
      expect({ eventsFolded: stillHeld.eventsFolded, transactionId: stillHeld.position.transactionId }).toEqual({ eventsFolded: 3, transactionId: earlyXid });

      await holder.query('COMMIT');
      const committed = performance.now();
      await waitForProjections(service.client);
      console.log(
        `open transaction: the worker folded the 3 events before it and held back the 2,000 after it (lag ${lagWhileHeld} in /metrics and projections); ` +
          `caught up ${Math.round(performance.now() - committed)} ms after it committed`,
      );
      expect(await lagInMetrics(service)).toBe(0);
      expect(await rolledUp(db)).toBe(2_004);
      const { rollups, log } = await rollupsVersusLog(db);
      expect(rollups).toEqual(log);
    } finally {
      await early.end();
      await holder.end();
    }
  }, 120_000);
});
