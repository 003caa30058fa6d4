import pg from 'pg';
import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';
import { CheckpointRepository, TIMELINE_PROJECTION } from '@ledger/projections';
import { outcomeEvents } from '../support/events';
import { rollupsVersusLog } from '../support/rollups';
import { sleep } from '../support/service-process';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from '../support/test-service';

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
 * event. The running worker must wait for it rather than fold later commits past it; the lag
 * shows in the `projections` query and in `/metrics`; once it commits, everything is folded
 * with exact counts.
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
    const holder = new pg.Client({ connectionString: service.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`INSERT INTO outcome_events (platform, event_id, provider, model, occurred_at, outcome)
                          VALUES ('notion', 'held-open', 'anthropic', 'claude-opus-4-7', '2026-06-07T09:00:30Z', 'error')`);
      const xid = BigInt((await holder.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0]!.xid);

      for (let b = 0; b < 4; b++) expect((await service.client.postEvents(key, outcomeEvents(`after-${b}`, 500))).status).toBe(200);
      // Many projector ticks (every 200 ms) pass while the transaction stays open.
      await sleep(2_000);

      const state = await service.client.graphql(ADMIN_KEY, '{ projections { name lagEvents caughtUp } }');
      expect(state.body.data.projections).toEqual([{ name: 'timeline', lagEvents: 2_000, caughtUp: false }]);
      const lagWhileHeld = await lagInMetrics(service);
      expect(lagWhileHeld).toBe(2_000);
      expect(await rolledUp(db)).toBe(0); // nothing folded past the open transaction
      const checkpoint = await db.transaction().execute((trx) => new CheckpointRepository().get(trx, TIMELINE_PROJECTION));
      expect(checkpoint.position.transactionId < xid).toBe(true);

      await holder.query('COMMIT');
      const committed = Date.now();
      await waitForProjections(service.client);
      console.log(
        `open transaction: lag ${lagWhileHeld} events in /metrics and projections while held for 2 s; ` +
          `caught up ${Date.now() - committed} ms after it committed`,
      );
      expect(await lagInMetrics(service)).toBe(0);
      expect(await rolledUp(db)).toBe(2_001);
      const { rollups, log } = await rollupsVersusLog(db);
      expect(rollups).toEqual(log);
    } finally {
      await holder.end();
    }
  }, 120_000);
});
