/**
 * The script connector end to end: the shipped example (examples/script) applied as it is, users
 * in the directory, `provisio sync`, and the accounts the Node script keeps read back; an account
 * already in the target is matched, a change and a disable follow.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { withProvisio } from '../support/with-provisio.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/script/app.yaml', import.meta.url));

let dataDir: string;
let scriptDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'provisio-script-e2e-'));
  scriptDir = join(dataDir, 'target');
  process.env.SCRIPT_DATA_DIR = scriptDir;
  process.env.SCRIPT_API_KEY = 'e2e-key-123';
});
afterEach(() => {
  delete process.env.SCRIPT_DATA_DIR;
  delete process.env.SCRIPT_API_KEY;
  rmSync(dataDir, { recursive: true, force: true });
});

interface Account {
  id: string;
  enabled: boolean;
  attributes: Record<string, unknown>;
}
interface StoredGroup {
  id: string;
  enabled: boolean;
  attributes: Record<string, unknown>;
  members: string[];
}
interface StoredAccounts {
  nextId: number;
  objects: { User: Record<string, Account>; Group: Record<string, StoredGroup> };
}
const storeFile = () => join(scriptDir, 'accounts.json');
const stored = () => JSON.parse(readFileSync(storeFile(), 'utf8')) as StoredAccounts;
const accounts = (): Account[] => Object.values(stored().objects.User);

/** The example script's store before a test: Ada's account already there (to be matched), and `groups`. */
function seedStore(groups: StoredAccounts['objects']['Group'] = {}): void {
  mkdirSync(scriptDir, { recursive: true });
  const ada = { id: '42', enabled: true, attributes: { userName: 'ada@example.com' } };
  writeFileSync(
    storeFile(),
    JSON.stringify({ nextId: 100, objects: { User: { '42': ada }, Group: groups } }),
  );
}

async function sync() {
  const r = await runCli('sync', 'script-demo', '--json', '--data-dir', dataDir);
  expect(r.stderr).toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as { summary: Record<string, number> } };
}

describe('script connector through the engine', () => {
  it('runs the shipped example: creates, matches an existing account, updates and disables', async () => {
    seedStore();
    const applied = await runCli('apps', 'apply', '-f', EXAMPLE, '--data-dir', dataDir);
    expect(applied.code, applied.stderr).toBe(0);
    const bobId = await withProvisio({ dataDir }, async (database) => {
      await database.directory.create('User', {
        userName: 'ada@example.com',
        displayName: 'Ada; $(rm -rf /)',
        active: true,
      });
      return (
        await database.directory.create('User', {
          userName: 'bob@example.com',
          displayName: 'Bob "B"',
          active: true,
        })
      ).id;
    });

    const first = await sync();
    expect(first.code).toBe(0);
    expect(first.report.summary).toMatchObject({ create: 1, update: 1, failure: 0 });
    const byName = new Map(accounts().map((a) => [a.attributes.userName, a]));
    expect(byName.get('ada@example.com')).toMatchObject({
      id: '42',
      attributes: { displayName: 'Ada; $(rm -rf /)' },
    });
    expect(byName.get('bob@example.com')).toMatchObject({
      id: '100',
      enabled: true,
      attributes: { displayName: 'Bob "B"' },
    });

    await withProvisio({ dataDir }, (again) =>
      again.directory.patch('User', bobId, [{ op: 'replace', path: 'active', value: false }]),
    );
    const second = await sync();
    expect(second.report.summary).toMatchObject({ disable: 1, failure: 0 });
    expect(accounts().find((a) => a.id === '100')!.enabled).toBe(false);
  });

  it('fails the cycle at the connection test with the script error, without the credential', async () => {
    process.env.SCRIPT_API_KEY = 'the-right-key';
    const applied = await runCli('apps', 'apply', '-f', EXAMPLE, '--data-dir', dataDir);
    expect(applied.code, applied.stderr).toBe(0);
    // The script now expects another key than the one stored with the app.
    process.env.SCRIPT_API_KEY = 'another-key';
    await withProvisio({ dataDir }, (database) =>
      database.directory.create('User', { userName: 'ada@example.com', active: true }),
    );
    const r = await runCli('sync', 'script-demo', '--json', '--data-dir', dataDir);
    // The connection test before the cycle meets invalid_credentials: the app is quarantined
    // (exit code 3) in the script's own words, and no object was tried.
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as {
      status: string;
      connectionError?: { code: string };
      quarantine?: { reason: string };
    };
    expect(report.status).toBe('quarantined');
    expect(report.connectionError?.code).toBe('invalid_credentials');
    expect(report.quarantine?.reason).toContain('invalid_credentials');
    expect(r.stdout).toContain('the API key is wrong');
    expect(r.stdout + r.stderr).not.toContain('the-right-key');
    const logs = await runCli('logs', 'script-demo', '--json', '--data-dir', dataDir);
    expect(logs.stdout).toBe('');
    expect(logs.stdout).not.toContain('the-right-key');
  });
});

