import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { describeWithBrowser, launchChromium } from './support/chromium';
import { horizontalOverflow, lowContrastTexts } from './support/page-checks';
import { ADMIN_KEY, startTestService, TestService, waitForProjections } from './support/test-service';

const WAIT_MS = 90_000;
const TEST_MS = 300_000;
const ARTIFACTS = resolve(process.env.SCREENSHOT_DIR ?? join(__dirname, '../test-artifacts'));

/**
 * The /claims page and a claim letter in Chromium: what finance opens. Two claims of whichever
 * months have just ended (so that the test does not age): one due in about three days, whose row
 * must be red, and one due in months; each with an evidence run long enough for the letter to
 * list ten runs and count the rest.
 */
describeWithBrowser('claims in a browser', () => {
  let service: TestService;
  let browser: Browser;
  let readKey: string;
  let soonClaim = '';

  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const { body } = await service.client.graphql(ADMIN_KEY, query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  /** A month's contract with an outage of 14 short runs (the letter lists 10), its statement and its claim, due `claimWindowDays` after the month. */
  async function claimFor(provider: string, month: DateTime, claimWindowDays: number): Promise<string> {
    const events: Record<string, unknown>[] = [];
    for (let run = 0; run < 14; run++) {
      for (let m = 0; m < 5; m++) {
        const at = month.plus({ days: 2, hours: run * 3, minutes: m }).toUTC();
        for (let i = 0; i < 4; i++) {
          events.push({ id: `${provider}-${run}-${m}-${i}`, provider, model: 'model-a', occurredAt: at.plus({ seconds: i }).toISO(), outcome: i === 0 ? 'success' : 'error', httpStatus: i === 0 ? 200 : 529, errorCode: i === 0 ? null : 'overloaded_error' });
        }
      }
    }
    const ingest = (await service.client.createKey('notion', ['INGEST'])).secret;
    expect((await service.client.postEvents(ingest, events)).status).toBe(200);
    await waitForProjections(service.client);
    const { defineContract } = await gql('mutation($input: ContractInput!) { defineContract(input: $input) { id } }', {
      input: {
        platform: 'notion', provider, timeZone: 'Europe/Berlin', targetPercent: '99.95', policy: { kind: 'DOWNTIME_MINUTES' },
        creditTiers: [{ uptimeBelow: '99.95', creditPercent: '10' }, { uptimeBelow: '99.0', creditPercent: '25' }],
        monthlyFee: { amount: '48250.00', currency: 'EUR' }, claimWindowDays, effectiveFrom: '2020-01-01T00:00:00Z',
      },
    });
    const label = month.toFormat('yyyy-MM');
    await gql('mutation($id: ID!, $p: String!) { issueStatement(contractId: $id, period: $p) { version } }', { id: defineContract.id, p: label });
    return (await gql('mutation($id: ID!, $p: String!) { openClaim(contractId: $id, period: $p) { id } }', { id: defineContract.id, p: label })).openClaim.id;
  }

  beforeAll(async () => {
    service = await startTestService({ STATUS_PAGE: 'key', AUTO_ISSUE_STATEMENTS: 'false', AUTO_OPEN_CLAIMS: 'false' });
    await service.client.createKey('notion', ['READ']);
    readKey = (await service.client.createKey('notion', ['READ'])).secret;
    const lastMonth = DateTime.now().setZone('Europe/Berlin').startOf('month').minus({ months: 1 });
    // Due about three days from now: the days from the month's end to today, plus three.
    const daysSinceEnd = Math.floor(DateTime.now().setZone('Europe/Berlin').startOf('day').diff(lastMonth.plus({ months: 1 }), 'days').days);
    soonClaim = await claimFor('anthropic', lastMonth, daysSinceEnd + 3);
    const later = await claimFor('openai', lastMonth.minus({ months: 1 }), 365);
    await gql('mutation($id: ID!) { fileClaim(id: $id, reference: "OAI-77812") { status } }', { id: later });
    browser = await launchChromium();
    await mkdir(ARTIFACTS, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  async function signedIn(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    const first = await page.goto(`${service.url}/claims`, { waitUntil: 'load' });
    expect(first?.status()).toBe(401);
    await page.getByLabel('API key with the read scope').fill(readKey);
    const reloaded = page.waitForResponse((r) => r.url() === `${service.url}/claims` && r.request().isNavigationRequest() && r.status() === 200);
    await page.getByRole('button', { name: 'Show the status' }).click();
    await reloaded;
    await page.getByRole('heading', { name: 'Open claims, by deadline' }).waitFor();
    return page;
  }

  it('lists the open claims by deadline, the one due within 7 days in red, with amounts, recovery and documents, at desktop and phone sizes', async () => {
    for (const width of [1100, 390]) {
      const page = await signedIn(width);
      const rows = page.locator('section[aria-labelledby="open-title"] tbody tr');
      await expect(rows.count()).resolves.toBe(2);
      // By deadline: the anthropic claim first, red, and saying so in words.
      await expect(rows.nth(0).getAttribute('class')).resolves.toBe('due-soon');
      await expect(rows.nth(0).locator('th').textContent()).resolves.toContain(soonClaim);
      await expect(rows.nth(0).textContent()).resolves.toMatch(/⚠ due in (2|3) days|⚠ due in \d+ h/);
      await expect(rows.nth(1).getAttribute('class')).resolves.toBeNull();
      await expect(rows.nth(1).textContent()).resolves.toContain('ref. OAI-77812');
      const background = await rows.nth(0).evaluate((row) => getComputedStyle(row).backgroundColor);
      expect(background).not.toBe('rgba(0, 0, 0, 0)');
      await page.getByText('1 due within 7 days').waitFor();
      // The totals: one filed openai claim, outstanding, no recovery yet.
      const totals = page.locator('section[aria-labelledby="totals-title"] tbody tr');
      await expect(totals.locator('th').allTextContents()).resolves.toEqual(['openai']);
      await expect(totals.nth(0).locator('td').last().textContent()).resolves.toBe('none resolved');
      const overflow = await horizontalOverflow(page);
      expect(overflow.document).toBeLessThanOrEqual(0);
      expect(await lowContrastTexts(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `claims-${width === 1100 ? 'desktop' : 'phone'}.png`), fullPage: true });
      await page.context().close();
    }
  }, TEST_MS);

  it('opens a claim\'s letter from the page: one A4 page when printed, readable on a phone', async () => {
    const page = await signedIn(1100);
    const [letter] = await Promise.all([page.waitForEvent('load'), page.locator('section[aria-labelledby="open-title"] tbody tr').nth(0).getByRole('link', { name: 'letter' }).click()]);
    expect(letter.url()).toBe(`${service.url}/claims/${soonClaim}/letter.html`);
    await page.getByRole('heading', { name: /^SLA credit claim: anthropic, / }).waitFor();
    const text = await page.locator('main').textContent();
    for (const words of ['4,825.00 EUR', '10.00 % of the monthly fee of 48,250.00 EUR', 'and 4 more runs (20 minutes), listed in the attached evidence.csv', 'How to verify']) expect(text).toContain(words);
    await expect(page.locator('tbody tr').count()).resolves.toBe(11); // ten runs and the line for the rest
    expect(await lowContrastTexts(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'claim-letter-desktop.png'), fullPage: true });
    // Printed: A4, one page. (Chromium's PDF holds one /Type /Page object per page.)
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(1);
    await page.context().close();

    const phone = await signedIn(390);
    await phone.goto(`${service.url}/claims/${soonClaim}/letter.html`, { waitUntil: 'load' });
    expect((await horizontalOverflow(phone)).document).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: join(ARTIFACTS, 'claim-letter-phone.png'), fullPage: true });
    await phone.context().close();
  }, TEST_MS);
});
