import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { sql } from 'kysely';
import { groupIncidents, isOngoing, minuteOf, Outcome, OutcomeEvent } from '@ledger/domain';
import { createDatabase, Database, migrateTo, migrateToLatest, migrationsFolder, withRawClient } from '@ledger/database';
import { AdminEventRepository, OutcomeEventRepository, OutcomeLogReader } from '@ledger/event-store';
import { openTestDatabase } from '../../../test/support/int-database';
import { createEmptyDatabase } from '../../../test/support/test-database';
import { CheckpointRepository } from './checkpoint.repository';
import { DetectionPolicyRepository } from './detection-policy.repository';
import { DetectionPolicyService } from './detection-policy.service';
import { IncidentRepository, ProviderIncident } from './incident.repository';
import { MinuteRollupRepository } from './minute-rollup.repository';
import { OutageDeriver } from './outage-deriver';
import { OutageRepository, SeriesOutage } from './outage.repository';
import { ProjectionRunner } from './projection-runner';
import { incidentsOfOutages } from './replay-outages';
import { TIMELINE_PROJECTION } from './checkpoint.repository';
import { createTimelineProjection } from './timeline.projection';
import { IncidentView, TimelineQueries } from './timeline.queries';

/** Minute indexes from 2026-06-01T00:00Z on. */
const DAY = minuteOf(Date.parse('2026-06-01T00:00:00Z'));
const at = (minute: number) => new Date((DAY + minute) * 60_000);

const incident = (provider: string, start: number, end: number, overrides: Partial<ProviderIncident> = {}): ProviderIncident => ({
  provider, start: DAY + start, end: DAY + end, severity: 'partial_outage', models: ['m-1'], outages: 1, ...overrides,
});

const repository = new IncidentRepository();
const outageRepository = new OutageRepository();
const policyRepository = new DetectionPolicyRepository();

/** A provider's stored incidents, in start order. */
async function storedIncidents(db: Database, provider: string): Promise<ProviderIncident[]> {
  return repository.overlapping(db, { from: new Date(0), to: new Date(4_102_444_800_000), provider });
}

/** What the incidents must be: the provider's stored outages grouped from scratch. */
async function groupedFromStoredOutages(db: Database, provider: string): Promise<ProviderIncident[]> {
  const outages = await outageRepository.search(db, { from: new Date(0), to: new Date(4_102_444_800_000), provider });
  return incidentsOfOutages(outages, await policyRepository.load(db));
}

/**
 * The answer `incidents` gave before incidents were stored: every outage of the provider's model
 * series grouped per query, those overlapping [from, to) kept, ongoing from their outages.
 */
async function groupedPerQuery(db: Database, filter: { from: Date; to: Date; provider: string }, now: number): Promise<IncidentView[]> {
  const policies = await policyRepository.load(db);
  const outages = await outageRepository.search(db, { from: new Date(0), to: new Date(4_102_444_800_000), provider: filter.provider });
  const from = minuteOf(filter.from.getTime());
  const to = filter.to.getTime() / 60_000;
  return groupIncidents(outages, policies.forProvider(filter.provider).mergeGapMinutes)
    .filter((i) => i.end > from && i.start < to)
    .map(({ members, ...incident }) => {
      const modelOutages = members.map((o) => ({ ...o, ongoing: isOngoing(o, policies.forModel(filter.provider, o.model).mergeGapMinutes, now) }));
      return { ...incident, provider: filter.provider, ongoing: modelOutages.some((m) => m.ongoing), modelOutages };
    });
}

