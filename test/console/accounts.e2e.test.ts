/**
 * The Accounts page in Chromium (playwright-core) against a real `serve` with the admin API: an
 * application with 2,345 managed accounts shows every one — the first keyset page at once, the
 * rest as the table scrolls — with only the rows in view in the DOM, and a search finds an account
 * on a page not yet scrolled to, asking the API (`search`) for the one page of its matches.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Response } from 'playwright-core';
import { openProvisio } from '../../src/main.js';
import type { LinkInput } from '../../src/engine/state/engine-state.js';
import { appYaml } from '../cli/engine-fixture.js';
import { runCli } from '../support/run-cli.js';
import { seriousViolations } from './support/axe.js';
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './support/chromium.js';
import type { ConsolePage } from './support/console-page.js';
import type { ConsoleStack } from './support/console-stack.js';
import { closeConsoleSuite, openConsoleSuite } from './support/console-suite.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const USERS = 2_300;
const GROUPS = 45;
const pad = (n: number) => String(n).padStart(5, '0');

/** Stores the app (disabled, so serve's runner leaves its links alone) and links its accounts. */
async function appWithAccounts(stack: ConsoleStack): Promise<void> {
  const file = join(stack.dataDir, 'crm.yaml');
  writeFileSync(file, appYaml('crm', join(stack.dataDir, 'target.json'), '', { enabled: false }));
  const applied = await runCli('apps', 'apply', '-f', file, '--data-dir', stack.dataDir);
  expect(applied.code, applied.stderr).toBe(0);
  const database = await openProvisio({ dataDir: stack.dataDir });
  try {
    const appId = (await database.engineState.getApp('crm'))!.id;
    const link = (objectType: 'User' | 'Group', n: number): LinkInput => ({
      appId,
      objectType,
      sourceId: `${objectType === 'User' ? 'u' : 'g'}-${pad(n)}`,
      targetId: `${objectType === 'User' ? 'acct' : 'grp'}-${pad(n)}`,
      exportedHash: 'h',
      exported:
        objectType === 'User' ? { userName: `user${pad(n)}@example.com` } : { displayName: `Team ${pad(n)}` },
      state: 'active',
    });
    await database.engineState.putLinks([
      ...Array.from({ length: USERS }, (_, i) => link('User', i)),
      ...Array.from({ length: GROUPS }, (_, i) => link('Group', i)),
    ]);
  } finally {
    await database.close();
  }
}

describe.skipIf(CHROMIUM === undefined).sequential('the Accounts page in Chromium', () => {
  let stack: ConsoleStack;
  let c: ConsolePage;
  let page: Page;
  const count = () => page.getByTestId('accounts-count').textContent();
  const rowsInDom = () => page.getByTestId('accounts-scroller').locator('.vbody [role="row"]').count();

  beforeAll(async () => {
    ({ stack, c } = await openConsoleSuite(CHROMIUM!, appWithAccounts));
    page = c.page;
    await c.signIn('vera');
  }, 120_000);

  afterAll(() => closeConsoleSuite({ stack, c }));

  it('shows the first page at once, and every account as the table scrolls', async () => {
    await page.goto(`${stack.url}/apps/crm/accounts`);
    await page.getByRole('heading', { level: 1, name: 'Accounts', exact: true }).waitFor();
    await expect.poll(count).toBe('1000 accounts loaded, more below.');
    const table = page.getByRole('table', { name: 'Managed accounts' });
    expect(await table.getAttribute('aria-rowcount')).toBe('1001');
    await table.getByRole('row', { name: /user00000@example\.com/ }).waitFor();
    // Virtualised: a screenful of rows in the DOM, not a thousand.
    expect(await rowsInDom()).toBeLessThan(60);

    // Scroll to the end until no page remains; each end brings the next page.
    const scroller = page.getByTestId('accounts-scroller');
    await expect
      .poll(
        async () => {
          await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
          return count();
        },
        { timeout: 30_000 },
      )
      .toBe(`${USERS + GROUPS} accounts loaded.`);
    expect(await table.getAttribute('aria-rowcount')).toBe(String(USERS + GROUPS + 1));
    // Users first, then groups: at the very end (the last page made it longer), the last group.
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const last = table.getByRole('row', { name: new RegExp(`Team ${pad(GROUPS - 1)}`) });
    await last.waitFor();
    expect(await last.textContent()).toContain(`grp-${pad(GROUPS - 1)}`);
    expect(await last.getAttribute('aria-rowindex')).toBe(String(USERS + GROUPS + 1));
    expect(await rowsInDom()).toBeLessThan(60);
  }, 60_000);

  it('finds an account beyond the pages loaded so far, reading only its match', async () => {
    await page.goto(`${stack.url}/apps/crm/accounts`);
    await expect.poll(count).toBe('1000 accounts loaded, more below.');
    // Each read as it answered; a body may still be arriving when the page has drawn it, so the
    // reads are awaited before they are compared.
    const reads: Promise<{ search: string | null; accounts: number }>[] = [];
    const onResponse = (response: Response) => {
      const url = new URL(response.url());
      if (!url.pathname.endsWith('/apps/crm/accounts')) return;
      reads.push(
        response.json().then((body: { accounts: unknown[] }) => ({
          search: url.searchParams.get('search'),
          accounts: body.accounts.length,
        })),
      );
    };
    page.on('response', onResponse);
    // In other letter case than stored: the server's search folds it.
    await page.getByLabel('Search accounts').fill(`USER${pad(USERS - 1)}@`);
    await expect.poll(count, { timeout: 30_000 }).toBe('1 account matches.');
    page.off('response', onResponse);
    expect(await Promise.all(reads)).toEqual([{ search: `USER${pad(USERS - 1)}@`, accounts: 1 }]);
    const table = page.getByRole('table', { name: 'Managed accounts' });
    const found = table.getByRole('row', { name: new RegExp(`user${pad(USERS - 1)}@example\\.com`) });
    await found.waitFor();
    expect(await found.textContent()).toContain(`acct-${pad(USERS - 1)}`);
    // Cleared: the whole list again, from its first page.
    await page.getByLabel('Search accounts').fill('');
    await expect.poll(count).toBe('1000 accounts loaded, more below.');
  }, 60_000);

  it('has no serious or critical accessibility violation', async () => {
    await page.goto(`${stack.url}/apps/crm/accounts`);
    await expect.poll(count).toBe('1000 accounts loaded, more below.');
    const found = (await seriousViolations(page)).map(
      (v) => `${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`,
    );
    expect(found).toEqual([]);
  });
});
