import { SingleBar, Presets } from 'cli-progress';
import type { ContractInput } from '@ledger/domain';
import type { Database } from '@ledger/database';
import { ApiKeyRepository, ApiKeyService } from '@ledger/auth';
import { ActionIngestService, AdminEventRepository, IngestService, OutcomeEventRepository, PlatformActionRepository } from '@ledger/event-store';
import { IncidentImportService, ProviderIncidentRepository, StatusComponentRepository, StatusComponentService } from '@ledger/provider-status';
import { createProjectionRunner } from '@ledger/runtime';
import { ContractRepository, ContractService, MaintenanceRepository } from '@ledger/reporting';
import { DEMO_ACTIONS, DEMO_MONTH_START, DEMO_PLATFORMS, DEMO_STATUS_COMPONENTS, DEMO_STATUS_FEEDS, demoEvents } from './demo-data';

const CONTRACTS: ContractInput[] = [
  {
    platform: 'notion', provider: 'anthropic', timeZone: 'America/New_York', targetPercent: '99.95',
    policy: { kind: 'DOWNTIME_MINUTES', errorRateThreshold: '0.05', minSamples: 1, minConsecutiveMinutes: 1 },
    creditTiers: [{ uptimeBelow: '99.95', creditPercent: '10' }, { uptimeBelow: '99.0', creditPercent: '25' }],
    monthlyFee: { amount: '48250.00', currency: 'USD' }, effectiveFrom: '2026-01-01T00:00:00Z',
  },
  {
    platform: 'acme-wiki', provider: 'openai', targetPercent: '99.9', policy: { kind: 'AVERAGE_ERROR_RATE', windowMinutes: 5 },
    creditTiers: [{ uptimeBelow: '99.9', creditPercent: '10' }, { uptimeBelow: '99.5', creditPercent: '30' }],
    monthlyFee: { amount: '12000.00', currency: 'EUR' }, effectiveFrom: '2026-03-01T00:00:00Z',
  },
  {
    platform: 'docsco', provider: 'google', timeZone: 'Asia/Tokyo', targetPercent: '99.5', policy: { kind: 'REQUEST_SUCCESS_RATIO' },
    countRateLimited: true, creditTiers: [{ uptimeBelow: '99.5', creditPercent: '15' }],
    monthlyFee: { amount: '900000', currency: 'JPY' }, effectiveFrom: '2026-05-15T00:00:00Z',
  },
];

/**
 * The demo: a synthetic June 2026 ingested through the normal path (validation, idempotent
 * append), the read models projected, example contracts defined. Safe to run again. `baseUrl`
 * is where the service answers (its PORT), for the links printed at the end.
 */
export async function runDemo(db: Database, print: (line: string) => void, baseUrl: string): Promise<void> {
  const keys = new ApiKeyService(db, new ApiKeyRepository(db), new AdminEventRepository());
  const existing = new Set((await keys.list()).filter((k) => k.revokedAt === null).map((k) => k.platform));
  for (const platform of DEMO_PLATFORMS) {
    if (!existing.has(platform)) await keys.create({ platform, scopes: ['ingest', 'read'], name: `${platform} (demo)` }, null);
  }

  const { total, accepted } = await ingestMonth(db);
  await project(db);
  const actions = await new ActionIngestService(db, new PlatformActionRepository()).ingest('notion', DEMO_ACTIONS);
  if (actions.rejected.length > 0) throw new Error(`demo actions were rejected: ${JSON.stringify(actions.rejected[0])}`);
  const feeds = await importStatusPages(db);

  const contracts = new ContractService(db, new ContractRepository(), new MaintenanceRepository(), new AdminEventRepository());
  const defined = await contracts.list({});
  const ids: string[] = [];
  for (const input of CONTRACTS) {
    const found = defined.find((c) => c.terms.platform === input.platform && c.terms.provider === input.provider);
    ids.push(found?.id ?? (await contracts.define(input, null)).id);
  }

  print('');
  print(`Loaded ${count(total)} events for June 2026 (${count(accepted)} new) and projected them.`);
  print(`Recorded notion's ${DEMO_ACTIONS.length} actions on 7 June (${actions.accepted} new), and the providers' status pages for June (${feeds} incidents new or changed).`);
  print('');
  print('Contracts:');
  CONTRACTS.forEach((c, i) => {
    print(`  ${ids[i]}  ${c.platform} → ${c.provider}, target ${c.targetPercent} %, ${c.policy.kind}, ${c.timeZone ?? 'UTC'}, fee ${c.monthlyFee.amount} ${c.monthlyFee.currency}`);
  });
  print('');
  print('Status pages (sign in with a key that has the read scope, or start the service with STATUS_PAGE=public):');
  print(`  ${baseUrl}/status?at=2026-06-30                               June as it ended: strips, uptime, incidents`);
  print(`  ${baseUrl}/status/compare?from=2026-06-01&to=2026-06-30       the vendors compared over June`);
  print('');
  print(`Where to look (GraphiQL at ${baseUrl}/graphql with an admin key as "Authorization: Bearer …";`);
  print('create one with: npm run cli -- keys create --scopes admin):');
  print('  { incidents(from: "2026-06-07T00:00:00Z", to: "2026-06-08T00:00:00Z", provider: "anthropic") { start end severity models outages } }');
  print('  { vendorComparison(from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z") { rank provider model availabilityPercent outages mttrMinutes p95LatencyMs } }');
  print('  { credits(period: "2026-06") { totals { currency amount } lines { contract platform provider uptimePercent creditAmount { amount currency } } } }');
  print(`  { slaReport(contractId: "${ids[0]}", period: "2026-06") { uptimePercent met downtimeMinutes creditAmount { amount currency } evidence { start end minutes } } }`);
  print('  { actionReport(from: "2026-06-07T00:00:00Z", to: "2026-06-08T00:00:00Z", platform: "notion", provider: "anthropic") { routedAwayMinutes routedAwayWhileHealthyMinutes perOutage { model timeToActionMinutes restoreLagMinutes } } }');
  print('  { statusPageAccuracy(from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z", provider: "google", minSeverity: PARTIAL_OUTAGE) { outages acknowledgedOutages unacknowledgedOutageMinutes medianAcknowledgementDelayMinutes incidentsWithoutMeasuredImpact } }');
  print(`  CSV for finance: curl -H "Authorization: Bearer $KEY" "${baseUrl}/v1/reports/credits.csv?period=2026-06"`);
}

