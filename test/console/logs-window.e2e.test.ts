/**
 * The Provisioning logs page in Chromium holds only the keyset pages near the view: over the log
 * fixture's 10,000 entries (pages of 500), pages scrolled far away give up their rows and are read
 * again after their own cursor when the view comes back, while the table's row count, height and
 * scroll position stay where they were; a row whose page is still being read shows a placeholder
 * in its place until the entry arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, NO_CHROMIUM_MESSAGE, openChromiumPage } from './support/chromium.js';
import { buildConsole } from './support/console-stack.js';
import { startLogsFixture, type LogsFixture } from './support/logs-fixture.js';
import { windowTable, type WindowTable } from './support/window-table.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const TOTAL = 10_000;
const ROW_HEIGHT = 34;

describe.skipIf(CHROMIUM === undefined).sequential('the logs table holds a window of pages', () => {
  let fixture: LogsFixture;
  let browser: Browser;
  let page: Page;
  let logs: WindowTable;
  const firstPageReads = () => fixture.pageReads.filter((cursor) => cursor === undefined).length;
  const row = (n: number) => logs.table().getByRole('row', { name: new RegExp(`user${n}@example\\.com`) });

  beforeAll(async () => {
    fixture = await startLogsFixture(await buildConsole(), TOTAL);
    ({ browser, page } = await openChromiumPage(CHROMIUM!));
    logs = windowTable(page, { scrollerTestId: 'logs-scroller', tableName: 'Provisioning log' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.app.close();
  });

  it('reads every page as the table scrolls to the end', async () => {
    await page.goto(`${fixture.url}/apps/bench/logs`);
    await page.getByText('500 entries loaded, more below.').waitFor();
    await logs.scrollUntil(() => page.getByText(/^\d+ entries loaded/).textContent(), `${TOTAL} entries loaded.`);
    await logs.scrollToEnd();
    const last = row(TOTAL - 1);
    await last.waitFor();
    expect(await last.getAttribute('aria-rowindex')).toBe(String(TOTAL + 1));
    expect(await logs.table().getAttribute('aria-rowcount')).toBe(String(TOTAL + 1));
  }, 60_000);

  it('reads the first page again when the view comes back to the top, nothing moving', async () => {
    const before = await logs.geometry();
    expect(before.height).toBeGreaterThanOrEqual(TOTAL * ROW_HEIGHT);
    const readsBefore = firstPageReads();
    await logs.scrollTo(0);
    await row(0).waitFor();
    // The top was given up while the view was at the end: read again, after no cursor.
    expect(firstPageReads()).toBe(readsBefore + 1);
    expect(await row(0).getAttribute('aria-rowindex')).toBe('2');
    expect(await logs.geometry()).toEqual({ ...before, top: 0 });
    expect(await logs.rowsInDom()).toBeLessThan(60);
  });

  it('shows a placeholder in the place of a row being read, then the row, at the same scroll position', async () => {
    // The page after cursor 7000 (entries 7000-7499) is held back until the placeholder was seen.
    const reads7000 = () => fixture.pageReads.filter((cursor) => cursor === '7000').length;
    const readsBefore = reads7000();
    await logs.placeholderThenRow({
      heldPage: /\/admin\/v1\/apps\/bench\/logs\?.*cursor=7000(&|$)/,
      top: 7_200 * ROW_HEIGHT,
      rows: [7_000 + 2, 7_500 + 2],
      row: row(7_200),
    });
    expect(await row(7_200).getAttribute('aria-rowindex')).toBe(String(7_200 + 2));
    expect(reads7000()).toBe(readsBefore + 1);
  });

  it("opens a row read again, with its entry's steps", async () => {
    await row(7_205).click();
    await page.getByRole('heading', { name: 'Steps: create user7205@example.com (success)' }).waitFor();
    await page.getByRole('button', { name: 'Close steps' }).click();
  });
});