describe('script connector: groups with members', () => {
  it("creates a group with its members, then adds one and removes one, in the script's own store", async () => {
    const applied = await runCli('apps', 'apply', '-f', EXAMPLE, '--data-dir', dataDir);
    expect(applied.code, applied.stderr).toBe(0);
    const ids = await withProvisio({ dataDir }, async (d) => {
      const user = async (userName: string) =>
        (await d.directory.create('User', { userName, displayName: userName, active: true })).id;
      const ada = await user('ada@example.com');
      const bob = await user('bob@example.com');
      const cy = await user('cy@example.com');
      const group = await d.directory.create('Group', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Ops',
        members: [
          { value: ada, type: 'User' },
          { value: bob, type: 'User' },
        ],
      });
      return { ada, bob, cy, group: group.id };
    });

    const first = await sync();
    expect(first.code).toBe(0);
    expect(first.report.summary).toMatchObject({ create: 4, failure: 0 });
    const targetId = (userName: string) =>
      Object.values(stored().objects.User).find((u) => u.attributes.userName === userName)!.id;
    const [ada, bob, cy] = ['ada@example.com', 'bob@example.com', 'cy@example.com'].map(targetId);
    const groupId = Object.keys(stored().objects.Group)[0]!;
    expect(stored().objects.Group).toEqual({
      [groupId]: {
        id: groupId,
        enabled: true,
        attributes: { displayName: 'Ops' },
        members: [ada, bob].sort(),
      },
    });

    await withProvisio({ dataDir }, async (d) => {
      await d.directory.patch('Group', ids.group, [
        { op: 'add', path: 'members', value: [{ value: ids.cy }] },
      ]);
      await d.directory.patch('Group', ids.group, [{ op: 'remove', path: `members[value eq "${ids.ada}"]` }]);
    });
    const second = await sync();
    expect(second.code).toBe(0);
    expect(second.report.summary).toMatchObject({ update: 1, failure: 0 });
    expect(stored().objects.Group).toEqual({
      [groupId]: {
        id: groupId,
        enabled: true,
        attributes: { displayName: 'Ops' },
        members: [bob, cy].sort(),
      },
    });
  });

  it('matches groups, which the script cannot find, through links only, and users by find', async () => {
    seedStore({ '7': { id: '7', enabled: true, attributes: { displayName: 'Ops' }, members: [] } });
    // Groups get a matching attribute too: the engine must still not look them up.
    const yaml = readFileSync(EXAMPLE, 'utf8').replace(
      '{ target: displayName, source: displayName }\n      - { target: members',
      '{ target: displayName, source: displayName, matchingPrecedence: 1 }\n      - { target: members',
    );
    expect(yaml).toContain('matchingPrecedence: 1 }\n      - { target: members');
    const script = fileURLToPath(new URL('../../examples/script/accounts.mjs', import.meta.url));
    const appFile = join(dataDir, 'matching.yaml');
    writeFileSync(appFile, yaml.replace('args: [accounts.mjs]', `args: [${JSON.stringify(script)}]`));
    const applied = await runCli('apps', 'apply', '-f', appFile, '--data-dir', dataDir);
    expect(applied.code, applied.stderr).toBe(0);
    await withProvisio({ dataDir }, async (d) => {
      await d.directory.create('User', { userName: 'ada@example.com', displayName: 'Ada', active: true });
      await d.directory.create('Group', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Ops',
      });
    });
    const r = await runCli('sync', 'script-demo', '--json', '--data-dir', dataDir);
    const report = JSON.parse(r.stdout) as { summary: Record<string, number> };
    // Ada is found and adopted; the group, never looked up, is created and meets the script's
    // already_exists for its name, which no find can turn into an adoption.
    expect(report.summary).toMatchObject({ update: 1, failure: 1 });
    expect(stored().objects.User['42']!.attributes).toEqual({
      userName: 'ada@example.com',
      displayName: 'Ada',
    });
    expect(Object.keys(stored().objects.Group)).toEqual(['7']);
    const logs = await runCli('logs', 'script-demo', '--json', '--data-dir', dataDir);
    expect(logs.stdout).toContain('displayName Ops is taken');
    expect(logs.stdout).not.toContain('does not implement find');
  });
});

describe('script connector: a retryable failure', () => {
  it('is retried by the engine, and the account is created', async () => {
    const support = fileURLToPath(new URL('../support/script-targets/flaky.mjs', import.meta.url));
    const marker = join(dataDir, 'failed-once');
    const yaml = readFileSync(EXAMPLE, 'utf8')
      .replace('command: node', `command: ${JSON.stringify(process.execPath)}`)
      .replace('args: [accounts.mjs]', `args: [${JSON.stringify(support)}, ${JSON.stringify(marker)}]`);
    writeFileSync(join(dataDir, 'flaky.yaml'), yaml);
    const applied = await runCli('apps', 'apply', '-f', join(dataDir, 'flaky.yaml'), '--data-dir', dataDir);
    expect(applied.code, applied.stderr).toBe(0);
    await withProvisio({ dataDir }, (database) =>
      database.directory.create('User', { userName: 'ada@example.com', active: true }),
    );
    const first = await sync();
    expect(readFileSync(marker, 'utf8')).toBe('failed once');
    expect(first.code).toBe(0);
    expect(first.report.summary).toMatchObject({ create: 1, failure: 0 });
    expect(accounts().map((a) => a.attributes.userName)).toEqual(['ada@example.com']);
  });
});
