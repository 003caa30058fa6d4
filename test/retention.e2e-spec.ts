import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createDatabase, Database } from '@ledger/database';
import { outcomeEvent } from './support/events';
import { createTestDatabase } from './support/test-database';
import { startTestService, TestService, waitForProjections } from './support/test-service';
import { verifyDayArchive } from '../libs/event-store/src/archive/archive-files';

const run = promisify(execFile);
const cli = join(__dirname, '../dist/apps/cli/src/main.js');
const DAY_MS = 86_400_000;
const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const dayOf = (epoch: number) => new Date(epoch).toISOString().slice(0, 10);
/** Five days long past a ten-day retention. */
const OLD_DAYS = [20, 19, 18, 17, 16].map((back) => dayOf(today - back * DAY_MS));

/** A day of traffic: `perDay` successes over the day, and 30 minutes of errors from 09:00 (an outage to keep). */
function dayOfTraffic(day: string, perDay: number, prefix: string): Record<string, unknown>[] {
  const start = Date.parse(`${day}T00:00:00Z`);
  const steady = Array.from({ length: perDay }, (_, i) =>
    outcomeEvent(`${prefix}-${day}-${i}`, {
      model: i % 3 === 0 ? 'claude-sonnet-4-6' : 'claude-opus-4-7',
      occurredAt: new Date(start + Math.floor((i * DAY_MS) / perDay)).toISOString(),
      latencyMs: 200 + (i % 700),
    }));
  const burst = Array.from({ length: 300 }, (_, i) =>
    outcomeEvent(`${prefix}-${day}-burst-${i}`, {
      occurredAt: new Date(start + 9 * 3_600_000 + i * 6_000).toISOString(),
      outcome: i % 4 === 0 ? 'success' : 'error',
      httpStatus: i % 4 === 0 ? 200 : 529,
    }));
  return [...steady, ...burst];
}

