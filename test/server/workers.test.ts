/**
 * `provisio serve --workers 2` end to end: real processes on one real port. Concurrent creates and
 * member additions spread over both workers all land; a worker killed with SIGKILL is replaced
 * while the other keeps answering; SIGTERM stops the supervisor with exit code 0 and no worker
 * left behind; workers that keep dying are replaced until the supervisor gives up. Runs on SQLite,
 * and on PostgreSQL (a schema of its own per test) when PROVISIO_TEST_PG_URL is set.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/run-cli.js';
import {
  afterThisTest,
  childPids,
  CLI,
  isAlive,
  procStat,
  ROOT,
  runCleanups,
  serve,
  storage,
  tempDir,
  waitFor,
  withoutWorkersEnv,
} from './serve-process.js';
import { BACKENDS, GROUP_SCHEMA, PATCH_SCHEMA, PG_URL, USER_SCHEMA, send } from './server-harness.js';

const USERS = 120;

afterEach(async () => {
  vi.restoreAllMocks();
  await runCleanups();
});

const cli = runCli;

describe.each(BACKENDS)('provisio serve --workers 2 (%s)', (backend) => {
  it('spreads concurrent writes over both workers, replaces a killed worker, stops on SIGTERM', async () => {
    const { args, prefix } = storage(backend);
    const server = await serve(['--workers', '2', '--port', '0', ...args]);
    const supervisorPid = server.child.pid!;
    await waitFor('two workers', () => childPids(supervisorPid).length === 2);
    const workers = childPids(supervisorPid);

    const tokenName = `${prefix}token`;
    const created = await cli('tokens', 'create', '--name', tokenName, ...args);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    const request = (method: string, path: string, body?: unknown) =>
      send(`${server.url}/scim/v2${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });

    const group = await request('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `${prefix}team` });
    expect(group.status).toBe(201);
    const cpuBefore = workers.map((pid) => procStat(pid)!.cpuTicks);

    // Concurrent requests open many connections; the cluster deals connections out round robin.
    const posts = await Promise.all(
      Array.from({ length: USERS }, (_, i) =>
        request('POST', '/Users', { schemas: [USER_SCHEMA], userName: `${prefix}user${i}` }),
      ),
    );
    expect(posts.map((r) => r.status)).toEqual(posts.map(() => 201));
    const userIds = posts.map((r) => String(r.body.id));

    const patches = await Promise.all(
      userIds.map((id) =>
        request('PATCH', `/Groups/${group.body.id}`, {
          schemas: [PATCH_SCHEMA],
          Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
        }),
      ),
    );
    expect(patches.filter((r) => r.status !== 200 && r.status !== 204).map((r) => r.text)).toEqual([]);

    const cpuAfter = workers.map((pid) => procStat(pid)!.cpuTicks);
    // Both workers did some of the work (CPU time in clock ticks, from /proc).
    cpuAfter.forEach((ticks, i) => expect(ticks).toBeGreaterThan(cpuBefore[i]!));

    const listed = await request(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName sw "${prefix}"`)}&count=1000`,
    );
    expect(listed.status).toBe(200);
    expect(new Set(listed.body.Resources.map((r: { id: string }) => r.id))).toEqual(new Set(userIds));
    const stored = await request('GET', `/Groups/${group.body.id}`);
    expect(stored.status).toBe(200);
    expect(new Set(stored.body.members.map((m: { value: string }) => m.value))).toEqual(new Set(userIds));

    // A worker crash: the other keeps answering at once, and the supervisor starts a replacement.
    const [victim, survivor] = workers as [number, number];
    process.kill(victim, 'SIGKILL');
    await waitFor('a replacement worker', () => {
      const now = childPids(supervisorPid);
      return now.length === 2 && !now.includes(victim) && now.includes(survivor);
    });
    await waitFor('the replacement to log', () =>
      /worker \d+ died \(signal SIGKILL\); started worker \d+/.test(server.stderr()),
    );
    const gets = await Promise.all(
      Array.from({ length: 20 }, () => request('GET', `/Groups/${group.body.id}?excludedAttributes=members`)),
    );
    expect(gets.map((r) => r.status)).toEqual(gets.map(() => 200));
    const after = await request('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: `${prefix}after-crash`,
    });
    expect(after.status).toBe(201);

    // Deletes through the cluster after the crash: each user and the group are gone.
    const removed = await Promise.all(
      [...userIds, String(after.body.id)].map((id) => request('DELETE', `/Users/${id}`)),
    );
    expect(removed.filter((r) => r.status !== 204).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    expect((await request('DELETE', `/Groups/${group.body.id}`)).status).toBe(204);

    const current = childPids(supervisorPid);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/SIGTERM received, shutting down/);
    expect(current.filter(isAlive)).toEqual([]);
  }, 120_000);
});

describe.each(BACKENDS)('provisio serve --workers 2 when workers keep dying (%s)', (backend) => {
  it('replaces each dead worker, then gives up with exit status 1 at 5 deaths within 10 s', async () => {
    const { args } = storage(backend);
    const server = await serve(['--workers', '2', '--port', '0', ...args]);
    const supervisorPid = server.child.pid!;
    const killed = new Set<number>();
    const seen = new Set<number>();
    const unkilled = () => {
      const now = childPids(supervisorPid);
      now.forEach((pid) => seen.add(pid));
      return now.filter((pid) => !killed.has(pid));
    };
    while (killed.size < 5) {
      await waitFor('a worker to kill', () => unkilled().length > 0);
      const victim = unkilled()[0]!;
      killed.add(victim);
      process.kill(victim, 'SIGKILL');
    }
    expect(await server.exited).toBe(1);
    // The first four deaths were each replaced at once; the fifth within the window ended it.
    expect(server.stderr().match(/worker \d+ died \(signal SIGKILL\); started worker \d+/g)).toHaveLength(4);
    expect(server.stderr()).toMatch(/5 deaths within 10 s, giving up/);
    expect(server.stderr()).toMatch(/workers kept dying/);
    // The worker still running when it gave up was stopped with it: no worker outlives the supervisor.
    expect([...seen].filter(isAlive)).toEqual([]);
  }, 60_000);
});

if (!PG_URL) {
  describe.skip('provisio serve --workers 2 on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => {
    it('spreads writes, replaces a killed worker, and gives up when workers keep dying', () => undefined);
  });
}

describe('provisio serve --workers: start-up errors', () => {
  it('rejects a worker count that is not a positive integer or auto, from the flag and the environment', async () => {
    for (const bad of ['0', '-1', '1.5', 'many']) {
      const result = await cli('serve', '--workers', bad, '--data-dir', tempDir());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `--workers <n\\|auto>' argument '${bad.replace('.', '\\.')}' is invalid\\. Expected a positive integer or 'auto'`,
        ),
      );
    }
    vi.stubEnv('PROVISIO_WORKERS', 'two');
    try {
      const result = await cli('serve', '--data-dir', tempDir());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /--workers <n\|auto>' value 'two' from env 'PROVISIO_WORKERS' is invalid\. Expected a positive integer or 'auto'/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('exits non-zero naming the address when it cannot be bound, before any worker is forked', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    afterThisTest(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as AddressInfo).port;
    const dataDir = tempDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'serve', '--workers', '2', '--port', String(port), '--data-dir', dataDir],
      { cwd: ROOT, env: withoutWorkersEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const workers = new Set<number>();
    const watch = setInterval(() => childPids(child.pid!).forEach((pid) => workers.add(pid)), 20);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearInterval(watch);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    expect(stderr).not.toMatch(/listening on/);
    // Found before anything was started: no worker forked, no database created.
    expect([...workers]).toEqual([]);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
