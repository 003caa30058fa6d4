import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, driven headless by the browser specs. `.ci/run` installs it and sets
 * BROWSER_TESTS=required, so there a missing browser fails the run; elsewhere a spec says it was
 * skipped.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserPresent = existsSync(CHROMIUM);
if (!browserPresent && process.env.BROWSER_TESTS === 'required') {
  throw new Error(`BROWSER_TESTS=required but there is no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

if (!browserPresent) console.warn(`browser specs skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

/** `describe` when Chromium is there; else the spec is skipped, with the warning above. */
export const describeWithBrowser = browserPresent ? describe : describe.skip;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
