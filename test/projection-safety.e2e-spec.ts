import pg from 'pg';
import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';
import { CheckpointRepository, TIMELINE_PROJECTION } from '@ledger/projections';
import { createProjectionRunner } from '@ledger/runtime';
import { outcomeEvent, outcomeEvents } from './support/events';
import { hourRollupsVersusMinutes, rollupsVersusLog } from './support/rollups';
import { ADMIN_KEY, startBuiltService, startTestService, TestService, waitForProjections } from './support/test-service';
import { waitFor } from './support/wait';

describe('projection safety', () => {
  let service: TestService;
  let db: Database;
  let key: string;

  beforeEach(async () => {
    service = await startTestService({ ROLE: 'api' });
    db = createDatabase({ url: service.databaseUrl, poolSize: 4 });
    key = (await service.client.createKey('notion', ['INGEST'])).secret;
  });
  afterEach(async () => {
    await db.destroy();
    await service.close();
  });

  it('never skips an event whose transaction commits after a later-numbered one', async () => {
    const runner = createProjectionRunner(db);
    // T1 takes its transaction id and a log position first, and stays open.
    const t1 = new pg.Client({ connectionString: service.databaseUrl });
    await t1.connect();
    // An open transaction holds back every database's commit horizon on this Postgres: end it whatever happens.
    try {
      await t1.query(`SELECT ensure_outcome_event_days(ARRAY['2026-06-07']::date[])`); // the day's partition, as ingest makes it
      await t1.query('BEGIN');
      await t1.query(`INSERT INTO outcome_events (platform, event_id, provider, model, occurred_at, occurred_on, outcome)
                      VALUES ('notion', 't1-event', 'anthropic', 'claude-opus-4-7', '2026-06-07T09:02:30Z', '2026-06-07', 'error')`);
      const { rows } = await t1.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      const t1Xid = BigInt(rows[0]!.xid);

      // T2 appends and commits.
      expect((await service.client.postEvents(key, outcomeEvents('t2', 100))).body.accepted).toBe(100);

      // The projector runs: it must wait for T1 rather than fold T2 past it.
      while ((await runner.step(TIMELINE_PROJECTION, { batchSize: 10 })).status === 'folded');
      const during = await db.transaction().execute((trx) => new CheckpointRepository().get(trx, TIMELINE_PROJECTION));
      expect(during.position.transactionId < t1Xid).toBe(true);
      const state = await service.client.graphql(ADMIN_KEY, '{ projections { name lagEvents caughtUp } }');
      expect(state.body.data.projections).toEqual([
        { name: 'timeline', lagEvents: 100, caughtUp: false },
        { name: 'vendor-summaries', lagEvents: 100, caughtUp: false },
        { name: 'alerts', lagEvents: 100, caughtUp: false },
      ]);

      await t1.query('COMMIT');
    } finally {
      await t1.end();
    }
    while ((await runner.step(TIMELINE_PROJECTION, { batchSize: 10 })).status === 'folded');
    const { rollups, log } = await rollupsVersusLog(db);
    expect(rollups).toEqual(log);
    const total = await sql<{ n: bigint }>`SELECT sum(successes + errors + timeouts + rate_limited + client_errors) AS n FROM minute_rollups`.execute(db);
    expect(Number(total.rows[0]!.n)).toBe(101);
  });

  it('stays exact with two worker processes, one of them SIGKILLed again and again while folding', async () => {
    // A backlog to fold: 60,000 events over a few hours of minutes.
    const models = ['claude-opus-4-7', 'claude-opus-4-8', 'gpt-5'];
    for (let b = 0; b < 12; b++) {
      const batch = outcomeEvents(`backlog-${b}`, 5_000).map((e, i) => ({
        ...e,
        model: models[i % 3],
        occurredAt: new Date(Date.UTC(2026, 5, 7, 6) + ((b * 5_000 + i) % 14_400) * 1_000).toISOString(),
      }));
      expect((await service.client.postEvents(key, batch)).body.accepted).toBe(5_000);
    }
    const env = { DATABASE_URL: service.databaseUrl, ROLE: 'worker' };
    const workerFolding = async () => {
      const { rows } = await sql<{ n: string }>`
        SELECT count(*)::text AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name IN ('sla-ledger-worker', 'sla-ledger-worker-background') AND xact_start IS NOT NULL`.execute(db);
      return Number(rows[0]!.n) > 0;
    };
    const caughtUp = async () => {
      const { body } = await service.client.graphql(ADMIN_KEY, '{ projections { caughtUp } }');
      return (body.data?.projections ?? []).every((p: { caughtUp: boolean }) => p.caughtUp);
    };
    // The first crashes hit a worker folding the backlog alone, so they land inside its
    // transactions; for the later ones a second worker runs alongside.
    let steady: Awaited<ReturnType<typeof startBuiltService>> | null = null;
    let kills = 0;
    try {
      for (let k = 0; k < 5; k++) {
        if (k === 3) steady = await startBuiltService(env);
        const victim = await startBuiltService(env);
        // Correctness does not hang on where the kill lands (the rollups must equal the log
        // wherever it does); to make the crash likely to hit a fold in progress, the kill waits
        // for a worker transaction to be open, or for there to be nothing left to fold. A
        // condition with a generous limit, then a random extra moment inside the transaction.
        await waitFor(async () => (await workerFolding()) || (await caughtUp()), {
          what: `worker ${k} to open a fold transaction (or the projection to catch up)`, timeoutMs: 90_000, intervalMs: 5,
        });
        await new Promise((r) => setTimeout(r, Math.random() * 50));
        victim.process.kill('SIGKILL');
        await victim.exited;
        kills++;
        // More events keep arriving between crashes.
        await service.client.postEvents(key, outcomeEvents(`between-${k}`, 1_000).map((e) => ({ ...e, model: 'gpt-5' })));
      }
      expect(steady).not.toBeNull();
      await waitForProjections(service.client);
    } finally {
      steady?.process.kill('SIGTERM');
      await steady?.exited;
    }
    expect(kills).toBe(5);
    const { rollups, log } = await rollupsVersusLog(db);
    expect(rollups).toEqual(log);
    expect(log.length).toBeGreaterThan(100);
    // The hour sums, folded in the same transactions, are their minutes' sums.
    const { hours, fromMinutes } = await hourRollupsVersusMinutes(db);
    expect(hours).toEqual(fromMinutes);
    expect(hours.length).toBeGreaterThan(3);
  });

  it('refuses to skip: a single late event into an old, already-projected minute updates that minute', async () => {
    const runner = createProjectionRunner(db);
    await service.client.postEvents(key, [outcomeEvent('early', { occurredAt: '2026-06-07T09:10:00Z' })]);
    while ((await runner.step(TIMELINE_PROJECTION, { batchSize: 100 })).status === 'folded');
    await service.client.postEvents(key, [outcomeEvent('late', { occurredAt: '2026-06-07T09:10:30Z', outcome: 'error' })]);
    while ((await runner.step(TIMELINE_PROJECTION, { batchSize: 100 })).status === 'folded');
    const { rollups, log } = await rollupsVersusLog(db);
    expect(rollups).toEqual(log);
    expect(rollups).toHaveLength(1);
    // Its hour is summed again: one error in two requests (a peak of exactly 1/2).
    const { hours, fromMinutes } = await hourRollupsVersusMinutes(db);
    expect(hours).toEqual(fromMinutes);
    expect(hours).toHaveLength(1);
    expect(hours[0]).toMatch(/\/500000000\/500000000$/);
    // Another late success lowers the minute that held its hour's peak: the hour is summed again (1 in 3).
    await service.client.postEvents(key, [outcomeEvent('later', { occurredAt: '2026-06-07T09:10:45Z' })]);
    while ((await runner.step(TIMELINE_PROJECTION, { batchSize: 100 })).status === 'folded');
    const after = await hourRollupsVersusMinutes(db);
    expect(after.hours).toEqual(after.fromMinutes);
    expect(after.hours[0]).toMatch(/\/333333334\/333333334$/);
  });
});
