import { outcomeEvent } from './support/events';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

/**
 * Provider status pages (concepts §12) over HTTP and GraphQL: a Statuspage feed imported and
 * re-imported, refused when malformed, and held against a constructed month of traffic whose
 * outages are known by construction (every request fails in an outage's minutes, none outside
 * them, 10 requests a minute). The accuracy figures are computed here from the definitions.
 */

const MINUTE = 60_000;
const PROVIDER = 'statusco';
const at = (day: number, h: number, m: number, s = 0) => Date.UTC(2026, 5, day, h, m, s);
const iso = (ms: number) => new Date(ms).toISOString();

/** Outages by construction, [start, end). */
const OUTAGES = [
  { model: 'm1', start: at(2, 9, 0), end: at(2, 9, 30) }, // A
  { model: 'm2', start: at(2, 12, 0), end: at(2, 12, 20) }, // B
  { model: 'm1', start: at(10, 1, 0), end: at(10, 1, 10) }, // C
  { model: 'm2', start: at(10, 2, 0), end: at(10, 2, 40) }, // D
];
/** Traffic only in these spans (minutes without requests are no data: never bad). */
const TRAFFIC = [[at(2, 8, 0), at(2, 14, 0)], [at(10, 0, 0), at(10, 3, 0)]] as const;

function month(): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const [from, to] of TRAFFIC) {
    for (let minute = from; minute < to; minute += MINUTE) {
      for (const model of ['m1', 'm2']) {
        const failing = OUTAGES.some((o) => o.model === model && o.start <= minute && minute < o.end);
        for (let i = 0; i < 10; i++) {
          events.push(outcomeEvent(`sp-${model}-${minute / MINUTE}-${i}`, {
            provider: PROVIDER, model, occurredAt: iso(minute + i * 5_000),
            ...(failing ? { outcome: 'error', httpStatus: 500 } : {}),
          }));
        }
      }
    }
  }
  return events;
}

const statuspageIncident = (id: string, impact: string, createdAt: number, resolvedAt: number | null, components: string[]) => ({
  id, name: `Incident ${id}`, status: resolvedAt === null ? 'investigating' : 'resolved', impact,
  created_at: iso(createdAt), resolved_at: resolvedAt === null ? null : iso(resolvedAt), updated_at: iso(resolvedAt ?? createdAt),
  shortlink: `https://stspg.io/${id}`, components: components.map((name) => ({ id: `c-${name}`, name })),
  incident_updates: [{ id: `${id}-u1`, status: 'investigating', body: `We are looking into ${id}.`, created_at: iso(createdAt) }],
});

const FEED = {
  page: { id: 'statusco', name: 'StatusCo' },
  incidents: [
    statuspageIncident('I1', 'major', at(2, 9, 25), at(2, 10, 0), ['API']), // acknowledges A 25 min late
    statuspageIncident('I5', 'none', at(2, 9, 10), at(2, 9, 50), ['API']), // claims no impact: acknowledges nothing
    statuspageIncident('I2', 'minor', at(2, 12, 34, 59), at(2, 12, 50), ['API']), // acknowledges B 14:59 after its end (slack 15 min)
    statuspageIncident('I4', 'minor', at(2, 13, 0), at(2, 13, 30), ['API']), // no bad minute while open
    statuspageIncident('I3', 'major', at(10, 1, 25), at(10, 1, 50), ['API']), // exactly 15 min after C's end: too late to acknowledge it
    statuspageIncident('I6', 'major', at(10, 2, 10), at(10, 2, 30), ['Console']), // Console covers no model
  ],
};

const ACCURACY = `query { statusPageAccuracy(from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z", provider: "${PROVIDER}") {
  provider minSeverity outages acknowledgedOutages unacknowledgedOutageMinutes medianAcknowledgementDelayMinutes incidentsWithoutMeasuredImpact incidents
  perOutage { model start end acknowledgedBy } perIncident { incidentId acknowledges acknowledgementDelayMinutes measuredImpact } } }`;

