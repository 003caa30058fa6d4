import { sql } from 'kysely';
import { EvidenceReader, OutcomeLogReader } from '@ledger/event-store';
import { createDatabase, Database } from '@ledger/database';
import { ProjectionRunner, TIMELINE_PROJECTION } from '@ledger/projections';
import { createProjectionRunner } from '@ledger/runtime';
import { ContractRepository, ContractTrafficRepository, MaintenanceRepository, SlaReportService, StatementRepository, TrafficCache } from '@ledger/reporting';
import { outcomeEvent } from './support/events';
import { ADMIN_KEY, startTestService, TestService } from './support/test-service';

/**
 * The report service's cache of traffic summaries, against real folding: a summary is served
 * again only while no folded event can have changed it, and read again otherwise.
 */
describe('SLA traffic summary cache', () => {
  let service: TestService;
  let db: Database;
  let runner: ProjectionRunner;
  let key: string;
  let acme: string;
  let contractId: string;
  const traffic = new ContractTrafficRepository(new OutcomeLogReader());
  const reports = () => new SlaReportService(db, new ContractRepository(), new MaintenanceRepository(), traffic, cache, new StatementRepository(), new EvidenceReader());
  let cache: TrafficCache;
  let reads: jest.SpyInstance;

  const fold = async () => {
    while ((await runner.step(TIMELINE_PROJECTION, { batchSize: 1_000 })).status === 'folded');
  };
  const post = async (platformKey: string, events: Record<string, unknown>[]) => {
    const { status, body } = await service.client.postEvents(platformKey, events);
    expect([status, body.rejected]).toEqual([200, []]);
    await fold();
  };
  const june = async () => reports().report(contractId, '2026-06', null, Date.UTC(2026, 7, 1));

  beforeAll(async () => {
    service = await startTestService({ ROLE: 'api' });
    db = createDatabase({ url: service.databaseUrl, poolSize: 2 });
    runner = createProjectionRunner(db);
    key = (await service.client.createKey('docsco', ['INGEST'])).secret;
    acme = (await service.client.createKey('acme', ['INGEST'])).secret;
    await post(key, Array.from({ length: 20 }, (_, i) => outcomeEvent(`ok-${i}`, {
      provider: 'vendor', model: 'alpha', occurredAt: new Date(Date.UTC(2026, 5, 10) + i * 60_000).toISOString(),
    })));
    const { body } = await service.client.graphql(ADMIN_KEY, `mutation { defineContract(input: { platform: "docsco", provider: "vendor", targetPercent: "99.9",
      policy: { kind: DOWNTIME_MINUTES }, monthlyFee: { amount: "100.00", currency: "USD" }, effectiveFrom: "2026-01-01T00:00:00Z" }) { id } }`);
    contractId = body.data.defineContract.id;
  });
  beforeEach(() => {
    cache = new TrafficCache();
    reads = jest.spyOn(traffic, 'summarise');
  });
  afterEach(() => reads.mockRestore());
  afterAll(async () => {
    await db.destroy();
    await service.close();
  });

  it('serves a summary again until an event of its platform, provider and period is folded', async () => {
    const first = await june();
    expect(first).toMatchObject({ eventsCounted: 20, downtimeMinutes: 0 });
    expect(await june()).toEqual(first);
    expect(reads).toHaveBeenCalledTimes(1);

    // Folded, but another platform's, and this platform's July: the June summary still holds.
    await post(acme, [outcomeEvent('acme-1', { provider: 'vendor', model: 'alpha', occurredAt: '2026-06-10T00:00:30Z', outcome: 'error' })]);
    await post(key, [outcomeEvent('july-1', { provider: 'vendor', model: 'alpha', occurredAt: '2026-07-02T00:00:00Z', outcome: 'error' })]);
    expect(await june()).toEqual(first);
    expect(reads).toHaveBeenCalledTimes(1);

    // A late failure in June: read again, and it shows.
    await post(key, [outcomeEvent('late-1', { provider: 'vendor', model: 'alpha', occurredAt: '2026-06-10T00:00:40Z', outcome: 'error' })]);
    expect(await june()).toMatchObject({ eventsCounted: 21, downtimeMinutes: 1 });
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('reads again after a rebuild, which swaps in new read models one generation later', async () => {
    const before = await june();
    expect(await june()).toEqual(before);
    expect(reads).toHaveBeenCalledTimes(1);
    const generation = async () => (await sql<{ g: bigint }>`SELECT generation AS g FROM projection_checkpoints WHERE name = ${TIMELINE_PROJECTION}`.execute(db)).rows[0]!.g;
    const was = await generation();

    // Same log, same checkpoint position: only the generation tells the cache the tables changed.
    await runner.rebuild();
    expect(await generation()).toBe(was + 1n);
    expect(await june()).toEqual(before);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(await june()).toEqual(before);
    expect(reads).toHaveBeenCalledTimes(2);
  });
});
