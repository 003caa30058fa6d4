import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { describeWithBrowser, launchChromium } from './support/chromium';
import { outcomeEvent } from './support/events';
import { horizontalOverflow, lowContrastTexts } from './support/page-checks';
import { createTestDatabase } from './support/test-database';
import { ADMIN_KEY, startTestService, TestService } from './support/test-service';
import { waitFor } from './support/wait';

// A busy 2-core machine renders the demo month's pages many times slower than a laptop: every
// wait below is on a condition (a response, a navigation, an element by role) with limits far
// above what it needs, and each test has a limit to match (jest's default is 120 s).
const WAIT_MS = 90_000;
const TEST_MS = 300_000;

// Screenshots: both pages at both sizes, dark mode and the live outage; `npm run screenshots` sends them to docs/images for the README.
const ARTIFACTS = resolve(process.env.SCREENSHOT_DIR ?? join(__dirname, '../test-artifacts'));
const cli = join(__dirname, '../dist/apps/cli/src/main.js');
const run = promisify(execFile);

describeWithBrowser('the status pages in a browser, on the demo month', () => {
  let service: TestService;
  let browser: Browser;
  let readKey: string;

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    // The demo as an operator runs it: a synthetic June 2026 through the normal ingest path.
    await run(process.execPath, [cli, 'demo'], { env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 16 * 1024 * 1024, timeout: 480_000 });
    service = await startTestService({ DATABASE_URL: databaseUrl, STATUS_PAGE: 'key', ALLOW_PRIVATE_WEBHOOKS: 'true' });
    readKey = (await service.client.createKey(null, ['READ'])).secret;
    browser = await launchChromium();
    await mkdir(ARTIFACTS, { recursive: true });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  async function signedIn(options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; key?: string } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1100, height: options.height ?? 900 }, colorScheme: options.colorScheme ?? 'light' });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.setDefaultNavigationTimeout(WAIT_MS);
    await open(page, '/status', 401); // the key form
    await page.getByRole('heading', { name: 'Sign in with a read key' }).waitFor();
    await page.getByLabel('API key with the read scope').fill(options.key ?? readKey);
    // Signing in is a fetch (POST /status/session), then a reload of the page: both awaited as
    // they happen, not guessed at.
    const session = page.waitForResponse((r) => r.url() === `${service.url}/status/session` && r.request().method() === 'POST');
    const reloaded = page.waitForResponse((r) => r.url() === `${service.url}/status` && r.request().isNavigationRequest() && r.status() === 200);
    await page.getByRole('button', { name: 'Show the status' }).click();
    expect((await session).status()).toBe(204);
    await reloaded;
    await page.waitForLoadState('load');
    // Signed in: the overview's banner is there and the key form is gone.
    await page.getByRole('status').waitFor();
    await page.getByRole('heading', { name: 'Sign in with a read key' }).waitFor({ state: 'detached' });
    return page;
  }

  /** Navigates and waits until the page has loaded; fails unless the server answered `status`. */
  async function open(page: Page, path: string, status = 200): Promise<void> {
    const response = await page.goto(`${service.url}${path}`, { waitUntil: 'load' });
    expect(response?.status()).toBe(status);
  }

  it('signs in with a read key and shows the seed incident with its two models as a major outage', async () => {
    const page = await signedIn();
    await open(page, '/status?at=2026-06-30');
    const row = page.locator('tr', { hasText: '7 Jun 2026, 09:01 UTC' });
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('anthropic');
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('Major outage');
    await expect(row.locator('td').nth(4).locator('.models').textContent()).resolves.toBe('claude-opus-4-7, claude-opus-4-8');
    // Its details: each model's outage with its figures, one click away.
    await row.getByText('Details').click();
    await expect(row.locator('.incident-detail li').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^claude-opus-4-7 7 Jun 2026, 09:01 UTC – 09:31 UTC \(30 min\): Major outage, peak error rate \d+ % \(\d+ of \d+ in a minute\); \d+ of \d+ requests failed; 3 platforms affected$/),
      expect.stringMatching(/^claude-opus-4-8 7 Jun 2026, 09:01 UTC – /),
    ]);

    // The day bar of 7 June, by keyboard: focus the strip's last day, walk back 23 days.
    const strip = page.getByRole('group', { name: /anthropic claude-opus-4-7, daily status/ });
    await strip.locator('rect[tabindex="0"]').focus();
    for (let i = 0; i < 23; i++) await page.keyboard.press('ArrowLeft');
    const detail = page.locator('article[aria-label="anthropic claude-opus-4-7"] .detail');
    await expect(detail.textContent()).resolves.toMatch(/^Sun 7 Jun 2026: Major outage, \d+\.\d\d % of [\d,]+ requests succeeded$/);
  }, TEST_MS);

  it('reads well on a phone and in dark mode', async () => {
    const phone = await signedIn({ width: 390 });
    await open(phone, '/status?at=2026-06-30');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const dark = await signedIn({ colorScheme: 'dark' });
    await open(dark, '/status?at=2026-06-30');
    const background = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(13, 17, 23)');
    await dark.screenshot({ path: join(ARTIFACTS, 'status-dark.png'), fullPage: true });
  }, TEST_MS);

  it('compares the vendors of June with tables and charts', async () => {
    const page = await signedIn();
    await open(page, '/status/compare');
    await page.getByLabel('From (UTC day)').fill('2026-06-01');
    await page.getByLabel('To, inclusive (UTC day)').fill('2026-06-30');
    // The form is a GET: the click navigates; its response is awaited, then the heading by role.
    const compared = page.waitForResponse((r) => r.url().startsWith(`${service.url}/status/compare?`) && r.request().isNavigationRequest());
    await page.getByRole('button', { name: 'Compare' }).click();
    expect((await compared).status()).toBe(200);
    await page.waitForLoadState('load');
    await page.getByRole('heading', { name: /Vendor reliability, 1 Jun 2026, 00:00 UTC to 1 Jul 2026, 00:00 UTC/ }).waitFor();
    const providers = await page.locator('section[aria-labelledby="providers-title"] table.key tbody th').allTextContents();
    expect(providers.sort()).toEqual(['anthropic', 'google', 'openai']);
    const models = await page.locator('section[aria-labelledby="models-title"] table.key tbody th').allTextContents();
    expect(models).toHaveLength(5);
    expect(models).toContain('anthropic claude-opus-4-7');
    await expect(page.getByRole('img', { name: /^Availability, axis from/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('img', { name: /^Latency of successful requests: .*p95/ }).count()).resolves.toBe(1);
  }, TEST_MS);

  it("draws notion's routing away over the day bars and in the incident, with its words, for those who may see it", async () => {
    const { body } = await service.client.graphql(ADMIN_KEY, `{ actionReport(from: "2026-06-07T00:00:00Z", to: "2026-06-08T00:00:00Z", platform: "notion", provider: "anthropic") { routedAwayMinutes routedAwayWhileHealthyMinutes } }`);
    const report = body.data.actionReport as { routedAwayMinutes: number; routedAwayWhileHealthyMinutes: number };
    // 09:04 to 21:06 is 12 h 2 min.
    expect(report.routedAwayMinutes).toBe(722);
    const duration = (m: number) => `${Math.floor(m / 60)} h${m % 60 === 0 ? '' : ` ${m % 60} min`}`;
    const words = `notion routed away 09:04–21:06 UTC on 7 Jun 2026 (12 h 2 min), ${duration(report.routedAwayWhileHealthyMinutes)} of it while the provider was healthy`;

    for (const [width, height, name] of [[1366, 900, 'desktop'], [390, 844, 'phone']] as const) {
      const page = await signedIn({ width, height });
      await open(page, '/status?at=2026-06-30');
      const row = page.locator('article[aria-label="anthropic claude-opus-4-7"]');
      // The band over the bars, and its text equivalent under them.
      await expect(row.locator('svg.strip rect.routed').count()).resolves.toBe(1);
      await expect(row.getByRole('list', { name: 'Routed away from claude-opus-4-7 (the band over the bars)' }).textContent()).resolves.toBe(words);
      // The incident of 7 June says it too.
      const incident = page.locator('tr', { hasText: '7 Jun 2026, 09:01 UTC' });
      await expect(incident.locator('.routed-note').textContent()).resolves.toBe(words);
      expect((await horizontalOverflow(page)).document).toBeLessThanOrEqual(0);
      await row.screenshot({ path: join(ARTIFACTS, `status-routed-away-${name}.png`) });
      await incident.screenshot({ path: join(ARTIFACTS, `status-incident-routed-away-${name}.png`) });
      await page.context().close();
    }
    // Another platform's key does not see notion's routing.
    const acme = await signedIn({ key: (await service.client.createKey('acme-wiki', ['READ'])).secret });
    await open(acme, '/status?at=2026-06-30');
    await expect(acme.locator('svg.strip rect.routed').count()).resolves.toBe(0);
    await expect(acme.locator('.routed-note').count()).resolves.toBe(0);
    await acme.context().close();
  }, TEST_MS);

  it('holds each status page against measurement on the compare page, in a table, a chart and words', async () => {
    const accuracy: Record<string, { outages: number; acknowledgedOutages: number; medianAcknowledgementDelayMinutes: number | null; unacknowledgedOutageMinutes: number; incidentsWithoutMeasuredImpact: number; incidents: number }> = {};
    for (const provider of ['anthropic', 'google', 'openai']) {
      const { body } = await service.client.graphql(ADMIN_KEY, `{ statusPageAccuracy(from: "2026-06-01T00:00:00Z", to: "2026-07-01T00:00:00Z", provider: "${provider}", minSeverity: PARTIAL_OUTAGE) {
        outages acknowledgedOutages medianAcknowledgementDelayMinutes unacknowledgedOutageMinutes incidentsWithoutMeasuredImpact incidents } }`);
      accuracy[provider] = body.data.statusPageAccuracy;
    }
    // The demo's June: Anthropic acknowledged 7 June 25 minutes after it began, never 23 June; Google never acknowledged 18 June.
    expect(accuracy.anthropic).toMatchObject({ outages: 3, acknowledgedOutages: 2, medianAcknowledgementDelayMinutes: 25, unacknowledgedOutageMinutes: 12 });
    expect(accuracy.google).toMatchObject({ acknowledgedOutages: 0, incidentsWithoutMeasuredImpact: 1, incidents: 1 });
    expect(accuracy.google!.unacknowledgedOutageMinutes).toBeGreaterThan(0);

    for (const [width, height, name] of [[1366, 900, 'desktop'], [390, 844, 'phone']] as const) {
      const page = await signedIn({ width, height });
      await open(page, '/status/compare?from=2026-06-01&to=2026-06-30');
      const card = page.getByRole('region', { name: 'Status pages against measurement' });
      const rows = await card.locator('table.accuracy tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
      expect(rows.map((r) => r[0])).toEqual(['anthropic', 'google', 'openai']);
      for (const row of rows) {
        const a = accuracy[row[0]!]!;
        expect(row[1]).toBe(`${a.acknowledgedOutages} of ${a.outages}`);
        expect(row[2]).toBe(a.medianAcknowledgementDelayMinutes === null ? '—' : `${a.medianAcknowledgementDelayMinutes.toFixed(1)} min`);
        expect(row[4]).toBe(`${a.incidentsWithoutMeasuredImpact} of ${a.incidents}`);
      }
      // The chart reads as one image whose label carries every figure; the same figures in words below it.
      await expect(card.getByRole('img', { name: /^Partial and major outages the status page acknowledged: anthropic \d+ of \d+/ }).count()).resolves.toBe(1);
      await expect(card.locator('.accuracy-words li').first().textContent()).resolves.toMatch(/^anthropic: \d+ of \d+ partial and major outages acknowledged, median delay 25\.0 min, /);
      const overflow = await horizontalOverflow(page);
      expect(overflow.document).toBeLessThanOrEqual(0);
      expect(overflow.keyTables.every((extra) => extra <= 0)).toBe(true);
      await card.screenshot({ path: join(ARTIFACTS, `compare-status-pages-${name}.png`) });
      await page.context().close();
    }
  }, TEST_MS);

  it('updates the live page by itself when an outage begins, and says when it last heard from the service', async () => {
    const page = await signedIn();
    await page.locator('#live', { hasText: 'last heard from the service at' }).waitFor();
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    const ingest = (await service.client.createKey('livepage', ['INGEST'])).secret;
    const now = Date.now();
    const failing = Array.from({ length: 20 }, (_, i) => outcomeEvent(`live-page-${i}`, { provider: 'liveco', model: 'falling', occurredAt: new Date(now - i * 1_000).toISOString(), outcome: 'error' }));
    expect((await service.client.postEvents(ingest, failing)).status).toBe(200);
    const accepted = performance.now();
    // The banner (role status) turns to the outage without a reload: the page heard the change and fetched itself again.
    await page.getByRole('status').filter({ hasText: 'Major outage: liveco falling' }).waitFor();
    console.log(`live page: the banner changed ${((performance.now() - accepted) / 1000).toFixed(1)} s after the events were accepted`);
    expect(navigations).toBe(0);
    await expect(page.locator('#live').textContent()).resolves.toMatch(/^Live: last heard from the service at \d\d:\d\d:\d\d UTC\.$/);
    await page.screenshot({ path: join(ARTIFACTS, 'status-live-outage.png'), fullPage: true });
  }, TEST_MS);

  it('shows signed-in users the alerts firing now', async () => {
    const { body } = await service.client.graphql(ADMIN_KEY, 'mutation($input: AlertRuleInput!) { createAlertRule(input: $input) { rule { id } } }', {
      // Nobody listens there: the deliveries fail and are retried, which the page does not need.
      input: { name: 'alertco models down', kind: 'MODEL_STATUS', provider: 'alertco', minSeverity: 'MAJOR_OUTAGE', forMinutes: 2, webhookUrl: 'http://127.0.0.1:9/hook' },
    });
    expect(body.errors).toBeUndefined();
    const ingest = (await service.client.createKey('alertpage', ['INGEST'])).secret;
    // Four minutes of failures up to now: the minutes before the last one fire the rule.
    const now = Date.now();
    const failing = Array.from({ length: 40 }, (_, i) => outcomeEvent(`alert-page-${i}`, { provider: 'alertco', model: 'down-model', occurredAt: new Date(now - i * 6_000).toISOString(), outcome: 'error' }));
    expect((await service.client.postEvents(ingest, failing)).status).toBe(200);
    for (const [width, height, name] of [[1366, 900, 'status-alerts-desktop.png'], [390, 844, 'status-alerts-phone.png']] as const) {
      const page = await signedIn({ width, height });
      const card = page.getByRole('region', { name: /^Firing alerts/ });
      await waitFor(async () => {
        await open(page, '/status');
        return (await card.textContent())?.includes('alertco/down-model') === true;
      }, { what: 'the firing alert on /status', timeoutMs: WAIT_MS });
      await expect(card.locator('tbody tr').first().textContent()).resolves.toMatch(/^PAGEalertco\/down-model \(all platforms\): a major outage for 2 minutes in a rowrule alertco models down/);
      const overflow = await horizontalOverflow(page);
      expect(overflow.document).toBeLessThanOrEqual(0);
      expect(overflow.keyTables.every((extra) => extra <= 0)).toBe(true);
      await card.screenshot({ path: join(ARTIFACTS, name) });
      await page.context().close();
    }
  }, TEST_MS);

  it('fits desktop and phone screens without sideways scrolling, and every text has AA contrast, in light and dark', async () => {
    const pages = ['/status?at=2026-06-30', '/status/compare?from=2026-06-01&to=2026-06-30'];
    const problems: string[] = [];
    for (const [width, height] of [[1366, 900], [390, 844]] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await signedIn({ width, height, colorScheme });
        for (const path of pages) {
          await open(page, path);
          const overflow = await horizontalOverflow(page);
          if (overflow.document > 0) problems.push(`${path} at ${width} px (${colorScheme}): the page is ${overflow.document} px wider than the screen`);
          overflow.keyTables.forEach((extra, i) => {
            if (extra > 0) problems.push(`${path} at ${width} px (${colorScheme}): key table ${i + 1} is ${extra} px wider than its box`);
          });
          for (const text of await lowContrastTexts(page)) problems.push(`${path} at ${width} px (${colorScheme}): ${text}`);
          const name = `${path.includes('compare') ? 'compare' : 'status'}-${width > 600 ? 'desktop' : 'phone'}.png`;
          if (colorScheme === 'light') await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
        }
        await page.context().close();
      }
    }
    expect(problems).toEqual([]);
  }, TEST_MS);
});
