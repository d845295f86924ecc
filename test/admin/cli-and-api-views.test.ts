/**
 * The CLI and the admin API show the engine's reports through the same views: on one data
 * directory, `provisio reconcile --json`, `preview --json`, `logs --json` and `accounts --json`
 * print what the API answers for the same report (the CLI's items without their steps, its log
 * lines naming the app, as documented). And every managed account is listed past the first
 * 1,000: the API a keyset page at a time, the CLI all of them. On SQLite (a data directory), and on
 * PostgreSQL (a schema of its own per test) when PROVISIO_TEST_PG_URL is set.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runServer, SQLITE_FILE_NAME, type RunningServer, type StorageOptions } from '../../src/main.js';
import { issueToken } from '../../src/server/api-token.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import type { LinkInput } from '../../src/engine/state/engine-state.js';
import { appYaml, driftAndOrphan, engineFixture, type EngineFixture } from '../cli/engine-fixture.js';
import { dropSchema, freshSchemaName, postgresFlags, TEST_PG_URL } from '../support/postgres-test-schema.js';
import { runCli } from '../support/run-cli.js';
import { withProvisio } from '../support/with-provisio.js';
import type { Body } from './routes-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Backend = 'SQLite' | 'PostgreSQL';
const BACKENDS: Backend[] = ['SQLite'];
const PG_URL = TEST_PG_URL;
if (PG_URL !== undefined) BACKENDS.push('PostgreSQL');
else
  describe.skip('the CLI and the admin API on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => undefined);

/** The fixture's app, stored where the backend keeps things, and how the CLI and the server reach it. */
interface Views {
  readonly f: EngineFixture;
  /** The CLI's storage flags. */
  readonly flags: readonly string[];
  readonly storage: StorageOptions;
}

async function fixtureWithUsers(backend: Backend, ...userNames: string[]): Promise<Views> {
  const f = engineFixture();
  cleanups.push(() => f.dispose());
  let views: Views = { f, flags: ['--data-dir', f.dataDir], storage: { dataDir: f.dataDir } };
  if (backend === 'PostgreSQL') {
    const schema = freshSchemaName();
    cleanups.push(() => dropSchema(PG_URL!, schema));
    views = {
      f,
      flags: [...postgresFlags(PG_URL!, schema), '--data-dir', f.dataDir],
      storage: { databaseUrl: PG_URL!, postgresSchema: schema, dataDir: f.dataDir },
    };
  }
  const file = join(f.dataDir, 'crm.yaml');
  writeFileSync(file, appYaml('crm', f.targetFile));
  const applied = await runCli('apps', 'apply', '-f', file, ...views.flags);
  expect(applied.code, applied.stderr).toBe(0);
  // On PostgreSQL nothing may fall back to a SQLite file in the data directory.
  if (backend === 'PostgreSQL') expect(existsSync(join(f.dataDir, SQLITE_FILE_NAME))).toBe(false);
  await withDatabase(views, async (database) => {
    for (const userName of userNames) {
      await database.directory.create('User', {
        userName,
        displayName: userName.split('@')[0]!,
        active: true,
      });
    }
  });
  return views;
}

const withDatabase = <T>(views: Views, work: (database: ProvisioDatabase) => Promise<T>): Promise<T> =>
  withProvisio(views.storage, work);

