import { Kysely, sql } from 'kysely';
import { minuteOf, Outage } from '@ledger/domain';
import { Database, DB, withRawClient } from '@ledger/database';
import { openTestDatabase } from '../../../test/support/int-database';
import type { SeriesKey } from './minute-rollup.repository';
import { OutageRepository, SeriesOutage } from './outage.repository';

/** Minute indexes from 2026-06-01T00:00Z on. */
const DAY = minuteOf(Date.parse('2026-06-01T00:00:00Z'));

function outage(start: number, end: number, overrides: Partial<Outage> = {}): Outage {
  return {
    start: DAY + start,
    end: DAY + end,
    severity: 'partial_outage',
    peakFailures: 7,
    peakEligible: 20,
    eligibleRequests: 120,
    failedRequests: 31,
    platformsAffected: 2,
    ...overrides,
  };
}

const inSeries = (series: SeriesKey, o: Outage): SeriesOutage => ({ ...series, ...o });

const repository = new OutageRepository();
/** One window's worth of the repository's windowed reads and writes. */
const outages = {
  overlapping: async (db: Kysely<DB>, series: SeriesKey, from: number, to: number) => (await repository.overlappingWindows(db, [{ series, from, to }]))[0]!,
  replace: (db: Kysely<DB>, series: SeriesKey, from: number, to: number, list: readonly Outage[]) =>
    repository.replaceInWindows(db, [{ series, from, to }], list.map((o) => inSeries(series, o))),
  search: repository.search.bind(repository),
  copyIn: repository.copyIn.bind(repository),
};
const starts = (outages: readonly Outage[]) => outages.map((o) => o.start - DAY);

