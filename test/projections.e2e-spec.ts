import fc from 'fast-check';
import { createDatabase, Database } from '@ledger/database';
import { MinuteRollupRepository, OutageRepository, ProjectionRunner, TIMELINE_PROJECTION, TimelineQueries } from '@ledger/projections';
import { createProjectionRunner } from '@ledger/runtime';
import { bruteForceCounts, bruteForceIncidents, bruteForceOutages, compareOutages, RawEvent } from './support/brute-force';
import { startTestService, TestService } from './support/test-service';

const BASE = Date.UTC(2026, 5, 7, 9, 0, 0);
const PLATFORMS = ['notion', 'acme-wiki'] as const;

describe('the timeline projection', () => {
  let service: TestService;
  let db: Database;
  let runner: ProjectionRunner;
  let queries: TimelineQueries;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    // The API alone: this spec drives the projection itself, with batch sizes of its choosing.
    service = await startTestService({ ROLE: 'api' });
    db = createDatabase({ url: service.databaseUrl, poolSize: 4 });
    runner = createProjectionRunner(db);
    queries = service.app.get(TimelineQueries);
    for (const p of PLATFORMS) keys[p] = (await service.client.createKey(p, ['INGEST'])).secret;
  });
  afterAll(async () => {
    await db.destroy();
    await service.close();
  });

  async function projectAll(batchSize = 10_000): Promise<void> {
    while ((await runner.step(TIMELINE_PROJECTION, { batchSize })).status === 'folded');
  }

  async function storedOutages(provider: string) {
    const rows = await new OutageRepository().search(db, { from: new Date(0), to: new Date(BASE + 86_400_000), provider, platforms: 'all' });
    return rows
      .map((o) => ({
        provider: o.provider,
        model: o.model,
        platform: o.platform,
        start: new Date(o.start * 60_000).toISOString(),
        end: new Date(o.end * 60_000).toISOString(),
        severity: o.severity,
        eligibleRequests: o.eligibleRequests,
        failedRequests: o.failedRequests,
        peakErrorRate: o.peakFailures / o.peakEligible,
        platformsAffected: o.platformsAffected,
      }))
      .sort(compareOutages);
  }

  async function storedCounts(provider: string) {
    const rollups = await new MinuteRollupRepository().range(db, { provider, from: new Date(0), to: new Date(BASE + 86_400_000) });
    return new Map(
      rollups.map((r) => [
        `${r.provider}/${r.model}/${r.platform}/${r.minute}`,
        { success: r.counts.successes, error: r.counts.errors, timeout: r.counts.timeouts, rate_limited: r.counts.rateLimited, client_error: r.counts.clientErrors },
      ]),
    );
  }

  const eventArb = fc.record({
    platform: fc.constantFrom(...PLATFORMS),
    model: fc.constantFrom('m-1', 'm-2'),
    minute: fc.integer({ min: 0, max: 12 }),
    second: fc.integer({ min: 0, max: 59 }),
    outcome: fc.constantFrom('success', 'success', 'success', 'error', 'timeout', 'rate_limited', 'client_error'),
    latencyMs: fc.integer({ min: 0, max: 20_000 }),
  });
  // Minutes where one model fails hard, so that outages of every severity appear.
  const burstArb = fc.array(fc.record({ model: fc.constantFrom('m-1', 'm-2'), minute: fc.integer({ min: 0, max: 12 }), failures: fc.integer({ min: 1, max: 6 }) }), { maxLength: 8 });

  let run = 0;
  const severitiesSeen = new Set<string>();
  it('derives exactly the outages, incidents and counts of a brute-force reading of the raw log, whatever the arrival order and batch boundaries, incrementally and by rebuild', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 150, maxLength: 400 }),
        burstArb,
        fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 10 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 2 })),
        async (plain, bursts, chunkSizes, batchSizes, stepsAfterChunk) => {
          const provider = `prop-${run++}`;
          const events: (RawEvent & { id: string })[] = plain.map((e, i) => ({
            id: `${provider}-${i}`, provider, platform: e.platform, model: e.model,
            occurredAt: BASE + e.minute * 60_000 + e.second * 1_000, outcome: e.outcome as RawEvent['outcome'], latencyMs: e.latencyMs,
          }));
          bursts.forEach((b, i) => {
            for (let f = 0; f < b.failures; f++) {
              events.push({ id: `${provider}-b${i}-${f}`, provider, platform: PLATFORMS[f % 2]!, model: b.model, occurredAt: BASE + b.minute * 60_000 + f * 1_000, outcome: 'error', latencyMs: null });
            }
          });
          // Arrival order is the generated order (late minutes arrive after later ones); chunks and steps interleave.
          let offset = 0;
          let c = 0;
          while (offset < events.length) {
            const chunk = events.slice(offset, offset + chunkSizes[c % chunkSizes.length]!);
            offset += chunk.length;
            for (const platform of PLATFORMS) {
              const mine = chunk.filter((e) => e.platform === platform);
              if (mine.length === 0) continue;
              const { status } = await service.client.postEvents(keys[platform]!, mine.map(({ platform: _, ...e }) => ({ ...e, occurredAt: new Date(e.occurredAt).toISOString() })));
              expect(status).toBe(200);
            }
            const steps = stepsAfterChunk.next().value;
            for (let s = 0; s < steps; s++) await runner.step(TIMELINE_PROJECTION, { batchSize: batchSizes[(c + s) % batchSizes.length]! });
            c++;
          }
          await projectAll(batchSizes[0]);

          const expected = bruteForceOutages(events);
          expect(await storedOutages(provider)).toEqual(expected);
          expect(await storedCounts(provider)).toEqual(bruteForceCounts(events));
          expected.forEach((o) => severitiesSeen.add(o.severity));
          const window = { from: new Date(BASE - 86_400_000), to: new Date(BASE + 86_400_000), provider };
          const incidents = await queries.incidentsIn(window);
          expect(incidents.map((i) => ({
            provider: i.provider, start: new Date(i.start * 60_000).toISOString(), end: new Date(i.end * 60_000).toISOString(),
            severity: i.severity, models: i.models, outages: i.outages,
          }))).toEqual(bruteForceIncidents(expected));

          // A rebuild from the log (every run so far, folded in one pass) agrees too; later runs carry on incrementally from it.
          await createProjectionRunner(db).rebuild();
          expect(await storedOutages(provider)).toEqual(expected);
          expect(await storedCounts(provider)).toEqual(bruteForceCounts(events));
          // The incidents too (stored by the timeline projection: replayed, they must equal the incremental ones).
          expect(await queries.incidentsIn(window)).toEqual(incidents);
        },
      ),
      { numRuns: 25 },
    );
    // The generated data must exercise the derivation, not just agree on "no outages".
    expect([...severitiesSeen].sort()).toEqual(['degraded', 'major_outage', 'partial_outage']);
  });
});
