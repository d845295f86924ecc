/**
 * The `apps`, `assign`, `unassign`, `assignments` and `audit` commands end to end on a temporary
 * SQLite data directory: through run() in-process for the flows, and once as a process of its own
 * to check what a shell sees (exit codes, stdout, stderr).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDirectory } from '../../src/main.js';
import { runCli } from '../support/run-cli.js';
import { spawnCli } from '../support/spawn-cli.js';

let dir: string;
let dataDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'provisio-apps-cli-'));
  dataDir = join(dir, 'data');
  vi.stubEnv('PROVISIO_DATABASE_URL', '');
  vi.stubEnv('PROVISIO_SECRET_KEY', '');
  vi.stubEnv('CRM_DEPARTMENT', 'Sales');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(...args, '--data-dir', dataDir);

const APP = `name: crm
description: Sales CRM
connector:
  kind: memory
appRoles:
  - { value: User, displayName: User, default: true }
  - { value: Admin, displayName: Administrator }
settings:
  concurrency: 2
objects:
  User:
    mappings:
      - { target: userName, source: userPrincipalName, matchingPrecedence: 1 }
      - { target: displayName, source: displayName }
    scope:
      filters:
        - clauses: [{ attribute: department, operator: EQUALS, value: '\${CRM_DEPARTMENT}' }]
`;

function appFile(text = APP, name = 'crm.yaml'): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The app with one setting changed (a settings-only change). */
const APP_CONCURRENCY_3 = APP.replace('concurrency: 2', 'concurrency: 3');

/** `apps apply -f` of the text, written to `name` in the test's directory, `--json` if asked. */
const apply = (text = APP, { json = false, name = 'crm.yaml' } = {}) =>
  cli('apps', 'apply', '-f', appFile(text, name), ...(json ? ['--json'] : []));

/** A command's `--json` output, parsed. */
async function cliJson<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  return JSON.parse((await cli(...args, '--json')).stdout) as T;
}

async function seedDirectory(): Promise<{ userId: string; groupId: string }> {
  const store = await openDirectory({ dataDir });
  try {
    const user = await store.create('User', { userName: 'ada@example.com' });
    const group = await store.create('Group', { displayName: 'Sales' });
    return { userId: user.id, groupId: group.id };
  } finally {
    await store.close();
  }
}