describe('OutageRepository against Postgres', () => {
  let db: Database;
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  it('reads an outage back exactly, for the all-platform series and for one platform\'s', async () => {
    const all: SeriesKey = { provider: 'roundtrip', model: 'claude-opus-4-7', platform: null };
    const notion: SeriesKey = { ...all, platform: 'notion' };
    // Request counts beyond 32 bits: the columns are bigint.
    const big = outage(10, 25, { severity: 'major_outage', eligibleRequests: 5_000_000_001, failedRequests: 4_999_999_999, platformsAffected: 14 });
    await outages.replace(db, all, DAY, DAY + 1440, [big]);
    await outages.replace(db, notion, DAY, DAY + 1440, [outage(12, 13, { severity: 'degraded', platformsAffected: 1 })]);

    expect(await outages.overlapping(db, all, DAY, DAY + 1440)).toEqual([inSeries(all, big)]);
    expect(await outages.overlapping(db, notion, DAY, DAY + 1440)).toEqual([inSeries(notion, outage(12, 13, { severity: 'degraded', platformsAffected: 1 }))]);
    const { rows } = await sql<{ platform: string }>`SELECT platform FROM outages WHERE provider = 'roundtrip' ORDER BY platform`.execute(db);
    expect(rows).toEqual([{ platform: '' }, { platform: 'notion' }]);
  });

  describe('overlapping', () => {
    const series: SeriesKey = { provider: 'overlap', model: 'gpt-5', platform: null };
    beforeAll(async () => {
      await outages.replace(db, series, DAY, DAY + 1440, [outage(100, 110), outage(10, 20), outage(50, 51)]);
      // Neighbours that must not leak in: another model, another platform, another provider.
      await outages.replace(db, { ...series, model: 'gpt-5-mini' }, DAY, DAY + 1440, [outage(10, 20)]);
      await outages.replace(db, { ...series, platform: 'notion' }, DAY, DAY + 1440, [outage(10, 20)]);
      await outages.replace(db, { ...series, provider: 'overlap-2' }, DAY, DAY + 1440, [outage(10, 20)]);
    });
    const found = async (from: number, to: number) => starts(await outages.overlapping(db, series, DAY + from, DAY + to));

    it('finds the series\' outages overlapping [from, to), earliest first, and no other series\'', async () => {
      expect(await found(0, 1440)).toEqual([10, 50, 100]);
    });

    it('treats outage ends and range ends as exclusive', async () => {
      expect(await found(20, 50)).toEqual([]); // [10, 20) ends where the range starts; [50, 51) starts where it ends
      expect(await found(19, 50)).toEqual([10]);
      expect(await found(20, 51)).toEqual([50]);
      expect(await found(105, 106)).toEqual([100]); // inside one
    });
  });

  describe('replace', () => {
    const series: SeriesKey = { provider: 'replace', model: 'm-1', platform: 'notion' };
    const neighbour: SeriesKey = { ...series, platform: null };
    beforeEach(async () => {
      await outages.replace(db, series, DAY - 10_000, DAY + 10_000, [outage(0, 30), outage(40, 45), outage(60, 70), outage(80, 90)]);
      await outages.replace(db, neighbour, DAY - 10_000, DAY + 10_000, [outage(40, 45)]);
    });
    const current = async (key: SeriesKey) => starts(await outages.overlapping(db, key, DAY - 10_000, DAY + 10_000));

    it('swaps the outages that start in [from, to) for the new ones, and keeps those starting outside', async () => {
      // [0, 30) starts before the window (though it reaches into it); [80, 90) starts at its end.
      await outages.replace(db, series, DAY + 20, DAY + 80, [outage(35, 75, { severity: 'major_outage' })]);

      expect(await current(series)).toEqual([0, 35, 80]);
      expect((await outages.overlapping(db, series, DAY + 35, DAY + 36))[0]?.severity).toBe('major_outage');
    });

    it('empties the window when there is nothing to put back', async () => {
      await outages.replace(db, series, DAY + 40, DAY + 61, []);

      expect(await current(series)).toEqual([0, 80]);
    });

    it('touches no other series', async () => {
      await outages.replace(db, series, DAY - 10_000, DAY + 10_000, []);

      expect(await current(series)).toEqual([]);
      expect(await current(neighbour)).toEqual([40]);
    });

    it('refuses two outages of one series starting at the same minute', async () => {
      const replacing = outages.replace(db, series, DAY + 100, DAY + 200, [outage(150, 151), outage(150, 160)]);

      await expect(replacing).rejects.toMatchObject({ code: '23505' });
    });
  });

  describe('search', () => {
    // Three providers' outages on one day, in several series each.
    beforeAll(async () => {
      const put = (provider: string, model: string, platform: string | null, list: Outage[]) =>
        outages.replace(db, { provider, model, platform }, DAY, DAY + 1440, list);
      await put('search-a', 'm-1', null, [outage(100, 120), outage(300, 301)]);
      await put('search-a', 'm-1', 'notion', [outage(100, 110)]);
      await put('search-a', 'm-1', 'acme', [outage(105, 120)]);
      await put('search-a', 'm-2', null, [outage(100, 101)]);
      await put('search-b', 'm-1', null, [outage(50, 200)]);
      await put('search-b', 'm-1', 'notion', [outage(60, 70)]);
    });
    const window = { from: new Date((DAY + 90) * 60_000), to: new Date((DAY + 250) * 60_000) };
    const keys = (found: readonly SeriesOutage[]) =>
      found.filter((o) => o.provider.startsWith('search-')).map((o) => `${o.start - DAY} ${o.provider}/${o.model}/${o.platform ?? '*'}`);

    it('answers the all-platform series only when no platform is named, by start, provider, model', async () => {
      expect(keys(await outages.search(db, window))).toEqual(['50 search-b/m-1/*', '100 search-a/m-1/*', '100 search-a/m-2/*']);
    });

    it('answers one platform\'s series when a platform is named', async () => {
      expect(keys(await outages.search(db, { ...window, platform: 'notion' }))).toEqual(['100 search-a/m-1/notion']);
    });

    it('answers every series when asked for all platforms, by start, provider, model, platform', async () => {
      expect(keys(await outages.search(db, { ...window, platforms: 'all' }))).toEqual([
        '50 search-b/m-1/*', '100 search-a/m-1/*', '100 search-a/m-1/notion', '100 search-a/m-2/*', '105 search-a/m-1/acme',
      ]);
    });

    it('narrows by provider and model', async () => {
      expect(keys(await outages.search(db, { ...window, provider: 'search-a', model: 'm-1', platforms: 'all' }))).toEqual([
        '100 search-a/m-1/*', '100 search-a/m-1/notion', '105 search-a/m-1/acme',
      ]);
      expect(keys(await outages.search(db, { ...window, provider: 'search-b' }))).toEqual(['50 search-b/m-1/*']);
    });

    it('gives the same outages as `overlapping`, minutes and counts included', async () => {
      const series: SeriesKey = { provider: 'search-a', model: 'm-1', platform: null };
      const searched = (await outages.search(db, { ...window, provider: 'search-a', model: 'm-1' }));

      expect(searched).toEqual(await outages.overlapping(db, series, DAY + 90, DAY + 250));
    });

    it('keeps ranges half-open: an outage ending at `from` is not found', async () => {
      const found = await outages.search(db, { from: new Date((DAY + 301) * 60_000), to: new Date((DAY + 400) * 60_000), provider: 'search-a' });
      expect(keys(found)).toEqual([]);
    });
  });

  describe('copyIn (rebuilds)', () => {
    const ASIDE = 'outage_copy_aside';

    /** Like a rebuild: a bare outages table created in the transaction that COPYs into it, found first on the search_path. */
    async function copyAside(list: SeriesOutage[]): Promise<void> {
      await withRawClient(db, async (client) => {
        await client.query('BEGIN');
        try {
          await client.query(`DROP SCHEMA IF EXISTS ${ASIDE} CASCADE`);
          await client.query(`CREATE SCHEMA ${ASIDE}`);
          await client.query(`CREATE TABLE ${ASIDE}.outages (LIKE public.outages INCLUDING DEFAULTS)`);
          await client.query(`SET LOCAL search_path TO ${ASIDE}, public`);
          await outages.copyIn(client, list);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      });
    }

    /** Reads the aside table back through the repository, as the rebuild's catch-up does. */
    const readAside = (series: SeriesKey) =>
      db.transaction().execute(async (trx) => {
        await sql`SET LOCAL search_path TO ${sql.id(ASIDE)}, public`.execute(trx);
        return outages.overlapping(trx, series, DAY - 100_000, DAY + 100_000);
      });

    it('writes every outage, across COPY chunks, into the table on the search path, and reads back the same', async () => {
      const series: SeriesKey = { provider: 'copied', model: 'm-1', platform: null };
      // More than one 2,000-row chunk of COPY text.
      const many = Array.from({ length: 4_321 }, (_, i) => inSeries(series, outage(i * 10, i * 10 + 3, { eligibleRequests: i, failedRequests: i % 7 })));
      const onePlatform = inSeries({ ...series, platform: 'notion' }, outage(5, 6));

      await copyAside([...many, onePlatform]);

      expect(await readAside(series)).toEqual(many);
      expect(await readAside(onePlatform)).toEqual([onePlatform]);
      const { rows } = await sql<{ n: bigint }>`SELECT count(*) AS n FROM outages WHERE provider = 'copied'`.execute(db);
      expect(rows[0]!.n).toBe(0n); // the public table is untouched until a swap
    });

    it('escapes text that COPY would otherwise split or unescape', async () => {
      const awkward: SeriesKey = { provider: 'copied-awkward', model: 'tab\there\\back\nline\rreturn', platform: 'plat\\N' };

      await copyAside([inSeries(awkward, outage(1, 2))]);

      expect(await readAside(awkward)).toEqual([inSeries(awkward, outage(1, 2))]);
    });

    it('cannot write into a table the transaction did not create (COPY FREEZE): it is for rebuilds only', async () => {
      const writing = withRawClient(db, async (client) => {
        await client.query('BEGIN');
        try {
          await outages.copyIn(client, [inSeries({ provider: 'copied-public', model: 'm-1', platform: null }, outage(1, 2))]);
        } finally {
          await client.query('ROLLBACK');
        }
      });

      await expect(writing).rejects.toThrow(/FREEZE/);
      expect(await outages.overlapping(db, { provider: 'copied-public', model: 'm-1', platform: null }, DAY, DAY + 10)).toEqual([]);
    });
  });
});
