import { seedDayFile } from './support/seed-day';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers, redirect: 'manual' });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

describe('status pages over HTTP, on the seed day', () => {
  let service: TestService;
  let readKey: string;
  let ingestOnlyKey: string;

  beforeAll(async () => {
    service = await startTestService();
    for (const platform of ['notion', 'acme-wiki'] as const) {
      const key = (await service.client.createKey(platform, ['INGEST'])).secret;
      const { status } = await service.client.postRaw(key, 'application/x-ndjson', seedDayFile(platform));
      expect(status).toBe(200);
    }
    readKey = (await service.client.createKey('notion', ['READ'])).secret;
    ingestOnlyKey = (await service.client.createKey('notion', ['INGEST'])).secret;
    await waitForProjections(service.client);
  });
  afterAll(() => service.close());

  it('asks for a read key by default, and refuses keys without the read scope', async () => {
    const anonymous = await get(`${service.url}/status`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.html).toContain('Sign in with a read key');
    expect((await get(`${service.url}/status`, { authorization: `Bearer ${ingestOnlyKey}` })).status).toBe(401);
    const signIn = await fetch(`${service.url}/status/session`, { method: 'POST', headers: { authorization: `Bearer ${ingestOnlyKey}` } });
    expect(signIn.status).toBe(403);
    const wrong = await fetch(`${service.url}/status/session`, { method: 'POST', headers: { authorization: 'Bearer slk_nope_nope' } });
    expect(wrong.status).toBe(401);
  });

  it('signs a browser in with an HTTP-only cookie that then opens the page', async () => {
    const signIn = await fetch(`${service.url}/status/session`, { method: 'POST', headers: { authorization: `Bearer ${readKey}` } });
    expect(signIn.status).toBe(204);
    const cookie = signIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const page = await get(`${service.url}/status?at=2026-06-07`, { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.html).toContain('claude-opus-4-8');
  });

  it("shows the seed day's incident with both models and its severity, the day bar and uptime", async () => {
    const page = await get(`${service.url}/status?at=2026-06-07`, { authorization: `Bearer ${readKey}` });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.html).toMatch(/7 Jun 2026, 09:01 UTC[\s\S]*?Major outage[\s\S]*?30 min[\s\S]*?claude-opus-4-7, claude-opus-4-8/);
    expect(page.html).toMatch(/aria-label="Sun 7 Jun 2026: Major outage, [\d.]+ % of [\d,]+ requests succeeded"/);
    // The brief degradations of that morning are listed too, folded away.
    expect(page.html).toMatch(/<summary>\d+ degradations/);
    expect(page.html).not.toContain('No outcome events');
  });

  it('compares vendors over a window, with charts that have text equivalents', async () => {
    const page = await get(`${service.url}/status/compare?from=2026-06-01&to=2026-06-30`, { authorization: `Bearer ${ADMIN_KEY}` });
    expect(page.status).toBe(200);
    expect(page.html).toContain('Providers (all their models)');
    expect(page.html).toMatch(/<th scope="row">anthropic <span class="model-name">claude-opus-4-7<\/span><\/th>/);
    expect(page.html).toMatch(/role="img" aria-label="Availability, axis from/);
    expect(page.html).toMatch(/aria-label="Latency of successful requests: [^"]*p95/);
  });

  it('answers bad dates and windows with a clear 400 page', async () => {
    const bad = await get(`${service.url}/status?at=June`, { authorization: `Bearer ${readKey}` });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('must be a date written YYYY-MM-DD');
    const reversed = await get(`${service.url}/status/compare?from=2026-07-01&to=2026-06-01`, { authorization: `Bearer ${readKey}` });
    expect(reversed.status).toBe(400);
    const huge = await get(`${service.url}/status/compare?from=2020-01-01&to=2026-06-01`, { authorization: `Bearer ${readKey}` });
    expect(huge.status).toBe(400);
    expect(huge.html).toContain('at most 400 days');
  });
});

describe('status pages in public mode', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ STATUS_PAGE: 'public' });
  });
  afterAll(() => service.close());

  it('needs no key and may be cached briefly', async () => {
    const page = await get(`${service.url}/status`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('public, max-age=15');
    expect(page.html).toMatch(/No outcome events in the 90 days up to \w{3} \d+ \w{3} \d{4}\./);
  });
});

describe('status pages switched off', () => {
  it('do not exist', async () => {
    const service = await startTestService({ STATUS_PAGE: 'off' });
    try {
      expect((await get(`${service.url}/status`)).status).toBe(404);
    } finally {
      await service.close();
    }
  });
});