/** The figures of concepts §12 for FEED against OUTAGES, by hand from the definitions. */
function expectedAccuracy() {
  const mapping: Record<string, string[]> = { API: ['m1', 'm2'], Console: [] };
  const incidents = FEED.incidents.map((i) => ({
    id: i.id, impact: i.impact, created: Date.parse(i.created_at), resolved: i.resolved_at === null ? Infinity : Date.parse(i.resolved_at),
    models: i.components.flatMap((c) => mapping[c.name]!),
  }));
  const acknowledges = (i: (typeof incidents)[number], o: (typeof OUTAGES)[number]) =>
    i.impact !== 'none' && i.models.includes(o.model) && i.created < o.end + 15 * MINUTE && i.resolved > o.start;
  const perOutage = OUTAGES.map((o) => ({ model: o.model, start: iso(o.start), end: iso(o.end), acknowledgedBy: incidents.filter((i) => acknowledges(i, o)).map((i) => i.id) }));
  const bad = (model: string, minute: number) => OUTAGES.some((o) => o.model === model && o.start <= minute && minute < o.end);
  const perIncident = [...incidents].sort((a, b) => a.created - b.created).map((i) => {
    const acknowledged = OUTAGES.filter((o) => acknowledges(i, o));
    const earliest = Math.min(...acknowledged.map((o) => o.start));
    // An incident that acknowledges an outage had impact, even when posted after it ended.
    let measured = i.impact === 'none' || acknowledged.length > 0;
    for (let m = Math.floor(i.created / MINUTE) * MINUTE; m < i.resolved; m += MINUTE) if (i.models.some((model) => bad(model, m))) measured = true;
    return {
      incidentId: i.id, acknowledges: acknowledged.length,
      // Minutes with one decimal, half up.
      acknowledgementDelayMinutes: acknowledged.length === 0 ? null : Math.round((i.created - earliest) / 6_000) / 10,
      measuredImpact: measured,
    };
  });
  const delays = perIncident.flatMap((i) => (i.acknowledgementDelayMinutes === null ? [] : [i.acknowledgementDelayMinutes])).sort((a, b) => a - b);
  return {
    provider: PROVIDER, outages: OUTAGES.length, acknowledgedOutages: perOutage.filter((o) => o.acknowledgedBy.length > 0).length,
    unacknowledgedOutageMinutes: OUTAGES.filter((_, k) => perOutage[k]!.acknowledgedBy.length === 0).reduce((sum, o) => sum + (o.end - o.start) / MINUTE, 0),
    medianAcknowledgementDelayMinutes: delays[Math.floor((delays.length - 1) / 2)] ?? null,
    incidentsWithoutMeasuredImpact: perIncident.filter((i) => !i.measuredImpact).length,
    incidents: incidents.length, perOutage, perIncident,
  };
}

