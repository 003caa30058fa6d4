import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';
import { latencyBucketSql } from '@ledger/codec';
import { HourRollupRepository, ProjectionRunner, SketchBuckets, TIMELINE_PROJECTION } from '@ledger/projections';
import { createProjectionRunner } from '@ledger/runtime';
import { seedDayFile } from './support/seed-day';
import { outcomeEvent, outcomeEvents } from './support/events';
import { createTestDatabase } from './support/test-database';
import { ADMIN_KEY, startTestService, TestService } from './support/test-service';

const run = promisify(execFile);
const cli = join(__dirname, '../dist/apps/cli/src/main.js');

/** Every row of the read models, in a stable order, as text. */
async function readModels(db: Database) {
  const rows = async (table: string, order: string) =>
    (await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(table)} t ORDER BY ${sql.raw(order)}`.execute(db)).rows.map((r) => r.row);
  return {
    rollups: await rows('minute_rollups', 'provider, model, platform, minute'),
    hourRollups: await rows('hour_rollups', 'platform, provider, hour, model'),
    outages: await rows('outages', 'provider, model, platform, start_minute'),
    incidents: await rows('incidents', 'provider, start_minute'),
    vendorSummaries: await rows('vendor_summaries', 'platform, span_minutes, start_minute, provider, model'),
    vendorSummaryState: await rows('vendor_summary_state', 'singleton'),
  };
}

/**
 * 800 events, one every 1.5 s from 2026-06-07 23:50 to 06-08 00:10, mostly errors from 23:56 to
 * 00:04 — an outage across midnight — and every fourth moved to 2026-06-09 00:00–00:10: three days.
 */
function acrossMidnight(): Record<string, unknown>[] {
  const start = Date.parse('2026-06-07T23:50:00Z');
  const failing = (at: number) => at >= Date.parse('2026-06-07T23:56:00Z') && at < Date.parse('2026-06-08T00:04:00Z');
  return Array.from({ length: 800 }, (_, i) => {
    const at = start + i * 1_500 + (i % 4 === 3 ? 86_400_000 + 600_000 : 0);
    const error = failing(at) && i % 3 !== 0;
    return outcomeEvent(`midnight-${i}`, { occurredAt: new Date(at).toISOString(), outcome: error ? 'error' : 'success', httpStatus: error ? 503 : 200 });
  });
}

/** Each projection's generation, by name. */
async function generations(db: Database) {
  const { rows } = await sql<{ name: string; generation: bigint }>`SELECT name, generation FROM projection_checkpoints ORDER BY name`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.generation)]));
}

/** The indexes (keys included) of the read models' tables. */
async function indexNames(db: Database) {
  const { rows } = await sql<{ indexname: string }>`
    SELECT indexname FROM pg_indexes WHERE tablename IN ('minute_rollups', 'hour_rollups', 'outages', 'incidents', 'vendor_summaries', 'vendor_summary_state') ORDER BY indexname`.execute(db);
  return rows.map((r) => r.indexname);
}

/** Folds every projection until each is idle. */
async function projectAll(runner: ProjectionRunner) {
  for (const { name } of runner.projections) await runner.catchUp(name, { batchSize: 1_000, wait: true });
}

describe('rebuild', () => {
  let service: TestService;
  let db: Database;

  beforeAll(async () => {
    service = await startTestService({ ROLE: 'api' });
    db = createDatabase({ url: service.databaseUrl, poolSize: 4 });
  });
  afterAll(async () => {
    await db.destroy();
    await service.close();
  });

  it('replays the log into read models identical, row for row, to the incremental ones, and swaps them in', async () => {
    const notion = (await service.client.createKey('notion', ['INGEST'])).secret;
    const acme = (await service.client.createKey('acme-wiki', ['INGEST'])).secret;
    // Arrivals in several batches, projected incrementally with small batches between them.
    const runner = createProjectionRunner(db);
    const lines = seedDayFile('notion').trim().split('\n');
    for (let i = 0; i < lines.length; i += 700) {
      await service.client.postRaw(notion, 'application/x-ndjson', lines.slice(i, i + 700).join('\n'));
      await runner.step(TIMELINE_PROJECTION, { batchSize: 300 });
    }
    await service.client.postRaw(acme, 'application/x-ndjson', seedDayFile('acme-wiki'));
    await service.client.postEvents(notion, outcomeEvents('late', 500)); // late events into the same morning
    await service.client.postEvents(notion, acrossMidnight()); // the next two days, with an outage across the first midnight
    await projectAll(runner);
    const incremental = await readModels(db);
    expect(incremental.outages.length).toBeGreaterThan(10);
    const midnight = Date.parse('2026-06-08T00:00:00Z') / 60_000;
    const acrossTheNight = incremental.outages.map((row) => JSON.parse(row)).filter((o) => Date.parse(o.start_minute) / 60_000 < midnight && Date.parse(o.end_minute) / 60_000 > midnight);
    expect(acrossTheNight.length).toBeGreaterThan(0);
    expect(incremental.incidents.length).toBeGreaterThan(0);
    expect(incremental.hourRollups.length).toBeGreaterThan(10);
    // Hour, day and ten-day-block rows of the vendor summaries, and where their days end.
    expect(new Set(incremental.vendorSummaries.map((row) => JSON.parse(row).span_minutes))).toEqual(new Set([60, 1440, 14400]));
    expect(incremental.vendorSummaryState).toHaveLength(1);
    expect(await generations(db)).toEqual({ timeline: 1, 'vendor-summaries': 1, alerts: 1 });
    // The hours the timeline summed in Node, batch by batch, are what the SQL sum of their minutes gives.
    await sql`TRUNCATE hour_rollups`.execute(db);
    await new HourRollupRepository().sumAllFromMinutes(db);
    expect((await readModels(db)).hourRollups).toEqual(incremental.hourRollups);

    // A day of the log at a time: the outage across midnight is derived from two stretches' minutes.
    const { stdout } = await run(process.execPath, [cli, 'rebuild', '--batch-size', '2000', '--stretch-mb', '0'], { env: { ...process.env, DATABASE_URL: service.databaseUrl } });
    expect(stdout).toMatch(/Rebuilt every read model from 10040 events/);

    // Every read model, the vendor summaries too, rebuilt equal to what was folded incrementally, one generation later.
    expect(await readModels(db)).toEqual(incremental);
    expect(await generations(db)).toEqual({ timeline: 2, 'vendor-summaries': 2, alerts: 2 });
    const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'read_models_rebuild'`.execute(db);
    expect(rows[0]!.n).toBe(0n);
    expect(await indexNames(db)).toEqual([
      'hour_rollups_pkey', 'incidents_pkey', 'minute_rollups_by_minute', 'minute_rollups_pkey', 'outages_by_end', 'outages_pkey', 'vendor_summaries_pkey', 'vendor_summary_state_pkey',
    ]);
    // Nothing is left for the summaries (or the alerts) to catch up on: the rebuild did everything before swapping.
    const { body } = await service.client.graphql(ADMIN_KEY, '{ projections { name lagEvents generation } }');
    expect(body.data.projections).toEqual([
      { name: 'timeline', lagEvents: 0, generation: 2 },
      { name: 'vendor-summaries', lagEvents: 0, generation: 2 },
      { name: 'alerts', lagEvents: 0, generation: 2 },
    ]);

    // The projections carry on from the rebuilt checkpoints: new events are folded once.
    await service.client.postEvents(notion, outcomeEvents('after-rebuild', 10));
    await projectAll(runner);
    const { rows: total } = await sql<{ n: bigint }>`SELECT sum(successes + errors + timeouts + rate_limited + client_errors) AS n FROM minute_rollups`.execute(db);
    expect(Number(total[0]!.n)).toBe(10_050);
    const { rows: summarized } = await sql<{ n: bigint }>`
      SELECT sum(successes + errors + timeouts + rate_limited + client_errors) AS n FROM vendor_summaries WHERE span_minutes = 60 AND platform = '' AND model = ''`.execute(db);
    expect(Number(summarized[0]!.n)).toBe(10_050);

    // Late events into days that have ended change those days' and ten-day blocks' rows by what
    // their hours did (a new series among them): row for row what a rebuild makes of the log.
    await service.client.postEvents(acme, Array.from({ length: 240 }, (_, i) => outcomeEvent(`late-evening-${i}`, {
      model: i % 3 === 0 ? 'claude-haiku-9' : 'claude-opus-4-7',
      occurredAt: new Date(Date.parse('2026-06-07T20:00:00Z') + i * 60_000).toISOString(),
      outcome: i % 5 === 0 ? 'error' : 'success',
      httpStatus: i % 5 === 0 ? 500 : 200,
      latencyMs: 200 + i,
    })));
    await projectAll(runner);
    const folded = await readModels(db);
    await run(process.execPath, [cli, 'rebuild'], { env: { ...process.env, DATABASE_URL: service.databaseUrl } });
    expect(await readModels(db)).toEqual(folded);
  });

  it('rebuilds an empty log into read models with every key and index, a generation later', async () => {
    const empty = createDatabase({ url: await createTestDatabase(), poolSize: 4 });
    try {
      await createProjectionRunner(empty).rebuild();
      expect(await indexNames(empty)).toEqual(await indexNames(db));
      expect(await generations(empty)).toEqual({ timeline: 2, 'vendor-summaries': 2, alerts: 2 });
    } finally {
      await empty.destroy();
    }
  });

  it('buckets latencies in Node exactly as Postgres does, so a replay can ship them raw', async () => {
    const table = await SketchBuckets.load(db);
    expect(table).not.toBeNull(); // else replays fall back to bucketing in Postgres
    // Every bucket's first value and its neighbours, and random values over the whole int4 range.
    const values = [...SketchBuckets.candidates(), ...Array.from({ length: 20_000 }, (_, i) => (i < 10_000 ? i : Math.floor(Math.random() * 2_147_483_647)))];
    const { rows } = await sql<{ latency_ms: number; bucket: number }>`
      SELECT latency_ms, ${latencyBucketSql(sql.ref('latency_ms'))} AS bucket FROM unnest(${values}::int4[]) AS v(latency_ms)`.execute(db);
    expect(rows).toHaveLength(values.length);
    const disagreeing = rows.filter((row) => table!.of(row.latency_ms) !== row.bucket);
    expect(disagreeing).toEqual([]);
  });

  it('runs one rebuild at a time: a second one started meanwhile is refused and the first one swaps in whole', async () => {
    const before = await readModels(db);
    const [first, second] = await Promise.allSettled([createProjectionRunner(db).rebuild(), createProjectionRunner(db).rebuild()]);
    const outcomes = [first, second].map((r) => r.status).sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const refused = [first, second].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as Error).message).toMatch(/another rebuild is running/);
    expect(await readModels(db)).toEqual(before);
  });
});
