/**
 * Reading app files: every kind of problem with its file, path, line and column, all of them at
 * once; `${ENV}` substitution; defaults; roles; the connector's own schemas; and the export round
 * trip (export, apply the output, same definition) as a property over generated files.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../src/connectors/builtin-kinds.js';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import { exportAppYaml, formatDuration } from '../../src/engine/apps/export-app.js';
import type { LoadAppOptions, LoadedApp } from '../../src/engine/apps/load-app-file.js';
import { formatAppFileIssue, loadAppFile, loadAppText } from '../../src/engine/apps/load-app-file.js';
import { vaultKind } from './apps-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'provisio-appfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const registry = createBuiltinRegistry([vaultKind]);
const TOKEN = 'tok-0123456789-secret';
const env = { VAULT_URL: 'https://vault.example.com', VAULT_TOKEN: TOKEN, DEPT: 'Sales' };

let fileCount = 0;
function writeApp(text: string, name = `app${++fileCount}.yaml`): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function load(text: string, options: Partial<LoadAppOptions> = {}): Promise<LoadedApp> {
  const result = await loadAppFile(writeApp(text), { registry, env, ...options });
  if (!result.ok) throw new Error(result.issues.map(formatAppFileIssue).join('\n'));
  return result.app;
}

/** The issues of a file that must fail, as `line:col path: message` (without the file name). */
async function problems(text: string, options: Partial<LoadAppOptions> = {}): Promise<string[]> {
  const file = writeApp(text);
  const result = await loadAppFile(file, { registry, env, ...options });
  if (result.ok) throw new Error('expected the file to fail');
  for (const issue of result.issues) expect(issue.file).toBe(file);
  return result.issues.map((issue) => formatAppFileIssue(issue).slice(file.length + 1));
}

const USER_MAPPINGS = `
objects:
  User:
    mappings:
      - { target: userName, source: userPrincipalName, matchingPrecedence: 1 }
      - { target: displayName, source: displayName }
`;
const MINIMAL = `name: demo\nconnector:\n  kind: memory\n${USER_MAPPINGS}`;