describe('provider status pages', () => {
  let service: TestService;
  const post = async (body: string, options: { key?: string; provider?: string | null; contentType?: string } = {}) => {
    const query = options.provider === null ? '' : `?provider=${options.provider ?? PROVIDER}`;
    const response = await fetch(`${service.url}/v1/provider-incidents${query}`, {
      method: 'POST', headers: { authorization: `Bearer ${options.key ?? ADMIN_KEY}`, 'content-type': options.contentType ?? 'application/json' }, body,
    });
    return { status: response.status, body: await response.json() };
  };
  const graphql = async (query: string, key = ADMIN_KEY) => {
    const { body } = await service.client.graphql(key, query);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const incidents = async () => (await graphql(`{ providerIncidents(from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z", provider: "${PROVIDER}") {
    incidentId name status impact createdAt resolvedAt components models version updates { status body createdAt } } }`)).providerIncidents;

  beforeAll(async () => {
    service = await startTestService();
    const platform = (await service.client.createKey('p1', ['INGEST'])).secret;
    const events = month();
    for (let i = 0; i < events.length; i += 10_000) expect((await service.client.postEvents(platform, events.slice(i, i + 10_000))).body.rejected).toEqual([]);
    await waitForProjections(service.client);
  });
  afterAll(() => service?.close());

  it('refuses a malformed feed with a 400 naming the problem, and stores nothing', async () => {
    const broken = { incidents: [FEED.incidents[0], { ...FEED.incidents[1], impact: 'severe', created_at: 'June 2' }] };
    expect(await post(JSON.stringify(broken))).toEqual({
      status: 400,
      body: {
        statusCode: 400, error: 'Bad Request',
        message: 'not a Statuspage incidents.json: incidents[1].impact: impact must be one of none, minor, major, critical, maintenance; incidents[1].created_at: created_at must be an RFC 3339 timestamp with an offset',
        problems: ['incidents[1].impact: impact must be one of none, minor, major, critical, maintenance', 'incidents[1].created_at: created_at must be an RFC 3339 timestamp with an offset'],
      },
    });
    expect((await post('<html><body>Status</body></html>', { contentType: 'text/html' })).status).toBe(415);
    expect((await post('{"page": {}}')).body.message).toBe('not a Statuspage incidents.json: the body must be a Statuspage incidents.json: an object with an "incidents" array');
    expect((await post('{"incidents": [', {})).status).toBe(400);
    expect((await post(JSON.stringify(FEED), { provider: null })).body.message).toBe('the query parameter provider=P names whose status page this is');
    expect((await post(JSON.stringify(FEED), { provider: 'Status Co' })).body.message).toBe('provider must be a lowercase slug: [a-z0-9][a-z0-9._-]{0,63}');
    const reader = (await service.client.createKey(null, ['READ'])).secret;
    expect((await post(JSON.stringify(FEED), { key: reader })).status).toBe(403);
    expect(await incidents()).toEqual([]);
  });

  it('imports a feed, finds a re-import unchanged, and adds a version for a changed incident', async () => {
    expect(await post(JSON.stringify(FEED))).toEqual({ status: 200, body: { imported: 6, updated: 0, unchanged: 0 } });
    expect(await post(JSON.stringify(FEED))).toEqual({ status: 200, body: { imported: 0, updated: 0, unchanged: 6 } });
    // Fields that do not change what the provider said (updated_at, the shortlink) leave it unchanged too.
    const touched = { ...FEED, incidents: FEED.incidents.map((i) => ({ ...i, updated_at: '2026-06-30T00:00:00Z', shortlink: 'https://stspg.io/other' })) };
    expect((await post(JSON.stringify(touched))).body).toEqual({ imported: 0, updated: 0, unchanged: 6 });
    const i1 = FEED.incidents[0]!;
    const changed = {
      incidents: [{ ...i1, incident_updates: [...i1.incident_updates, { id: 'I1-u2', status: 'resolved', body: 'Resolved.', created_at: i1.resolved_at }] }],
    };
    expect((await post(JSON.stringify(changed))).body).toEqual({ imported: 0, updated: 1, unchanged: 0 });
    const stored = await incidents();
    expect(stored.map((i: { incidentId: string }) => i.incidentId)).toEqual(['I5', 'I1', 'I2', 'I4', 'I3', 'I6']);
    expect(stored[1]).toEqual({
      incidentId: 'I1', name: 'Incident I1', status: 'resolved', impact: 'MAJOR', createdAt: '2026-06-02T09:25:00.000Z', resolvedAt: '2026-06-02T10:00:00.000Z',
      components: ['API'], models: ['m1', 'm2'], version: 2,
      updates: [
        { status: 'investigating', body: 'We are looking into I1.', createdAt: '2026-06-02T09:25:00.000Z' },
        { status: 'resolved', body: 'Resolved.', createdAt: '2026-06-02T10:00:00.000Z' },
      ],
    });
  });

  it('maps components to models (admin), an unmapped component covering every model', async () => {
    const set = `mutation { setStatusComponents(provider: "${PROVIDER}", components: [{ component: "API", models: ["m2", "m1"] }, { component: "Console", models: [] }]) { provider component models } }`;
    const reader = (await service.client.createKey(null, ['READ'])).secret;
    const refused = await service.client.graphql(reader, set);
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    // Before the mapping, Console covers every model with traffic.
    expect((await incidents()).find((i: { incidentId: string }) => i.incidentId === 'I6').models).toEqual(['m1', 'm2']);
    expect((await graphql(set)).setStatusComponents).toEqual([
      { provider: PROVIDER, component: 'API', models: ['m1', 'm2'] },
      { provider: PROVIDER, component: 'Console', models: [] },
    ]);
    expect((await graphql(`{ statusComponents(provider: "${PROVIDER}") { component models } }`)).statusComponents).toEqual([
      { component: 'API', models: ['m1', 'm2'] }, { component: 'Console', models: [] },
    ]);
    expect((await incidents()).find((i: { incidentId: string }) => i.incidentId === 'I6').models).toEqual([]);
    const bad = await service.client.graphql(ADMIN_KEY, `mutation { setStatusComponents(provider: "${PROVIDER}", components: [{ component: "API", models: ["M 1"] }]) { component } }`);
    expect(bad.body.errors[0].message).toBe('model "M 1" of component "API" must be a lowercase slug of at most 128 characters');
  });

  it('holds the status page against measurement: every figure as computed by hand', async () => {
    const expected = expectedAccuracy();
    // The constructed month, spelled out: A and B acknowledged (I1 25.0 min late, I2 35.0), C and D not (10 + 40 min);
    // I3, I4 and I6 had no measured impact.
    expect(expected).toMatchObject({ outages: 4, acknowledgedOutages: 2, unacknowledgedOutageMinutes: 50, medianAcknowledgementDelayMinutes: 25, incidentsWithoutMeasuredImpact: 3 });
    expect((await graphql(ACCURACY)).statusPageAccuracy).toEqual({ ...expected, minSeverity: 'DEGRADED' });
    // Every constructed outage is major (all requests fail): counting major outages only changes nothing.
    const major = await graphql(ACCURACY.replace(`provider: "${PROVIDER}")`, `provider: "${PROVIDER}", minSeverity: MAJOR_OUTAGE)`));
    expect(major.statusPageAccuracy).toEqual({ ...expected, minSeverity: 'MAJOR_OUTAGE' });
    const refused = await service.client.graphql(ADMIN_KEY, ACCURACY.replace(`provider: "${PROVIDER}")`, `provider: "${PROVIDER}", minSeverity: OPERATIONAL)`));
    expect(refused.body.errors[0].message).toBe('minSeverity must be DEGRADED, PARTIAL_OUTAGE or MAJOR_OUTAGE');
  });
});
