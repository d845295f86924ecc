/**
 * Restart on the Overview page in Chromium against a real `serve` and the SCIM test target: after
 * an ordinary Start finds nothing to do, an operator's Restart runs a cycle that walks every object
 * again (the watermark cleared), the progress reaches done, the cycle is listed with what it did,
 * and the audit log records the restart under the operator's name. A viewer has no Restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Body } from '../admin/routes-harness.js';
import { CHROMIUM, NO_CHROMIUM_MESSAGE } from './support/chromium.js';
import type { ConsolePage } from './support/console-page.js';
import type { ConsoleStack } from './support/console-stack.js';
import { closeConsoleSuite, directoryUser, openConsoleSuite, storeScimApp } from './support/console-suite.js';

if (CHROMIUM === undefined) console.warn(NO_CHROMIUM_MESSAGE);

const APP = 'crm';
const PEOPLE = ['ada@example.com', 'grace@example.com', 'alan@example.com'];

describe.skipIf(CHROMIUM === undefined).sequential('Restart on the Overview in Chromium', () => {
  let stack: ConsoleStack;
  let c: ConsolePage;

  const idle = () =>
    eventually(async () => {
      const status = (await c.api('GET', `/apps/${APP}/status`)).json as Body;
      return status.state === 'idle' && status.running === undefined ? status : undefined;
    }, 30_000);

  /** Clicks a cycle button and waits for the cycle it started to be done; answers its id. */
  async function runFromButton(name: string, confirm?: string): Promise<string> {
    const { page } = c;
    const button = page.getByRole('button', { name, exact: true });
    await expect.poll(() => button.isEnabled(), { timeout: 20_000 }).toBe(true);
    const started = page.waitForResponse(
      (r) => r.url().includes(`/admin/v1/apps/${APP}/sync`) && r.request().method() === 'POST',
    );
    await button.click();
    if (confirm !== undefined) await page.getByRole('button', { name: confirm, exact: true }).click();
    const answer = await started;
    expect(answer.status()).toBe(202);
    const { cycleId } = (await answer.json()) as { cycleId: string };
    await page.locator('.progress[data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.progress-text').textContent()).toContain(`Cycle ${cycleId}: done`);
    return cycleId;
  }

  /** The Last cycles row of a cycle, once the page lists it. */
  async function summaryOf(cycleId: string): Promise<string> {
    const row = c.page.locator(`[data-testid="recent-cycles"] tr[data-cycle-id="${cycleId}"]`);
    await row.waitFor({ timeout: 20_000 });
    // Started, Duration, Kind, Changes, Outcome: the fourth cell is the cycle's summary.
    return (await row.locator('td').nth(3).textContent()) ?? '';
  }

  beforeAll(async () => {
    ({ stack, c } = await openConsoleSuite(CHROMIUM!, (s) =>
      s.users(PEOPLE.map((userName) => directoryUser(userName, userName.split('@')[0]!))),
    ));
    await c.signIn('alice');
    await storeScimApp(c, stack, APP, PEOPLE.length);
    await c.signOut();
  }, 120_000);

  afterAll(() => closeConsoleSuite({ stack, c }));

  it('shows no Restart to a viewer', async () => {
    await c.signIn('vera');
    await c.openApp(APP);
    expect(await c.page.getByRole('button', { name: 'Restart', exact: true }).count()).toBe(0);
    await c.signOut();
  });

  it('restarts: the cycle walks every object again, and the audit log names the operator', async () => {
    await c.signIn('oscar');
    await c.openApp(APP);
    await c.checkAccessibility('Overview');
    await idle();

    // An ordinary cycle after the first one has nothing to do.
    const ordinary = await runFromButton('Start');
    expect(await summaryOf(ordinary)).toBe('nothing to do');
    await idle();

    // Restart asks first; Cancel starts nothing.
    await c.page.getByRole('button', { name: 'Restart', exact: true }).click();
    await c.page.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(await c.page.getByRole('button', { name: 'Restart now', exact: true }).count()).toBe(0);
    const restarted = await runFromButton('Restart', 'Restart now');
    const summary = await summaryOf(restarted);
    // Every user is looked at again; none needs a change, so each is skipped.
    expect(summary).toBe(`skip ${PEOPLE.length}`);
    await c.checkAccessibility('Overview after a restart');
    expect(stack.target.resources('User')).toHaveLength(PEOPLE.length);

    const audit = (await c.api('GET', `/audit?app=${APP}`)).json as Body;
    expect(audit.entries[0]).toMatchObject({ actor: 'console:oscar', action: 'restart', app: APP });
    expect(audit.entries.filter((e: Body) => e.action === 'restart')).toHaveLength(1);
    expect(c.violations).toEqual([]);
  });
});
