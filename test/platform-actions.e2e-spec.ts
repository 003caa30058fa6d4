import { createDatabase } from '@ledger/database';
import { createProjectionRunner } from '@ledger/runtime';
import { seedDayExpected, seedDayFile } from './support/seed-day';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

/**
 * Platform actions (concepts §11) over HTTP and GraphQL on the seed day: notion disabled
 * Anthropic at 09:04 and enabled it again at 21:06. Every figure is computed here from the
 * definitions — minute statuses from the raw events with the documented default thresholds, the
 * outages from the seed day's expected outages — not by the service's code.
 */

const MINUTE = 60_000;
const DAY = Date.UTC(2026, 5, 7);
const hm = (h: number, m: number) => DAY + (h * 60 + m) * MINUTE;
const DISABLE = hm(9, 4);
const ENABLE = hm(21, 6);

interface Outage {
  model: string;
  start: number;
  end: number;
}

/** Per model and minute over all platforms: failures (errors and timeouts) and eligible requests (successes and failures). */
function minuteCounts(lines: readonly string[]): Map<string, { failures: number; eligible: number }> {
  const counts = new Map<string, { failures: number; eligible: number }>();
  for (const line of lines) {
    const e = JSON.parse(line) as { provider: string; model: string; occurredAt: string; outcome: string };
    if (e.provider !== 'anthropic') continue;
    const key = `${e.model} ${Math.floor(Date.parse(e.occurredAt) / MINUTE)}`;
    const c = counts.get(key) ?? { failures: 0, eligible: 0 };
    counts.set(key, c);
    if (e.outcome === 'error' || e.outcome === 'timeout') c.failures++;
    if (e.outcome === 'error' || e.outcome === 'timeout' || e.outcome === 'success') c.eligible++;
  }
  return counts;
}

/** The figures of concepts §11 for the notion actions above, by hand. */
function expectedReport(lines: readonly string[], outages: readonly Outage[]) {
  const counts = minuteCounts(lines);
  const models = ['claude-opus-4-7', 'claude-opus-4-8'];
  // Fewer than 5 eligible requests is no data; 5 % or more failing is degraded or worse (the defaults).
  const healthy = (model: string, minuteStart: number) => {
    const c = counts.get(`${model} ${minuteStart / MINUTE}`);
    if (c === undefined || c.eligible < 5) return !outages.some((o) => o.model === model && o.start <= minuteStart && minuteStart < o.end);
    return c.failures * 20 < c.eligible;
  };
  let routedAway = 0;
  let whileHealthy = 0;
  // Routed away from the minute holding 09:04:00 up to the one before 21:06:00 (an instant of it suffices).
  for (let m = DISABLE; m < ENABLE; m += MINUTE) {
    routedAway++;
    if (models.every((model) => healthy(model, m))) whileHealthy++;
  }
  const perOutage = [...outages].sort((a, b) => a.start - b.start || a.model.localeCompare(b.model)).map((o) => {
    const acted = DISABLE >= o.start - 5 * MINUTE && DISABLE <= o.end;
    return {
      model: o.model, start: new Date(o.start).toISOString(), end: new Date(o.end).toISOString(),
      timeToActionMinutes: acted ? (DISABLE - o.start) / MINUTE : null,
      restoreLagMinutes: acted ? (ENABLE - o.end) / MINUTE : null,
    };
  });
  const times = perOutage.flatMap((o) => (o.timeToActionMinutes === null ? [] : [o.timeToActionMinutes])).sort((a, b) => a - b);
  return {
    outages: perOutage.length, routedAwayMinutes: routedAway, routedAwayWhileHealthyMinutes: whileHealthy,
    medianTimeToActionMinutes: times[Math.floor((times.length - 1) / 2)] ?? null, outagesWithoutAction: perOutage.length - times.length, perOutage,
  };
}

const REPORT = `query { actionReport(from: "2026-06-07T00:00:00Z", to: "2026-06-08T00:00:00Z", platform: "notion", provider: "anthropic") {
  outages routedAwayMinutes routedAwayWhileHealthyMinutes medianTimeToActionMinutes outagesWithoutAction
  perOutage { model start end timeToActionMinutes restoreLagMinutes } } }`;

