/**
 * Takes the screenshots in docs/console/ (npm run docs:console-screenshots): a real `serve` with
 * the SCIM test target, an application created, assigned and synced through the admin API, then
 * each main page in Chromium, light and dark.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, findChromium } from './support/chromium.js';
import { CONSOLE_USERS, startConsoleStack } from './support/console-stack.js';

const OUT = fileURLToPath(new URL('../../docs/console/', import.meta.url));
const chromiumPath = findChromium();
if (chromiumPath === undefined)
  throw new Error('No Chromium: set PROVISIO_TEST_CHROMIUM or install /usr/bin/chromium');
mkdirSync(OUT, { recursive: true });

const stack = await startConsoleStack();
const browser = await launchChromium(chromiumPath);
try {
  const people: [string, string, string][] = [
    ['ada@example.com', 'Ada', 'Lovelace'],
    ['grace@example.com', 'Grace', 'Hopper'],
    ['alan@example.com', 'Alan', 'Turing'],
    ['edsger@example.com', 'Edsger', 'Dijkstra'],
    ['barbara@example.com', 'Barbara', 'Liskov'],
  ];
  const ids = await stack.users(
    people.map(([userName, givenName, familyName]) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      displayName: `${givenName} ${familyName}`,
      name: { givenName, familyName },
      emails: [{ type: 'work', value: userName }],
      active: true,
    })),
  );
  const group = await stack.group('Engineering', ids);
  const admin = CONSOLE_USERS.find((u) => u.role === 'admin')!;

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(`${stack.url}/sign-in`);
  await page.getByLabel('Username').fill(admin.name);
  await page.screenshot({ path: `${OUT}sign-in.png` });
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();

  // The app, its assignment and a first cycle, through the API with the page's own session.
  const yaml = readFileSync(fileURLToPath(new URL('../../examples/scim/app.yaml', import.meta.url)), 'utf8')
    .replace('${SCIM_TARGET_URL}', stack.target.url)
    .replace('${SCIM_TARGET_TOKEN}', 'target-token');
  const setup = await page.evaluate(`(async () => {
    const session = await (await fetch('/admin/v1/session')).json();
    const headers = { 'x-csrf-token': session.csrfToken };
    const put = await fetch('/admin/v1/apps/scim-demo', { method: 'PUT', headers: { ...headers, 'content-type': 'application/yaml' }, body: ${JSON.stringify(yaml)} });
    const assign = await fetch('/admin/v1/apps/scim-demo/assignments', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ principalType: 'Group', principal: ${JSON.stringify(group)}, role: 'User' }) });
    const sync = await fetch('/admin/v1/apps/scim-demo/sync', { method: 'POST', headers });
    return [put.status, assign.status, sync.status];
  })()`);
  console.log('set-up answers (PUT app, POST assignment, POST sync):', setup);
  await page.waitForTimeout(3000);

  const shots: [string, string, (() => Promise<void>)?][] = [
    ['applications', '/apps'],
    ['overview', '/apps/scim-demo'],
    ['connection', '/apps/scim-demo/connection'],
    [
      'expression-editor',
      '/apps/scim-demo/mappings',
      async () => {
        await page.getByRole('button', { name: 'Edit User mapping displayName' }).click();
        await page.getByLabel('Mapping type').selectOption('expression');
        await page.getByLabel('Expression', { exact: true }).fill('Jion(" ", [givenName], [surname])');
        await page.waitForTimeout(1200);
      },
    ],
    ['users-and-groups', '/apps/scim-demo/assignments'],
    [
      'provisioning-logs',
      '/apps/scim-demo/logs',
      async () => {
        await page.getByRole('row').nth(1).click();
        await page.waitForTimeout(500);
      },
    ],
    ['directory', '/directory'],
  ];
  for (const [name, path, then] of shots) {
    await page.goto(`${stack.url}${path}`);
    await page.locator('main h1').waitFor();
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(400);
    if (then) await then();
    await page.screenshot({ path: `${OUT}${name}.png`, fullPage: name !== 'provisioning-logs' });
    console.log(`docs/console/${name}.png`);
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${stack.url}/apps/scim-demo`);
  await page.locator('main h1').waitFor();
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${OUT}overview-dark.png` });
  console.log('docs/console/overview-dark.png');
} finally {
  await browser.close();
  await stack.close();
}
