/**
 * Where the `serve --workers 2` tests of an application start: the backend's storage for one test,
 * the SCIM test target, `serve` with both workers up, an admin token and directory users made
 * through SCIM. Everything is gone after the test (serve-process's cleanups).
 */
import { expect } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { startScimTarget, type ScimTarget } from '../support/scim-target/index.js';
import {
  afterThisTest,
  childPids,
  createScimUsers,
  serve,
  storage,
  waitFor,
  type Supervisor,
} from './serve-process.js';

export interface TwoWorkersApp {
  readonly server: Supervisor;
  readonly target: ScimTarget;
  /** The storage flags for every CLI command of the test. */
  readonly args: readonly string[];
  /** Starts the names the test gives things. */
  readonly prefix: string;
  /** An admin token, named `<prefix>admin`. */
  readonly admin: string;
  /** The name for the test's application (not applied yet). */
  readonly app: string;
}

/** serve --workers 2 with `users` directory users and the SCIM test target. */
export async function startTwoWorkersApp(
  backend: 'sqlite' | 'postgres',
  users: number,
): Promise<TwoWorkersApp> {
  const { args, prefix } = storage(backend);
  const target = await startScimTarget();
  afterThisTest(() => target.close());
  const server = await serve(['--workers', '2', '--port', '0', ...args]);
  await waitFor('two workers', () => childPids(server.child.pid!).length === 2);
  const token = async (name: string, ...flags: string[]) => {
    const created = await runCli('tokens', 'create', '--name', `${prefix}${name}`, ...flags, ...args);
    expect(created.code, created.stderr).toBe(0);
    return created.stdout.trim();
  };
  const admin = await token('admin', '--admin');
  await createScimUsers(server.url, await token('scim'), prefix, users);
  return { server, target, args, prefix, admin, app: `${prefix}crm` };
}