describe('platform actions', () => {
  let service: TestService;
  let notion: string;
  const lines = [seedDayFile('notion'), seedDayFile('acme-wiki')].flatMap((f) => f.split('\n')).filter((l) => l.trim() !== '');
  const seedOutages: Outage[] = Object.entries(seedDayExpected().outages as Record<string, { start: string; end: string }[]>)
    .filter(([series]) => series.startsWith('anthropic/'))
    .flatMap(([series, list]) => list.map((o) => ({ model: series.split('/')[1]!, start: Date.parse(o.start), end: Date.parse(o.end) })));

  const report = async (key = ADMIN_KEY) => {
    const { body } = await service.client.graphql(key, REPORT);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data.actionReport;
  };
  const postActions = async (key: string, actions: unknown[]) => {
    const response = await fetch(`${service.url}/v1/actions`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ actions }),
    });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    service = await startTestService();
    notion = (await service.client.createKey('notion', ['INGEST', 'READ'])).secret;
    const acme = (await service.client.createKey('acme-wiki', ['INGEST'])).secret;
    for (const [key, platform] of [[notion, 'notion'], [acme, 'acme-wiki']] as const) {
      expect((await service.client.postRaw(key, 'application/x-ndjson', seedDayFile(platform))).status).toBe(200);
    }
  });
  afterAll(() => service?.close());

  it('stores actions as events are stored: idempotent by id, conflicts and bad entries refused one by one', async () => {
    const disable = { id: 'act-1', provider: 'anthropic', action: 'DISABLE', occurredAt: '2026-06-07T09:04:00Z', target: 'openai', reason: 'elevated errors' };
    const enable = { id: 'act-2', provider: 'anthropic', action: 'enable', occurredAt: '2026-06-07T21:06:00Z' };
    expect(await postActions(notion, [disable, enable])).toEqual({ status: 200, body: { accepted: 2, duplicates: 0, rejected: [] } });
    const again = await postActions(notion, [disable, { ...enable, occurredAt: '2026-06-07T21:07:00Z' }, { id: 'bad', provider: 'Anthropic', action: 'pause', occurredAt: 'yesterday' }]);
    expect(again.status).toBe(200);
    expect(again.body.accepted).toBe(0);
    expect(again.body.duplicates).toBe(1);
    expect(again.body.rejected.map((r: { index: number; errors: string[] }) => [r.index, r.errors])).toEqual([
      [1, ['conflict: id "act-2" was already recorded with different content; the original is kept']],
      [2, [expect.stringMatching(/^provider must be a lowercase slug/), expect.stringMatching(/^action must be one of disable, enable, failover, failback/), expect.stringMatching(/^occurredAt must be an RFC 3339 timestamp/)]],
    ]);
    expect((await postActions(notion, { not: 'a list' } as unknown as unknown[])).status).toBe(400);
    expect((await postActions(ADMIN_KEY, [disable])).status).toBe(403);
    const { body } = await service.client.graphql(notion, '{ platformActions(from: "2026-06-07T00:00:00Z", to: "2026-06-08T00:00:00Z") { id platform provider model action occurredAt target reason } }');
    expect(body.data.platformActions).toEqual([
      { id: 'act-1', platform: 'notion', provider: 'anthropic', model: null, action: 'DISABLE', occurredAt: '2026-06-07T09:04:00.000Z', target: 'openai', reason: 'elevated errors' },
      { id: 'act-2', platform: 'notion', provider: 'anthropic', model: null, action: 'ENABLE', occurredAt: '2026-06-07T21:06:00.000Z', target: null, reason: null },
    ]);
    const other = await service.client.graphql(notion, '{ platformActions(from: "2026-06-07T00:00:00Z", to: "2026-06-08T00:00:00Z", platform: "acme-wiki") { id } }');
    expect(other.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('reports the time to act, the restore lag and the hours routed away while the provider was healthy, as computed by hand', async () => {
    await waitForProjections(service.client);
    const expected = expectedReport(lines, seedOutages);
    // The seed story, by hand: Opus 4.7's outage from 09:02 was acted on 2.0 minutes in, Opus 4.8's
    // from 09:05 one minute before it began; both came back at 21:06.
    expect(expected.perOutage.filter((o) => o.timeToActionMinutes !== null)).toEqual([
      { model: 'claude-opus-4-7', start: '2026-06-07T09:02:00.000Z', end: '2026-06-07T09:26:00.000Z', timeToActionMinutes: 2, restoreLagMinutes: 700 },
      { model: 'claude-opus-4-8', start: '2026-06-07T09:05:00.000Z', end: '2026-06-07T09:20:00.000Z', timeToActionMinutes: -1, restoreLagMinutes: 706 },
    ]);
    expect([expected.routedAwayMinutes, expected.routedAwayWhileHealthyMinutes]).toEqual([722, 687]);
    expect(await report()).toEqual(expected);
    // The platform reads its own report with its key.
    expect(await report(notion)).toEqual(expected);
  });

  it('changes its figures when late events change an outage, and a replay gives the same', async () => {
    // Opus 4.7 failing from 15:00 to 15:05 (ten requests a minute, all errors): an outage while routed away, not acted on.
    const late = Array.from({ length: 60 }, (_, i) => ({
      id: `late-${i}`, provider: 'anthropic', model: 'claude-opus-4-7', occurredAt: new Date(hm(15, 0) + Math.floor(i / 10) * MINUTE + (i % 10) * 1000).toISOString(),
      outcome: 'error', httpStatus: 529, latencyMs: 400,
    }));
    expect((await service.client.postEvents(notion, late)).status).toBe(200);
    await waitForProjections(service.client);
    const expected = expectedReport([...lines, ...late.map((e) => JSON.stringify(e))], [...seedOutages, { model: 'claude-opus-4-7', start: hm(15, 0), end: hm(15, 6) }]);
    const before = expectedReport(lines, seedOutages);
    expect([expected.routedAwayWhileHealthyMinutes, expected.outagesWithoutAction]).toEqual([before.routedAwayWhileHealthyMinutes - 6, before.outagesWithoutAction + 1]);
    const incremental = await report();
    expect(incremental).toEqual(expected);

    const db = createDatabase({ url: service.databaseUrl, poolSize: 4 });
    try {
      await createProjectionRunner(db).rebuild();
    } finally {
      await db.destroy();
    }
    expect(await report()).toEqual(incremental);
  });
});