/** The admin API (without the engine's runner) over the fixture's database. */
async function adminApi(views: Views) {
  const server: RunningServer = await runServer({
    ...views.storage,
    port: 0,
    admin: {},
    engine: false,
    consoleDir: false,
  });
  cleanups.push(() => server.close());
  const token = (await issueToken(server.store, 'views', 'admin', 'admin')).token;
  return async (method: string, path: string): Promise<{ status: number; json: Body }> => {
    const response = await fetch(`${server.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, json: (await response.json()) as Body };
  };
}

async function cliJson(...args: string[]): Promise<Body> {
  const r = await runCli(...args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Body;
}

async function cliLines(...args: string[]): Promise<Body[]> {
  const r = await runCli(...args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Body);
}

/** The API's planned items as the CLI lists them: every key but the steps. */
function withoutSteps(items: Body[]): Body[] {
  return items.map((item: Body) => {
    expect(Array.isArray(item.steps)).toBe(true);
    const { steps: _steps, ...rest } = item;
    return rest;
  });
}

describe.each(BACKENDS)('the CLI and the admin API show one view of each report (%s)', (backend) => {
  it('reconcile, preview and the log are the same on both', async () => {
    const views = await fixtureWithUsers(backend, 'ada@example.com', 'bob@example.com');
    const { f, flags } = views;
    expect((await runCli('sync', 'crm', ...flags)).code).toBe(0);
    // Drift on ada, an orphan, and a new user missing in the target.
    driftAndOrphan(f);
    await withDatabase(views, (database) =>
      database.directory.create('User', { userName: 'cy@example.com', displayName: 'cy', active: true }),
    );
    const api = await adminApi(views);

    const cliReconcile = await cliJson('reconcile', 'crm', '--json', ...flags);
    const apiReconcile = await api('POST', '/apps/crm/reconcile');
    expect(apiReconcile.status).toBe(200);
    expect(cliReconcile.drift).toHaveLength(1);
    expect(cliReconcile.orphans).toHaveLength(1);
    expect(cliReconcile.missing).toHaveLength(1);
    expect(cliReconcile).toEqual({
      ...apiReconcile.json,
      drift: withoutSteps(apiReconcile.json.drift),
      missing: withoutSteps(apiReconcile.json.missing),
    });

    const cliPreview = await cliJson('preview', 'crm', '--json', ...flags);
    const apiPreview = await api('POST', '/apps/crm/preview');
    expect(apiPreview.status).toBe(200);
    expect(cliPreview.items.length).toBeGreaterThan(0);
    expect(cliPreview).toEqual({ ...apiPreview.json, items: withoutSteps(apiPreview.json.items) });

    // The CLI prints the log oldest first, one line per entry naming the app; the API newest first.
    const cliLog = await cliLines('logs', 'crm', '--json', ...flags);
    const apiLog = await api('GET', '/apps/crm/logs?limit=1000');
    expect(apiLog.status).toBe(200);
    expect(cliLog.length).toBeGreaterThanOrEqual(2);
    expect(cliLog.every((line) => line.app === 'crm')).toBe(true);
    expect(cliLog.map(({ app: _app, ...entry }) => entry)).toEqual([...apiLog.json.entries].reverse());
  });

  it('lists more than 1,000 accounts: the API page by page, the CLI every one', async () => {
    const views = await fixtureWithUsers(backend);
    const flags = views.flags;
    const appId = await withDatabase(
      views,
      async (database) => (await database.engineState.getApp('crm'))!.id,
    );
    const link = (objectType: 'User' | 'Group', n: number): LinkInput => ({
      appId,
      objectType,
      sourceId: `${objectType === 'User' ? 'u' : 'g'}-${String(n).padStart(5, '0')}`,
      targetId: `t-${objectType}-${n}`,
      exportedHash: 'h',
      exported: objectType === 'User' ? { userName: `user${n}@example.com` } : { displayName: `Group ${n}` },
      state: n % 7 === 0 ? 'disabled' : 'active',
    });
    const users = Array.from({ length: 1_480 }, (_, i) => link('User', i));
    const groups = Array.from({ length: 25 }, (_, i) => link('Group', i));
    await withDatabase(views, (database) => database.engineState.putLinks([...users, ...groups]));
    const api = await adminApi(views);

    const pages: Body[][] = [];
    let cursor: string | undefined;
    do {
      const page = await api(
        'GET',
        `/apps/crm/accounts?count=1000${cursor !== undefined ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      pages.push(page.json.accounts);
      cursor = page.json.nextCursor;
    } while (cursor !== undefined && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([1000, 505]);
    const fromApi = pages.flat();
    // Users first, then groups, each by source id, every one once.
    expect(fromApi.map((a: Body) => a.sourceId)).toEqual([...users, ...groups].map((l) => l.sourceId));
    expect(fromApi[0]).toMatchObject({
      objectType: 'User',
      sourceName: 'user0@example.com',
      state: 'disabled',
    });
    expect(fromApi.at(-1)).toMatchObject({
      objectType: 'Group',
      sourceName: 'Group 24',
      targetId: 't-Group-24',
    });

    const fromCli = await cliLines('accounts', 'crm', '--json', ...flags);
    expect(fromCli).toEqual(fromApi);

    const human = await runCli('accounts', 'crm', ...flags);
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TYPE +SOURCE +TARGET +STATE +UPDATED$/);
    expect(
      lines.filter((l) => /^User +user\d+@example\.com +t-User-\d+ +(active|disabled) +\d{4}-/.test(l)),
    ).toHaveLength(1_480);
    expect(lines.filter((l) => /^Group +Group \d+ +t-Group-\d+ /.test(l))).toHaveLength(25);
    expect(lines.at(-1)).toMatch(/^Group +Group 24 +t-Group-24 +active /);
  });
});
