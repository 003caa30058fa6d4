import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { OutcomeEvent } from '@ledger/domain';
import type { Database } from '@ledger/database';
import { openTestDatabase } from '../../../../test/support/int-database';
import { OutcomeEventRepository } from '../outcome-event.repository';
import { OutcomeLogReader } from '../outcome-log.reader';
import { dayFolder } from './archive-files';
import { OutcomeLogArchiver } from './outcome-log-archiver';

const PROJECTION = 'archive-spec-projection';

function event(id: string, occurredAtIso: string, overrides: Partial<OutcomeEvent> = {}): OutcomeEvent {
  return {
    id, provider: 'anthropic', model: 'claude-opus-4-7', outcome: 'success', httpStatus: 200, errorCode: null, latencyMs: 900, ttftMs: 120,
    ...overrides, occurredAt: Date.parse(occurredAtIso), occurredAtIso: new Date(occurredAtIso).toISOString(),
  };
}

/** Every column of a day's events, positions included, as text: what an archive and a restore must keep. */
async function dayRows(db: Database, day: string): Promise<string[]> {
  const { rows } = await sql<{ row: string }>`
    SELECT concat_ws('|', global_position, transaction_id, platform, event_id, provider, model, occurred_at AT TIME ZONE 'UTC', occurred_on,
                     outcome, http_status, error_code, latency_ms, ttft_ms, recorded_at AT TIME ZONE 'UTC') AS row
    FROM outcome_events WHERE occurred_on = ${day}::date ORDER BY transaction_id, global_position`.execute(db);
  return rows.map((r) => r.row);
}

const partitions = async (db: Database) =>
  (await sql<{ name: string }>`SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'outcome_events'::regclass ORDER BY 1`.execute(db)).rows.map((r) => r.name);

/** Every projection has folded the whole log. */
const foldEverything = (db: Database) => sql`
  INSERT INTO projection_checkpoints (name, transaction_id, global_position)
  SELECT ${PROJECTION}, transaction_id, global_position FROM outcome_events ORDER BY 1 DESC, 2 DESC LIMIT 1
  ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id, global_position = excluded.global_position`.execute(db);

