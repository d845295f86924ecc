/**
 * One signed-in Chromium page on a console stack, with what every console flow does: sign in and
 * out, reach a page by its navigation link and wait for its heading (failing with the problem the
 * page shows instead), and run the axe check on each page visited, collecting what it finds.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { seriousViolations } from './axe.js';
import { openChromiumPage } from './chromium.js';
import { passwordOf, type ConsoleStack } from './console-stack.js';

export interface ConsolePage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** The level-1 heading with exactly this name. */
  heading(name: string): ReturnType<Page['getByRole']>;
  /** The navigation link with exactly this name. */
  nav(name: string): ReturnType<Page['getByRole']>;
  /** Waits for a page heading; when a problem is shown instead, fails with its text. */
  arriveAt(name: string): Promise<void>;
  /** Clicks a navigation link, waits for the page and checks it with axe. */
  open(name: string): Promise<void>;
  /** Goes to an application's Overview and waits for it. */
  openApp(app: string): Promise<void>;
  /** Runs axe on the page as it is now; serious or critical findings are kept for `violations`. */
  checkAccessibility(where: string): Promise<void>;
  /** Runs axe on the page as it is now and answers its serious or critical findings, one line each. */
  axeFindings(where: string): Promise<string[]>;
  /** Every serious or critical axe finding so far, one line each. */
  readonly violations: readonly string[];
  signIn(as: string): Promise<void>;
  signOut(): Promise<void>;
  /** Calls the admin API from the page with its session and CSRF token; answers status and body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export async function openConsolePage(stack: ConsoleStack, chromiumPath: string): Promise<ConsolePage> {
  const { browser, context, page } = await openChromiumPage(chromiumPath, { acceptDownloads: true });
  const violations: string[] = [];
  const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true });
  const nav = (name: string) => page.getByRole('link', { name, exact: true });

  const arriveAt = async (name: string) => {
    const problem = page.locator('.problem, [role="alert"]').first();
    await Promise.race([heading(name).waitFor(), problem.waitFor().then(() => undefined)]);
    if (!(await heading(name).isVisible()))
      throw new Error(`${name} not shown; the page says: ${await problem.textContent()}`);
  };

  const axeFindings = async (where: string) => {
    await page.waitForLoadState('networkidle');
    return (await seriousViolations(page)).map(
      (v) => `${where}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`,
    );
  };
  const checkAccessibility = async (where: string) => {
    violations.push(...(await axeFindings(where)));
  };

  return {
    page,
    context,
    heading,
    nav,
    arriveAt,
    checkAccessibility,
    axeFindings,
    violations,
    open: async (name) => {
      await nav(name).click();
      await arriveAt(name);
      await checkAccessibility(name);
    },
    openApp: async (app) => {
      await page.goto(`${stack.url}/apps/${app}`);
      await arriveAt('Overview');
    },
    signIn: async (as) => {
      await page.goto(`${stack.url}/sign-in`);
      await heading('Sign in').waitFor();
      await page.getByLabel('Username').fill(as);
      await page.getByLabel('Password').fill(passwordOf(as));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await heading('Applications').waitFor();
    },
    signOut: async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await heading('Sign in').waitFor();
    },
    api: async (method, path, body) =>
      (await page.evaluate(`(async () => {
        const session = await (await fetch('/admin/v1/session')).json();
        const headers = { 'x-csrf-token': session.csrfToken };
        const body = ${JSON.stringify(body === undefined ? null : body)};
        const init = { method: ${JSON.stringify(method)}, headers };
        if (typeof body === 'string') { headers['content-type'] = 'application/yaml'; init.body = body; }
        else if (body !== null) { headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
        const answer = await fetch('/admin/v1' + ${JSON.stringify(path)}, init);
        const text = await answer.text();
        let json; try { json = JSON.parse(text); } catch { json = text; }
        return { status: answer.status, json };
      })()`)) as { status: number; json: unknown },
    close: () => browser.close(),
  };
}
