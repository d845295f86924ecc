/**
 * The Accounts page in Chromium holds only the keyset pages near the view: over the fixture's
 * 20,000 accounts (pages of 1,000), pages scrolled far away give up their rows and are read again
 * after their own cursor when the view comes back, the table's row count, height and scroll
 * position unmoved. A search is asked of the API: only pages of matching accounts are read, and
 * the table over them pages on within the matches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, NO_CHROMIUM_MESSAGE, openChromiumPage } from './support/chromium.js';
import { buildConsole } from './support/console-stack.js';
import { startLogsFixture, type LogsFixture } from './support/logs-fixture.js';
import { windowTable, type WindowTable } from './support/window-table.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const TOTAL = 20_000;
const ROW_HEIGHT = 34;
const pad = (n: number) => String(n).padStart(6, '0');

describe.skipIf(CHROMIUM === undefined).sequential('the accounts table holds a window of pages', () => {
  let fixture: LogsFixture;
  let browser: Browser;
  let page: Page;
  let accounts: WindowTable;
  const table = () => accounts.table();
  const count = () => page.getByTestId('accounts-count').textContent();
  const reads = (cursor: string | undefined) =>
    fixture.accountReads.filter((r) => r.cursor === cursor && r.search === undefined).length;
  /** The pages read since `from` reads, as `search@cursor:accounts`. */
  const readsSince = (from: number) =>
    fixture.accountReads.slice(from).map((r) => `${r.search}@${r.cursor}:${r.accounts}`);
  const userRow = (n: number) =>
    table().getByRole('row', { name: new RegExp(`account${pad(n)}@example\\.com`) });

  beforeAll(async () => {
    fixture = await startLogsFixture(await buildConsole(), TOTAL);
    ({ browser, page } = await openChromiumPage(CHROMIUM!));
    accounts = windowTable(page, { scrollerTestId: 'accounts-scroller', tableName: 'Managed accounts' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.app.close();
  });

  it('reads every page as the table scrolls to the end', async () => {
    await page.goto(`${fixture.url}/apps/bench/accounts`);
    await expect.poll(count).toBe('1000 accounts loaded, more below.');
    await accounts.scrollUntil(count, `${TOTAL} accounts loaded.`);
    await accounts.scrollToEnd();
    const last = table().getByRole('row', { name: new RegExp(`Team ${pad(TOTAL - 1)}`) });
    await last.waitFor();
    expect(await last.getAttribute('aria-rowindex')).toBe(String(TOTAL + 1));
    expect(await table().getAttribute('aria-rowcount')).toBe(String(TOTAL + 1));
  }, 60_000);

  it('reads the first page again when the view comes back to the top, nothing moving', async () => {
    const before = await accounts.geometry();
    expect(before.height).toBeGreaterThanOrEqual(TOTAL * ROW_HEIGHT);
    const readsBefore = reads(undefined);
    await accounts.scrollTo(0);
    await userRow(0).waitFor();
    // The top was given up while the view was at the end: read again, after no cursor.
    expect(reads(undefined)).toBe(readsBefore + 1);
    expect(await userRow(0).getAttribute('aria-rowindex')).toBe('2');
    expect(await userRow(0).textContent()).toContain(`acct-${pad(0)}`);
    expect(await accounts.geometry()).toEqual({ ...before, top: 0 });
    expect(await accounts.rowsInDom()).toBeLessThan(60);
  });

  it('shows a placeholder in the place of a row being read, then the row, at the same scroll position', async () => {
    // The page after cursor 10000 (accounts 10000-10999) is held back until the placeholder was seen.
    const readsBefore = reads('10000');
    await accounts.placeholderThenRow({
      heldPage: /\/admin\/v1\/apps\/bench\/accounts\?.*cursor=10000(&|$)/,
      top: 10_200 * ROW_HEIGHT,
      rows: [10_000 + 2, 11_000 + 2],
      row: userRow(10_200),
    });
    expect(await userRow(10_200).getAttribute('aria-rowindex')).toBe(String(10_200 + 2));
    expect(reads('10000')).toBe(readsBefore + 1);
  });

  it('asks the API for the matching accounts only, and pages on within them', async () => {
    await accounts.scrollTo(0);
    await userRow(0).waitFor();
    const search = page.getByLabel('Search accounts');
    // Far from the view (pages from 17,000 on given up): one page of the 100 matches, nothing else.
    let from = fixture.accountReads.length;
    await search.fill('account0179');
    await expect.poll(count, { timeout: 30_000 }).toBe('100 accounts match.');
    await userRow(17_900).waitFor();
    expect(await userRow(17_900).getAttribute('aria-rowindex')).toBe('2');
    expect(await table().getAttribute('aria-rowcount')).toBe('101');
    expect(readsSince(from)).toEqual(['account0179@undefined:100']);

    // A longer text, in other letter case: its own page of matches, read from the API.
    from = fixture.accountReads.length;
    await search.fill('Account01799');
    await expect.poll(count).toBe('10 accounts match.');
    expect(await table().getAttribute('aria-rowcount')).toBe('11');
    const last = userRow(17_999);
    await last.waitFor();
    expect(await last.textContent()).toContain(`acct-${pad(17_999)}`);
    expect(readsSince(from)).toEqual(['Account01799@undefined:10']);

    // 8,000 matches (accounts 10,000-17,999): a page at a time as the table scrolls, each after the
    // cursor of the previous page of matches.
    from = fixture.accountReads.length;
    await search.fill('account01');
    await expect.poll(count).toBe('1000 accounts match, more below.');
    await accounts.scrollUntil(count, '8000 accounts match.');
    // At the very end (the last page made the table longer): the last match.
    await accounts.scrollToEnd();
    await userRow(17_999).waitFor();
    expect(await userRow(17_999).getAttribute('aria-rowindex')).toBe('8001');
    const firstReads = Array.from(
      { length: 8 },
      (_, i) => `account01@${i === 0 ? undefined : 11_000 + (i - 1) * 1000}:1000`,
    );
    expect(readsSince(from)).toEqual(firstReads);

    // Cleared: the whole list again from its first page, at the top.
    from = fixture.accountReads.length;
    await search.fill('');
    await expect.poll(count).toBe('1000 accounts loaded, more below.');
    await userRow(0).waitFor();
    expect(await userRow(0).getAttribute('aria-rowindex')).toBe('2');
    expect(readsSince(from)).toEqual(['undefined@undefined:1000']);
  }, 60_000);
});
