import { sql } from 'kysely';
import { EvidenceReader } from '@ledger/event-store';
import { createDatabase, Database } from '@ledger/database';
import { ProjectionRunner, RollupChangeRepository, TIMELINE_PROJECTION } from '@ledger/projections';
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
  const traffic = new ContractTrafficRepository(new RollupChangeRepository());
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
    // Three connections: a rebuild holds its lock on one and its tables on another while it reads the log on a third.
    db = createDatabase({ url: service.databaseUrl, poolSize: 3 });
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

  it('reads again only the days that changed, and the pieces add up to what a fresh read gives, under every policy', async () => {
    // A Berlin month (it starts at 22:00 UTC), maintenance across a midnight, and windows that do not divide a day.
    await service.client.graphql(ADMIN_KEY, `mutation { declareMaintenance(input: { provider: "pieces", start: "2026-06-11T23:30:00Z", end: "2026-06-12T00:45:00Z", reason: "upgrade" }) { id } }`);
    const policies = ['{ kind: DOWNTIME_MINUTES, minConsecutiveMinutes: 2 }', '{ kind: REQUEST_SUCCESS_RATIO }', '{ kind: AVERAGE_ERROR_RATE, windowMinutes: 7 }'];
    const contracts: string[] = [];
    for (const policy of policies) {
      const { body } = await service.client.graphql(ADMIN_KEY, `mutation { defineContract(input: { platform: "docsco", provider: "pieces", timeZone: "Europe/Berlin",
        targetPercent: "99.9", policy: ${policy}, monthlyFee: { amount: "100.00", currency: "USD" }, effectiveFrom: "2026-01-01T00:00:00Z" }) { id } }`);
      contracts.push(body.data.defineContract.id);
    }
    const now = Date.UTC(2026, 7, 1);
    const cached = reports();
    const compare = async () => {
      for (const id of contracts) {
        const report = await cached.report(id, '2026-06', null, now);
        const fresh = await new SlaReportService(db, new ContractRepository(), new MaintenanceRepository(), traffic, new TrafficCache(), new StatementRepository(), new EvidenceReader()).report(id, '2026-06', null, now);
        expect(report).toEqual(fresh);
      }
    };
    // Failures around midnights (UTC and Berlin), in and around the maintenance.
    let n = 0;
    const burst = (isoMinute: string, failures: number, successes = 2) => Array.from({ length: failures + successes }, (_, i) => outcomeEvent(`p-${n++}`, {
      provider: 'pieces', model: i % 2 === 0 ? 'alpha' : 'beta', occurredAt: new Date(Date.parse(isoMinute) + i * 1_000).toISOString(),
      ...(i < failures ? { outcome: 'error', httpStatus: 503 } : {}),
    }));
    await post(key, [...burst('2026-05-31T22:00:00Z', 3), ...burst('2026-06-11T23:59:00Z', 2), ...burst('2026-06-12T00:00:00Z', 2), ...burst('2026-06-20T10:00:00Z', 0, 5)]);
    await compare();
    const readsBefore = reads.mock.calls.length;

    // June 12th changes: the whole month is read again, day by day, in one statement per summary
    // (the first two contracts share theirs: a summary depends on the threshold, not the policy).
    await post(key, burst('2026-06-12T00:01:00Z', 4));
    await compare();
    const stretches = (calls: unknown[][]) => calls.map(([, scopes]) => (scopes as { stretch?: { start: number; end: number } }[]).map((s) => s.stretch));
    const dayByDay = stretches(reads.mock.calls.slice(readsBefore)).filter((call) => call.length > 1);
    expect(dayByDay.map((call) => call.length)).toEqual([31, Math.ceil((30 * 1_440) / 1_435)]);

    // Then June 20th and the last minutes of the Berlin month: only the pieces around them.
    const readsBetween = reads.mock.calls.length;
    await post(key, [...burst('2026-06-20T10:30:00Z', 3), ...burst('2026-06-30T21:59:00Z', 2)]);
    await compare();
    const again = stretches(reads.mock.calls.slice(readsBetween)).filter((call) => call[0] !== undefined); // not the fresh reads
    // Cut at UTC midnights: June 20th, and June 30th up to the Berlin month's end.
    expect(again[0]).toEqual([
      { start: Date.UTC(2026, 5, 20), end: Date.UTC(2026, 5, 21) }, { start: Date.UTC(2026, 5, 30), end: Date.UTC(2026, 5, 30, 22) },
    ]);
    // Cut every 205 windows of 7 minutes: each changed UTC day overlaps at most two such pieces.
    expect(again[1]!.length).toBeLessThanOrEqual(4);
    for (const stretch of again[1]!) expect(stretch!.end - stretch!.start).toBeLessThanOrEqual(1_435 * 60_000);
    expect(again).toHaveLength(2);

    // A batch folded between reading the days changed and reading the pieces, changing a day
    // whose piece was kept: the two reads saw different versions and the kept piece is out of
    // date, so both are read again in one snapshot, and the report is still exact.
    const changesSince = traffic.changesSince.bind(traffic);
    const foldingBetween = (isoMinute: string) => jest.spyOn(traffic, 'changesSince').mockImplementationOnce(async (...args) => {
      const changes = await changesSince(...args);
      await post(key, burst(isoMinute, 3));
      return changes;
    });
    const between = foldingBetween('2026-06-25T08:00:00Z');
    try {
      await post(key, burst('2026-06-24T08:00:00Z', 3));
      await compare(); // the fresh reports are read after: they see that batch too
      // The first contract's three times: alone, the check of its kept pieces, then in one snapshot.
      expect(between.mock.calls).toHaveLength(policies.length + 2);
    } finally {
      between.mockRestore();
    }

    // The same, but the batch changed only a day being read again anyway: what was read is exact
    // at the later version with the pieces kept, and no snapshot is needed.
    const sameDay = foldingBetween('2026-06-26T09:00:00Z');
    try {
      const readsBefore = reads.mock.calls.length;
      await post(key, burst('2026-06-26T08:00:00Z', 3));
      await compare();
      // The first contract's twice: alone, then the check of its kept pieces.
      expect(sameDay.mock.calls).toHaveLength(policies.length + 1);
      // The cached reports read changed pieces twice in all: the first contract's once (the
      // second shares its summary) and the third's once; not the first contract's again in a snapshot.
      const pieceReads = reads.mock.calls.slice(readsBefore).filter(([, scopes]) => (scopes as { stretch?: unknown }[]).every((s) => s.stretch !== undefined));
      expect(pieceReads).toHaveLength(2);
    } finally {
      sameDay.mockRestore();
    }
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
