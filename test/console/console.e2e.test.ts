/**
 * The web console end to end: Chromium (playwright-core) against a real `serve` with the engine and
 * the admin API, provisioning into the SCIM test target. The steps share one server and run in
 * order, each starting where the previous one left the console, as a person would use it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './support/chromium.js';
import type { ConsolePage } from './support/console-page.js';
import { passwordOf, type ConsoleStack } from './support/console-stack.js';
import { closeConsoleSuite, openConsoleSuite } from './support/console-suite.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const APP = 'crm';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user = (userName: string, givenName: string, familyName: string) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  userName,
  displayName: `${givenName} ${familyName}`,
  name: { givenName, familyName },
  emails: [{ type: 'work', value: userName, primary: true }],
  active: true,
});

describe.skipIf(CHROMIUM === undefined).sequential('web console in Chromium', () => {
  let stack: ConsoleStack;
  let c: ConsolePage;
  let page: Page;
  let graceId: string;
  const heading = (name: string) => c.heading(name);
  const nav = (name: string) => c.nav(name);
  const arriveAt = (name: string) => c.arriveAt(name);
  const signIn = (as: string) => c.signIn(as);
  const signOut = () => c.signOut();

  beforeAll(async () => {
    ({ stack, c } = await openConsoleSuite(CHROMIUM!, async (s) => {
      const [ada, grace, ...more] = await s.users([
        user('ada@example.com', 'Ada', 'Lovelace'),
        user('grace@example.com', 'Grace', 'Hopper'),
        ...Array.from({ length: 8 }, (_, i) => user(`bulk${i}@example.com`, `Bulk${i}`, 'User')),
      ]);
      graceId = grace!;
      await s.group('Engineering', [ada!, grace!, ...more]);
    }));
    page = c.page;
  }, 120_000);

  afterAll(() => closeConsoleSuite({ stack, c }));

  it('signs in', async () => {
    await page.goto(`${stack.url}/apps`);
    await heading('Sign in').waitFor();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong username or password');
    await page.getByLabel('Password').fill(passwordOf('alice'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Applications').waitFor();
    expect(await page.getByText('alice').first().isVisible()).toBe(true);
  });

  it('creates an application from the SCIM template', async () => {
    await page.getByLabel('Template').selectOption('scim');
    await page.getByLabel('Name', { exact: true }).fill(APP);
    await page.getByLabel('Base URL').fill(stack.target.url);
    await page.getByLabel('Token').fill('target-token');
    await page.getByRole('button', { name: 'Create application' }).click();
    await arriveAt('Overview');
    await nav('Applications').click();
    await page.getByRole('link', { name: APP, exact: true }).waitFor();
  });

  it('tests the connection and shows what the connector says', async () => {
    await page.getByRole('link', { name: APP, exact: true }).click();
    await nav('Connection').click();
    await heading('Connection').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.getByTestId('test-connection-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Connection works');
  });

  it('shows a mapping typo with a did-you-mean, then the live value once fixed', async () => {
    await nav('Attribute mappings').click();
    await heading('Attribute mappings').waitFor();
    await page.getByRole('button', { name: 'Edit User mapping displayName' }).click();
    await page.getByLabel('Mapping type').selectOption('expression');
    const editor = page.getByLabel('Expression', { exact: true });
    await editor.fill('Jion(" ", [givenName], [surname])');
    await expect.poll(() => page.locator('.expr-diagnostics').textContent()).toMatch(/Join/);
    await page
      .getByLabel('Directory user for the live result')
      .selectOption({ label: 'ada@example.com (Ada Lovelace)' });
    await editor.fill('Join(" ", [givenName], [surname])');
    await expect.poll(() => page.getByTestId('expression-result').textContent()).toBe('"Ada Lovelace"');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByRole('status').filter({ hasText: 'Mapping saved' }).waitFor();
  });

  it('assigns a group with a role', async () => {
    await nav('Users and groups').click();
    await heading('Users and groups').waitFor();
    await page.getByLabel('Search groups').fill('Eng');
    await page.getByRole('button', { name: 'Assign Engineering' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Engineering' });
    await row.waitFor();
    expect(await row.textContent()).toContain('User');
  });

  it('starts a cycle and watches its progress reach done', async () => {
    await nav('Overview').click();
    await heading('Overview').waitFor();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.locator('.progress[data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.progress-text').textContent()).toMatch(/done/);
    await expect.poll(() => stack.target.resources('User').length, { timeout: 10_000 }).toBe(10);
    const ada = stack.target.resources('User').find((u) => u.userName === 'ada@example.com');
    expect(ada?.displayName).toBe('Ada Lovelace');
  });

  it("opens a log entry's steps", async () => {
    await nav('Provisioning logs').click();
    await heading('Provisioning logs').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'ada@example.com' }).first();
    await row.click();
    await page.getByRole('heading', { name: /^Steps: create ada@example.com/ }).waitFor();
    for (const step of ['Import', 'Determine if in scope', 'Match user', 'Perform action']) {
      expect(await page.getByRole('heading', { name: new RegExp(step) }).count()).toBeGreaterThan(0);
    }
  });

  it('provisions one user on demand, showing each step and each modified property', async () => {
    // Paused, so near-real-time does not carry the change first and the on-demand run has work.
    await nav('Overview').click();
    await heading('Overview').waitFor();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.locator('.badge.paused').waitFor();
    const stored = await stack.server.store.get('User', graceId);
    await stack.server.store.replace('User', graceId, { ...stored!.attributes, title: 'Rear Admiral' });
    await nav('Provision on demand').click();
    await heading('Provision on demand').waitFor();
    await page.getByLabel('Search users').fill('grace');
    await page.getByRole('button', { name: /^Select grace@example.com/ }).click();
    await page.getByRole('button', { name: 'Provision' }).click();
    await page.getByRole('heading', { name: /^Provisioned: update/ }).waitFor();
    const steps = await page
      .locator('.step')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(steps).toEqual(expect.arrayContaining(['import', 'scope', 'match', 'action']));
    const title = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'title' }) });
    expect(await title.textContent()).toContain('Rear Admiral');
    await expect
      .poll(() => stack.target.resources('User').find((u) => u.userName === 'grace@example.com')?.title)
      .toBe('Rear Admiral');
    await nav('Overview').click();
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await page.locator('.badge.paused').waitFor({ state: 'detached' });
  });

  it('holds a mass disable at the guard and approves it', async () => {
    await nav('Settings').click();
    await heading('Settings').waitFor();
    await page.getByLabel('Accidental-deletion threshold (accounts per cycle)').fill('3');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
    await nav('Users and groups').click();
    await page.getByRole('button', { name: 'Unassign Engineering' }).click();
    await page.getByText('Nobody is assigned.').waitFor();
    await nav('Overview').click();
    await heading('Overview').waitFor();
    const start = page.getByRole('button', { name: 'Start', exact: true });
    await expect.poll(() => start.isEnabled(), { timeout: 20_000 }).toBe(true);
    await start.click();
    await page.locator('.badge.held').waitFor({ timeout: 30_000 });
    await nav('Held deletions').click();
    await heading('Held deletions').waitFor();
    expect(await page.getByRole('status').first().textContent()).toMatch(
      /would have disabled or deleted 1[01] accounts, over the threshold of 3/,
    );
    await page.getByRole('button', { name: 'Show what would be disabled or deleted' }).click();
    await page.getByRole('cell', { name: 'disable' }).first().waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page
      .getByText(/^Approved/)
      .first()
      .waitFor();
  });

  it('signs out', async () => {
    await signOut();
    await page.goto(`${stack.url}/apps/${APP}`);
    await heading('Sign in').waitFor();
  });

  it('does not let an operator change credentials', async () => {
    await signIn('oscar');
    await page.goto(`${stack.url}/apps/${APP}/connection`);
    await heading('Connection').waitFor();
    expect(await page.getByRole('button', { name: 'Save connection' }).count()).toBe(0);
    expect(await page.getByLabel('token').isDisabled()).toBe(true);
    // And the API refuses it too, with the operator's own session and CSRF token.
    const status = await page.evaluate(`(async () => {
      const session = await (await fetch('/admin/v1/session')).json();
      const answer = await fetch('/admin/v1/apps/${APP}', {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ name: '${APP}', connector: { kind: 'scim', settings: {}, credentials: { token: 'stolen' } } }),
      });
      return answer.status;
    })()`);
    expect(status).toBe(403);
    await signOut();
  });

  it('does not let a viewer start a cycle', async () => {
    await signIn('vera');
    await page.goto(`${stack.url}/apps/${APP}`);
    await heading('Overview').waitFor();
    expect(await page.getByRole('button', { name: 'Start', exact: true }).count()).toBe(0);
    const status = await page.evaluate(`(async () => {
      const session = await (await fetch('/admin/v1/session')).json();
      return (await fetch('/admin/v1/apps/${APP}/sync', { method: 'POST', headers: { 'x-csrf-token': session.csrfToken } })).status;
    })()`);
    expect(status).toBe(403);
    await signOut();
  });

  it('has no serious or critical accessibility violation on any page', async () => {
    await signIn('alice');
    const paths = [
      '/apps',
      '/directory',
      '/audit',
      ...[
        '',
        'connection',
        'mappings',
        'scope',
        'settings',
        'assignments',
        'provision',
        'preview',
        'logs',
        'accounts',
        'reconcile',
        'held',
      ].map((slug) => `/apps/${APP}${slug ? `/${slug}` : ''}`),
    ];
    for (const path of paths) {
      await page.goto(`${stack.url}${path}`);
      await page.locator('main h1').waitFor();
      await c.checkAccessibility(path);
    }
    await signOut();
    await c.checkAccessibility('/sign-in');
    expect(c.violations).toEqual([]);
  }, 120_000);
});