async function post(service: TestService, key: string, events: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < events.length; i += 5_000) {
    const { status, body } = await service.client.postEvents(key, events.slice(i, i + 5_000));
    if (status !== 200 || body.rejected.length > 0) throw new Error(`ingest answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  }
}

/** The read models a day's events are folded into, as comparable text. */
async function readModels(db: Database, before: string): Promise<{ rollups: string[]; outages: string[] }> {
  const rollups = await sql<{ r: string }>`
    SELECT concat_ws('/', provider, model, platform, minute, successes, errors, timeouts, rate_limited, client_errors, encode(latency_sketch, 'hex')) AS r
    FROM minute_rollups WHERE minute < ${before}::date ORDER BY 1`.execute(db);
  const outages = await sql<{ r: string }>`
    SELECT concat_ws('/', provider, model, platform, start_minute, end_minute, severity) AS r FROM outages WHERE start_minute < ${before}::date ORDER BY 1`.execute(db);
  return { rollups: rollups.rows.map((x) => x.r), outages: outages.rows.map((x) => x.r) };
}

const dayTables = async (db: Database) =>
  (await sql<{ name: string }>`SELECT relname AS name FROM pg_class WHERE relkind = 'r' AND relname ~ '^outcome_events_[0-9]{8}$' ORDER BY 1`.execute(db)).rows.map((r) => r.name);
const tableOf = (day: string) => `outcome_events_${day.replaceAll('-', '')}`;

describe('raw-event retention: archive, verify, drop, restore', () => {
  let archiveDir: string;
  beforeAll(async () => {
    archiveDir = await mkdtemp(join(tmpdir(), 'ledger-retention-'));
  });
  afterAll(() => rm(archiveDir, { recursive: true, force: true }));

  it('archives and drops expired days while ingest runs; a restore and a rebuild give back the same rollups and outages', async () => {
    const databaseUrl = await createTestDatabase();
    const sla = (...args: string[]) => run(process.execPath, [cli, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, ARCHIVE_DIR: archiveDir } });
    // The service keeps 30 days (and refuses older events); the operator archives down to 10 by hand.
    const service = await startTestService({ DATABASE_URL: databaseUrl, ROLE: 'all', RAW_EVENTS_RETENTION_DAYS: '30', ARCHIVE_DIR: archiveDir });
    const db = createDatabase({ url: databaseUrl, poolSize: 2 });
    try {
      const key = (await service.client.createKey('notion', ['INGEST'])).secret;
      const tooOld = dayOf(today - 31 * DAY_MS);
      const refused = await service.client.postEvents(key, [outcomeEvent('too-old', { occurredAt: `${tooOld}T23:59:59.999Z` })]);
      expect(refused.body).toEqual({ accepted: 0, duplicates: 0, rejected: [{ index: 0, id: 'too-old', errors: [
        `occurredAt ${tooOld}T23:59:59.999Z is before ${dayOf(today - 30 * DAY_MS)}: raw events are kept 30 days, older days are archived`,
      ] }] });
      await post(service, key, OLD_DAYS.flatMap((day) => dayOfTraffic(day, 3_000, 'old')));
      await waitForProjections(service.client);
      const cutoff = dayOf(today - 11 * DAY_MS);
      const folded = await readModels(db, cutoff);
      expect(folded.outages.length).toBeGreaterThan(0);

      // Live traffic keeps arriving while the expired days are archived.
      let stop = false;
      let live = 0;
      const ingest = (async () => {
        for (let round = 0; !stop; round++) {
          const batch = Array.from({ length: 500 }, (_, i) =>
            outcomeEvent(`live-${round}-${i}`, { occurredAt: new Date(Date.now() - 60_000 - i).toISOString() }));
          await post(service, key, batch);
          live += batch.length;
        }
      })();
      let archived: string;
      try {
        archived = (await sla('archive', 'run', '--retention-days', '10')).stdout;
      } finally {
        stop = true;
        await ingest;
      }

      for (const day of OLD_DAYS) expect(archived).toContain(`${day}  archived 3,300 events`);
      expect(await dayTables(db)).toEqual(expect.not.arrayContaining(OLD_DAYS.map(tableOf)));
      expect(live).toBeGreaterThan(0);
      expect(Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM outcome_events WHERE event_id LIKE 'live-%'`.execute(db)).rows[0]!.n)).toBe(live);
      // The read models of archived days stay.
      await waitForProjections(service.client);
      expect(await readModels(db, cutoff)).toEqual(folded);
      const listed = (await sla('archive', 'list')).stdout;
      for (const day of OLD_DAYS) expect(listed).toMatch(new RegExp(`${day} +3,300 +archived \\(not in the log\\)`));
      expect((await sla('archive', 'verify')).stdout).toContain('5 archived days checked, 0 with problems.');

      // A rebuild now would lose them: refused until they are restored.
      await expect(sla('rebuild')).rejects.toMatchObject({ stderr: expect.stringContaining('5 archived days are not in the log') });
      const restored = (await sla('archive', 'restore', '--from', OLD_DAYS[0]!, '--to', OLD_DAYS.at(-1)!)).stdout;
      expect(restored).toContain('Restored 16,500 events of 5 days.');
      await sla('rebuild');

      expect(await readModels(db, cutoff)).toEqual(folded);
    } finally {
      await db.destroy();
      await service.close();
    }
  });

  it('leaves every day in the log, in a verified archive, or both when the archiver is killed at any moment', async () => {
    const databaseUrl = await createTestDatabase();
    const dir = await mkdtemp(join(archiveDir, 'killed-'));
    const service = await startTestService({ DATABASE_URL: databaseUrl, ROLE: 'all' });
    const db = createDatabase({ url: databaseUrl, poolSize: 2 });
    try {
      const key = (await service.client.createKey('notion', ['INGEST'])).secret;
      await post(service, key, OLD_DAYS.flatMap((day) => dayOfTraffic(day, 20_000, 'kill')));
      await waitForProjections(service.client);
      await service.close();

      const everyDayIsSomewhere = async () => {
        const tables = new Set(await dayTables(db));
        const catalog = new Set((await db.selectFrom('outcome_archives').select('day').execute()).map((r) => r.day));
        for (const day of OLD_DAYS) {
          if (tables.has(tableOf(day))) continue;
          expect(catalog.has(day)).toBe(true);
          expect(await verifyDayArchive(dir, day)).toMatchObject({ problems: [] });
        }
      };

      // Kill it later each time, until one run finishes on its own.
      const phases: string[] = [];
      let finished = false;
      for (let delay = 1_000; !finished && delay < 30_000; delay += 150) {
        const child = spawn(process.execPath, [cli, 'archive', 'run', '--retention-days', '10'], {
          env: { ...process.env, DATABASE_URL: databaseUrl, ARCHIVE_DIR: dir }, stdio: 'ignore',
        });
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        const timer = setTimeout(() => child.kill('SIGKILL'), delay);
        const code = await exited;
        clearTimeout(timer);
        finished = code === 0;
        if (!finished) expect(code).toBeNull(); // killed, not failed
        await everyDayIsSomewhere();
        phases.push(`${delay} ms: ${(await dayTables(db)).filter((t) => OLD_DAYS.map(tableOf).includes(t)).length} day tables, folders ${(await readdir(join(dir, 'outcome-events')).catch(() => [])).join(' ')}`);
      }
      expect(finished).toBe(true);
      console.log(`archiver killed at:\n  ${phases.join('\n  ')}`);

      expect(await dayTables(db)).toEqual(expect.not.arrayContaining(OLD_DAYS.map(tableOf)));
      const catalog = await db.selectFrom('outcome_archives').select(['day', 'events']).orderBy('day').execute();
      expect(catalog.map((r) => [r.day, Number(r.events)])).toEqual(OLD_DAYS.map((day) => [day, 20_300]));
      expect(await readdir(join(dir, 'outcome-events'))).toEqual(OLD_DAYS);
    } finally {
      await db.destroy();
      await service.close().catch(() => undefined);
    }
  });
});