const count = (n: number) => n.toLocaleString('en-US');

/** The providers' component mappings and June incidents, imported as an operator would (POST /v1/provider-incidents). Returns the incidents new or changed. */
async function importStatusPages(db: Database): Promise<number> {
  const components = new StatusComponentService(db, db, new StatusComponentRepository(), new AdminEventRepository());
  const imports = new IncidentImportService(db, new ProviderIncidentRepository());
  let changed = 0;
  for (const [provider, mapping] of Object.entries(DEMO_STATUS_COMPONENTS)) {
    // Set once: each change is an admin event, and a second run changes nothing.
    if (JSON.stringify(await components.list(provider)) !== JSON.stringify(mapping)) await components.set(provider, mapping, null);
    const result = await imports.importFeed(provider, DEMO_STATUS_FEEDS[provider], 'upload');
    changed += result.imported + result.updated;
  }
  return changed;
}
const DAY_MS = 86_400_000;

/** The month's events through the ingest path, a batch per platform at a time; progress in days of June, with an ETA. */
async function ingestMonth(db: Database): Promise<{ total: number; accepted: number }> {
  const ingest = new IngestService(new OutcomeEventRepository(db));
  const bar = progressBar('ingesting  [{bar}] day {value} of {total} | {events} events, {accepted} new, {duplicates} already stored | ETA {eta_formatted}');
  bar.start(30, 0, { events: '0', accepted: '0', duplicates: '0' });
  const buffers = new Map<string, unknown[]>();
  let total = 0;
  let accepted = 0;
  let duplicates = 0;
  let day = 0;
  const flush = async (platform: string) => {
    const batch = buffers.get(platform) ?? [];
    if (batch.length === 0) return;
    const result = await ingest.ingest(platform, batch);
    if (result.rejected.length > 0) throw new Error(`demo events were rejected: ${JSON.stringify(result.rejected[0])}`);
    accepted += result.accepted;
    duplicates += result.duplicates;
    buffers.set(platform, []);
    bar.update(day, { events: count(total), accepted: count(accepted), duplicates: count(duplicates) });
  };
  for (const { platform, event } of demoEvents()) {
    const batch = buffers.get(platform) ?? [];
    batch.push(event);
    buffers.set(platform, batch);
    total++;
    day = Math.floor((Date.parse(event.occurredAt) - DEMO_MONTH_START) / DAY_MS);
    if (batch.length >= 10_000) await flush(platform);
  }
  day = 30;
  for (const platform of DEMO_PLATFORMS) await flush(platform);
  bar.stop();
  return { total, accepted };
}

/** Folds what was ingested into every read model (a running worker may be doing it too: each projection's lock lets one at a time). */
async function project(db: Database): Promise<void> {
  const runner = createProjectionRunner(db);
  for (const { name } of runner.projections) {
    const behind = (await runner.states()).find((p) => p.name === name)!.lagEvents;
    const bar = progressBar(`projecting ${name.padEnd(16)} [{bar}] {value} of {total} events | ETA {eta_formatted}`);
    bar.start(Math.max(1, behind), 0);
    let folded = 0;
    // A second at a time, so that the bar moves; until the projection has nothing left to fold.
    for (;;) {
      const step = await runner.catchUp(name, { batchSize: 50_000, wait: true, budgetMs: 1_000 });
      folded += step;
      bar.update(Math.min(folded, behind));
      if (step === 0 || folded >= behind) break;
    }
    bar.update(Math.max(1, behind));
    bar.stop();
  }
}

function progressBar(format: string): SingleBar {
  // Redrawn in place on a terminal; elsewhere (a log, CI) a line now and then, and nothing left behind.
  return new SingleBar({
    format, hideCursor: true, clearOnComplete: false, stopOnComplete: false, etaBuffer: 20, noTTYOutput: !process.stderr.isTTY, notTTYSchedule: 5_000,
    // Counts with thousands separators, as everywhere else.
    formatValue: (value, _options, type) => (type === 'value' || type === 'total' ? count(Number(value)) : String(value)),
  }, Presets.shades_classic);
}
