/**
 * Finds and launches the Chromium the console tests drive through playwright-core: the one named
 * by PROVISIO_TEST_CHROMIUM, else Debian's /usr/bin/chromium. Without one the tests skip with a
 * message; under CI (.ci/run installs it) a missing Chromium fails instead.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { vi } from 'vitest';

// Every console test file imports this module. A browser test walks several pages, each wait
// allowed 15 s, so the suite's 30 s per test is too short for it on a loaded machine: the waits
// inside, not the test's own clock, decide when a step failed. (bench/console.bench.ts imports this
// module outside the test runner, where there is no config to set.)
if (process.env.VITEST !== undefined) vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

export function findChromium(): string | undefined {
  const named = process.env.PROVISIO_TEST_CHROMIUM;
  if (named !== undefined && named !== '') {
    if (!existsSync(named)) throw new Error(`PROVISIO_TEST_CHROMIUM names ${named}, which does not exist`);
    return named;
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(
      'CI requires Chromium for the console tests: set PROVISIO_TEST_CHROMIUM or install chromium',
    );
  }
  return undefined;
}

export const CHROMIUM = findChromium();
export const NO_CHROMIUM_MESSAGE =
  'console end-to-end tests skipped: no Chromium (set PROVISIO_TEST_CHROMIUM or install /usr/bin/chromium)';

/**
 * Launches headless Chromium with a fresh profile (playwright-core makes a temporary
 * --user-data-dir per launch). The background-networking flags keep Chromium from opening
 * connections of its own, which the machines this runs on refuse.
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ChromiumPage {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
}

/**
 * One page in a fresh headless Chromium, as every console test sees the console: a 1280x900
 * window and 15 seconds for each wait. Closing the browser closes the rest.
 */
export async function openChromiumPage(
  executablePath: string,
  options: { acceptDownloads?: boolean } = {},
): Promise<ChromiumPage> {
  const browser = await launchChromium(executablePath);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(15_000);
  return { browser, context, page: await context.newPage() };
}
