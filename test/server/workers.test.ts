/**
 * `provisio serve --workers 2` end to end: real processes on one real port. Concurrent creates and
 * member additions spread over both workers all land; a worker killed with SIGKILL is replaced
 * while the other keeps answering; SIGTERM stops the supervisor with exit code 0 and no worker
 * left behind. Runs on SQLite, and on PostgreSQL when PROVISIO_TEST_PG_URL is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { BACKENDS, GROUP_SCHEMA, PATCH_SCHEMA, PG_URL, USER_SCHEMA, send } from './server-harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('./fixtures/provisio-cli.ts', import.meta.url));
const USERS = 120;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-workers-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const cli = runCli;

/**
 * Ids of the live server workers of supervisor `pid` (Linux /proc): its children running the worker
 * entry, not helper processes such as the TypeScript loader's compiler service.
 */
function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat === undefined || stat.ppid !== pid || stat.state === 'Z') continue;
    let commandLine = '';
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (commandLine.includes('server-worker')) children.push(Number(entry));
  }
  return children.sort((a, b) => a - b);
}

/** State, parent and CPU ticks (user + system) of a process, from /proc/<pid>/stat. */
function procStat(pid: number): { state: string; ppid: number; cpuTicks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** This process's environment without a database URL or worker count that would override the flags. */
function withoutWorkersEnv(): NodeJS.ProcessEnv {
  const { PROVISIO_WORKERS: _workers, ...env } = process.env;
  return { ...env, PROVISIO_DATABASE_URL: '' };
}

interface Supervisor {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts `provisio serve` from source with `args`; resolves once it prints its listening line. */
async function serve(args: readonly string[]): Promise<Supervisor> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--log-level', 'silent', ...args], {
    cwd: ROOT,
    env: withoutWorkersEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const workers = childPids(child.pid!);
    child.kill('SIGKILL');
    for (const pid of workers) process.kill(pid, 'SIGKILL');
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 60_000);
    child.stderr!.on('data', () => {
      const match = /listening on (http:\/\/\S+)\/scim\/v2/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
  return { child, url, stderr: () => stderr, exited };
}

/** Where each backend keeps its data, and a userName prefix no earlier run used. */
function storage(backend: 'sqlite' | 'postgres'): { args: string[]; prefix: string } {
  const prefix = `w${randomBytes(4).toString('hex')}-`;
  if (backend === 'postgres') return { args: ['--database', PG_URL!], prefix };
  return { args: ['--data-dir', tempDir()], prefix };
}

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
    if (backend === 'postgres')
      cleanups.push(async () => void (await cli('tokens', 'revoke', tokenName, ...args)));
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

    // Leave nothing behind (the PostgreSQL database is shared with other runs).
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

  it('gives up with exit status 1 when workers keep dying (5 deaths within 10 s)', async () => {
    const server = await serve(['--workers', '2', '--port', '0', '--data-dir', tempDir()]);
    const supervisorPid = server.child.pid!;
    const killed = new Set<number>();
    while (killed.size < 5) {
      await waitFor('a worker to kill', () => childPids(supervisorPid).some((pid) => !killed.has(pid)));
      const victim = childPids(supervisorPid).find((pid) => !killed.has(pid))!;
      killed.add(victim);
      process.kill(victim, 'SIGKILL');
    }
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toMatch(/5 deaths within 10 s, giving up/);
    expect(server.stderr()).toMatch(/workers kept dying/);
  }, 60_000);

  it('exits non-zero with the worker error when the workers cannot listen, leaving no worker behind', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as AddressInfo).port;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'serve', '--workers', '2', '--port', String(port), '--data-dir', tempDir()],
      { cwd: ROOT, env: withoutWorkersEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const workers = new Set<number>();
    const watch = setInterval(() => childPids(child.pid!).forEach((pid) => workers.add(pid)), 20);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearInterval(watch);
    expect(code).toBe(1);
    expect(stderr).toMatch(/worker \d+ failed to start: .*EADDRINUSE/);
    expect(stderr).not.toMatch(/listening on/);
    expect([...workers].filter(isAlive)).toEqual([]);
  });
});
