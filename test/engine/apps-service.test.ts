/**
 * The apps service on SQLite and PostgreSQL (directory and engine state in one database): apply,
 * unchanged, changed, fullSyncRequired, nothing stored on failure, sealed credentials, wrong key,
 * export round trip as a property, delete with assignments, roles, the compiled app.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../src/connectors/builtin-kinds.js';
import { AppsError, AppsService } from '../../src/engine/apps/apps-service.js';
import { AppFileError } from '../../src/engine/apps/load-app-file.js';
import {
  SecretBox,
  SecretBoxError,
  keyFromText,
  secretKeyProvider,
} from '../../src/engine/apps/secret-box.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import type { StateFactory, StateHandle } from './state-harness.js';
import { postgresStateFactory, sqliteStateFactory } from './state-harness.js';
import { leakyKind, vaultKind, vaultState } from './apps-fixtures.js';

const TOKEN = 'vault-token-7f3a9c-secret';
const env = { VAULT_URL: 'https://vault.example.com', VAULT_TOKEN: TOKEN };
const registry = createBuiltinRegistry([vaultKind, leakyKind]);

const KEY = randomBytes(32).toString('hex');

let dir: string;
let handle: StateHandle;
let database: ProvisioDatabase;
let service: AppsService;

/** A service over a new instance on the test's database, with its own key and environment. */
async function open(
  key = randomBytes(32).toString('hex'),
  extraEnv: Record<string, string> = {},
): Promise<AppsService> {
  database = await handle.openAnother();
  return new AppsService({
    database,
    registry,
    secrets: new SecretBox(() => keyFromText(key)),
    env: { ...env, ...extraEnv },
  });
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Everything the engine's tables hold, as text: no secret may appear in it. */
async function storedText(): Promise<string> {
  const rows = [
    ...(await handle.query('SELECT * FROM engine_apps')),
    ...(await handle.query('SELECT * FROM engine_audit')),
  ];
  return JSON.stringify(rows);
}

const app = (options: { concurrency?: number; title?: string; credentials?: boolean } = {}) => `name: crm
connector:
  kind: ${options.credentials ? 'vault' : 'memory'}
${options.credentials ? '  settings:\n    baseUrl: ${VAULT_URL}\n  credentials:\n    token: ${VAULT_TOKEN}\n    clientId: client-literal-77\n' : ''}appRoles:
  - { value: User, displayName: User, default: true }
  - { value: Admin, displayName: Administrator }
settings:
  concurrency: ${options.concurrency ?? 4}
objects:
  User:
    mappings:
      - { target: userName, source: userPrincipalName, matchingPrecedence: 1 }
      - { target: title, source: ${options.title ?? 'jobTitle'} }
  Group:
    mappings:
      - { target: displayName, source: displayName, matchingPrecedence: 1 }
`;

function appsServiceSuite(factory: StateFactory): void {
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'provisio-apps-'));
    handle = await factory();
    service = await open(KEY);
  });
  afterEach(async () => {
    await handle.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await factory.finish?.();
  });

  describe('apply', () => {
    it('creates, then reports an identical file as unchanged without writing or auditing', async () => {
      const file = write('crm.yaml', app());
      const created = await service.apply(file, 'alice');
      expect(created).toMatchObject({ status: 'created', fullSyncRequired: true, changed: ['new'] });
      expect(created.app.version).toBe(1);
      const again = await service.apply(file, 'alice');
      expect(again.status).toBe('unchanged');
      expect(again.app.version).toBe(1);
      const audit = await service.audit({ app: 'crm' });
      expect(audit.map((e) => [e.action, e.actor])).toEqual([['apply', 'alice']]);
      expect(audit[0]?.before).toBeUndefined();
      expect(audit[0]?.after).toMatchObject({ name: 'crm', settings: { concurrency: 4 } });
    });

    it('treats the same content from another file of the same directory as unchanged', async () => {
      await service.apply(write('crm.yaml', app()), 'alice');
      expect((await service.apply(write('copy.yaml', app()), 'alice')).status).toBe('unchanged');
    });

    it('needs a full sync only when mappings or scope change', async () => {
      const created = await service.apply(write('crm.yaml', app()), 'alice');
      await database.engineState.setFullSyncRequired(created.app.id, false);
      const settingsOnly = await service.apply(write('crm.yaml', app({ concurrency: 8 })), 'bob');
      expect(settingsOnly).toMatchObject({
        status: 'updated',
        changed: ['settings'],
        fullSyncRequired: false,
      });
      expect(settingsOnly.app.version).toBe(2);
      const mapping = await service.apply(
        write('crm.yaml', app({ concurrency: 8, title: 'department' })),
        'bob',
      );
      expect(mapping).toMatchObject({ status: 'updated', changed: ['objects.User'], fullSyncRequired: true });
      const audit = await service.audit({ app: 'crm' });
      expect(audit.map((e) => e.action)).toEqual(['apply', 'apply', 'apply']);
      expect(audit[0]?.before).toMatchObject({
        objects: { User: { mappings: [{}, { source: 'jobTitle' }] } },
      });
      expect(audit[0]?.after).toMatchObject({
        objects: { User: { mappings: [{}, { source: 'department' }] } },
      });
    });

    it('stores nothing when the file has a problem, and keeps the previous definition', async () => {
      await service.apply(write('crm.yaml', app()), 'alice');
      const broken = write('crm.yaml', app({ concurrency: 8, title: 'jobTitel' }));
      const error = await service.apply(broken, 'alice').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppFileError);
      expect((error as AppFileError).message).toContain(
        "crm.yaml:13:34 objects.User.mappings[1].source: unknown source attribute 'jobTitel', did you mean 'jobTitle'?",
      );
      expect((await service.get('crm')).definition.settings.concurrency).toBe(4);
      expect(await service.audit()).toHaveLength(1);
    });

    it('stores nothing when the credentials cannot be sealed', async () => {
      const keyDir = join(dir, 'keys');
      mkdirSync(keyDir);
      writeFileSync(join(keyDir, 'secret.key'), `${randomBytes(32).toString('base64')}\n`);
      chmodSync(join(keyDir, 'secret.key'), 0o644);
      const unsealable = new AppsService({
        database,
        registry,
        secrets: new SecretBox(secretKeyProvider({ env: {}, dataDir: keyDir })),
        env,
      });
      await expect(unsealable.apply(write('crm.yaml', app({ credentials: true })), 'alice')).rejects.toThrow(
        /may be read by other users/,
      );
      expect(await service.list()).toEqual([]);
      expect(await service.audit()).toEqual([]);
    });
  });

  describe('credentials', () => {
    it('are stored sealed, reach the connector in clear, and never appear in audit or export', async () => {
      const created = await service.apply(write('crm.yaml', app({ credentials: true })), 'alice');
      const raw = await storedText();
      expect(raw).toContain('pvs1.');
      expect(raw).not.toContain(TOKEN);
      expect(raw).not.toContain('client-literal-77');
      const stored = await database.engineState.getApp('crm');
      expect(stored?.sealedCredentials).toMatch(/^pvs1\./);
      const connector = await service.openConnector(stored!);
      expect(typeof connector.create).toBe('function');
      expect(vaultState.lastCredentials).toEqual({ token: TOKEN, clientId: 'client-literal-77' });
      expect(vaultState.lastSettings).toEqual({ baseUrl: 'https://vault.example.com' });
      expect(vaultState.lastBaseDirectory).toBe(dir);
      const audit = JSON.stringify(await service.audit());
      const exported = await service.export('crm');
      for (const text of [audit, exported, JSON.stringify(created)]) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain('client-literal-77');
      }
      expect(exported).toContain('token: ${VAULT_TOKEN}');
      expect(exported).toContain('clientId: <secret>');
      expect(exported).toContain('baseUrl: ${VAULT_URL}');
    });

    it('takes the export back unchanged: <secret> keeps the stored literal', async () => {
      await service.apply(write('crm.yaml', app({ credentials: true })), 'alice');
      const exported = write('exported.yaml', await service.export('crm'));
      expect((await service.apply(exported, 'alice')).status).toBe('unchanged');
    });

    it('count as a change when the variable’s value changes, without a full sync', async () => {
      const created = await service.apply(write('crm.yaml', app({ credentials: true })), 'alice');
      await database.engineState.setFullSyncRequired(created.app.id, false);
      const rotated = await open(KEY, { VAULT_TOKEN: 'rotated-token-0042' });
      const result = await rotated.apply(write('crm.yaml', app({ credentials: true })), 'alice');
      expect(result).toMatchObject({
        status: 'updated',
        changed: ['connector.credentials'],
        fullSyncRequired: false,
      });
      await rotated.openConnector((await database.engineState.getApp('crm'))!);
      expect(vaultState.lastCredentials).toEqual({
        token: 'rotated-token-0042',
        clientId: 'client-literal-77',
      });
    });

    it('opened with another key fail clearly; applying again seals them with the new key', async () => {
      await service.apply(write('crm.yaml', app({ credentials: true })), 'alice');
      const other = await open(randomBytes(32).toString('hex'));
      const stored = (await database.engineState.getApp('crm'))!;
      const error = await other.openConnector(stored).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretBoxError);
      expect((error as SecretBoxError).code).toBe('wrong_key');
      const reapplied = await other.apply(write('crm.yaml', app({ credentials: true })), 'alice');
      expect(reapplied.status).toBe('updated');
      await other.openConnector((await database.engineState.getApp('crm'))!);
      expect(vaultState.lastCredentials).toEqual({ token: TOKEN, clientId: 'client-literal-77' });
    });

    it('that were damaged in storage are sealed anew by the next apply', async () => {
      await service.apply(write('crm.yaml', app({ credentials: true })), 'alice');
      const stored = (await database.engineState.getApp('crm'))!;
      const parts = stored.sealedCredentials!.split('.');
      parts[3] = `A${parts[3]!.slice(1)}` === parts[3] ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`;
      await database.engineState.putApp({
        definition: stored.definition,
        sealedCredentials: parts.join('.'),
        fullSyncRequired: false,
      });
      const error = await service
        .openConnector((await database.engineState.getApp('crm'))!)
        .catch((e: unknown) => e);
      expect((error as SecretBoxError).code).toBe('tampered');
      expect((await service.apply(write('crm.yaml', app({ credentials: true })), 'alice')).status).toBe(
        'updated',
      );
      await service.openConnector((await database.engineState.getApp('crm'))!);
      expect(vaultState.lastCredentials).toEqual({ token: TOKEN, clientId: 'client-literal-77' });
    });

    it('never show a credential in a connector’s error', async () => {
      const text = `name: leaky\nconnector:\n  kind: leaky\n  credentials:\n    token: \${VAULT_TOKEN}\nobjects:\n  User:\n    mappings:\n      - { target: userName, source: userPrincipalName, matchingPrecedence: 1 }\n`;
      await service.apply(write('leaky.yaml', text), 'alice');
      const error = await service
        .openConnector((await database.engineState.getApp('leaky'))!)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppsError);
      expect((error as Error).message).toContain('the target refused token <secret>');
      expect((error as Error).message).not.toContain(TOKEN);
    });
  });

  describe('export', () => {
    const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _.:#'"-]{0,10}$/);
    it('prints YAML that apply takes back as unchanged, for generated apps', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            description: fc.option(word, { nil: undefined }),
            concurrency: fc.integer({ min: 1, max: 256 }),
            threshold: fc.oneof(fc.integer({ min: 1, max: 999 }), fc.constant('{ count: 7, percent: 12.5 }')),
            interval: fc.constantFrom('1m', '90s', '2h', '1d'),
            constant: word,
            department: fc.option(word, { nil: undefined }),
            roles: fc.uniqueArray(fc.stringMatching(/^[A-Z][a-z]{1,5}$/), { minLength: 1, maxLength: 3 }),
          }),
          async (g) => {
            const name = `gen-${++n}`;
            const text = `name: ${name}
${g.description !== undefined ? `description: ${JSON.stringify(g.description)}\n` : ''}connector: { kind: memory }
appRoles:
${g.roles.map((role, i) => `  - { value: ${role}${i === 0 ? ', default: true' : ''} }`).join('\n')}
settings:
  concurrency: ${g.concurrency}
  deletionThreshold: ${g.threshold}
  cycleInterval: ${g.interval}
objects:
  User:
    mappings:
      - { target: userName, source: userPrincipalName, matchingPrecedence: 1 }
      - { target: 'urn:x:c', constant: ${JSON.stringify(g.constant)} }
${g.department !== undefined ? `    scope: { filters: [{ clauses: [{ attribute: department, operator: EQUALS, value: ${JSON.stringify(g.department)} }] }] }\n` : ''}`;
            expect((await service.apply(write(`${name}.yaml`, text), 'prop')).status).toBe('created');
            const exported = write(`${name}-export.yaml`, await service.export(name));
            expect((await service.apply(exported, 'prop')).status).toBe('unchanged');
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe('assignments and delete', () => {
    it('assigns in the default role or a declared one, refuses others with the valid list', async () => {
      await service.apply(write('crm.yaml', app()), 'alice');
      const u = await database.directory.create('User', { userName: 'ada@example.com' });
      const g = await database.directory.create('Group', { displayName: 'Sales' });
      expect(
        (await service.assign('crm', { type: 'User', ref: 'ada@example.com' }, undefined, 'alice')).role,
      ).toBe('User');
      expect((await service.assign('crm', { type: 'User', ref: u.id }, 'Admin', 'alice')).role).toBe('Admin');
      await service.assign('crm', { type: 'Group', ref: 'Sales' }, undefined, 'alice');
      const error = await service
        .assign('crm', { type: 'User', ref: u.id }, 'Owner', 'alice')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppsError);
      expect((error as Error).message).toBe("app 'crm' has no role 'Owner' (roles: User, Admin)");
      await expect(
        service.assign('crm', { type: 'User', ref: 'nobody' }, undefined, 'alice'),
      ).rejects.toThrow("no user with id or userName 'nobody'");
      const listed = await service.listAssignments('crm');
      expect(listed.map((a) => [a.principalType, a.principalName, a.role])).toEqual([
        ['Group', 'Sales', 'User'],
        ['User', 'ada@example.com', 'Admin'],
        ['User', 'ada@example.com', 'User'],
      ]);
      expect(await service.unassign('crm', { type: 'User', ref: u.id }, 'Admin', 'bob')).toBe(true);
      expect(await service.unassign('crm', { type: 'Group', ref: g.id }, undefined, 'bob')).toBe(true);
      expect(await service.unassign('crm', { type: 'Group', ref: g.id }, undefined, 'bob')).toBe(false);
      const audit = await service.audit({ app: 'crm' });
      expect(audit.map((e) => [e.action, e.actor])).toEqual([
        ['unassign', 'bob'],
        ['unassign', 'bob'],
        ['assign', 'alice'],
        ['assign', 'alice'],
        ['assign', 'alice'],
        ['apply', 'alice'],
      ]);
      expect(audit[1]?.before).toEqual({
        principalType: 'User',
        principalId: u.id,
        principalName: 'ada@example.com',
        role: 'Admin',
      });
    });

    it('deletes the app with its assignments and audits it; a second delete names the missing app', async () => {
      const created = await service.apply(write('crm.yaml', app()), 'alice');
      const u = await database.directory.create('User', { userName: 'grace' });
      await service.assign('crm', { type: 'User', ref: 'grace' }, 'Admin', 'alice');
      await service.assign('crm', { type: 'User', ref: 'grace' }, undefined, 'alice');
      expect(await service.delete('crm', 'carol')).toEqual({ assignmentsRemoved: 2 });
      expect(await database.directory.listAssignments(created.app.id)).toEqual([]);
      expect(await service.list()).toEqual([]);
      const audit = await service.audit({ app: 'crm' });
      expect(audit[0]).toMatchObject({ action: 'delete', actor: 'carol', after: { assignmentsRemoved: 2 } });
      await expect(service.delete('crm', 'carol')).rejects.toThrow(
        "no app named 'crm' (there are no apps yet)",
      );
      expect(await database.directory.get('User', u.id)).toBeDefined();
    });

    it('hands the engine the stored app compiled', async () => {
      await service.apply(write('crm.yaml', app()), 'alice');
      const { stored, compiled } = await service.loadCompiledApp('crm');
      expect(stored.definition.name).toBe('crm');
      expect(compiled.User?.mapping.targets).toEqual(['userName', 'title']);
      expect(compiled.Group?.mapping.targets).toEqual(['displayName']);
    });
  });
}

describe('the apps service on SQLite', () => {
  appsServiceSuite(sqliteStateFactory());
});

const pgUrl = process.env.PROVISIO_TEST_PG_URL;
if (pgUrl !== undefined && pgUrl !== '') {
  describe('the apps service on PostgreSQL', () => {
    appsServiceSuite(postgresStateFactory(pgUrl));
  });
} else {
  describe.skip('the apps service on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => {
    it('needs PostgreSQL', () => undefined);
  });
}
