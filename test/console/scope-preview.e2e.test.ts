/**
 * The Scope and Preview pages in Chromium against a real `serve` and the SCIM test target: an
 * admin switches the app to all users, writes two clause groups (with an operator that takes no
 * value and one of Entra's newer ones, both from the list the API serves), sees a mistake named next
 * to its field, saves, finds the filter stored, and the Preview's diff table then plans exactly the
 * users the filter lets through, filterable by name and action; the target is left untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Body } from '../admin/routes-harness.js';
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './support/chromium.js';
import type { ConsolePage } from './support/console-page.js';
import { scimAppYaml, type ConsoleStack } from './support/console-stack.js';
import { closeConsoleSuite, openConsoleSuite } from './support/console-suite.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const APP = 'crm';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const person = (userName: string, displayName: string, department: string, title?: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  userName,
  displayName,
  ...(title !== undefined ? { title } : {}),
  [ENTERPRISE]: { department },
  active: true,
});

describe.skipIf(CHROMIUM === undefined).sequential('Scope and Preview in Chromium', () => {
  let stack: ConsoleStack;
  let c: ConsolePage;

  beforeAll(async () => {
    ({ stack, c } = await openConsoleSuite(CHROMIUM!, (s) =>
      s.users([
        person('ada@example.com', 'Ada Lovelace', 'Engineering', 'Analyst'),
        person('grace@example.com', 'Grace Hopper', 'Sales', 'Admiral'),
        person('alan@example.com', 'Alan Turing', 'Sales'),
        person('edsger@research.example.com', 'Edsger Dijkstra', 'Research'),
        person('barbara@example.com', 'Barbara Liskov', 'Research'),
      ]),
    ));
    await c.signIn('alice');
    // Paused before anything is in scope, so the preview is the only thing that plans.
    // The group filter is written with another accepted spelling of an operator.
    const yaml = scimAppYaml(stack.target, APP, { nearRealTime: 'false' }).replace(
      '  Group:\n    enabled: true\n',
      '  Group:\n    enabled: true\n    scope:\n      filters:\n        - clauses: [{ attribute: displayName, operator: not_equals, value: Contractors }]\n',
    );
    expect(yaml).toContain('operator: not_equals');
    const put = await c.api('PUT', `/apps/${APP}`, yaml);
    expect(put.status).toBe(201);
    expect((await c.api('POST', `/apps/${APP}/pause`)).status).toBe(200);
  }, 120_000);

  afterAll(() => closeConsoleSuite({ stack, c }));

  it('edits clause groups with the operators the API serves, and names a mistake at its field', async () => {
    const { page } = c;
    await c.openApp(APP);
    await c.open('Scope');
    expect(await page.getByText('No filter: every user passes.').isVisible()).toBe(true);
    await page.getByLabel('Sync all users and groups').check();
    // A spelling the list does not name is shown as it is stored, not as the first operator.
    const groupFilter = page.getByRole('group', { name: 'Group clause group 1' });
    expect(await groupFilter.getByLabel('Operator (group 1, clause 1)').inputValue()).toBe('not_equals');
    expect(await groupFilter.getByLabel('Value (group 1, clause 1)').inputValue()).toBe('Contractors');

    await page.getByRole('button', { name: 'Add User clause group' }).click();
    const first = page.getByRole('group', { name: 'User clause group 1' });
    await first.getByLabel('Attribute (group 1, clause 1)').fill('departmnt');
    const operator = first.getByLabel('Operator (group 1, clause 1)');
    const offered = await operator.locator('option').allTextContents();
    const served = (await c.api('GET', '/scope-operators')).json as { operators: { name: string }[] };
    expect(offered).toEqual(served.operators.map((o) => o.name));
    expect(offered).toEqual(expect.arrayContaining(['ENDS_WITH', '&', '!&', 'IS NOT NULL']));
    await operator.selectOption('EQUALS');
    await first.getByLabel('Value (group 1, clause 1)').fill('Sales');

    await first.getByRole('button', { name: 'Add clause' }).click();
    await first.getByLabel('Attribute (group 1, clause 2)').fill('userPrincipalName');
    await first.getByLabel('Operator (group 1, clause 2)').selectOption('IS NOT NULL');
    // IS NOT NULL takes no value: its value field goes.
    expect(await first.getByLabel('Value (group 1, clause 2)').count()).toBe(0);

    await page.getByRole('button', { name: 'Add User clause group' }).click();
    const second = page.getByRole('group', { name: 'User clause group 2' });
    await second.getByLabel('Attribute (group 2, clause 1)').fill('userPrincipalName');
    await second.getByLabel('Operator (group 2, clause 1)').selectOption('ENDS_WITH');
    await second.getByLabel('Value (group 2, clause 1)').fill('@research.example.com');

    await page.getByRole('button', { name: 'Save scope' }).click();
    const attribute = first.getByLabel('Attribute (group 1, clause 1)');
    await expect.poll(() => attribute.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
    const describedBy = (await attribute.getAttribute('aria-describedby'))!.split(' ');
    const said = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(said.join(' ')).toContain("did you mean 'department'?");
    await c.checkAccessibility('Scope with a mistake');
    // Nothing was stored.
    const unchanged = (await c.api('GET', `/apps/${APP}`)).json as { definition: Body };
    expect(unchanged.definition.objects.User.scope).toBeUndefined();

    await attribute.fill('department');
    await page.getByRole('button', { name: 'Save scope' }).click();
    await page.getByRole('status').filter({ hasText: 'Scope saved.' }).waitFor();
    expect(await attribute.getAttribute('aria-invalid')).toBeNull();
  });

  it('stores the filter as written and shows it again after a reload', async () => {
    const stored = (await c.api('GET', `/apps/${APP}`)).json as { definition: Body };
    expect(stored.definition.settings.scope).toBe('all');
    expect(stored.definition.objects.User.scope).toEqual({
      filters: [
        {
          clauses: [
            { attribute: 'department', operator: 'EQUALS', value: 'Sales' },
            { attribute: 'userPrincipalName', operator: 'IS NOT NULL' },
          ],
        },
        {
          clauses: [
            { attribute: 'userPrincipalName', operator: 'ENDS_WITH', value: '@research.example.com' },
          ],
        },
      ],
    });
    expect(stored.definition.objects.Group.scope).toEqual({
      filters: [{ clauses: [{ attribute: 'displayName', operator: 'not_equals', value: 'Contractors' }] }],
    });
    const { page } = c;
    await page.reload();
    await c.arriveAt('Scope');
    expect(await page.getByLabel('Sync all users and groups').isChecked()).toBe(true);
    const second = page.getByRole('group', { name: 'User clause group 2' });
    expect(await second.getByLabel('Operator (group 2, clause 1)').inputValue()).toBe('ENDS_WITH');
    expect(await second.getByLabel('Value (group 2, clause 1)').inputValue()).toBe('@research.example.com');
  });

  it('previews exactly the users in scope as a filterable diff table, touching nothing', async () => {
    const { page } = c;
    await c.open('Preview');
    await page.getByRole('button', { name: 'Preview the next cycle' }).click();
    const table = page.getByRole('table', { name: 'Planned changes' });
    await table.waitFor();
    const objects = async () =>
      (await table.locator('tbody th[scope="row"]').allTextContents()).map((t) => t.trim());
    expect((await objects()).sort()).toEqual([
      'User alan@example.com',
      'User edsger@research.example.com',
      'User grace@example.com',
    ]);
    expect(await page.getByText('3 of 3 shown.').isVisible()).toBe(true);
    // Each planned create shows its new values, old ones empty.
    const grace = table.locator('tbody tr', { hasText: 'grace@example.com' }).first();
    expect(await grace.locator('td').nth(0).textContent()).toBe('create');
    const displayName = table.locator('tbody tr', {
      has: page.locator('code', { hasText: /^displayName$/ }),
    });
    expect(await displayName.locator('td.new').allTextContents()).toEqual(
      expect.arrayContaining(['Grace Hopper', 'Alan Turing', 'Edsger Dijkstra']),
    );
    expect(await displayName.locator('td.old').allTextContents()).toEqual(['', '', '']);
    await c.checkAccessibility('Preview with a plan');

    await page.getByLabel('Name or attribute').fill('research');
    expect(await objects()).toEqual(['User edsger@research.example.com']);
    expect(await page.getByText('1 of 3 shown.').isVisible()).toBe(true);
    await page.getByLabel('Name or attribute').fill('');
    const actions = await page.getByLabel('Action').locator('option').allTextContents();
    expect(actions).toEqual(['Any', 'create']);
    await page.getByLabel('Action').selectOption('create');
    expect(await objects()).toHaveLength(3);

    // A preview plans only.
    expect(stack.target.resources('User')).toEqual([]);
    expect(c.violations).toEqual([]);
  });
});
