/**
 * What the console's end-to-end tests run against: a fresh console build, a real `serve` (runServer
 * with the engine) on its own data directory, and the SCIM test target as the application.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ConsoleAccess } from '../../../src/admin/access/console-access.js';
import type { AdminRole } from '../../../src/admin/admin-route.js';
import { runServer, type RunningServer } from '../../../src/main.js';
import type { JsonObject } from '../../../src/shared/json.js';
import { startScimTarget, type ScimTarget } from '../../support/scim-target/index.js';
import { withProvisio } from '../../support/with-provisio.js';

const VITE_CONFIG = fileURLToPath(new URL('../../../src/console/vite.config.ts', import.meta.url));
const SCIM_EXAMPLE = fileURLToPath(new URL('../../../examples/scim/app.yaml', import.meta.url));

/**
 * examples/scim/app.yaml (the console's SCIM template) for the test target, named `name`, with
 * top-level settings lines replaced by `settings` (e.g. `{ nearRealTime: 'false' }`).
 */
export function scimAppYaml(
  target: ScimTarget,
  name: string,
  settings: Readonly<Record<string, string>> = {},
): string {
  let yaml = readFileSync(SCIM_EXAMPLE, 'utf8')
    .replace(/^name: .*$/m, `name: ${name}`)
    .replace('${SCIM_TARGET_URL}', target.url)
    .replace('${SCIM_TARGET_TOKEN}', 'target-token');
  for (const [key, value] of Object.entries(settings)) {
    const line = new RegExp(`^  ${key}: .*$`, 'm');
    yaml = line.test(yaml)
      ? yaml.replace(line, `  ${key}: ${value}`)
      : yaml.replace(/^settings:$/m, `settings:\n  ${key}: ${value}`);
  }
  return yaml;
}

let built: Promise<string> | undefined;

/** Builds the console once per test process into a temporary folder (never over dist/console). */
export function buildConsole(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'provisio-console-build-'));
    await build({ configFile: VITE_CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    return outDir;
  })();
  return built;
}

export interface ConsoleStack {
  readonly url: string;
  readonly server: RunningServer;
  readonly target: ScimTarget;
  readonly dataDir: string;
  /** Creates directory users (SCIM resources) and answers their ids. */
  users(resources: readonly JsonObject[]): Promise<string[]>;
  group(displayName: string, memberIds: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

/** The console users every test signs in as; passwords meet the 12-character minimum. */
export const CONSOLE_USERS: readonly { name: string; role: AdminRole; password: string }[] = [
  { name: 'alice', role: 'admin', password: 'alice-admin-password' },
  { name: 'oscar', role: 'operator', password: 'oscar-operator-password' },
  { name: 'vera', role: 'viewer', password: 'vera-viewer-password' },
];

export const passwordOf = (name: string): string => CONSOLE_USERS.find((u) => u.name === name)!.password;

/** Adds console users through a second connection to the database, as `provisio admins create` does. */
async function addConsoleUsers(dataDir: string): Promise<void> {
  await withProvisio({ dataDir }, async (database) => {
    const access = await ConsoleAccess.open(database);
    for (const user of CONSOLE_USERS) await access.createUser(user.name, user.role, user.password, 'cli');
  });
}

/** `consoleDir`: an existing build to serve (the benchmark's); else a fresh one. */
export async function startConsoleStack(options: { consoleDir?: string } = {}): Promise<ConsoleStack> {
  const consoleDir = options.consoleDir ?? (await buildConsole());
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-console-data-'));
  const target = await startScimTarget();
  const server = await runServer({
    port: 0,
    dataDir,
    engine: true,
    admin: true,
    consoleDir,
    feedRetentionMs: 0,
  });
  await addConsoleUsers(dataDir);
  return {
    url: server.url,
    server,
    target,
    dataDir,
    users: async (resources) => (await server.store.createMany('User', [...resources])).map((r) => r.id),
    group: async (displayName, memberIds) =>
      (
        await server.store.createMany('Group', [
          {
            schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
            displayName,
            members: memberIds.map((value) => ({ value })),
          },
        ])
      )[0]!.id,
    close: async () => {
      await server.close();
      await target.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