describe('provisio apps', () => {
  it('applies, reports unchanged, lists, exports what apply takes back, and deletes', async () => {
    const created = await apply();
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toBe("created app 'crm' (version 1); the next cycle is a full sync\n");
    expect((await apply()).stdout).toBe("app 'crm' unchanged (version 1)\n");

    const changed = await apply(APP_CONCURRENCY_3);
    expect(changed.stdout).toBe(
      "updated app 'crm' (version 2): settings changed; the next cycle is a full sync\n",
    );

    const list = await cli('apps', 'list', '--json');
    expect(list.code).toBe(0);
    const parsed = JSON.parse(list.stdout) as { apps: Record<string, unknown>[] };
    expect(parsed.apps).toEqual([
      {
        name: 'crm',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        description: 'Sales CRM',
        enabled: true,
        connector: { kind: 'memory' },
        version: 2,
        fullSyncRequired: true,
        created: expect.any(String),
        updated: expect.any(String),
      },
    ]);
    const table = await cli('apps', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(
      /^NAME\s+CONNECTOR\s+ENABLED\s+VERSION\s+FULL SYNC\s+UPDATED$/,
    );
    expect(table.stdout.split('\n')[1]).toMatch(/^crm\s+memory\s+yes\s+2\s+yes\s+\d{4}-/);

    const exported = await cli('apps', 'export', 'crm');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/value: "?\$\{CRM_DEPARTMENT\}/);
    expect(exported.stdout).toContain('concurrency: 3');
    const back = await apply(exported.stdout, { name: 'exported.yaml' });
    expect(back.stdout).toBe("app 'crm' unchanged (version 2)\n");

    const deleted = await cli('apps', 'delete', 'crm');
    expect(deleted).toMatchObject({ code: 0, stderr: "deleted app 'crm' and its 0 assignments\n" });
    expect(await cliJson('apps', 'list')).toEqual({ apps: [] });
  });

  it('apply --json prints one object: the app, created / updated / unchanged, and the full sync it marked', async () => {
    const created = await apply(APP, { json: true });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const first = JSON.parse(created.stdout) as Record<string, unknown>;
    expect(first).toEqual({
      app: 'crm',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'created',
      version: 1,
      changed: ['new'],
      fullSyncMarked: true,
      fullSyncRequired: true,
    });
    expect(created.stdout.trim().split('\n')).toHaveLength(1);
    // A settings change does not mark a full sync; the one from the create is still pending.
    const settings = await apply(APP_CONCURRENCY_3, { json: true });
    expect(JSON.parse(settings.stdout)).toEqual({
      ...first,
      status: 'updated',
      version: 2,
      changed: ['settings'],
      fullSyncMarked: false,
      fullSyncRequired: true,
    });
    const unchanged = await apply(APP_CONCURRENCY_3, { json: true });
    expect(JSON.parse(unchanged.stdout)).toMatchObject({
      status: 'unchanged',
      version: 2,
      changed: [],
      fullSyncMarked: false,
    });
    // A mapping change marks it.
    const mapping = await apply(APP_CONCURRENCY_3.replace('source: displayName', 'source: givenName'), {
      json: true,
    });
    expect(JSON.parse(mapping.stdout)).toMatchObject({
      status: 'updated',
      version: 3,
      changed: ['objects.User'],
      fullSyncMarked: true,
    });

    // A file with problems: exit 1, the problems as data on stdout and as text on stderr.
    const bad = await apply(APP.replace('kind: memory', 'kind: memroy'), { json: true, name: 'bad.yaml' });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({
      status: 'invalid',
      issues: [
        {
          file: join(dir, 'bad.yaml'),
          path: 'connector.kind',
          line: 4,
          column: 9,
          message: expect.stringMatching(/^unknown connector kind 'memroy', did you mean 'memory'\?/),
        },
      ],
    });
    expect(bad.stderr).toContain("bad.yaml:4:9 connector.kind: unknown connector kind 'memroy'");
  });

  it('prints every problem of a file with line and column, exits 1 and stores nothing', async () => {
    const broken = APP.replace('concurrency: 2', 'concurency: 2').replace(
      '{ target: displayName, source: displayName }',
      '{ target: displayName, expression: \'Jion(" ", [givenName])\' }',
    );
    const result = await apply(broken);
    const file = join(dir, 'crm.yaml');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${file}:9:3 settings.concurency: unknown key 'concurency', did you mean 'concurrency'?`,
    );
    expect(result.stderr).toContain(
      `${file}:14:44 objects.User.mappings[1].expression: unknown function 'Jion' at 1:1, did you mean 'Join'?`,
    );
    expect(await cliJson('apps', 'list')).toEqual({ apps: [] });
  });

  it('names an unset variable, exits 1', async () => {
    vi.stubEnv('CRM_DEPARTMENT', undefined as unknown as string);
    delete process.env.CRM_DEPARTMENT;
    const result = await apply();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'objects.User.scope.filters[0].clauses[0].value: environment variable CRM_DEPARTMENT is not set',
    );
  });

  it('gives usage errors exit code 2 before opening anything', async () => {
    expect((await cli('apps', 'apply', '-f', join(dir, 'absent.yaml'))).code).toBe(2);
    expect((await cli('apps', 'apply')).code).toBe(2);
    expect((await cli('apps', 'export', 'Not A Name')).code).toBe(2);
    expect((await cli('audit', '--limit', '0')).code).toBe(2);
    expect(() => statSync(dataDir)).toThrow();
  });

  it('exits 1 naming the app for export and delete of one that does not exist', async () => {
    const result = await cli('apps', 'export', 'nope');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain("no app named 'nope' (there are no apps yet)");
    expect((await cli('apps', 'delete', 'nope')).code).toBe(1);
  });
});

describe('provisio assign, unassign, assignments, audit', () => {
  it('assigns by name or id in roles, lists them, unassigns, and audits it all with the OS user', async () => {
    await apply();
    const { userId, groupId } = await seedDirectory();

    expect(await cli('assign', 'crm', '--user', 'ada@example.com')).toMatchObject({
      code: 0,
      stderr: "assigned user 'ada@example.com' to 'crm' as User\n",
    });
    expect((await cli('assign', 'crm', '--user', userId, '--role', 'Admin')).code).toBe(0);
    expect((await cli('assign', 'crm', '--group', 'Sales')).code).toBe(0);

    const badRole = await cli('assign', 'crm', '--user', userId, '--role', 'Owner');
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain("app 'crm' has no role 'Owner' (roles: User, Admin)");
    const nobody = await cli('assign', 'crm', '--user', 'nobody');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("no user with id or userName 'nobody'");
    expect((await cli('assign', 'crm')).code).toBe(2);
    expect((await cli('assign', 'crm', '--user', 'a', '--group', 'b')).code).toBe(2);

    expect(await cliJson('assignments', 'crm')).toEqual({
      app: 'crm',
      assignments: [
        {
          principalType: 'Group',
          principalId: groupId,
          principalName: 'Sales',
          role: 'User',
          created: expect.any(String),
        },
        {
          principalType: 'User',
          principalId: userId,
          principalName: 'ada@example.com',
          role: 'Admin',
          created: expect.any(String),
        },
        {
          principalType: 'User',
          principalId: userId,
          principalName: 'ada@example.com',
          role: 'User',
          created: expect.any(String),
        },
      ],
    });
    const listed = await cli('assignments', 'crm');
    expect(listed.stdout.split('\n')[0]).toMatch(/^TYPE\s+NAME\s+ID\s+ROLE\s+ASSIGNED$/);

    expect((await cli('unassign', 'crm', '--user', userId, '--role', 'Admin')).code).toBe(0);
    const again = await cli('unassign', 'crm', '--user', userId, '--role', 'Admin');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`user '${userId}' is not assigned to 'crm' in role Admin`);
    expect((await cli('unassign', 'crm', '--group', 'Sales')).code).toBe(0);
    const remaining = await cliJson<{ assignments: unknown[] }>('assignments', 'crm');
    expect(remaining.assignments).toHaveLength(1);

    const audit = await cliJson<{
      entries: { action: string; actor: string; app: string; before?: unknown; after?: unknown }[];
    }>('audit', '--app', 'crm');
    expect(audit.entries.map((e) => e.action)).toEqual([
      'unassign',
      'unassign',
      'assign',
      'assign',
      'assign',
      'apply',
    ]);
    expect(new Set(audit.entries.map((e) => e.actor))).toEqual(new Set([userInfo().username]));
    expect(audit.entries[1]?.before).toEqual({
      principalType: 'User',
      principalId: userId,
      principalName: 'ada@example.com',
      role: 'Admin',
    });
    const table = await cli('audit', '--limit', '2');
    expect(table.stdout.trim().split('\n')).toHaveLength(3);
    expect(table.stdout).toMatch(/unassign\s+crm\s+group Sales/);

    await cli('apps', 'delete', 'crm');
    const store = await openDirectory({ dataDir });
    try {
      const feed = await store.readChanges(0, 100);
      const kinds = feed.status === 'ok' ? feed.entries.filter((e) => e.kind === 'unassigned').length : -1;
      // Admin and the group by unassign; the user's last role by the delete.
      expect(kinds).toBe(3);
    } finally {
      await store.close();
    }
  });
});

describe('secrets through the CLI', () => {
  it('creates the key file with mode 0600 on first use and never prints a credential', async () => {
    const module = join(dir, 'secret-connector.mjs');
    writeFileSync(
      module,
      `export default {
  credentials: { '~standard': { version: 1, vendor: 'test', validate: (v) => typeof v.token === 'string' ? { value: v } : { issues: [{ message: 'token is required', path: ['token'] }] } } },
  create() { throw new Error('not used'); },
};\n`,
    );
    vi.stubEnv('CRM_TOKEN', 'crm-secret-token-123456');
    const text = APP.replace(
      '  kind: memory',
      '  module: ./secret-connector.mjs\n  credentials:\n    token: ${CRM_TOKEN}',
    );
    const applied = await apply(text);
    expect(applied.code).toBe(0);
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    const exported = await cli('apps', 'export', 'crm');
    expect(exported.stdout).toContain('token: ${CRM_TOKEN}');
    const audit = await cli('audit', '--json');
    for (const output of [applied, exported, audit]) {
      expect(output.stdout + output.stderr).not.toContain('crm-secret-token-123456');
    }
  });
});

describe('the provisio process', () => {
  it('exits 0 with the outcome on stdout, and 1 with the problems on stderr', async () => {
    const run = (args: string[]) => spawnCli([...args, '--data-dir', dataDir], { CRM_DEPARTMENT: 'Sales' });
    const ok = await run(['apps', 'apply', '-f', appFile()]);
    expect(ok).toMatchObject({
      code: 0,
      stdout: "created app 'crm' (version 1); the next cycle is a full sync\n",
    });
    const bad = await run([
      'apps',
      'apply',
      '-f',
      appFile(APP.replace('kind: memory', 'kind: memroy'), 'bad.yaml'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "bad.yaml:4:9 connector.kind: unknown connector kind 'memroy', did you mean 'memory'?",
    );
  }, 30_000);
});
