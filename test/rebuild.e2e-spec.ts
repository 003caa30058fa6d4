import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';
import { bucketOf } from '@ledger/event-store';
import { createTimelineProjection, rebuildTimeline, SketchBuckets } from '@ledger/projections';
import { seedDayFile } from './support/seed-day';
import { outcomeEvents } from './support/events';
import { startTestService, TestService } from './support/test-service';

const run = promisify(execFile);
const cli = join(__dirname, '../dist/apps/cli/src/main.js');

/** Every row of the read models, in a stable order, as text. */
async function readModels(db: Database) {
  const rollups = await sql<{ row: string }>`SELECT row_to_json(r)::text AS row FROM minute_rollups r ORDER BY provider, model, platform, minute`.execute(db);
  const outages = await sql<{ row: string }>`SELECT row_to_json(o)::text AS row FROM outages o ORDER BY provider, model, platform, start_minute`.execute(db);
  return { rollups: rollups.rows.map((r) => r.row), outages: outages.rows.map((r) => r.row) };
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
    const projection = createTimelineProjection(db);
    const lines = seedDayFile('notion').trim().split('\n');
    for (let i = 0; i < lines.length; i += 700) {
      await service.client.postRaw(notion, 'application/x-ndjson', lines.slice(i, i + 700).join('\n'));
      await projection.step({ batchSize: 300, deriveOutages: true });
    }
    await service.client.postRaw(acme, 'application/x-ndjson', seedDayFile('acme-wiki'));
    await service.client.postEvents(notion, outcomeEvents('late', 500)); // late events into the same morning
    while ((await projection.step({ batchSize: 1_000, deriveOutages: true })).status === 'folded');
    const incremental = await readModels(db);
    expect(incremental.outages.length).toBeGreaterThan(10);

    const { stdout } = await run(process.execPath, [cli, 'rebuild', '--batch-size', '2000'], { env: { ...process.env, DATABASE_URL: service.databaseUrl } });
    expect(stdout).toMatch(/Rebuilt the timeline from 9240 events/);

    expect(await readModels(db)).toEqual(incremental);
    const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'timeline_rebuild'`.execute(db);
    expect(rows[0]!.n).toBe(0n);
    const indexes = await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE tablename IN ('minute_rollups', 'outages') ORDER BY indexname`.execute(db);
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['minute_rollups_by_minute', 'minute_rollups_pkey', 'outages_by_end', 'outages_pkey']);

    // The projection carries on from the rebuilt checkpoint: new events are folded once.
    await service.client.postEvents(notion, outcomeEvents('after-rebuild', 10));
    while ((await projection.step({ batchSize: 1_000, deriveOutages: true })).status === 'folded');
    const { rows: total } = await sql<{ n: bigint }>`SELECT sum(successes + errors + timeouts + rate_limited + client_errors) AS n FROM minute_rollups`.execute(db);
    expect(Number(total[0]!.n)).toBe(9_250);
  });

  it('buckets latencies in Node exactly as Postgres does, so a replay can ship them raw', async () => {
    const table = await SketchBuckets.load(db);
    expect(table).not.toBeNull(); // else replays fall back to bucketing in Postgres
    // Every bucket's first value and its neighbours, and random values over the whole int4 range.
    const values = [...SketchBuckets.candidates(), ...Array.from({ length: 20_000 }, (_, i) => (i < 10_000 ? i : Math.floor(Math.random() * 2_147_483_647)))];
    const { rows } = await sql<{ latency_ms: number; bucket: number }>`
      SELECT latency_ms, ${bucketOf('latency_ms')} AS bucket FROM unnest(${values}::int4[]) AS v(latency_ms)`.execute(db);
    expect(rows).toHaveLength(values.length);
    const disagreeing = rows.filter((row) => table!.of(row.latency_ms) !== row.bucket);
    expect(disagreeing).toEqual([]);
  });

  it('runs one rebuild at a time: a second one started meanwhile is refused and the first one swaps in whole', async () => {
    const before = await readModels(db);
    const [first, second] = await Promise.allSettled([rebuildTimeline(db), rebuildTimeline(db)]);
    const outcomes = [first, second].map((r) => r.status).sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const refused = [first, second].find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as Error).message).toMatch(/another rebuild of the timeline is running/);
    expect(await readModels(db)).toEqual(before);
  });
});
