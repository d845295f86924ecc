/**
 * The Directory and Audit log pages in Chromium against a real `serve`: the directory's users and
 * groups, searched by prefix, a group's members on request; then changes made by two console users
 * and by the command line show in the audit log with who made each and what it changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './support/chromium.js';
import type { ConsolePage } from './support/console-page.js';
import { scimAppYaml, type ConsoleStack } from './support/console-stack.js';
import { closeConsoleSuite, directoryUser as user, openConsoleSuite } from './support/console-suite.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const APP = 'crm';

describe.skipIf(CHROMIUM === undefined).sequential('Directory and Audit log in Chromium', () => {
  let stack: ConsoleStack;
  let c: ConsolePage;
  const rowHeaders = async () => (await c.page.locator('tbody th[scope="row"]').allTextContents()).sort();

  beforeAll(async () => {
    ({ stack, c } = await openConsoleSuite(CHROMIUM!, async (s) => {
      const [ada, grace, alan] = await s.users([
        user('ada@example.com', 'Ada Lovelace'),
        user('grace@example.com', 'Grace Hopper'),
        user('alan@example.com', 'Alan Turing', false),
      ]);
      await s.group('Engineering', [ada!, grace!]);
      await s.group('Sales', [alan!]);
      await s.group('Empty', []);
    }));
  }, 120_000);

  afterAll(() => closeConsoleSuite({ stack, c }));

  it('lists and searches directory users', async () => {
    const { page } = c;
    await c.signIn('vera');
    await c.open('Directory');
    await expect.poll(rowHeaders).toEqual(['ada@example.com', 'alan@example.com', 'grace@example.com']);
    const alan = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'alan@example.com' }) });
    const cells = await alan.locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['Alan Turing', 'no']);
    expect(cells[2]).toMatch(/^[0-9a-f-]{36}$/);
    // A prefix of the user name or of the display name.
    await page.getByLabel('Search users').fill('gr');
    await expect.poll(rowHeaders).toEqual(['grace@example.com']);
    await page.getByLabel('Search users').fill('Ada L');
    await expect.poll(rowHeaders).toEqual(['ada@example.com']);
    await page.getByLabel('Search users').fill('nobody');
    await expect.poll(rowHeaders).toEqual([]);
  });

  it("lists and searches groups, and shows a group's members when asked", async () => {
    const { page } = c;
    await page.getByRole('button', { name: 'Groups', exact: true }).click();
    await page.getByLabel('Search groups').fill('');
    await expect.poll(rowHeaders).toEqual(['Empty', 'Engineering', 'Sales']);
    await page.getByRole('button', { name: 'Show members of Engineering' }).click();
    const members = page.getByRole('list', { name: 'Members of Engineering' });
    await members.waitFor();
    expect((await members.getByRole('listitem').allTextContents()).sort()).toEqual([
      'Ada Lovelace (User)',
      'Grace Hopper (User)',
    ]);
    await page.getByRole('button', { name: 'Show members of Empty' }).click();
    await page.getByText('Empty has no members.').waitFor();
    await c.checkAccessibility('Directory groups with members shown');
    await page.getByRole('button', { name: 'Hide members of Engineering' }).click();
    expect(await members.count()).toBe(0);
    await page.getByLabel('Search groups').fill('Sa');
    await expect.poll(rowHeaders).toEqual(['Sales']);
    await c.signOut();
  });

  it('shows each change in the audit log with its actor and what it changed', async () => {
    await c.signIn('alice');
    expect((await c.api('PUT', `/apps/${APP}`, scimAppYaml(stack.target, APP))).status).toBe(201);
    const changed = scimAppYaml(stack.target, APP, { deletionThreshold: '50' });
    expect((await c.api('PUT', `/apps/${APP}`, changed)).status).toBe(200);
    await c.signOut();
    await c.signIn('oscar');
    const assigned = await c.api('POST', `/apps/${APP}/assignments`, {
      principalType: 'Group',
      principal: 'Sales',
    });
    expect(assigned.status).toBe(201);
    await c.signOut();

    const { page } = c;
    await c.signIn('vera');
    await c.open('Audit log');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(6);
    const table = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.innerText.trim())),
    );
    // Newest first: the operator's assignment, then the admin's two applies. (Other entries, such as
    // sign-ins, may come between; the app's own are exactly these.)
    expect(table.filter((row) => row[2] === APP)).toEqual([
      ['console:oscar', 'assign', APP, 'group Sales as User'],
      ['console:alice', 'apply', APP, 'settings.deletionThreshold: 500 → 50'],
      ['console:alice', 'apply', APP, `created ${APP}`],
    ]);
    // The console users the command line made when the server was set up.
    expect(table.filter((row) => row[1] === 'admin.create').sort()).toEqual([
      ['cli', 'admin.create', '', 'created alice (admin)'],
      ['cli', 'admin.create', '', 'created oscar (operator)'],
      ['cli', 'admin.create', '', 'created vera (viewer)'],
    ]);
    // Each row has its time.
    const times = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')!.textContent ?? ''));
    expect(times.every((t) => t !== '')).toBe(true);
    // Never a credential.
    expect(await page.locator('main').textContent()).not.toContain('target-token');
    expect(c.violations).toEqual([]);
  });
});
