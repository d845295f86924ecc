/**
 * Creating applications on the Applications page in Chromium, from pasted YAML and from the SQL and
 * LDAP templates: the form refuses what is wrong (in the browser, or with the API's words next to
 * the field or line they concern), the app is stored as written, and Test connection answers in the
 * connector's own words, failing before the target is ready and working after. SQL runs against a
 * SQLite file; LDAP against the slapd harness when PROVISIO_TEST_SLAPD is set.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Body } from '../admin/routes-harness.js';
import { slapdSkip, useSlapd } from '../support/slapd/slapd-suite.js';
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './support/chromium.js';
import type { ConsolePage } from './support/console-page.js';
import { scimAppYaml, type ConsoleStack } from './support/console-stack.js';
import { closeConsoleSuite, openConsoleSuite } from './support/console-suite.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);
if (CHROMIUM !== undefined && slapdSkip !== undefined)
  console.warn(`creating an LDAP application is not tried: ${slapdSkip}`);

/** The part of an input element the browser's own validation shows through. */
interface FormInput {
  readonly validity: { readonly valueMissing: boolean; readonly patternMismatch: boolean };
}

const SQL_SCHEMA = fileURLToPath(new URL('../../examples/sql/schema.sql', import.meta.url));

describe.skipIf(CHROMIUM === undefined).sequential('creating applications from templates in Chromium', () => {
  let stack: ConsoleStack;
  let c: ConsolePage;
  let scratch: string;
  const slapd = useSlapd();

  beforeAll(async () => {
    ({ stack, c } = await openConsoleSuite(CHROMIUM!));
    scratch = mkdtempSync(join(tmpdir(), 'provisio-console-templates-'));
    await c.signIn('alice');
    await c.checkAccessibility('Applications');
  }, 120_000);

  afterAll(async () => {
    await closeConsoleSuite({ stack, c });
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  const stored = async (name: string) =>
    (await c.api('GET', `/apps/${name}`)) as { status: number; json: Body };

  /** Back on Applications, the template chosen. */
  async function startCreating(template: string) {
    await c.page.goto(`${stack.url}/apps`);
    await c.arriveAt('Applications');
    await c.page.getByLabel('Template').selectOption(template);
  }

  async function testConnection(): Promise<string> {
    const { page } = c;
    await c.open('Connection');
    const before = await page.getByTestId('test-connection-result').count();
    expect(before).toBe(0);
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.getByTestId('test-connection-result');
    await result.waitFor({ timeout: 30_000 });
    return (await result.textContent()) ?? '';
  }

  it('creates an application from pasted YAML, naming the line of a mistake', async () => {
    const { page } = c;
    await startCreating('yaml');
    const yamlField = page.getByLabel('Application YAML');
    const good = scimAppYaml(stack.target, 'from-yaml');
    // A misspelt setting: the API names where it is.
    await yamlField.fill(good.replace('  deprovisionAction: disable', '  deprovisionActon: disable'));
    await page.getByRole('button', { name: 'Create application' }).click();
    const problem = page.locator('.problem, [role="alert"]').first();
    await problem.waitFor();
    const said = (await problem.textContent()) ?? '';
    expect(said).toContain('deprovisionActon');
    expect(said).toMatch(/line \d+/);
    await c.checkAccessibility('Applications with a YAML mistake');
    expect((await stored('from-yaml')).status).toBe(404);

    await yamlField.fill(good);
    await page.getByRole('button', { name: 'Create application' }).click();
    await c.arriveAt('Overview');
    expect(page.url()).toBe(`${stack.url}/apps/from-yaml`);
    const app = (await stored('from-yaml')).json;
    expect(app.definition).toMatchObject({
      name: 'from-yaml',
      connector: {
        kind: 'scim',
        settings: { baseUrl: stack.target.url },
        credentials: { token: { set: true } },
      },
      settings: { scope: 'assigned', deprovisionAction: 'disable' },
    });
    expect(await testConnection()).toContain('Connection works');
  });

  it('creates a SQL application on SQLite; Test connection says what is missing, then works', async () => {
    const { page } = c;
    const file = join(scratch, 'app.db');
    await startCreating('sql');
    // The browser refuses an empty form and a name the API would refuse.
    await page.getByRole('button', { name: 'Create application' }).click();
    expect(
      await page
        .getByLabel('Name', { exact: true })
        .evaluate((e) => (e as unknown as FormInput).validity.valueMissing),
    ).toBe(true);
    await page.getByLabel('Name', { exact: true }).fill('Sales DB');
    await page.getByLabel('Database URL').fill(file);
    await page.getByRole('button', { name: 'Create application' }).click();
    expect(
      await page
        .getByLabel('Name', { exact: true })
        .evaluate((e) => (e as unknown as FormInput).validity.patternMismatch),
    ).toBe(true);
    expect((await c.api('GET', '/apps')).json).toEqual({
      apps: [expect.objectContaining({ name: 'from-yaml' })],
    });

    await page.getByLabel('Name', { exact: true }).fill('sql-demo');
    await page.getByRole('button', { name: 'Create application' }).click();
    await c.arriveAt('Overview');
    const app = (await stored('sql-demo')).json;
    expect(app.definition.connector).toMatchObject({
      kind: 'sql',
      settings: { url: file, mode: 'table', users: { table: 'users' } },
    });

    // The database has no tables yet: the connector says so.
    new Database(file).close();
    const missing = await testConnection();
    expect(missing).toContain('Connection failed');
    expect(missing).toContain("The SQLite tables do not fit the settings: table 'users' does not exist");

    const db = new Database(file);
    try {
      db.exec(readFileSync(SQL_SCHEMA, 'utf8'));
    } finally {
      db.close();
    }
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => page.getByTestId('test-connection-result').textContent(), { timeout: 30_000 })
      .toContain('Connection works');
  });

  it.skipIf(slapdSkip !== undefined)(
    'creates an LDAP application; the API names a bad URL at its field; Test connection uses the bind',
    async () => {
      const { page } = c;
      const server = slapd.current();
      await startCreating('ldap');
      await page.getByLabel('Name', { exact: true }).fill('ldap-directory');
      await page.getByLabel('Server URL').fill('http://not-ldap.example');
      await page.getByLabel('Bind DN').fill(server.adminDn);
      await page.getByLabel('Base DN').fill(server.baseDn);
      await page.getByLabel('Bind password').fill('not the password');
      await page.getByRole('button', { name: 'Create application' }).click();
      const url = page.getByLabel('Server URL');
      await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await url.getAttribute('aria-describedby'))!.split(' ');
      const said = await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).textContent()));
      expect(said.join(' ')).toContain('must be ldap://host[:port] or ldaps://host[:port]');
      expect((await stored('ldap-directory')).status).toBe(404);

      await url.fill(server.url);
      await page.getByRole('button', { name: 'Create application' }).click();
      await c.arriveAt('Overview');
      const app = (await stored('ldap-directory')).json;
      expect(app.definition.connector).toMatchObject({
        kind: 'ldap',
        settings: { url: server.url, bindDn: server.adminDn, baseDn: server.baseDn },
        credentials: { bindPassword: { set: true } },
      });
      expect(JSON.stringify(app)).not.toContain('not the password');

      // The wrong password: slapd's refusal, in the connector's words.
      const refused = await testConnection();
      expect(refused).toContain('Connection failed');
      expect(refused).toContain('The server refused the bind DN or password (LDAP result 49)');

      // The right one, typed as a write-only credential, and the bind works.
      await page.getByLabel('bindPassword').fill(server.adminPassword);
      await page.getByRole('button', { name: 'Save connection' }).click();
      await page.getByRole('status').filter({ hasText: /saved/i }).waitFor();
      await page.getByRole('button', { name: 'Test connection' }).click();
      await expect
        .poll(() => page.getByTestId('test-connection-result').textContent(), { timeout: 30_000 })
        .toContain('Connection works');
    },
  );

  it('found no serious accessibility problem on the pages visited', () => {
    expect(c.violations).toEqual([]);
  });
});