describe('IncidentRepository against Postgres', () => {
  let db: Database;
  beforeAll(async () => (db = await openTestDatabase()));
  afterAll(() => db.destroy());

  it('reads incidents back exactly, models in order, whatever characters they hold', async () => {
    const written = [
      incident('roundtrip', 10, 25, { severity: 'major_outage', models: ['a "quoted", model', 'b\\slash', 'c{brace}', 'd\ttab'], outages: 7 }),
      incident('roundtrip', 30, 31, { severity: 'degraded' }),
    ];
    await repository.replaceInSpans(db, [{ provider: 'roundtrip', from: DAY, to: DAY + 1440 }], written);
    expect(await storedIncidents(db, 'roundtrip')).toEqual(written);
  });

  describe('overlapping [from, to)', () => {
    beforeAll(async () => {
      await repository.replaceInSpans(db, [{ provider: 'p-a', from: DAY, to: DAY + 1440 }, { provider: 'p-b', from: DAY, to: DAY + 1440 }], [
        incident('p-a', 10, 20), incident('p-a', 30, 40), incident('p-a', 50, 200), incident('p-a', 300, 301),
        incident('p-b', 35, 36), incident('p-b', 100, 110),
      ]);
    });
    const starts = (list: ProviderIncident[]) => list.map((i) => `${i.provider}@${i.start - DAY}`);

    it('finds the incident reaching into the window, not one ending at its start nor one starting at its end', async () => {
      expect(starts(await repository.overlapping(db, { from: at(20), to: at(50), provider: 'p-a' }))).toEqual(['p-a@30']);
      expect(starts(await repository.overlapping(db, { from: at(19), to: at(51), provider: 'p-a' }))).toEqual(['p-a@10', 'p-a@30', 'p-a@50']);
      // A long incident that began well before the window.
      expect(starts(await repository.overlapping(db, { from: at(150), to: at(160), provider: 'p-a' }))).toEqual(['p-a@50']);
      // Windows that do not start or end on a minute.
      expect(starts(await repository.overlapping(db, { from: new Date(at(19).getTime() + 59_999), to: new Date(at(30).getTime() + 1), provider: 'p-a' })))
        .toEqual(['p-a@10', 'p-a@30']);
      expect(starts(await repository.overlapping(db, { from: new Date(at(20).getTime() + 1), to: new Date(at(30).getTime() - 1), provider: 'p-a' }))).toEqual([]);
      expect(await repository.overlapping(db, { from: at(0), to: at(1000), provider: 'nobody' })).toEqual([]);
    });

    it('reads every provider\'s in (start, provider) order', async () => {
      const all = (await repository.overlapping(db, { from: at(15), to: at(120) })).filter((i) => i.provider.startsWith('p-'));
      expect(starts(all)).toEqual(['p-a@10', 'p-a@30', 'p-b@35', 'p-a@50', 'p-b@100']);
    });

    it('touches the closed range: incidents ending at its start or starting at its end count', async () => {
      const [touched, none] = await repository.touching(db, [{ provider: 'p-a', from: DAY + 40, to: DAY + 50 }, { provider: 'p-a', from: DAY + 41, to: DAY + 49 }]);
      expect(starts(touched!)).toEqual(['p-a@30', 'p-a@50']);
      expect(none).toEqual([]);
    });

    it('replaces only the incidents starting in a span', async () => {
      await repository.replaceInSpans(db, [{ provider: 'p-b', from: DAY + 100, to: DAY + 101 }], [incident('p-b', 100, 105, { models: ['m-2'] })]);
      expect(starts(await storedIncidents(db, 'p-b'))).toEqual(['p-b@35', 'p-b@100']);
      expect((await storedIncidents(db, 'p-b'))[1]).toEqual(incident('p-b', 100, 105, { models: ['m-2'] }));
      expect(starts(await storedIncidents(db, 'p-a'))).toEqual(['p-a@10', 'p-a@30', 'p-a@50', 'p-a@300']);
    });
  });

  it('copies incidents into a rebuild\'s aside table', async () => {
    const list = [incident('copied', 1, 5, { models: ['m,1', 'm "2"'], outages: 2 }), incident('copied', 9, 10)];
    await withRawClient(db, async (client) => {
      await client.query('BEGIN');
      try {
        await client.query('CREATE SCHEMA incident_copy_aside');
        await client.query('CREATE TABLE incident_copy_aside.incidents (LIKE public.incidents INCLUDING ALL)');
        await client.query('SET LOCAL search_path TO incident_copy_aside, public');
        await repository.copyIn(client, list);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    });
    const read = await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL search_path TO incident_copy_aside, public`.execute(trx);
      return repository.overlapping(trx, { from: at(0), to: at(100), provider: 'copied' });
    });
    expect(read).toEqual(list);
    expect(await storedIncidents(db, 'copied')).toEqual([]);
  });
});

/**
 * The incidents the timeline projection keeps, driven through the log: after every step they equal
 * grouping the stored outages from scratch, and a rebuild's.
 */
describe('incidents kept by the timeline projection', () => {
  let db: Database;
  let log: OutcomeEventRepository;
  let runner: ProjectionRunner;
  let policies: DetectionPolicyService;
  let serial = 0;

  beforeAll(async () => {
    db = await openTestDatabase();
    log = new OutcomeEventRepository(db);
    runner = new ProjectionRunner(db, new OutcomeLogReader(), new CheckpointRepository(), [createTimelineProjection()]);
    const rollups = new MinuteRollupRepository();
    policies = new DetectionPolicyService(
      db, policyRepository, new AdminEventRepository(), rollups, new OutageDeriver(rollups, outageRepository, repository),
    );
  });
  afterAll(() => db.destroy());

  /** Minutes of one model: `fail` 6 errors (a major outage minute), `heal` 150 successes, `ok` 6 successes. */
  type Kind = 'fail' | 'heal' | 'ok';
  const COUNTS: Record<Kind, [Outcome, number]> = { fail: ['error', 6], heal: ['success', 150], ok: ['success', 6] };

  async function post(provider: string, model: string, minutes: readonly number[], kind: Kind): Promise<void> {
    const [outcome, count] = COUNTS[kind];
    const events: OutcomeEvent[] = minutes.flatMap((minute) => Array.from({ length: count }, (_, i) => {
      const occurredAt = at(minute).getTime() + i * 100;
      return {
        id: `e-${serial++}`, provider, model, outcome, httpStatus: outcome === 'error' ? 529 : 200, errorCode: null,
        latencyMs: 800, ttftMs: null, occurredAt, occurredAtIso: new Date(occurredAt).toISOString(),
      };
    }));
    await log.append('notion', events);
  }

  async function project(batchSize = 10_000): Promise<void> {
    while ((await runner.step(TIMELINE_PROJECTION, { batchSize })).status === 'folded');
  }

  const spans = (list: readonly ProviderIncident[]) => list.map((i) => `${i.start - DAY}-${i.end - DAY} ${i.models.join('+')} ×${i.outages}`);

  it('bridges two incidents with a late outage between them, splits them again when it heals, and follows the merge gap', async () => {
    const provider = 'bridge';
    await post(provider, 'm-1', [0, 1], 'fail');
    await post(provider, 'm-2', [10, 11], 'fail');
    await project();
    expect(spans(await storedIncidents(db, provider))).toEqual(['0-2 m-1 ×1', '10-12 m-2 ×1']);

    // Late: m-3 fails from minute 4 to 7, two minutes from each (the default merge gap).
    await post(provider, 'm-3', [4, 5, 6, 7], 'fail');
    await project();
    expect(spans(await storedIncidents(db, provider))).toEqual(['0-12 m-1+m-2+m-3 ×3']);

    // Late events that change no outage leave the incidents as they were.
    await post(provider, 'm-1', [30], 'ok');
    await post(provider, 'm-2', [10], 'fail');
    await project();
    expect(spans(await storedIncidents(db, provider))).toEqual(['0-12 m-1+m-2+m-3 ×3']);

    // Healing m-3's first and last minutes leaves it more than the gap from both.
    await post(provider, 'm-3', [4, 7], 'heal');
    await project();
    expect(spans(await storedIncidents(db, provider))).toEqual(['0-2 m-1 ×1', '5-7 m-3 ×1', '10-12 m-2 ×1']);

    // A wider merge gap for the provider groups them again; a narrower one apart.
    await policies.set({ provider, model: null, mergeGapMinutes: 3 }, null);
    expect(spans(await storedIncidents(db, provider))).toEqual(['0-12 m-1+m-2+m-3 ×3']);
    await policies.set({ provider, model: null, mergeGapMinutes: 0 }, null);
    expect(spans(await storedIncidents(db, provider))).toEqual(['0-2 m-1 ×1', '5-7 m-3 ×1', '10-12 m-2 ×1']);
    expect(await storedIncidents(db, provider)).toEqual(await groupedFromStoredOutages(db, provider));

    // Read as the `incidents` query reads them: the answers of grouping per query, ongoing as now goes by.
    const queries = new TimelineQueries(db, new MinuteRollupRepository(), outageRepository, repository, policyRepository, null as never);
    const seen = new Set<boolean>();
    for (const [from, to] of [[0, 1440], [3, 6], [-100, 1], [2, 5], [12, 20]] as const) {
      for (const nowMinute of [-5, 6, 7, 12, 13, 14, 100]) {
        const filter = { from: at(from), to: at(to), provider };
        const now = at(nowMinute).getTime() + 30_000;
        const expected = await groupedPerQuery(db, filter, now);
        expect(await queries.incidentsIn(filter, now)).toEqual(expected);
        expect(await queries.incidentSummariesIn(filter, now)).toEqual(expected.map(({ modelOutages: _, ...summary }) => summary));
        for (const i of expected) seen.add(i.ongoing);
      }
    }
    expect([...seen].sort()).toEqual([false, true]);
  });

  it('keeps the incidents equal to grouping the stored outages after every step, whatever the arrival order, batches and policy changes, and equal to a rebuild', async () => {
    const minuteArb = fc.record({
      model: fc.constantFrom('m-1', 'm-2', 'm-3'),
      minutes: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 4 }),
      kind: fc.constantFrom<Kind>('fail', 'fail', 'heal', 'ok'),
    });
    let run = 0;
    const shapes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(minuteArb, { minLength: 1, maxLength: 14 }),
        fc.array(fc.integer({ min: 5, max: 2_000 }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.record({ after: fc.nat(), gap: fc.integer({ min: 0, max: 6 }) })),
        async (arrivals, batchSizes, policyChange) => {
          const provider = `prop-${run++}`;
          for (const [k, { model, minutes, kind }] of arrivals.entries()) {
            await post(provider, model, minutes, kind);
            await runner.step(TIMELINE_PROJECTION, { batchSize: batchSizes[k % batchSizes.length]! });
            expect(await storedIncidents(db, provider)).toEqual(await groupedFromStoredOutages(db, provider));
            if (policyChange !== null && policyChange.after % arrivals.length === k) {
              await policies.set({ provider, model: null, mergeGapMinutes: policyChange.gap }, null);
              expect(await storedIncidents(db, provider)).toEqual(await groupedFromStoredOutages(db, provider));
            }
          }
          await project(batchSizes[0]);
          const incremental = await storedIncidents(db, provider);
          expect(incremental).toEqual(await groupedFromStoredOutages(db, provider));
          for (const i of incremental) shapes.add(i.outages > 1 ? 'grouped' : 'single');
          if (incremental.length > 1) shapes.add('several');
          // A rebuild from the log (of every run so far) agrees; later runs carry on from it.
          if (run % 5 === 0) {
            await runner.rebuild();
            expect(await storedIncidents(db, provider)).toEqual(incremental);
          }
        },
      ),
      { numRuns: 30 },
    );
    // The generated arrivals must exercise grouping, not just agree on nothing.
    expect([...shapes].sort()).toEqual(['grouped', 'several', 'single']);
    // And the whole table equals a rebuild's at the end.
    const everything = async () => (await sql<{ row: string }>`SELECT row_to_json(i)::text AS row FROM incidents i ORDER BY provider, start_minute`.execute(db)).rows;
    const before = await everything();
    await runner.rebuild();
    expect(await everything()).toEqual(before);
  });
});

describe('the incidents migration', () => {
  it('groups the outages stored before it, with each provider\'s merge gap', async () => {
    const db = createDatabase({ url: await createEmptyDatabase(), poolSize: 2 });
    try {
      const files = readdirSync(migrationsFolder()).filter((f) => f.endsWith('.sql')).sort();
      const mine = files.indexOf('2026-12-01T2300_incidents.sql');
      await migrateTo(db, files[mine - 1]!.replace(/\.sql$/, ''));
      const outage = (provider: string, model: string, platform: string | null, start: number, end: number, severity: string): SeriesOutage => ({
        provider, model, platform, start: DAY + start, end: DAY + end, severity: severity as SeriesOutage['severity'],
        peakFailures: 1, peakEligible: 2, eligibleRequests: 10, failedRequests: 3, platformsAffected: 1,
      });
      const outages = [
        outage('anthropic', 'opus-8', null, 61, 63, 'degraded'),
        outage('anthropic', 'opus-7', null, 62, 86, 'major_outage'),
        outage('anthropic', 'opus-8', null, 64, 91, 'partial_outage'),
        outage('anthropic', 'opus-7', null, 88, 89, 'degraded'),
        outage('anthropic', 'opus-7', null, 95, 96, 'degraded'),
        outage('anthropic', 'opus-7', 'notion', 92, 94, 'major_outage'), // one platform's: not an incident's
        outage('openai', 'gpt-5.1', null, 10, 11, 'degraded'),
        outage('openai', 'gpt-5', null, 10, 11, 'partial_outage'),
        outage('openai', 'gpt-5', null, 15, 16, 'degraded'), // 4 after: within openai's gap of 4
      ];
      for (const o of outages) await outageRepository.replaceInWindows(db, [{ series: o, from: o.start, to: o.end }], [o]);
      await sql`INSERT INTO detection_policies (provider, model, min_samples, degraded_at, partial_at, major_at, merge_gap_minutes, live_window_minutes, updated_at)
                VALUES ('openai', '', 5, 0.05, 0.25, 0.75, 4, 5, now())`.execute(db);

      await migrateToLatest(db);

      const expected = incidentsOfOutages(outages, await policyRepository.load(db));
      expect(spans(expected)).toEqual(['anthropic 61-91 opus-7+opus-8 ×4 major_outage', 'anthropic 95-96 opus-7 ×1 degraded', 'openai 10-16 gpt-5+gpt-5.1 ×3 partial_outage']);
      const stored = [...await storedIncidents(db, 'anthropic'), ...await storedIncidents(db, 'openai')];
      expect(stored).toEqual(expected);
    } finally {
      await db.destroy();
    }
  });

  const spans = (list: readonly ProviderIncident[]) => list.map((i) => `${i.provider} ${i.start - DAY}-${i.end - DAY} ${i.models.join('+')} ×${i.outages} ${i.severity}`);
});
