/**
 * The console's Overview lists the last cycles with their summaries, and the Audit log shows who
 * signed in, who was refused and who signed out: Chromium (playwright-core) against a real
 * `serve` with the engine and the admin API, provisioning into the SCIM test target. The steps run
 * in order on one server; each page passes the axe check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './support/chromium.js';
import type { ConsolePage } from './support/console-page.js';
import { passwordOf, type ConsoleStack } from './support/console-stack.js';
import { closeConsoleSuite, directoryUser, openConsoleSuite } from './support/console-suite.js';
import { scimAppYaml } from '../support/scim-app-yaml.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const APP = 'hr';

describe
  .skipIf(CHROMIUM === undefined)
  .sequential('Overview cycles and the audit of sign-ins in Chromium', () => {
    let stack: ConsoleStack;
    let c: ConsolePage;
    let page: Page;
    const heading = (name: string) => c.heading(name);
    const nav = (name: string) => c.nav(name);
    const axe = (where: string) => c.axeFindings(where);

    async function signIn(as: string, password = passwordOf(as)) {
      await page.goto(`${stack.url}/sign-in`);
      await heading('Sign in').waitFor();
      await page.getByLabel('Username').fill(as);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }

    beforeAll(async () => {
      ({ stack, c } = await openConsoleSuite(CHROMIUM!, (s) =>
        s.users(['ann', 'ben', 'cal'].map((name) => directoryUser(`${name}@example.com`, name))),
      ));
      page = c.page;
    }, 120_000);

    afterAll(() => closeConsoleSuite({ stack, c }));

    it('records a refused sign-in and a sign-in', async () => {
      await signIn('alice', 'not the password');
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong username or password');
      await signIn('alice');
      await heading('Applications').waitFor();
    });

    it('lists the last cycles on Overview with start, duration, kind, changes and outcome', async () => {
      // The app through the API with alice's session, as a script would; the engine runs its first cycle.
      const status = await page.evaluate(`(async () => {
      const session = await (await fetch('/admin/v1/session')).json();
      const answer = await fetch('/admin/v1/apps/${APP}', {
        method: 'PUT',
        headers: { 'content-type': 'application/yaml', 'x-csrf-token': session.csrfToken },
        body: ${JSON.stringify(scimAppYaml({ name: APP, targetUrl: stack.target.url, mappings: ['displayName'] }))},
      });
      return answer.status;
    })()`);
      expect(status).toBe(201);
      await page.goto(`${stack.url}/apps/${APP}`);
      await heading('Overview').waitFor();
      const rows = page.getByTestId('recent-cycles').locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
      await expect.poll(() => rows.last().textContent(), { timeout: 30_000 }).toContain('Completed');
      const initial = await rows.last().locator('td').allTextContents();
      expect(initial[2]).toBe('initial');
      expect(initial[3]).toBe('create 3, success 3');
      expect(initial[1]).toMatch(/^\d+(\.\d)? (ms|s)$/);

      // One more cycle from the Start button: it is listed first, and nothing was left to do.
      const start = page.getByRole('button', { name: 'Start', exact: true });
      await expect.poll(() => start.isEnabled(), { timeout: 20_000 }).toBe(true);
      // The bar may still show an earlier cycle as done: wait for the one the click started.
      const earlier = new Set(
        await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-cycle-id'))),
      );
      await start.click();
      let cycleId: string | undefined;
      await expect
        .poll(
          async () => {
            const text =
              (await page
                .locator('.progress[data-state="done"] .progress-text')
                .textContent({ timeout: 1_000 })
                .catch(() => null)) ?? '';
            cycleId = /Cycle ([0-9a-f-]{36}): done/.exec(text)?.[1];
            return cycleId !== undefined && !earlier.has(cycleId);
          },
          { timeout: 30_000 },
        )
        .toBe(true);
      await expect.poll(() => rows.first().getAttribute('data-cycle-id'), { timeout: 10_000 }).toBe(cycleId);
      const newest = await rows.first().locator('td').allTextContents();
      expect(newest[2]).toBe('incremental');
      expect(newest[3]).toBe('nothing to do');
      expect(newest[4]).toBe('Completed');
      expect(await rows.count()).toBeGreaterThanOrEqual(2);
      expect(await axe('/apps/hr')).toEqual([]);
    });

    it('shows the sign-ins, the refusal and the sign-out in the Audit log', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await heading('Sign in').waitFor();
      await signIn('vera');
      await heading('Applications').waitFor();
      await nav('Audit log').click();
      await heading('Audit log').waitFor();
      const table = page.getByTestId('audit-entries');
      const row = (action: string, actor: string) =>
        table.locator(`tbody tr[data-action="${action}"]`).filter({ hasText: actor });
      await row('session.sign-in', 'console:vera').first().waitFor();
      const alice = {
        refused: await row('session.sign-in-denied', 'console:alice').allTextContents(),
        signedIn: await row('session.sign-in', 'console:alice').allTextContents(),
        signedOut: await row('session.sign-out', 'console:alice').allTextContents(),
      };
      expect(alice.refused).toHaveLength(1);
      expect(alice.refused[0]).toContain('Sign-in refused');
      expect(alice.refused[0]).toContain('from 127.0.0.1');
      expect(alice.signedIn).toHaveLength(1);
      expect(alice.signedIn[0]).toContain('as admin');
      expect(alice.signedOut).toHaveLength(1);
      expect(alice.signedOut[0]).toContain('Signed out');
      expect(await table.textContent()).not.toContain('not the password');
      expect(await axe('/audit')).toEqual([]);
    });
  });
