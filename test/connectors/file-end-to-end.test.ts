/**
 * The flat-file connector end to end: the shipped example applied as it is (`apps apply`), users
 * in the directory, `provisio sync`, and the CSV read back; then a change, a disable, brownfield
 * matching against the application's export, and groups with members in change rows.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { runCli } from '../support/run-cli.js';
import { withProvisio } from '../support/with-provisio.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/file/app.yaml', import.meta.url));

let dataDir: string;
let outputDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'provisio-file-e2e-'));
  outputDir = join(dataDir, 'out');
  process.env.FILE_OUTPUT_DIR = outputDir;
});
afterEach(() => {
  delete process.env.FILE_OUTPUT_DIR;
  rmSync(dataDir, { recursive: true, force: true });
});

const withDirectory = <T>(work: (d: ProvisioDatabase) => Promise<T>) => withProvisio({ dataDir }, work);

async function sync(app: string) {
  const r = await runCli('sync', app, '--json', '--data-dir', dataDir);
  expect(r.stderr).toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as { summary: Record<string, number> } };
}

/** The newest output file of a kind, parsed. */
function newest(prefix: string): Record<string, string>[] {
  const files = readdirSync(outputDir)
    .filter((f) => f.startsWith(prefix))
    .sort();
  const text = readFileSync(join(outputDir, files.at(-1)!), 'utf8');
  return parse(text, { columns: true, bom: true }) as Record<string, string>[];
}

describe('file connector through the engine', () => {
  it('runs the shipped example: sync writes every account, a change and a disable give a new full file', async () => {
    const applied = await runCli('apps', 'apply', '-f', EXAMPLE, '--data-dir', dataDir);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const ids = await withDirectory(async (d) => {
      const ada = await d.directory.create('User', {
        userName: 'ada@example.com',
        displayName: 'Lovelace, "Ada"',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        active: true,
      });
      const zoe = await d.directory.create('User', {
        userName: 'zoe@example.com',
        displayName: 'Zoë\nÅngström',
        active: true,
      });
      return { ada: ada.id, zoe: zoe.id };
    });

    const first = await sync('badge-office');
    expect(first.code).toBe(0);
    expect(first.report.summary).toMatchObject({ create: 2, failure: 0 });
    const rows = newest('users-');
    expect(
      rows.map(({ id: _id, ...rest }) => rest).sort((a, b) => a.userName!.localeCompare(b.userName!)),
    ).toEqual([
      {
        enabled: 'true',
        userName: 'ada@example.com',
        displayName: 'Lovelace, "Ada"',
        givenName: 'Ada',
        surname: 'Lovelace',
        department: '',
        employeeId: '',
      },
      {
        enabled: 'true',
        userName: 'zoe@example.com',
        displayName: 'Zoë\nÅngström',
        givenName: '',
        surname: '',
        department: '',
        employeeId: '',
      },
    ]);
    const header = readFileSync(
      join(outputDir, readdirSync(outputDir).filter((f) => f.startsWith('users-'))[0]!),
      'utf8',
    );
    expect(
      header.startsWith('\ufeffid,enabled,userName,displayName,givenName,surname,department,employeeId\r\n'),
    ).toBe(true);

    await withDirectory(async (d) => {
      await d.directory.patch('User', ids.ada, [{ op: 'replace', path: 'displayName', value: 'Ada L.' }]);
      await d.directory.patch('User', ids.zoe, [{ op: 'replace', path: 'active', value: false }]);
    });
    const second = await sync('badge-office');
    expect(second.code).toBe(0);
    expect(second.report.summary).toMatchObject({ update: 1, disable: 1, failure: 0 });
    const after = newest('users-');
    expect(after).toHaveLength(2);
    expect(after.find((r) => r.userName === 'ada@example.com')).toMatchObject({
      displayName: 'Ada L.',
      enabled: 'true',
    });
    expect(after.find((r) => r.userName === 'zoe@example.com')).toMatchObject({ enabled: 'false' });
    expect(readdirSync(outputDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('matches accounts of the application export instead of creating them, and writes group change rows with members', async () => {
    writeFileSync(join(dataDir, 'export.csv'), 'id,userName,displayName\r\nA-17,ada@example.com,Ada\r\n');
    const yaml = [
      'name: legacy',
      'connector:',
      '  kind: file',
      '  settings:',
      `    directory: ${JSON.stringify(outputDir)}`,
      '    mode: changes',
      '    objectTypes: [User, Group]',
      '    fileName: "{type}-changes-{timestamp}.csv"',
      '    importFile:',
      '      User: { path: export.csv }',
      'settings:',
      '  scope: all',
      'objects:',
      '  User:',
      '    mappings:',
      '      - { target: userName, source: userName, matchingPrecedence: 1 }',
      '      - { target: displayName, source: displayName }',
      '  Group:',
      '    mappings:',
      '      - { target: displayName, source: displayName, matchingPrecedence: 1 }',
      '      - { target: members, source: members }',
      '',
    ].join('\n');
    writeFileSync(join(dataDir, 'legacy.yaml'), yaml);
    const applied = await runCli('apps', 'apply', '-f', join(dataDir, 'legacy.yaml'), '--data-dir', dataDir);
    expect(applied.code, applied.stderr).toBe(0);
    await withDirectory(async (d) => {
      const ada = await d.directory.create('User', {
        userName: 'ada@example.com',
        displayName: 'Ada',
        active: true,
      });
      const bob = await d.directory.create('User', {
        userName: 'bob@example.com',
        displayName: 'Bob',
        active: true,
      });
      await d.directory.create('Group', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Badges',
        members: [
          { value: ada.id, type: 'User' },
          { value: bob.id, type: 'User' },
        ],
      });
    });

    const first = await sync('legacy');
    expect(first.code).toBe(0);
    const users = newest('users-changes-');
    // Ada was matched to the exported account A-17 (no change to write); only Bob is created.
    expect(users).toEqual([
      {
        action: 'create',
        id: expect.any(String),
        enabled: 'true',
        displayName: 'Bob',
        userName: 'bob@example.com',
      },
    ]);
    const bobId = users[0]!.id;
    const groups = newest('groups-changes-');
    expect(groups.map((g) => g.action)).toContain('create');
    const last = groups.at(-1)!;
    expect(last.displayName).toBe('Badges');
    expect(last.member!.split(';').sort()).toEqual(['A-17', bobId].sort());
  });
});
