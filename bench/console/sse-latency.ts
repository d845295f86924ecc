/**
 * Cycle progress from the engine to the page: a real `serve` (engine + admin API) provisions USERS
 * users into the SCIM test target while the app's Overview is open in Chromium. The server side
 * records when the engine emitted each progress event (its `done` count); the page records, with a
 * MutationObserver, when the progress text first showed each count. Both clocks are this host's
 * wall clock (performance.timeOrigin + now()). Latency = DOM time - engine time, per count shown.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { CONSOLE_USERS, startConsoleStack } from '../../test/console/support/console-stack.js';

const USERS = Number(process.env.SSE_USERS ?? 2_000);
const now = () => performance.timeOrigin + performance.now();

export async function measureSseLatency(
  browser: Browser,
  consoleDir: string,
): Promise<{ samples: number[]; note: string }> {
  const stack = await startConsoleStack({ consoleDir });
  try {
    const ids = await stack.users(
      Array.from({ length: USERS }, (_, i) => ({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `user${i}@example.com`,
        displayName: `User ${i}`,
        active: true,
      })),
    );
    const group = await stack.group('Everyone', ids);
    const emitted = new Map<number, number>();
    const events = stack.server.engine?.events;
    if (!events) return { samples: [], note: 'the server runs no engine' };
    events.subscribe((event) => {
      if (event.type === 'cycleProgress' && !emitted.has(event.done)) emitted.set(event.done, now());
    });

    const admin = CONSOLE_USERS.find((u) => u.role === 'admin')!;
    const page = await browser.newPage();
    await page.goto(`${stack.url}/sign-in`);
    await page.getByLabel('Username').fill(admin.name);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    const yaml = readFileSync(fileURLToPath(new URL('../../examples/scim/app.yaml', import.meta.url)), 'utf8')
      .replace('${SCIM_TARGET_URL}', stack.target.url)
      .replace('${SCIM_TARGET_TOKEN}', 'target-token')
      .replace('nearRealTime: true', 'nearRealTime: false');
    const setup = (await page.evaluate(`(async () => {
      const session = await (await fetch('/admin/v1/session')).json();
      const headers = { 'x-csrf-token': session.csrfToken };
      const put = await fetch('/admin/v1/apps/scim-demo', { method: 'PUT', headers: { ...headers, 'content-type': 'application/yaml' }, body: ${JSON.stringify(yaml)} });
      const assign = await fetch('/admin/v1/apps/scim-demo/assignments', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ principalType: 'Group', principal: ${JSON.stringify(group)}, role: 'User' }) });
      return [put.status, assign.status];
    })()`)) as number[];
    if (setup.some((s) => s >= 300)) return { samples: [], note: `set-up failed: ${setup.join(', ')}` };
    await page.goto(`${stack.url}/apps/scim-demo`);
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
    await page.evaluate(`(() => {
      window.__seen = [];
      const record = () => {
        const text = document.querySelector('.progress-text')?.textContent ?? '';
        const m = /: (\\d+)( of \\d+)? objects/.exec(text);
        if (m) window.__seen.push([Number(m[1]), performance.timeOrigin + performance.now()]);
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.locator('.progress[data-state="done"]').waitFor({ timeout: 600_000 });
    const seen = (await page.evaluate('window.__seen')) as [number, number][];
    const samples: number[] = [];
    const counted = new Set<number>();
    for (const [done, at] of seen) {
      const sent = emitted.get(done);
      if (sent === undefined || counted.has(done)) continue;
      counted.add(done);
      samples.push(at - sent);
    }
    await page.close();
    return {
      samples,
      note: `${USERS} users; ${emitted.size} progress events emitted, ${samples.length} shown`,
    };
  } finally {
    await stack.close();
  }
}
