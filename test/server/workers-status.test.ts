/**
 * `GET /admin/v1/apps/{name}/status` shows a running cycle's progress whichever process answers:
 * with `serve --workers 2` a request dealt to the worker that does not run the cycle, and a cycle
 * run by `provisio sync` in another process while `serve` answers. The progress comes from the
 * cycle's row, written by its runner every few hundred milliseconds. Real processes on one port,
 * the SCIM test target made slow so that the cycle lasts; on SQLite, and on PostgreSQL when
 * PROVISIO_TEST_PG_URL is set.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { scimAppYaml } from '../support/scim-app-yaml.js';
import type { ScimTarget } from '../support/scim-target/index.js';
import { runCleanups } from './serve-process.js';
import { BACKENDS } from './server-harness.js';
import { startTwoWorkersApp } from './two-workers-app.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await runCleanups();
});

const USERS = 20;
/** Per account created, one at a time: the cycle takes USERS x this. */
const CREATE_LATENCY_MS = 300;
/** Status requests per check: each on a new connection, which the cluster deals to the workers in turn. */
const REQUESTS = 8;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** One GET on a connection of its own (no keep-alive), so consecutive ones reach both workers. */
function getOnNewConnection(url: string, token: string): Promise<{ status: number; json: Json }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

interface Setup {
  readonly url: string;
  readonly admin: string;
  readonly app: string;
  readonly args: readonly string[];
  readonly target: ScimTarget;
  status(): Promise<Json>;
}

/** serve --workers 2 with USERS users, and a slow target; the app is not applied yet. */
async function setUp(backend: 'sqlite' | 'postgres'): Promise<Setup> {
  const { server, target, args, admin, app } = await startTwoWorkersApp(backend, USERS);
  target.faults.add({ kind: 'latency', rate: 1, methods: ['POST'], latencyMs: CREATE_LATENCY_MS });
  const statusUrl = `${server.url}/admin/v1/apps/${app}/status`;
  return {
    url: server.url,
    admin,
    app,
    args,
    target,
    async status() {
      const answer = await getOnNewConnection(statusUrl, admin);
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      return answer.json;
    },
  };
}

async function putApp(setup: Setup, enabled: boolean): Promise<void> {
  const yaml = scimAppYaml({
    name: setup.app,
    targetUrl: setup.target.url,
    mappings: [],
    // One account at a time, so the cycle lasts USERS x CREATE_LATENCY_MS.
    settings: { concurrency: 1 },
  }).replace('enabled: true', `enabled: ${enabled}`);
  const put = await fetch(`${setup.url}/admin/v1/apps/${setup.app}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${setup.admin}`, 'content-type': 'application/yaml' },
    body: yaml,
  });
  expect(put.status, await put.text()).toBe(201);
}

/**
 * Waits until a status shows the cycle past its first objects, then asks REQUESTS more times:
 * every answer, from whichever worker, must carry the running cycle with its progress.
 */
async function expectProgressFromEveryAnswer(setup: Setup): Promise<string> {
  const deadline = Date.now() + 60_000;
  let first: Json;
  for (;;) {
    first = await setup.status();
    if (first.running?.done >= 2) break;
    if (Date.now() > deadline) throw new Error(`no progress in status: ${JSON.stringify(first)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cycleId = first.running.cycleId as string;
  const answers: Json[] = [];
  for (let i = 0; i < REQUESTS; i++) answers.push(await setup.status());
  for (const [i, answer] of answers.entries()) {
    expect(answer, `status answer ${i}`).toMatchObject({
      state: 'running',
      running: { cycleId, kind: 'initial' },
    });
    // The test's own schema or data directory: its users and no others.
    expect(answer.running.total, `status answer ${i}`).toBe(USERS);
    expect(answer.running.done, `status answer ${i}`).toBeGreaterThanOrEqual(1);
    expect(answer.running.done, `status answer ${i}`).toBeLessThanOrEqual(answer.running.total);
  }
  // The row follows the cycle: later answers show it further on.
  await new Promise((resolve) => setTimeout(resolve, 4 * CREATE_LATENCY_MS));
  const later = await Promise.all([setup.status(), setup.status()]);
  for (const answer of later) {
    if (answer.running !== undefined) expect(answer.running.done).toBeGreaterThan(first.running.done);
  }
  return cycleId;
}

describe.each(BACKENDS)(
  'status shows the running cycle with its progress from any process (%s)',
  (backend) => {
    it('answers the progress from both workers of serve --workers 2', async () => {
      const setup = await setUp(backend);
      // Applying the app makes the worker that takes its lease run a first, initial cycle.
      await putApp(setup, true);
      const cycleId = await expectProgressFromEveryAnswer(setup);
      await expect
        .poll(async () => (await setup.status()).lastCycle, { timeout: 60_000, interval: 500 })
        .toMatchObject({ id: cycleId, status: 'completed' });
    }, 180_000);

    it('answers the progress of a cycle that provisio sync runs in another process', async () => {
      const setup = await setUp(backend);
      // Disabled: serve's runner leaves it alone, so the cycle is only the one sync runs.
      await putApp(setup, false);
      const sync = runCli('sync', setup.app, '--json', ...setup.args);
      try {
        await expectProgressFromEveryAnswer(setup);
      } finally {
        const result = await sync;
        expect(result.code, result.stderr).toBe(0);
      }
      const after = await setup.status();
      expect(after.running).toBeUndefined();
      expect(after.lastCycle).toMatchObject({ status: 'completed' });
      expect(after.lastCycle.summary.create).toBeGreaterThanOrEqual(USERS);
    }, 180_000);
  },
);