describe('OutcomeLogArchiver against Postgres and files', () => {
  let db: Database;
  let root: string;
  let archiver: OutcomeLogArchiver;
  const log = () => new OutcomeEventRepository(db);

  beforeAll(async () => {
    db = await openTestDatabase();
    root = await mkdtemp(join(tmpdir(), 'ledger-archive-'));
    archiver = new OutcomeLogArchiver(db, root, [PROJECTION]);
    await log().append('notion', [
      event('plain', '2030-01-01T00:00:00.000Z'),
      event('awkward\t"quoted" \\back\\slash\\ «ü» \\N', '2030-01-01T12:34:56.789Z', { outcome: 'error', httpStatus: 529, errorCode: 'over\\loaded\n"x"', latencyMs: null, ttftMs: null }),
      event('last', '2030-01-01T23:59:59.999Z', { outcome: 'timeout', httpStatus: null }),
      event('next-day', '2030-01-02T00:00:00.000Z'),
    ]);
    await log().append('globex', [event('plain', '2030-01-01T06:00:00.000Z', { provider: 'openai', model: 'gpt-5', outcome: 'rate_limited', httpStatus: 429 })]);
  });
  afterAll(async () => {
    await db.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it('leaves a day in the log while a projection has not folded all of it', async () => {
    await sql`DELETE FROM projection_checkpoints WHERE name = ${PROJECTION}`.execute(db);

    expect(await archiver.archiveDay('2030-01-01')).toBeNull();

    expect(await partitions(db)).toContain('outcome_events_20300101');
    expect(await readdir(root).catch(() => [])).not.toContain('2030-01-01');
  });

  it('archives a day to verified files, drops its partition, and restores it with every column and position as it was', async () => {
    await foldEverything(db);
    const before = await dayRows(db, '2030-01-01');
    const otherDay = await dayRows(db, '2030-01-02');

    const manifest = await archiver.archiveDay('2030-01-01');

    expect(manifest).toMatchObject({ day: '2030-01-01', events: 4, firstOccurredAt: '2030-01-01T00:00:00.000Z', lastOccurredAt: '2030-01-01T23:59:59.999Z' });
    expect(await partitions(db)).not.toContain('outcome_events_20300101');
    expect(await dayRows(db, '2030-01-01')).toEqual([]);
    expect(await dayRows(db, '2030-01-02')).toEqual(otherDay);
    expect(await archiver.verify(['2030-01-01'])).toEqual([expect.objectContaining({ day: '2030-01-01', problems: [] })]);
    expect(await archiver.list()).toEqual(expect.arrayContaining([
      { day: '2030-01-01', state: 'archived', events: 4, sha256: manifest!.sha256 },
      { day: '2030-01-02', state: 'in-log', events: null, sha256: null },
    ]));
    expect(await new OutcomeLogReader().archivedDaysOutOfLog(db)).toContain('2030-01-01');
    // An event of an archived day never starts a new partition (which would be archived over the first).
    await expect(log().append('notion', [event('late', '2030-01-01T05:00:00Z')])).rejects.toThrow('the outcome events of 2030-01-01 are archived');

    expect(await archiver.restore(['2030-01-01'])).toBe(4);

    expect(await dayRows(db, '2030-01-01')).toEqual(before);
    expect((await archiver.list()).find((d) => d.day === '2030-01-01')?.state).toBe('restored');
    await expect(archiver.restore(['2030-01-01'])).rejects.toThrow('2030-01-01 is in the log already');
  });

  it('writes the same archive again for a restored day, and drops it again', async () => {
    const first = (await archiver.list()).find((d) => d.day === '2030-01-01')!;

    const again = await archiver.archiveDay('2030-01-01');

    expect(again?.sha256).toBe(first.sha256);
    expect(await partitions(db)).not.toContain('outcome_events_20300101');
  });

  it('finds an archive whose file was changed, or whose manifest is gone', async () => {
    await log().append('notion', [event('tamper', '2030-02-01T10:00:00Z')]);
    await foldEverything(db);
    await archiver.archiveDay('2030-02-01');
    const file = join(dayFolder(root, '2030-02-01'), 'events.ndjson.gz');
    const bytes = await readFile(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 5) ^ 0xff, bytes.length - 5);
    await writeFile(file, bytes);

    const [tampered] = await archiver.verify(['2030-02-01']);
    expect(tampered!.problems.join()).toMatch(/SHA-256|unreadable/);
    await expect(archiver.restore(['2030-02-01'])).rejects.toThrow('does not verify');

    await rm(join(dayFolder(root, '2030-02-01'), 'manifest.json'));
    expect((await archiver.verify(['2030-02-01']))[0]!.problems.join()).toMatch(/no readable manifest/);
  });

  it('archives only days older than the retention and its day of grace', async () => {
    const now = Date.parse('2030-03-10T08:00:00Z');
    await log().append('notion', ['2030-03-07', '2030-03-08', '2030-03-09', '2030-03-10'].map((day) => event(`retained-${day}`, `${day}T12:00:00Z`)));
    await foldEverything(db);

    // Two days of retention: ingest accepts the 8th on; the 7th is the day of grace.
    const archived = await archiver.applyRetention(2, now);

    expect(archived.map((m) => m.day)).toEqual(['2030-01-02']);
    expect(await partitions(db)).toEqual(expect.arrayContaining(['outcome_events_20300307', 'outcome_events_20300308', 'outcome_events_20300310']));
    expect((await archiver.applyRetention(2, now + 86_400_000)).map((m) => m.day)).toEqual(['2030-03-07']);
  });

  it('finishes what a crash left: a half-written folder, a day detached but not dropped', async () => {
    await log().append('notion', [event('crash', '2030-04-01T10:00:00Z')]);
    await foldEverything(db);
    const rows = await dayRows(db, '2030-04-01');
    await sql`ALTER TABLE outcome_events DETACH PARTITION outcome_events_20300401`.execute(db);
    await mkdir(join(root, 'outcome-events', '.2030-04-01.partial'), { recursive: true });

    await archiver.recover();

    expect(await readdir(join(root, 'outcome-events'))).not.toContain('.2030-04-01.partial');
    expect((await archiver.list()).find((d) => d.day === '2030-04-01')).toMatchObject({ state: 'archived', events: 1 });
    await archiver.restore(['2030-04-01']);
    expect(await dayRows(db, '2030-04-01')).toEqual(rows);
  });

  it('puts a detached day back into the log when a projection has not folded it', async () => {
    await log().append('notion', [event('unfolded', '2030-05-01T10:00:00Z')]);
    await sql`ALTER TABLE outcome_events DETACH PARTITION outcome_events_20300501`.execute(db);

    await archiver.recover();

    expect(await partitions(db)).toContain('outcome_events_20300501');
    expect(await dayRows(db, '2030-05-01')).toHaveLength(1);
  });
});
