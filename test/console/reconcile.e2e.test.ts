/**
 * The Accounts and Reconcile pages in Chromium against a real `serve` and the SCIM test target: an
 * app provisions four users; the Accounts page lists them with their accounts in the target and
 * searches them; then the target is changed behind the engine's back (an account edited, one
 * deleted, one nobody provisioned added), Reconcile shows the drift, the missing account and the
 * orphan, Fix converges the target, and comparing again finds only the orphan, which Fix leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './support/chromium.js';
import type { ConsolePage } from './support/console-page.js';
import type { ConsoleStack } from './support/console-stack.js';
import { closeConsoleSuite, directoryUser, openConsoleSuite, storeScimApp } from './support/console-suite.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const APP = 'crm';
const PEOPLE = [
  ['ada@example.com', 'Ada Lovelace'],
  ['grace@example.com', 'Grace Hopper'],
  ['alan@example.com', 'Alan Turing'],
  ['edsger@example.com', 'Edsger Dijkstra'],
] as const;

describe.skipIf(CHROMIUM === undefined).sequential('Accounts and Reconcile in Chromium', () => {
  let stack: ConsoleStack;
  let c: ConsolePage;
  const inTarget = (userName: string) => stack.target.resources('User').find((u) => u.userName === userName);

  beforeAll(async () => {
    ({ stack, c } = await openConsoleSuite(CHROMIUM!, (s) =>
      s.users(PEOPLE.map(([userName, displayName]) => directoryUser(userName, displayName))),
    ));
    await c.signIn('alice');
    await storeScimApp(c, stack, APP, PEOPLE.length);
    expect(stack.target.resources('User')).toHaveLength(PEOPLE.length);
  }, 120_000);

  afterAll(() => closeConsoleSuite({ stack, c }));

  it('lists the managed accounts with their ids in the target, and searches them', async () => {
    const { page } = c;
    await c.openApp(APP);
    await c.open('Accounts');
    const rows = page.getByTestId('accounts-scroller').locator('.vbody [role="row"]');
    await expect.poll(() => rows.count()).toBe(PEOPLE.length);
    for (const [userName] of PEOPLE) {
      const row = rows.filter({ has: page.getByRole('rowheader', { name: userName, exact: true }) });
      const cells = await row.locator('[role="cell"]').allTextContents();
      expect(cells[0]).toBe('User');
      expect(cells[1]).toContain(String(inTarget(userName)!.id));
      expect(cells[2]).toBe('active');
    }
    expect(await page.getByTestId('accounts-count').textContent()).toBe(`${PEOPLE.length} accounts loaded.`);
    await page.getByLabel('Search accounts').fill('grace');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.getByRole('rowheader').allTextContents()).toEqual(['grace@example.com']);
    expect(await page.getByTestId('accounts-count').textContent()).toBe('1 account matches.');
  });

  it('shows drift, a missing account and an orphan; Fix converges the target', async () => {
    const ada = inTarget('ada@example.com')!;
    stack.target.store.replace('User', String(ada.id), { ...ada, displayName: 'Countess of Lovelace' });
    stack.target.store.delete('User', String(inTarget('alan@example.com')!.id));
    const orphan = stack.target.store.create('User', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'left-behind@example.com',
      active: true,
    });

    const { page } = c;
    await c.open('Reconcile');
    await page.getByRole('button', { name: 'Compare with the application' }).click();
    await page.getByRole('heading', { name: 'Drift (1)' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Missing (1)' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Orphans (1)' }).isVisible()).toBe(true);
    const drift = page.getByRole('table', { name: 'Drift' });
    const changed = drift.locator('tbody tr', { has: page.locator('code', { hasText: /^displayName$/ }) });
    expect(await changed.locator('td.old').textContent()).toBe('Countess of Lovelace');
    expect(await changed.locator('td.new').textContent()).toBe('Ada Lovelace');
    // The row names the object, then why it is listed.
    expect(await drift.getByRole('rowheader').allTextContents()).toEqual([
      expect.stringMatching(/^User ada@example\.com/),
    ]);
    const missing = page.getByRole('table', { name: 'Missing accounts' });
    expect(await missing.getByRole('rowheader').allTextContents()).toEqual([
      expect.stringMatching(/^User alan@example\.com/),
    ]);
    const orphanRow = page.locator('table.grid tbody tr', { hasText: 'left-behind@example.com' });
    expect(await orphanRow.locator('td').allTextContents()).toEqual([
      'User',
      'left-behind@example.com',
      String(orphan.id),
    ]);
    await c.checkAccessibility('Reconcile report');
    // Comparing changes nothing.
    expect(inTarget('ada@example.com')?.displayName).toBe('Countess of Lovelace');
    expect(inTarget('alan@example.com')).toBeUndefined();

    await page.getByRole('button', { name: 'Fix 2 drifted and missing accounts' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Fixed:/ })
      .waitFor({ timeout: 30_000 });
    expect(inTarget('ada@example.com')?.displayName).toBe('Ada Lovelace');
    expect(inTarget('alan@example.com')).toMatchObject({ displayName: 'Alan Turing', active: true });
    // Fix converges what Provisio manages; an account it never made is left for a person to judge.
    expect(inTarget('left-behind@example.com')).toBeDefined();

    await page.getByRole('button', { name: 'Compare with the application' }).click();
    await page.getByText('No drift.').waitFor();
    expect(await page.getByText('Nothing missing.').isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Orphans (1)' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: /^Fix / }).count()).toBe(0);
    await c.checkAccessibility('Reconcile converged');
    expect(c.violations).toEqual([]);
  });
});
