/**
 * `provisio serve` runs the engine, as a real process: a user written through the SCIM API reaches
 * the target (a module connector writing a JSON file) in under a second; `sync` run meanwhile
 * says which process holds the app; SIGTERM stops cleanly and releases the lease; `--no-engine`
 * serves SCIM only; with `--workers 2` exactly one worker provisions the app.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { CLI, ROOT } from '../support/spawn-cli.js';
import { send, USER_SCHEMA } from '../server/server-harness.js';
import { engineFixture, type EngineFixture } from './engine-fixture.js';

const fixtures: EngineFixture[] = [];
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  for (const f of fixtures.splice(0)) f.dispose();
});

interface Served {
  readonly url: string;
  readonly output: () => string;
}

/** Starts `provisio serve` on a free port and resolves once it listens. */
function serve(dataDir: string, ...extra: string[]): Promise<Served> {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'serve', '--port', '0', '--data-dir', dataDir, '--no-request-log', ...extra],
    { cwd: ROOT, env: { ...process.env, PROVISIO_DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const started = child;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 30_000);
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)\/scim\/v2/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, output: () => output });
      }
    });
    started.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function token(dataDir: string): Promise<string> {
  const created = await runCli('tokens', 'create', '--name', `t${Date.now()}`, '--data-dir', dataDir);
  expect(created.code).toBe(0);
  return created.stdout.trim();
}

/** An engine fixture with its app stored, a SCIM token, and `serve` with `extra` flags on it. */
async function serveApp(...extra: string[]): Promise<{ f: EngineFixture; bearer: string; served: Served }> {
  const f = engineFixture();
  fixtures.push(f);
  await f.apply();
  const bearer = await token(f.dataDir);
  return { f, bearer, served: await serve(f.dataDir, ...extra) };
}

const firstCycle = (served: Served, timeoutMs: number) =>
  until('the first cycle', () => (/"cycle finished"/.test(served.output()) ? true : undefined), timeoutMs);

async function postUser(url: string, bearer: string, userName: string): Promise<void> {
  const r = await send(`${url}/scim/v2/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({ schemas: [USER_SCHEMA], userName, displayName: userName, active: true }),
  });
  expect(r.status).toBe(201);
}

function exited(process: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => process.once('exit', (code) => resolve(code)));
}

describe('provisio serve with the engine', () => {
  it('provisions a user written through SCIM within a second, and releases the app on SIGTERM', async () => {
    const { f, bearer, served } = await serveApp();
    // The first cycle (an initial one with nothing to do) runs when the lease is taken.
    await firstCycle(served, 15_000);

    const before = performance.now();
    await postUser(served.url, bearer, 'ada@example.com');
    await until(
      'ada in the target',
      () => f.target().find((o) => o.attributes.userName === 'ada@example.com'),
      5_000,
    );
    const took = performance.now() - before;
    expect(took).toBeLessThan(1_000);

    // A second write, an update this time, propagates the same way.
    const list = await send(`${served.url}/scim/v2/Users?filter=userName eq "ada@example.com"`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    const id = (list.body as { Resources: { id: string }[] }).Resources[0]!.id;
    const patchStart = performance.now();
    const patched = await send(`${served.url}/scim/v2/Users/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Ada Lovelace' }],
      }),
    });
    expect(patched.status).toBe(200);
    await until(
      'the new displayName in the target',
      () => f.target().find((o) => o.attributes.displayName === 'Ada Lovelace'),
      5_000,
    );
    expect(performance.now() - patchStart).toBeLessThan(1_000);

    // `sync` by hand while serve holds the app: it says who holds it, and changes nothing.
    const busy = await runCli('sync', 'crm', '--data-dir', f.dataDir);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(
      /^provisio: crm is being provisioned by \S+:\d+:[0-9a-f]+ \(pid \d+ on [^)]+\) \(lease until \d{4}-/,
    );
    expect(busy.stderr).toMatch(/next: .*`provisio sync crm --wait 2m`/);

    // `sync --wait` waits for the lease; serve releases it on SIGTERM, long before the lease
    // would expire, and the waiting sync runs.
    const waiting = runCli('sync', 'crm', '--wait', '20s', '--json', '--data-dir', f.dataDir);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = exited(child!);
    const stopAt = Date.now();
    child!.kill('SIGTERM');
    expect(await stopped).toBe(0);
    const after = await waiting;
    expect(after.code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    expect(JSON.parse(after.stdout)).toMatchObject({
      status: 'completed',
      summary: { create: 0, failure: 0 },
    });
    expect(f.target()).toHaveLength(1);
  }, 60_000);

  it('takes an app applied again while it serves: near-real-time off, then on', async () => {
    const { f, bearer, served } = await serveApp();
    await firstCycle(served, 15_000);
    await f.apply('nearRealTime: false');
    // The definitions are re-read every 2 s; the changed one runs a cycle of its own.
    await until(
      'the new version',
      () => (served.output().split('"cycle finished"').length >= 3 ? true : undefined),
      10_000,
    );
    await postUser(served.url, bearer, 'ada@example.com');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(f.target()).toEqual([]);

    await f.apply('nearRealTime: true');
    await until(
      'ada in the target',
      () => f.target().find((o) => o.attributes.userName === 'ada@example.com'),
      10_000,
    );
    const stopped = exited(child!);
    child!.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 60_000);

  it('--no-engine serves SCIM and provisions nothing', async () => {
    const { f, bearer, served } = await serveApp('--no-engine');
    await postUser(served.url, bearer, 'ada@example.com');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(f.target()).toEqual([]);
    expect(served.output()).not.toMatch(/cycle finished/);
    // Nobody holds the app: sync runs it at once.
    const r = await runCli('sync', 'crm', '--json', '--data-dir', f.dataDir);
    expect(r.code).toBe(0);
    expect(f.target()).toHaveLength(1);
    const stopped = exited(child!);
    child!.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 60_000);

  it('with --workers 2, one worker provisions the app and each write arrives once', async () => {
    const { f, bearer, served } = await serveApp('--workers', '2', '--log-level', 'info');
    await firstCycle(served, 30_000);
    for (const n of ['a', 'b', 'c', 'd']) await postUser(served.url, bearer, `${n}@example.com`);
    await until('four users in the target', () => (f.target().length >= 4 ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      f
        .target()
        .map((o) => o.attributes.userName)
        .sort(),
    ).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
    // Every cycle was run by one process (pino's pid field).
    const pids = new Set(
      served
        .output()
        .split('\n')
        .filter((line) => line.includes('"cycle finished"'))
        .map((line) => (JSON.parse(line) as { pid: number }).pid),
    );
    expect(pids.size).toBe(1);
    const stopped = exited(child!);
    child!.kill('SIGTERM');
    expect(await stopped).toBe(0);
  }, 90_000);
});