describe('loading an app file', () => {
  it('applies every default of app-yaml.md', async () => {
    const { definition, credentials } = await load(MINIMAL);
    expect(credentials).toEqual({});
    expect(definition).toMatchObject({
      name: 'demo',
      enabled: true,
      connector: {
        kind: 'memory',
        settings: {},
        credentials: {},
        appFile: expect.stringMatching(new RegExp(`^${dir}/app\\d+\\.yaml$`)),
      },
      appRoles: [{ value: 'User', displayName: 'User', default: true }],
      settings: {
        scope: 'assigned',
        nestedGroupMembers: false,
        deprovisionAction: 'disable',
        skipOutOfScopeDeletions: false,
        deletionThreshold: { count: 500 },
        concurrency: 4,
        cycleIntervalMs: 40 * 60_000,
        nearRealTime: true,
      },
    });
    expect(definition.settings.rateLimitPerSecond).toBeUndefined();
    expect(definition.objects.User).toMatchObject({ enabled: true, actions: ['create', 'update', 'delete'] });
    expect(definition.objects.Group).toEqual({
      enabled: false,
      actions: ['create', 'update', 'delete'],
      mappings: [],
    });
    expect(definition.templates).toBeUndefined();
  });

  it('reads every setting', async () => {
    const { definition } = await load(`${MINIMAL}
settings:
  scope: all
  nestedGroupMembers: true
  deprovisionAction: delete
  skipOutOfScopeDeletions: true
  deletionThreshold: { count: 20, percent: 30 }
  concurrency: 8
  rateLimitPerSecond: 2.5
  cycleInterval: 2h
  nearRealTime: false
  notificationWebhookUrl: https://hooks.example.com/provisio
`);
    expect(definition.settings).toEqual({
      scope: 'all',
      nestedGroupMembers: true,
      deprovisionAction: 'delete',
      skipOutOfScopeDeletions: true,
      deletionThreshold: { count: 20, percent: 30 },
      concurrency: 8,
      rateLimitPerSecond: 2.5,
      cycleIntervalMs: 2 * 3_600_000,
      nearRealTime: false,
      notificationWebhookUrl: 'https://hooks.example.com/provisio',
    });
  });

  it('reports a YAML syntax error at its line and column', async () => {
    expect(await problems('name: demo\nconnector:\n  kind: [memory\n')).toEqual([
      expect.stringMatching(/^4:1: /),
    ]);
  });

  it('reports a duplicate key at the second one', async () => {
    const found = await problems('name: demo\nconnector:\n  kind: memory\n  kind: memory\n' + USER_MAPPINGS);
    expect(found).toEqual(['4:3: Map keys must be unique']);
  });

  it('reports unknown keys at the key, with did-you-mean from the schema', async () => {
    const found = await problems(`name: demo
connector:
  kind: memory
setings:
  scope: all
objects:
  User:
    mappings:
      - { target: userName, source: userPrincipalName, matchingPrecedence: 1 }
      - { target: displayName, expresion: '[displayName]' }
`);
    expect(found).toEqual([
      "4:1 setings: unknown key 'setings', did you mean 'settings'?",
      "10:32 objects.User.mappings[1].expresion: unknown key 'expresion', did you mean 'expression'?",
    ]);
  });

  it('refuses a key named __proto__ instead of letting it set a prototype', async () => {
    const found = await problems(
      `name: demo\nconnector:\n  kind: memory\n  __proto__: { polluted: 1 }\n${USER_MAPPINGS}`,
    );
    expect(found).toEqual(['4:3: a key may not be named __proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports wrong types, missing keys and bad values at their values', async () => {
    const found = await problems(`connector:
  kind: memory
settings:
  concurrency: four
  scope: some
  deletionThreshold: { count: 10, percent: 130 }
  cycleInterval: 10s
  notificationWebhookUrl: ftp://hooks.example.com
${USER_MAPPINGS}`);
    expect(found).toEqual([
      '1:1 name: is required (string)',
      '4:16 settings.concurrency: expected number, received string',
      '5:10 settings.scope: expected one of "assigned"|"all"',
      '6:44 settings.deletionThreshold.percent: must be at most 100',
      '7:18 settings.cycleInterval: must be at least 1m (got 10s)',
      '8:27 settings.notificationWebhookUrl: must be an absolute http:// or https:// URL',
    ]);
  });

  it('names the expression, its place in the file and in the expression, with did-you-mean', async () => {
    const found = await problems(`name: demo
connector:
  kind: memory
objects:
  User:
    mappings:
      - { target: userName, source: userPrincipalName, matchingPrecedence: 1 }
      - { target: displayName, source: displayNme }
      - target: title
        expression: 'Jion(",", [jobTitle])'
    scope:
      filters:
        - clauses:
            - { attribute: department, operator: EQULS, value: Sales }
`);
    expect(found).toEqual([
      "8:40 objects.User.mappings[1].source: unknown source attribute 'displayNme', did you mean 'displayName'?",
      "10:21 objects.User.mappings[2].expression: unknown function 'Jion' at 1:1, did you mean 'Join'?",
      "14:50 objects.User.scope.filters[0].clauses[0].operator: unknown operator 'EQULS', did you mean 'EQUALS'?",
    ]);
  });

  it('refuses a Group mapping into members from anything but the members reference, at its line', async () => {
    const why =
      "is the group's membership, which is provisioned from the directory's members (references resolved to the members' accounts); map it only as { target: members, source: members }";
    for (const [mapping, target] of [
      [`{ target: members, expression: 'Split([description], ",")' }`, 'members'],
      ['{ target: members, source: displayName }', 'members'],
      [`{ target: 'members[type eq "User"].value', source: members }`, 'members[type eq "User"].value'],
      [
        '{ target: "urn:ietf:params:scim:schemas:core:2.0:Group:members", constant: nobody }',
        'urn:ietf:params:scim:schemas:core:2.0:Group:members',
      ],
    ]) {
      const found = await problems(`name: demo
connector:
  kind: memory
${USER_MAPPINGS.trim()}
  Group:
    mappings:
      - { target: displayName, source: displayName, matchingPrecedence: 1 }
      - ${mapping}
`);
      expect(found).toEqual([`12:19 objects.Group.mappings[1].target: '${target}' ${why}`]);
    }
    // The one way that is honoured: the directory's members, resolved to the target's ids.
    const ok = await load(`name: demo
connector:
  kind: memory
${USER_MAPPINGS.trim()}
  Group:
    mappings:
      - { target: displayName, source: displayName, matchingPrecedence: 1 }
      - { target: members, source: members }
`);
    expect(ok.definition.objects.Group.mappings).toHaveLength(2);
  });

  it("refuses a Group mapping written onto the connector's own member attribute, at its line", async () => {
    const app = (mapping: string, extra = '') => `name: demo
connector:
  kind: memory
  settings:
    capabilities: { membership: { kind: attribute, attribute: member, reference: id } }${extra}
${USER_MAPPINGS.trim()}
  Group:
    mappings:
      - { target: displayName, source: displayName, matchingPrecedence: 1 }
      - ${mapping}
`;
    const why = (target: string) =>
      `'${target}' is the memory connector's member attribute, which the engine writes from the ` +
      `group's members; a mapping may not write it directly: use group membership provisioning ` +
      `instead, { target: member, source: members }`;
    for (const [mapping, target] of [
      ['{ target: member, constant: "cn=someone,dc=example,dc=test" }', 'member'],
      ['{ target: Member, source: displayName }', 'Member'],
      [`{ target: member, expression: 'Split([description], ",")' }`, 'member'],
    ]) {
      expect(await problems(app(mapping!))).toEqual([
        `14:19 objects.Group.mappings[1].target: ${why(target!)}`,
      ]);
    }
    // Membership provisioning into that attribute, and other attributes, are what they should be.
    expect(
      (await load(app('{ target: member, source: members }'))).definition.objects.Group.mappings,
    ).toHaveLength(2);
    expect(
      (await load(app('{ target: description, constant: team }'))).definition.objects.Group.mappings,
    ).toHaveLength(2);
    // The same for LDAP's member attribute (the connector is built, nothing is contacted).
    const ldap = await problems(`name: directory
connector:
  kind: ldap
  settings:
    url: ldap://127.0.0.1:1
    bindDn: cn=admin,dc=example,dc=test
    baseDn: dc=example,dc=test
    users: { container: 'ou=people,dc=example,dc=test', rdnAttribute: uid, unique: [uid] }
    groups: { container: 'ou=groups,dc=example,dc=test', type: groupOfNames, unique: [cn] }
  credentials: { bindPassword: secret }
objects:
  User:
    mappings:
      - { target: uid, source: userName, matchingPrecedence: 1 }
  Group:
    mappings:
      - { target: cn, source: displayName, matchingPrecedence: 1 }
      - { target: member, source: displayName }
`);
    expect(ldap).toEqual([
      `18:19 objects.Group.mappings[1].target: ${why('member').replace('memory connector', 'ldap connector')}`,
    ]);
  });

  it('collects the problems of every section before failing, mappings included when settings are wrong', async () => {
    const found = await problems(`name: Demo
connector:
  kind: memroy
settings:
  concurrency: 0
objects:
  User:
    mappings:
      - { target: userName, expression: 'Jion("", [mail])', matchingPrecedence: 1 }
`);
    expect(found).toEqual([
      expect.stringMatching(/^1:7 name: must start with a lower-case letter/),
      // Every registered kind is listed, the built-in ones and this file's own, in order.
      `3:9 connector.kind: unknown connector kind 'memroy', did you mean 'memory'? (known kinds: ${registry.kinds().join(', ')}; use connector.module for your own)`,
      '5:16 settings.concurrency: must be at least 1',
      "9:41 objects.User.mappings[0].expression: unknown function 'Jion' at 1:1, did you mean 'Join'?",
    ]);
  });

  it('checks the connector settings with the kind’s own schema', async () => {
    const found = await problems(`name: demo
connector:
  kind: memory
  settings:
    caseExact: sometimes
    colour: blue
${USER_MAPPINGS}`);
    expect(found).toEqual([
      '5:5 connector.settings: Unrecognized key: "colour"',
      expect.stringMatching(/^5:16 connector\.settings\.caseExact: .*boolean/),
    ]);
  });

  it('requires exactly one of kind and module', async () => {
    expect(await problems(`name: demo\nconnector:\n  settings: {}\n${USER_MAPPINGS}`)).toEqual([
      '3:3 connector: give exactly one of kind (a registered connector) or module (a path to your own)',
    ]);
  });

  it('resolves a module connector relative to the app file, and names a missing one at connector.module', async () => {
    const fixture = fileURLToPath(
      new URL('../../src/connectors/spi/fixtures/minimal-connector.js', import.meta.url),
    );
    copyFileSync(fixture, join(dir, 'minimal.js'));
    const { definition } = await load(`name: mod\nconnector:\n  module: ./minimal.js\n${USER_MAPPINGS}`);
    expect(definition.connector).toMatchObject({ module: './minimal.js' });
    expect(definition.connector.appFile?.startsWith(`${dir}/`)).toBe(true);
    const found = await problems(`name: mod\nconnector:\n  module: ./absent.js\n${USER_MAPPINGS}`);
    expect(found).toEqual([
      expect.stringMatching(/^3:11 connector\.module: connector module '\.\/absent\.js' not found/),
    ]);
  });
});

describe('${ENV} substitution', () => {
  const VAULT = `name: vaulted
description: ours, $\${not a variable}
connector:
  kind: vault
  settings:
    baseUrl: \${VAULT_URL}
  credentials:
    token: \${VAULT_TOKEN}
    clientId: literal-client
${USER_MAPPINGS}    scope:
      filters:
        - clauses: [{ attribute: department, operator: EQUALS, value: 'dept-\${DEPT}' }]
`;

  it('replaces variables in any string, keeps templates for export and credential sources', async () => {
    const { definition, credentials } = await load(VAULT);
    expect(definition.description).toBe('ours, ${not a variable}');
    expect(definition.connector.settings).toEqual({ baseUrl: 'https://vault.example.com' });
    expect(definition.objects.User.scope?.filters[0]?.clauses[0]?.value).toBe('dept-Sales');
    expect(credentials).toEqual({ token: TOKEN, clientId: 'literal-client' });
    expect(definition.connector.credentials).toEqual({
      token: { kind: 'env', variable: 'VAULT_TOKEN' },
      clientId: { kind: 'literal' },
    });
    expect(definition.templates).toEqual([
      { path: ['description'], template: 'ours, $${not a variable}' },
      { path: ['connector', 'settings', 'baseUrl'], template: '${VAULT_URL}' },
      {
        path: ['objects', 'User', 'scope', 'filters', 0, 'clauses', 0, 'value'],
        template: 'dept-${DEPT}',
      },
    ]);
    expect(JSON.stringify(definition)).not.toContain(TOKEN);
  });

  it('names an unset variable and where it is used', async () => {
    const found = await problems(VAULT, { env: { VAULT_URL: 'https://vault.example.com', DEPT: 'x' } });
    expect(found).toEqual(['8:12 connector.credentials.token: environment variable VAULT_TOKEN is not set']);
  });

  it('refuses a reference that is not a variable name', async () => {
    const found = await problems(
      `name: demo\ndescription: 'a \${1BAD} b'\nconnector:\n  kind: memory\n${USER_MAPPINGS}`,
    );
    expect(found).toEqual([
      expect.stringMatching(/^2:14 description: '\$\{1BAD\}' is not a variable reference/),
    ]);
  });

  it('checks credentials with the kind’s schema and never shows their value', async () => {
    const shortToken = 'abc1234';
    const file = writeApp(VAULT);
    const result = await loadAppFile(file, { registry, env: { ...env, VAULT_TOKEN: shortToken } });
    expect(result.ok).toBe(false);
    const text = !result.ok ? result.issues.map(formatAppFileIssue).join('\n') : '';
    expect(text).toContain('connector.credentials.token: must be at least 8 characters');
    expect(text).not.toContain(shortToken);
  });

  it('keeps a stored credential for <secret>, and refuses <secret> when nothing is stored', async () => {
    const text = VAULT.replace('clientId: literal-client', "clientId: '<secret>'");
    const kept = await load(text, {
      keptCredential: async (app, key) =>
        app === 'vaulted' && key === 'clientId' ? 'stored-client' : undefined,
    });
    expect(kept.credentials.clientId).toBe('stored-client');
    expect(kept.definition.connector.credentials.clientId).toEqual({ kind: 'literal' });
    expect(await problems(text)).toEqual([
      "9:15 connector.credentials.clientId: '<secret>' keeps the stored value, but app 'vaulted' has no stored credential 'clientId': give the value or ${VARIABLE}",
    ]);
  });

  it('exports templates and ${VAR} for env credentials, <secret> for literal ones, never a value', async () => {
    const { definition } = await load(VAULT);
    const yaml = exportAppYaml(definition);
    expect(yaml).toContain('baseUrl: ${VAULT_URL}');
    expect(yaml).toContain('token: ${VAULT_TOKEN}');
    expect(yaml).toContain('clientId: <secret>');
    expect(yaml).toContain('description: ours, $${not a variable}');
    expect(yaml).not.toContain(TOKEN);
    expect(yaml).not.toContain('literal-client');
  });
});

describe('app roles', () => {
  const withRoles = (roles: string) => `${MINIMAL}appRoles:\n${roles}`;

  it('takes declared roles, displayName defaulting to the value', async () => {
    const { definition } = await load(
      withRoles(
        '  - { value: Reader }\n  - { value: Admin, displayName: Administrator, description: All, default: true }\n',
      ),
    );
    expect(definition.appRoles).toEqual([
      { value: 'Reader', displayName: 'Reader' },
      { value: 'Admin', displayName: 'Administrator', description: 'All', default: true },
    ]);
  });

  it('refuses duplicate values, no default and two defaults', async () => {
    expect(await problems(withRoles('  - { value: A, default: true }\n  - { value: A }\n'))).toEqual([
      "12:14 appRoles[1].value: 'A' is already the value of appRoles[0]",
    ]);
    expect(await problems(withRoles('  - { value: A }\n'))).toEqual([
      '11:3 appRoles: mark exactly one role default: true (the role of an assignment made without --role)',
    ]);
    expect(
      await problems(withRoles('  - { value: A, default: true }\n  - { value: B, default: true }\n')),
    ).toEqual(['12:26 appRoles[1].default: appRoles[0] is already the default; exactly one role is']);
  });
});

describe('export', () => {
  it('prints durations in the largest exact unit', () => {
    expect(formatDuration(40 * 60_000)).toBe('40m');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(2 * 86_400_000)).toBe('2d');
    expect(formatDuration(61_500)).toBe('61500ms');
  });

  it('escapes a literal ${ that no template explains, so loading the export gives it back', async () => {
    const { definition } = await load(MINIMAL);
    const literal: AppDefinition = {
      ...definition,
      description: 'costs $5, not ${PRICE} or $${X}',
      objects: {
        ...definition.objects,
        User: {
          ...definition.objects.User,
          mappings: [...definition.objects.User.mappings, { target: 'title', constant: '${TITLE}' }],
        },
      },
    };
    const exported = exportAppYaml(literal);
    expect(exported).toContain('description: costs $5, not $${PRICE} or $$${X}');
    const back = await loadAppText(exported, definition.connector.appFile!, { registry, env: {} });
    if (!back.ok) throw new Error(back.issues.map(formatAppFileIssue).join('\n'));
    expect(back.app.definition.description).toBe(literal.description);
    expect(back.app.definition.objects.User.mappings.at(-1)).toEqual({
      target: 'title',
      constant: '${TITLE}',
    });
  });

  /** Files as an administrator might write them: names, roles, settings, mappings, scopes, templates. */
  const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _.:#'"${}-]{0,12}$/);
  const appFile = fc.record(
    {
      name: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/),
      description: fc.option(word, { nil: undefined }),
      enabled: fc.boolean(),
      roles: fc.option(
        fc.uniqueArray(fc.stringMatching(/^[A-Z][a-z]{0,6}$/), { minLength: 1, maxLength: 4 }),
        {
          nil: undefined,
        },
      ),
      settings: fc.record(
        {
          scope: fc.constantFrom('assigned', 'all'),
          deletionThreshold: fc.oneof(
            fc.integer({ min: 1, max: 10_000 }),
            fc.record({
              count: fc.integer({ min: 1, max: 10_000 }),
              percent: fc.integer({ min: 1, max: 100 }),
            }),
          ),
          concurrency: fc.integer({ min: 1, max: 256 }),
          rateLimitPerSecond: fc.double({ min: 0.5, max: 1000, noNaN: true }),
          cycleInterval: fc.constantFrom('1m', '90s', '40m', '2h', '1d', '61500ms'),
          nearRealTime: fc.boolean(),
          notificationWebhookUrl: fc.constantFrom('https://hooks.example.com/p', 'http://127.0.0.1:9/x?y=1'),
        },
        { requiredKeys: [] },
      ),
      constants: fc.array(word, { maxLength: 3 }),
      department: fc.option(word, { nil: undefined }),
      groups: fc.boolean(),
      memorySettings: fc.record({ caseExact: fc.boolean(), randomSeed: fc.integer() }, { requiredKeys: [] }),
    },
    { requiredKeys: ['name', 'enabled', 'settings', 'constants', 'groups', 'memorySettings'] },
  );

  it('gives back the same definition when its output is loaded again', async () => {
    await fc.assert(
      fc.asyncProperty(appFile, async (generated) => {
        const file: Record<string, unknown> = {
          name: generated.name,
          ...(generated.description !== undefined ? { description: generated.description } : {}),
          enabled: generated.enabled,
          connector: { kind: 'memory', settings: generated.memorySettings },
          ...(generated.roles !== undefined
            ? {
                appRoles: generated.roles.map((value, i) => ({
                  value,
                  ...(i === 0 ? { default: true } : {}),
                })),
              }
            : {}),
          settings: generated.settings,
          objects: {
            User: {
              mappings: [
                { target: 'userName', source: 'userPrincipalName', matchingPrecedence: 1 },
                ...generated.constants.map((constant, i) => ({ target: `urn:x:custom:${i}`, constant })),
              ],
              ...(generated.department !== undefined
                ? {
                    scope: {
                      filters: [
                        {
                          clauses: [
                            { attribute: 'department', operator: 'EQUALS', value: generated.department },
                          ],
                        },
                      ],
                    },
                  }
                : {}),
            },
            ...(generated.groups
              ? {
                  Group: {
                    actions: ['create'],
                    mappings: [{ target: 'displayName', source: 'displayName', matchingPrecedence: 1 }],
                  },
                }
              : {}),
          },
        };
        const options = { registry, env: { ...env, A: 'a' } };
        const first = await loadAppText(stringify(file), join(dir, 'generated.yaml'), options);
        // Generated text may hold `${...}` that is not a variable: such files are rightly refused.
        fc.pre(first.ok);
        const definition: AppDefinition = first.ok ? first.app.definition : (undefined as never);
        const exported = exportAppYaml(definition);
        const second = await loadAppText(exported, join(dir, 'generated.yaml'), options);
        if (!second.ok) throw new Error(`${exported}\n${second.issues.map(formatAppFileIssue).join('\n')}`);
        expect(second.app.definition).toEqual(definition);
        expect(exportAppYaml(second.app.definition)).toBe(exported);
      }),
      { numRuns: 150 },
    );
  });
});
