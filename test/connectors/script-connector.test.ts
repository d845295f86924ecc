/**
 * The script connector against real executables: the shipped Node example through the contract
 * kit, and scripts that fail, hang, answer garbage, show their environment and their arguments.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeConnectorContract } from '../../src/connectors/spi/contract-kit.js';
import { ScriptConnector, scriptSettingsSchema } from '../../src/connectors/script/index.js';
import {
  capabilitiesFor,
  checkCapabilityMethods,
  validateCapabilities,
} from '../../src/connectors/spi/index.js';

const TARGETS = fileURLToPath(new URL('../support/script-targets/', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/script/accounts.mjs', import.meta.url));
const signal = new AbortController().signal;

function script(
  settings: Record<string, unknown>,
  credentials: Record<string, string> = {},
  environment: NodeJS.ProcessEnv = process.env,
) {
  return new ScriptConnector({
    settings: scriptSettingsSchema.parse({ command: process.execPath, ...settings }),
    credentials,
    baseDirectory: TARGETS,
    environment,
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'provisio-script-contract-'));
describeConnectorContract('script (the Node example)', () =>
  script(
    { args: [EXAMPLE], envAllow: ['SCRIPT_DATA_DIR', 'SCRIPT_API_KEY'] },
    { apiKey: 'k-123456' },
    { SCRIPT_DATA_DIR: dataDir, SCRIPT_API_KEY: 'k-123456' },
  ),
);

// Users with every operation, groups without find and setEnabled but with members: the kit's
// cases follow each type's own capabilities, and its membership cases run against the example.
const perTypeDir = mkdtempSync(join(tmpdir(), 'provisio-script-contract-types-'));
describeConnectorContract('script (the Node example, operations per type, with members)', () =>
  script(
    {
      args: [EXAMPLE],
      envAllow: ['SCRIPT_DATA_DIR', 'SCRIPT_API_KEY'],
      objectTypes: ['User', 'Group'],
      operations: {
        User: ['get', 'find', 'list', 'update', 'delete', 'setEnabled'],
        Group: ['get', 'list', 'update', 'delete', 'members'],
      },
    },
    { apiKey: 'k-123456' },
    { SCRIPT_DATA_DIR: perTypeDir, SCRIPT_API_KEY: 'k-123456' },
  ),
);

const create = (c: ScriptConnector) =>
  c.create({ objectType: 'User', attributes: { userName: 'a@example.com' } }, signal);

describe('script connector', () => {
  it('maps exit codes onto the taxonomy and keeps stderr in the error, with the credentials redacted', async () => {
    const failing = (code: number) =>
      script(
        { args: ['fails.mjs', String(code)], exitCodes: { '2': 'schema_violation' } },
        { password: 's3cret-pw' },
      );
    const mapped = await create(failing(2)).catch((e: unknown) => e);
    expect(mapped).toMatchObject({
      code: 'schema_violation',
      message: 'The script (create) exited with code 2; stderr: boom: cannot log in with password ***',
      targetCode: 2,
      detail: 'boom: cannot log in with password ***',
    });
    expect(JSON.stringify((mapped as Error & { toJSON(): unknown }).toJSON())).not.toContain('s3cret-pw');
    await expect(create(failing(7))).rejects.toMatchObject({
      code: 'unavailable',
      retryable: true,
      targetCode: 7,
    });
  });

  it('uses the error the script answers, over its exit code', async () => {
    const c = script(
      { args: [EXAMPLE], envAllow: ['SCRIPT_DATA_DIR', 'SCRIPT_API_KEY'] },
      { apiKey: 'wrong-key' },
      { SCRIPT_DATA_DIR: dataDir, SCRIPT_API_KEY: 'right-key' },
    );
    await expect(c.testConnection(signal)).rejects.toMatchObject({
      code: 'invalid_credentials',
      message: 'The script (test): the API key is wrong',
    });
  });

  it('stops a script that hangs at the timeout, with SIGKILL when it ignores SIGTERM', async () => {
    for (const mode of ['', 'ignore-term']) {
      const pidFile = join(mkdtempSync(join(tmpdir(), 'provisio-script-')), 'pid');
      // The timeout leaves Node time to start the script and write its pid on a busy machine, so
      // that the kill (and, with 'ignore-term', the SIGKILL after the grace) is what ends it.
      const c = script({ args: ['hangs.mjs', pidFile, mode], timeoutMs: 2_000, killGraceMs: 200 });
      const started = Date.now();
      await expect(create(c)).rejects.toMatchObject({
        code: 'timeout',
        message: expect.stringMatching(
          /^The script \(create\) did not finish within 2000 ms and was stopped/,
        ),
      });
      expect(Date.now() - started).toBeLessThan(8_000);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(() => process.kill(pid, 0)).toThrow();
    }
  });

  it('stops the script when the operation is aborted', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'provisio-script-')), 'pid');
    const c = script({ args: ['hangs.mjs', pidFile], timeoutMs: 60_000, killGraceMs: 100 });
    const controller = new AbortController();
    const pending = c.create({ objectType: 'User', attributes: { userName: 'a' } }, controller.signal);
    while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(pending).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('aborted'),
    });
  });

  it('answers invalid_response for garbage on stdout', async () => {
    const cases: [string, string][] = [
      ['text', 'not a JSON object: hello, this is not JSON'],
      ['array', 'not a JSON object: [1,2,3]'],
      ['badkind', 'an error without a valid kind'],
      ['noid', 'answered no id'],
      ['huge', 'wrote more than 1048576 bytes'],
    ];
    for (const [kind, message] of cases) {
      const c = script({ args: ['garbage.mjs', kind], maxStdoutBytes: 1_048_576 });
      await expect(create(c)).rejects.toMatchObject({
        code: 'invalid_response',
        message: expect.stringContaining(message),
      });
    }
  });

  it('passes only the allowed environment variables, the fixed ones and (when asked) the credentials', async () => {
    const environment = { PATH: '/usr/bin', SECRET_OF_PROVISIO: 'x', ALLOWED: 'yes' };
    const onStdin = await create(
      script(
        { args: ['echo.mjs'], envAllow: ['ALLOWED'], env: { FIXED: '1' } },
        { token: 'tok-abc' },
        environment,
      ),
    );
    expect(onStdin.attributes.env).toEqual({ ALLOWED: 'yes', FIXED: '1' });
    expect(onStdin.attributes.request).toMatchObject({
      operation: 'create',
      credentials: { token: 'tok-abc' },
    });
    const inEnv = await create(
      script({ args: ['echo.mjs'], envAllow: [], credentialsIn: 'env' }, { token: 'tok-abc' }, environment),
    );
    expect(inEnv.attributes.env).toEqual({ PROVISIO_CREDENTIAL_TOKEN: 'tok-abc' });
    expect(inEnv.attributes.request).not.toHaveProperty('credentials');
  });

  it('passes arguments as they are, never through a shell', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'provisio-script-')), 'pwned');
    const hostile = [
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `"'quoted' \\"x\\"`,
      '&& echo hi |',
      '*',
    ];
    const answer = await create(script({ args: ['echo.mjs', ...hostile] }));
    expect(answer.attributes.argv).toEqual(hostile);
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a command that does not exist', async () => {
    const c = new ScriptConnector({
      settings: scriptSettingsSchema.parse({ command: './no-such-script' }),
      credentials: {},
      baseDirectory: TARGETS,
    });
    await expect(c.testConnection(signal)).rejects.toMatchObject({
      code: 'connector_failure',
      message: expect.stringContaining('could not be started'),
    });
  });

  it('declares only the operations the script implements', () => {
    const c = script({ args: ['echo.mjs'], operations: ['get'] });
    expect(c.capabilities).toMatchObject({
      read: true,
      find: false,
      list: false,
      update: false,
      delete: false,
      disable: false,
    });
    expect(c.update).toBeUndefined();
    expect(typeof c.get).toBe('function');
  });

  it('declares capabilities per object type from an operations map', () => {
    const c = script({
      args: ['echo.mjs'],
      objectTypes: ['User', 'Group'],
      operations: {
        User: ['get', 'find', 'list', 'update', 'delete', 'setEnabled'],
        Group: ['get', 'list', 'update', 'delete', 'members'],
      },
    });
    expect(c.capabilities).toEqual({
      objectTypes: ['User', 'Group'],
      read: true,
      find: { attributes: 'any' },
      list: { paging: true },
      update: { mode: 'partial' },
      delete: true,
      disable: { objectTypes: ['User'] },
      rename: false,
      batchCreate: false,
      membership: { kind: 'native' },
      byType: { Group: { find: false } },
    });
    expect(validateCapabilities(c.capabilities)).toMatchObject({ ok: true });
    expect(checkCapabilityMethods(c, c.capabilities)).toEqual([]);
    expect(capabilitiesFor(c.capabilities, 'Group')).toMatchObject({
      find: false,
      disable: false,
      read: true,
    });
    expect(capabilitiesFor(c.capabilities, 'User')).toMatchObject({
      find: { attributes: 'any' },
      disable: true,
    });
    expect(typeof c.addMembers).toBe('function');
  });

  it('refuses, without running the script, an operation its type does not implement', async () => {
    const c = script({
      args: ['fails.mjs', '9'],
      objectTypes: ['User', 'Group'],
      operations: { User: ['find'], Group: [] },
    });
    await expect(
      c.find!({ objectType: 'Group', attribute: 'displayName', value: 'x' }, signal),
    ).rejects.toMatchObject({
      code: 'connector_failure',
      message: 'The script does not implement find for Group (settings.operations)',
    });
  });

  it('keeps a list of operations for every type, members for groups only, and sends no members unasked', () => {
    const all = script({ args: ['echo.mjs'], objectTypes: ['User', 'Group'] });
    expect(all.capabilities.membership).toEqual({ kind: 'none' });
    expect(all.capabilities.byType).toBeUndefined();
    expect(all.addMembers).toBeUndefined();
    const listed = script({
      args: ['echo.mjs'],
      objectTypes: ['User', 'Group'],
      operations: ['get', 'update', 'members'],
    });
    expect(listed.capabilities).toMatchObject({ read: true, find: false, membership: { kind: 'native' } });
    expect(listed.capabilities.byType).toBeUndefined();
  });

  it('sends members to the script as the engine gives them, and reads members from a group answer', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'provisio-script-members-')), 'requests.jsonl');
    const c = script(
      {
        args: ['records.mjs'],
        envAllow: ['RECORD_FILE'],
        objectTypes: ['User', 'Group'],
        operations: { User: [], Group: ['get', 'update', 'members'] },
      },
      {},
      { RECORD_FILE: record },
    );
    await c.addMembers!({ group: { id: 'g1' }, members: [{ id: 'u1' }, { id: 'u2' }] }, signal);
    await c.removeMembers!({ group: { id: 'g1' }, members: [{ id: 'u2' }] }, signal);
    const group = await c.get!({ objectType: 'Group', ref: { id: 'g1' } }, signal);
    const requests = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(requests).toEqual([
      {
        operation: 'addMembers',
        objectType: 'Group',
        id: 'g1',
        members: [{ id: 'u1' }, { id: 'u2' }],
        credentials: {},
      },
      { operation: 'removeMembers', objectType: 'Group', id: 'g1', members: [{ id: 'u2' }], credentials: {} },
      { operation: 'get', objectType: 'Group', id: 'g1', credentials: {} },
    ]);
    expect(group).toEqual({
      id: 'g1',
      objectType: 'Group',
      attributes: { displayName: 'Ops' },
      members: ['u1', 'u2'],
    });
  });

  it('reports operations settings that cannot be right, naming the path', () => {
    const issues = (settings: Record<string, unknown>) => {
      const parsed = scriptSettingsSchema.safeParse({ command: 'node', ...settings });
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ objectTypes: ['User'], operations: { User: ['get'], Gruop: ['get'] } })).toEqual([
      "operations.Gruop: 'Gruop' is not an object type; the types are User and Group",
    ]);
    expect(issues({ objectTypes: ['User'], operations: { User: ['get', 'fnd'] } })).toEqual([
      "operations.User.1: 'fnd' is not an operation; the operations are get, find, list, update, delete, setEnabled, members (create and test are always sent)",
    ]);
    expect(issues({ objectTypes: ['User'], operations: { User: ['get'], Group: ['get'] } })).toEqual([
      'operations.Group: Group is not in objectTypes (User)',
    ]);
    expect(issues({ objectTypes: ['User', 'Group'], operations: { User: ['get'] } })).toEqual([
      'operations.Group: is missing: with operations per type, list those of every type in objectTypes ([] for none)',
    ]);
    expect(issues({ objectTypes: ['User', 'Group'], operations: { User: ['members'], Group: [] } })).toEqual([
      'operations.User.0: members belong to groups: list members under Group',
    ]);
    expect(issues({ objectTypes: ['User'], operations: ['get', 'members'] })).toEqual([
      'operations.1: members belong to groups: objectTypes has no Group',
    ]);
    expect(issues({ objectTypes: ['User', 'Group'], operations: { User: [], Group: ['members'] } })).toEqual([
      'operations.Group.0: needs update: member changes after the create are part of an update of the group',
    ]);
    expect(issues({ operations: ['get', 'get'] })).toEqual(["operations.1: repeats 'get'"]);
    expect(issues({ operations: { User: 'get' } })).toEqual([
      'operations: must be a list of operations, or a map from object type to its list ({ User: [get, find] })',
    ]);
  });
});
