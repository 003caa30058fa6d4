import type { Browser } from 'playwright-core';
import { describeWithBrowser, launchChromium } from './support/chromium';
import { startTestService, TestService } from './support/test-service';

describeWithBrowser('GraphiQL', () => {
  let service: TestService;
  let browser: Browser;

  beforeAll(async () => {
    service = await startTestService();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('renders its editor from the service alone, with every other host unreachable (offline, or behind a proxy)', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    const elsewhere: string[] = [];
    // Anything not served by the service fails, as it would with no network.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(service.url) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
      elsewhere.push(url);
      return route.abort('internetdisconnected');
    });
    const response = await page.goto(`${service.url}/graphql`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('SLA Ledger GraphiQL');
    // The query editor (a Monaco editor inside GraphiQL's session) and the run button are there.
    await page.locator('.graphiql-container').first().waitFor();
    await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor();
    await page.getByRole('button', { name: /execute query/i }).waitFor();
    expect(elsewhere).toEqual([]);
  });
});
