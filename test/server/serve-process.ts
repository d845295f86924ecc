/**
 * `provisio serve` as a real process from source, for the tests of `--workers N`: start it and
 * wait for its listening line, find its worker processes in /proc, and leave nothing running
 * after a test (each test file calls `runCleanups` after each test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { dropSchema, freshSchemaName, postgresFlags } from '../support/postgres-test-schema.js';
import { CLI, ROOT } from '../support/spawn-cli.js';
import { PG_URL, USER_SCHEMA, send } from './server-harness.js';

export { CLI, ROOT };

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers `cleanup` to run after the current test, last registered first. */
export function afterThisTest(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-workers-'));
  afterThisTest(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** State, parent and CPU ticks (user + system) of a process, from /proc/<pid>/stat. */
export function procStat(pid: number): { state: string; ppid: number; cpuTicks: number } | undefined {
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

/**
 * Ids of the live server workers of supervisor `pid` (Linux /proc): its children running the worker
 * entry, not helper processes such as the TypeScript loader's compiler service.
 */
export function childPids(pid: number): number[] {
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

export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z';
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** This process's environment without a database URL, schema or worker count that would override the flags. */
export function withoutWorkersEnv(): NodeJS.ProcessEnv {
  const { PROVISIO_WORKERS: _workers, PROVISIO_DATABASE_SCHEMA: _schema, ...env } = process.env;
  return { ...env, PROVISIO_DATABASE_URL: '' };
}

export interface Supervisor {
  readonly child: ChildProcess;
  readonly url: string;
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * Starts `provisio serve` from source with `args` (and `env` added to its environment); resolves
 * once it prints its listening line, rejects with its stderr when it exits first.
 */
export async function serve(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Supervisor> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--log-level', 'silent', ...args], {
    cwd: ROOT,
    env: { ...withoutWorkersEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  afterThisTest(() => {
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

/**
 * Where each backend keeps its data for one test, gone after it: a temporary data directory, or on
 * PostgreSQL a fresh schema (dropped after the test's processes are stopped, as the cleanups run
 * last registered first and `storage` comes before `serve`). `args` are the storage flags for
 * `serve` and every CLI command of the test; `prefix` starts the names the test gives things.
 */
export function storage(backend: 'sqlite' | 'postgres'): { args: string[]; prefix: string } {
  const prefix = `w${randomBytes(4).toString('hex')}-`;
  if (backend === 'postgres') {
    const schema = freshSchemaName();
    afterThisTest(() => dropSchema(PG_URL!, schema));
    return { args: postgresFlags(PG_URL!, schema), prefix };
  }
  return { args: ['--data-dir', tempDir()], prefix };
}

/** Creates `count` active users through a running server's SCIM API (`<prefix>user<i>@example.com`). */
export async function createScimUsers(
  serverUrl: string,
  scimToken: string,
  prefix: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await send(`${serverUrl}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: [USER_SCHEMA],
        userName: `${prefix}user${i}@example.com`,
        active: true,
      }),
    });
    expect(created.status).toBe(201);
    ids.push(String(created.body.id));
  }
  return ids;
}
