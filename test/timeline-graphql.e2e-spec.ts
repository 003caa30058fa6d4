import { outcomeEvent } from './support/events';
import { seedDayExpected, seedDayFile } from './support/seed-day';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

const OUTAGE_FIELDS = 'start end ongoing durationMinutes severity peakErrorRate eligibleRequests failedRequests platformsAffected';


const lower = (o: any) => ({ ...o, severity: o.severity.toLowerCase() });

/** `statusChanged` payloads read off a server-sent event stream, each awaited with a limit. */
class SseEvents {
  /** Everything received, for error messages. */
  text = '';
  private buffer = '';
  private readonly queue: any[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  private readonly pump: Promise<void>;

  constructor(body: ReadableStream<Uint8Array>) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    this.pump = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const chunk = decoder.decode(value, { stream: true });
          this.text += chunk;
          this.buffer += chunk;
          // Events end with a blank line; `data:` lines carry the GraphQL result; `:` lines are pings.
          let end: number;
          while ((end = this.buffer.indexOf('\n\n')) >= 0) {
            const block = this.buffer.slice(0, end);
            this.buffer = this.buffer.slice(end + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\n');
            if (data.trim() === '') continue;
            const result = JSON.parse(data);
            if (result.errors) throw new Error(`statusChanged failed: ${JSON.stringify(result.errors)}`);
            if (result.data?.statusChanged) this.queue.push(result.data.statusChanged);
            this.waiter?.();
          }
        }
      } catch (error) {
        if ((error as Error).name !== 'AbortError') this.text += `\n[stream failed: ${(error as Error).message}]`;
      } finally {
        this.ended = true;
        this.waiter?.();
      }
    })();
  }

  /** The next payload, or null if none arrives within `timeoutMs` (or the stream ended). */
  async next(timeoutMs: number): Promise<any | null> {
    const deadline = performance.now() + Math.max(0, timeoutMs);
    while (this.queue.length === 0 && !this.ended && performance.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - performance.now());
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.queue.shift() ?? null;
  }

  closed(): Promise<void> {
    return this.pump;
  }
}

