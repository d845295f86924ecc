/**
 * examples/rest/app.yaml as it is: `provisio apps apply` with REST_BASE_URL and REST_TOKEN set as
 * the example says (its token sealed with the app), then `provisio sync` into the test API, and
 * the users, the group and its members read back from the API.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createBuiltinRegistry } from '../../src/connectors/builtin-kinds.js';
import { formatAppFileIssue, loadAppFile } from '../../src/engine/apps/load-app-file.js';
import { openProvisio } from '../../src/main.js';
import { runCli } from '../support/run-cli.js';
import { startRestApi, type RestApi } from '../support/rest-api/rest-api.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/rest/app.yaml', import.meta.url));

let dataDir: string;
let api: RestApi;
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'provisio-rest-example-'));
  api = await startRestApi({ token: 'example-token-5d1e' });
  process.env.REST_BASE_URL = api.url;
  process.env.REST_TOKEN = api.token;
});
afterEach(async () => {
  delete process.env.REST_BASE_URL;
  delete process.env.REST_TOKEN;
  await api.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('examples/rest/app.yaml', () => {
  it('takes its URL and token from REST_BASE_URL and REST_TOKEN', () => {
    const raw = parse(readFileSync(EXAMPLE, 'utf8'));
    expect(raw.connector.settings.baseUrl).toBe('${REST_BASE_URL}');
    expect(raw.connector.credentials.token).toBe('${REST_TOKEN}');
  });

  it('applies as written and a sync provisions users, a group and its members into the API', async () => {
    const applied = await runCli('apps', 'apply', '-f', EXAMPLE, '--data-dir', dataDir);
    expect(applied.code, applied.stderr).toBe(0);
    // The token is sealed at rest, never stored as written.
    for (const file of readdirSync(dataDir))
      expect(readFileSync(join(dataDir, file)).includes(Buffer.from(api.token)), file).toBe(false);

    const database = await openProvisio({ dataDir });
    try {
      const d = database.directory;
      const ada = await d.create('User', {
        userName: 'ada@example.com',
        displayName: 'Ada Lovelace',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
        title: 'Analyst',
        active: true,
      });
      const alan = await d.create('User', {
        userName: 'alan@example.com',
        displayName: 'Alan Turing',
        active: true,
      });
      await d.create('Group', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Analysts',
        members: [
          { value: ada.id, type: 'User' },
          { value: alan.id, type: 'User' },
        ],
      });
    } finally {
      await database.close();
    }

    const sync = await runCli('sync', 'rest-demo', '--json', '--data-dir', dataDir);
    expect(sync.code, sync.stderr).toBe(0);
    const report = JSON.parse(sync.stdout) as { summary: Record<string, number> };
    expect(report.summary).toMatchObject({ failure: 0 });
    const users = [...api.store.objects.users.values()].sort((a, b) =>
      String(a.userName).localeCompare(String(b.userName)),
    );
    expect(users.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        userName: 'ada@example.com',
        displayName: 'Ada Lovelace',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        email: 'ada@example.com',
        title: 'Analyst',
        active: true,
      },
      { userName: 'alan@example.com', displayName: 'Alan Turing', active: true },
    ]);
    const [group] = [...api.store.objects.groups.values()];
    expect(group!.displayName).toBe('Analysts');
    expect([...(group!.members as string[])].sort()).toEqual(users.map((u) => u.id).sort());
  });

  it('a wrong REST setting in the file is reported at its line and column', async () => {
    const text = readFileSync(EXAMPLE, 'utf8')
      .replace("get: { method: GET, url: '/users/{id}' }", "get: { method: GET, url: '/users/{id' }")
      .replace('idPath: id\n        # The API', 'idPath: data..id\n        # The API');
    const file = join(dataDir, 'broken.yaml');
    writeFileSync(file, text);
    const loaded = await loadAppFile(file, {
      registry: createBuiltinRegistry(),
      env: { REST_BASE_URL: api.url, REST_TOKEN: 't' },
    });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const lines = text.split('\n');
    const at = (needle: string) => `${lines.findIndex((line) => line.includes(needle)) + 1}:`;
    const found = loaded.issues.map((issue) => formatAppFileIssue(issue).slice(file.length + 1));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^${at('data..id')}\\d+ connector\\.settings\\.objects\\.User\\.idPath: is not a JSON path`,
            'u',
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^${at("/users/{id'")}\\d+ connector\\.settings\\.objects\\.User\\.operations\\.get\\.url: is not a template`,
            'u',
          ),
        ),
      ]),
    );
  });
});