describe('timeline queries on the seed day (the spec\'s conformance example)', () => {
  let service: TestService;
  let notion: string;
  const expected = seedDayExpected();

  beforeAll(async () => {
    service = await startTestService(); // ROLE=all: the worker projects as events arrive
    notion = (await service.client.createKey('notion', ['INGEST', 'READ'])).secret;
    const acme = (await service.client.createKey('acme-wiki', ['INGEST', 'READ'])).secret;
    for (const [key, platform] of [[notion, 'notion'], [acme, 'acme-wiki']] as const) {
      const { status, body } = await service.client.postRaw(key, 'application/x-ndjson', seedDayFile(platform));
      expect(status).toBe(200);
      expect(body.rejected).toEqual([]);
    }
    await waitForProjections(service.client);
  });
  afterAll(() => service.close());

  const day = { from: '2026-06-07T00:00:00Z', to: '2026-06-08T00:00:00Z' };

  /** The expected file's entries for `key`: fails if the key is missing or empty, so no loop below checks nothing. */
  function expectedEntries(key: string): [string, any[]][] {
    const entries = Object.entries<any[]>(expected[key] ?? {});
    if (entries.length === 0) throw new Error(`examples/seed-day.expected.json has no "${key}" entries to check`);
    for (const [series, items] of entries) {
      if (!Array.isArray(items)) throw new Error(`examples/seed-day.expected.json: "${key}.${series}" is not a list`);
    }
    return entries;
  }

  it('has expected results to check against', () => {
    for (const key of ['outages', 'platformOutages', 'incidents']) expect(expectedEntries(key).length).toBeGreaterThan(0);
    // Every outage the seed day produces is somewhere in the lists (not all series empty).
    expect(expectedEntries('outages').flatMap(([, outages]) => outages).length).toBeGreaterThan(0);
    expect(expectedEntries('platformOutages').flatMap(([, outages]) => outages).length).toBeGreaterThan(0);
    expect(expectedEntries('incidents').flatMap(([, incidents]) => incidents).length).toBeGreaterThan(0);
    expect(expected.vendorComparison?.rows?.length ?? 0).toBeGreaterThan(0);
  });

  it('derives each model\'s outages over all platforms exactly', async () => {
    for (const [series, outages] of expectedEntries('outages')) {
      const [provider, model] = series.split('/');
      const { body } = await service.client.graphql(
        ADMIN_KEY,
        `query($from: DateTime!, $to: DateTime!, $provider: String, $model: String) {
          outages(from: $from, to: $to, provider: $provider, model: $model) { ${OUTAGE_FIELDS} } }`,
        { ...day, provider, model },
      );
      expect(body.data.outages.map(lower)).toEqual(outages);
    }
  });

  it('derives each platform\'s outages exactly', async () => {
    for (const [series, outages] of expectedEntries('platformOutages')) {
      const [platform, provider, model] = series.split('/');
      const { body } = await service.client.graphql(
        ADMIN_KEY,
        `query($from: DateTime!, $to: DateTime!, $provider: String, $model: String, $platform: String) {
          outages(from: $from, to: $to, provider: $provider, model: $model, platform: $platform) { ${OUTAGE_FIELDS} } }`,
        { ...day, provider, model, platform },
      );
      expect(body.data.outages.map(lower)).toEqual(outages);
    }
  });

  it('groups the provider-wide failure into one incident with both models', async () => {
    for (const [provider, incidents] of expectedEntries('incidents')) {
      const { body } = await service.client.graphql(
        ADMIN_KEY,
        'query($from: DateTime!, $to: DateTime!, $provider: String) { incidents(from: $from, to: $to, provider: $provider) { start end models severity outages } }',
        { ...day, provider },
      );
      expect(body.data.incidents.map(lower)).toEqual(incidents);
    }
  });

  it('gives each incident its model outages, asked for directly or through a fragment, and the same incident either way', async () => {
    const INCIDENT_FIELDS = 'provider start end ongoing durationMinutes severity models outages';
    const byStart = (a: any, b: any) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end) || a.model.localeCompare(b.model);
    for (const [provider] of expectedEntries('incidents')) {
      const ask = async (query: string) => (await service.client.graphql(ADMIN_KEY, query, { ...day, provider })).body.data.incidents;
      const plain = await ask(`query($from: DateTime!, $to: DateTime!, $provider: String) { incidents(from: $from, to: $to, provider: $provider) { ${INCIDENT_FIELDS} } }`);
      const direct = await ask(`query($from: DateTime!, $to: DateTime!, $provider: String) {
        incidents(from: $from, to: $to, provider: $provider) { ${INCIDENT_FIELDS} modelOutages { model ${OUTAGE_FIELDS} } } }`);
      const throughFragment = await ask(`fragment Members on Incident { ... on Incident { modelOutages { model ${OUTAGE_FIELDS} } } }
        query($from: DateTime!, $to: DateTime!, $provider: String) { incidents(from: $from, to: $to, provider: $provider) { ${INCIDENT_FIELDS} ...Members } }`);
      expect(plain.length).toBeGreaterThan(0);
      expect(throughFragment).toEqual(direct);
      expect(direct.map(({ modelOutages: _, ...incident }: any) => incident)).toEqual(plain);
      // Each incident's model outages are the provider's outages (over all platforms) within it, in start order.
      const { body } = await service.client.graphql(
        ADMIN_KEY,
        `query($from: DateTime!, $to: DateTime!, $provider: String) { outages(from: $from, to: $to, provider: $provider) { model ${OUTAGE_FIELDS} } }`,
        { ...day, provider },
      );
      for (const incident of direct) {
        const within = body.data.outages.filter((o: any) => o.start >= incident.start && o.start < incident.end);
        expect(incident.modelOutages).toEqual([...within].sort(byStart));
        expect(incident.modelOutages).toHaveLength(incident.outages);
      }
    }
  });

  it('compares vendors as the worked example day expects (percentiles within 2 %)', async () => {
    const { from, to, rows } = expected.vendorComparison;
    expect(rows.length).toBeGreaterThan(0);
    const { body } = await service.client.graphql(
      notion,
      `query($from: DateTime!, $to: DateTime!) { vendorComparison(from: $from, to: $to) {
        provider model rank eligibleRequests availabilityPercent outages outageMinutes mttrMinutes longestOutageMinutes
        p50LatencyMs p95LatencyMs p99LatencyMs outcomes { success error timeout rateLimited clientError } } }`,
      { from, to },
    );
    const actual = body.data.vendorComparison;
    expect(actual.map((r: any) => r.rank)).toEqual([1, 2, 3]);
    const byModel = new Map(actual.map((r: any) => [`${r.provider}/${r.model}`, r]));
    expect(byModel.size).toBe(rows.length);
    for (const row of rows) {
      const got: any = byModel.get(`${row.provider}/${row.model}`);
      const { p50LatencyMs, p95LatencyMs, p99LatencyMs, ...exact } = row;
      expect(got).toMatchObject(exact);
      for (const [field, value] of Object.entries({ p50LatencyMs, p95LatencyMs, p99LatencyMs }) as [string, number][]) {
        expect(Math.abs(got[field] - value)).toBeLessThanOrEqual(0.02 * value);
      }
    }
    const providers = await service.client.graphql(
      ADMIN_KEY,
      `{ vendorComparison(from: "${from}", to: "${to}", providerRows: true, providers: ["anthropic"]) { model eligibleRequests outages } }`,
    );
    expect(providers.body.data.vendorComparison).toContainEqual({ model: null, eligibleRequests: 2130 + 2155, outages: 12 });
  });

  it('serves minute series with counts, status and p95 latency', async () => {
    const { body } = await service.client.graphql(
      notion,
      `{ minuteSeries(from: "2026-06-07T09:05:00Z", to: "2026-06-07T09:07:00Z", provider: "anthropic", model: "claude-opus-4-7") {
          minute status eligible failures successes errors timeouts rateLimited clientErrors p95LatencyMs } }`,
    );
    const minutes = body.data.minuteSeries;
    expect(minutes.map((m: any) => m.minute)).toEqual(['2026-06-07T09:05:00.000Z', '2026-06-07T09:06:00.000Z']);
    for (const m of minutes) {
      expect(m.eligible).toBe(m.successes + m.failures);
      expect(m.failures).toBe(m.errors + m.timeouts);
      expect(m.status).toMatch(/OUTAGE|DEGRADED/);
    }
  });

  it('reports each minute\'s p95 latency within 1 % of the exact nearest-rank value', async () => {
    const raw = [...seedDayFile('notion').trim().split('\n'), ...seedDayFile('acme-wiki').trim().split('\n')]
      .map((line) => JSON.parse(line))
      .filter((e) => e.model === 'claude-opus-4-7' && e.outcome === 'success' && typeof e.latencyMs === 'number');
    const byMinute = new Map<string, number[]>();
    for (const e of raw) {
      const minute = new Date(Math.floor(Date.parse(e.occurredAt) / 60_000) * 60_000).toISOString();
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), e.latencyMs]);
    }
    const { body } = await service.client.graphql(
      ADMIN_KEY,
      `{ minuteSeries(from: "${day.from}", to: "${day.to}", provider: "anthropic", model: "claude-opus-4-7") { minute p95LatencyMs } }`,
    );
    let checked = 0;
    for (const m of body.data.minuteSeries) {
      const values = (byMinute.get(m.minute) ?? []).sort((a, b) => a - b);
      if (values.length === 0) continue;
      const exact = values[Math.ceil(0.95 * values.length) - 1]!;
      expect(Math.abs(m.p95LatencyMs - exact)).toBeLessThanOrEqual(0.01 * exact);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('never shows a platform key another platform\'s series', async () => {
    const { body } = await service.client.graphql(notion, `{ outages(from: "${day.from}", to: "${day.to}", platform: "acme-wiki") { start } }`);
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    const own = await service.client.graphql(notion, `{ outages(from: "${day.from}", to: "${day.to}", platform: "notion") { start } }`);
    expect(own.body.data.outages.length).toBeGreaterThan(0);
  });

  it('refuses windows that are empty or too long', async () => {
    const { body } = await service.client.graphql(ADMIN_KEY, '{ minuteSeries(from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z", provider: "anthropic") { minute } }');
    expect(body.errors[0].message).toContain('at most 31 days');
  });

  it('reports live status per model with the detection rules', async () => {
    const now = Date.now();
    const events = Array.from({ length: 40 }, (_, i) =>
      outcomeEvent(`live-${i}`, { provider: 'liveco', model: i < 20 ? 'steady' : 'flaky', occurredAt: new Date(now - i * 1_000).toISOString(), outcome: i >= 20 && i % 2 === 0 ? 'error' : 'success' }),
    );
    await service.client.postEvents(notion, events);
    await waitForProjections(service.client);
    const { body } = await service.client.graphql(notion, '{ providerStatus(provider: "liveco") { provider model status errorRate eligibleRequests since } }');
    expect(body.data.providerStatus.map((s: any) => [s.model, s.status, s.eligibleRequests, s.errorRate])).toEqual([
      ['flaky', 'PARTIAL_OUTAGE', 20, 0.5],
      ['steady', 'OPERATIONAL', 20, 0],
    ]);
  });

  it('dates a model in an outage from the outage start, however its minutes vary in severity', async () => {
    // 10 requests a minute: four good minutes, one minute of all errors (major), then 30 % errors (partial) up to now.
    const current = Math.floor(Date.now() / 60_000);
    const events = [];
    for (let m = current - 12; m <= current; m++) {
      const errors = m < current - 8 ? 0 : m === current - 8 ? 10 : 3;
      for (let i = 0; i < 10; i++) {
        events.push(outcomeEvent(`since-${m}-${i}`, { provider: 'sinceco', model: 'slide', occurredAt: new Date(m * 60_000 + i * 1_000).toISOString(), outcome: i < errors ? 'error' : 'success' }));
      }
    }
    expect((await service.client.postEvents(notion, events)).status).toBe(200);
    await waitForProjections(service.client);
    const from = new Date((current - 60) * 60_000).toISOString();
    const to = new Date((current + 2) * 60_000).toISOString();
    const { body } = await service.client.graphql(notion, `{ outages(from: "${from}", to: "${to}", provider: "sinceco") { start severity }
      providerStatus(provider: "sinceco") { model status since } }`);
    expect(body.data.outages).toEqual([{ start: new Date((current - 8) * 60_000).toISOString(), severity: 'MAJOR_OUTAGE' }]);
    // The live window (the last 5 minutes) is partial; it has been an outage since the major minute began it.
    expect(body.data.providerStatus).toEqual([{ model: 'slide', status: 'PARTIAL_OUTAGE', since: body.data.outages[0].start }]);
  });

  it('streams statusChanged over server-sent events when a model\'s live status changes', async () => {
    const abort = new AbortController();
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${notion}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { statusChanged(provider: "subco") { provider model status eligibleRequests } }' }),
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const stream = new SseEvents(response.body!);
    try {
      // The feed publishes only changes it sees after its first poll has learned the current
      // statuses. Readiness is its first event on this stream: a fresh probe model (no data →
      // operational) is posted until one's change arrives; an attempt that races the first
      // poll is simply followed by the next probe. Only the overall limit can fail the test.
      const readyBy = performance.now() + 60_000;
      let probe = 0;
      for (;;) {
        const name = `probe-${probe++}`;
        const now = Date.now();
        await service.client.postEvents(notion, Array.from({ length: 10 }, (_, i) =>
          outcomeEvent(`sub-${name}-${i}`, { provider: 'subco', model: name, outcome: 'success', occurredAt: new Date(now - i * 1_000).toISOString() })));
        const first = await stream.next(Math.min(5_000, readyBy - performance.now()));
        if (first !== null) {
          expect(first).toMatchObject({ provider: 'subco', model: expect.stringMatching(/^probe-\d+$/), status: 'OPERATIONAL' });
          break;
        }
        if (performance.now() >= readyBy) throw new Error(`statusChanged sent no event within 60 s of subscribing (${probe} probe models posted)`);
      }

      const now = Date.now();
      await service.client.postEvents(notion, Array.from({ length: 10 }, (_, i) =>
        outcomeEvent(`sub-${i}`, { provider: 'subco', model: 'm-1', outcome: 'error', occurredAt: new Date(now - i * 1_000).toISOString() })));
      // Later probes' changes may still arrive first; m-1's own change must come within the limit.
      const changedBy = performance.now() + 60_000;
      for (;;) {
        const event = await stream.next(changedBy - performance.now());
        if (event === null) throw new Error(`no statusChanged event for subco/m-1 within 60 s (stream so far:\n${stream.text})`);
        if (event.model === 'm-1') {
          expect(event).toEqual({ provider: 'subco', model: 'm-1', status: 'MAJOR_OUTAGE', eligibleRequests: 10 });
          break;
        }
        expect(event.model).toMatch(/^probe-\d+$/);
      }
    } finally {
      abort.abort();
      await stream.closed();
    }
  });

  it('re-derives outages when a detection policy changes', async () => {
    const set = await service.client.graphql(
      ADMIN_KEY,
      'mutation { setDetectionPolicy(input: { provider: "openai", degradedAt: "0.5", partialAt: "0.6", majorAt: "0.9" }) { provider model degradedAt minSamples mergeGapMinutes } }',
    );
    expect(set.body.data.setDetectionPolicy).toEqual({ provider: 'openai', model: null, degradedAt: '0.5', minSamples: 5, mergeGapMinutes: 2 });
    const { body } = await service.client.graphql(ADMIN_KEY, `{ outages(from: "${day.from}", to: "${day.to}", provider: "openai") { start } }`);
    expect(body.data.outages).toEqual([]); // its one degraded minute is below the new threshold
    const bad = await service.client.graphql(ADMIN_KEY, 'mutation { setDetectionPolicy(input: { provider: "openai", degradedAt: "0.7" }) { provider } }');
    expect(bad.body.errors[0].message).toContain('degradedAt ≤ partialAt ≤ majorAt');
  });
});
