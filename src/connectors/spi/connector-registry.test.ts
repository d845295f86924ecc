import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorLoadError } from './connector-load-error.js';
import { ConnectorRegistry } from './connector-registry.js';
import sampleDefinition from './fixtures/sample-connector.js';

const fixtureApp = fileURLToPath(new URL('./fixtures/app.yaml', import.meta.url));
const signal = () => AbortSignal.timeout(5000);

async function loadError(promise: Promise<unknown>): Promise<ConnectorLoadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorLoadError);
  return error as ConnectorLoadError;
}

const capabilities = `{
  objectTypes: ['User'], read: false, find: false, list: false, update: false, delete: false,
  disable: false, rename: false, batchCreate: false, membership: { kind: 'none' },
}`;

describe('ConnectorRegistry with registered kinds', () => {
  it('opens a registered kind with validated settings and credentials', async () => {
    const registry = new ConnectorRegistry().register({ ...sampleDefinition, kind: 'sample' });
    expect(registry.kinds()).toEqual(['sample']);
    const connector = await registry.open(
      { kind: 'sample', settings: { idPrefix: 'acme-' } },
      { credentials: { apiKey: 'k' } },
    );
    expect((await connector.create({ objectType: 'User', attributes: { userName: 'a' } }, signal())).id).toBe(
      'acme-000001',
    );
    expect(Object.isFrozen(connector.capabilities)).toBe(true);
  });

  it('names the known kinds when a kind is not registered', async () => {
    const registry = new ConnectorRegistry().register({ ...sampleDefinition, kind: 'sample' });
    const error = await loadError(registry.open({ kind: 'ldap' }, { appFile: '/apps/hr.yaml' }));
    expect(error.code).toBe('unknown_kind');
    expect(error.message).toBe(
      "/apps/hr.yaml: connector kind 'ldap' is not registered (known kinds: sample; use connector.module for your own)",
    );
  });

  it('refuses to register a kind twice', () => {
    const registry = new ConnectorRegistry().register({ ...sampleDefinition, kind: 'sample' });
    expect(() => registry.register({ ...sampleDefinition, kind: 'sample' })).toThrow(/already registered/);
  });

  it('refuses a connector block that names both or neither of kind and module', async () => {
    const registry = new ConnectorRegistry();
    for (const config of [{ kind: 'a', module: './b.js' }, {}, 'memory', { kind: 'a', setting: {} }]) {
      expect((await loadError(registry.open(config))).code).toBe('invalid_config');
    }
  });
});

describe('ConnectorRegistry with module connectors', () => {
  let dir: string;
  let appFile: string;
  const registry = new ConnectorRegistry();
  const write = (name: string, text: string) => writeFile(join(dir, name), text);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provisio-connector-'));
    appFile = join(dir, 'app.yaml');
    await write('app.yaml', 'connector: { module: ./x.js }\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a module by a path relative to the app file, and guards the connector it builds', async () => {
    const connector = await registry.open(
      { module: './sample-connector.ts', settings: { maxPageSize: 2 } },
      { appFile: fixtureApp, credentials: { apiKey: 'k' } },
    );
    expect(connector.capabilities.list).toEqual({ paging: true, maxPageSize: 2 });
    // The guard classifies what the module throws and checks what it answers.
    const error = await connector.get!({ objectType: 'User', ref: { id: 'nope' } }, signal()).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'not_found' });
  });

  it('accepts a named `connector` export from a plain JavaScript module', async () => {
    await write(
      'named.js',
      `export const connector = { create: () => ({ capabilities: ${capabilities}, testConnection: async () => {}, create: async (r) => ({ id: '1', objectType: r.objectType, attributes: r.attributes }) }) };`,
    );
    const connector = await registry.open({ module: './named.js' }, { appFile });
    expect(await connector.create({ objectType: 'User', attributes: { a: 1 } }, signal())).toEqual({
      id: '1',
      objectType: 'User',
      attributes: { a: 1 },
    });
  });

  it('names the resolved path and the app directory when the module file is missing', async () => {
    const error = await loadError(registry.open({ module: './missing.js' }, { appFile }));
    expect(error.code).toBe('module_not_found');
    expect(error.file).toBe(join(dir, 'missing.js'));
    expect(error.message).toBe(
      `connector module './missing.js' not found: no file at ${join(dir, 'missing.js')} (paths are relative to ${dir})`,
    );
  });

  it('asks for a path when the module is named like a package', async () => {
    const error = await loadError(registry.open({ module: 'my-connector.js' }, { appFile }));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toMatch(
      /must be a path starting with \.\/, \.\.\/ or \/.*write '\.\/my-connector\.js'/,
    );
  });

  it('names the file and the reason when the module fails to import', async () => {
    await write('broken.js', 'export default {\n');
    const error = await loadError(registry.open({ module: './broken.js' }, { appFile }));
    expect(error.code).toBe('module_failed');
    expect(error.file).toBe(join(dir, 'broken.js'));
    expect(error.message).toContain(`connector module ${join(dir, 'broken.js')} failed to load:`);
  });

  it('lists what is wrong with the export', async () => {
    await write('function.js', 'export default function create() {}');
    await write('nothing.js', 'export const other = 1;');
    await write('shape.js', "export default { kind: '', settings: { parse() {} } };");
    const fnError = await loadError(registry.open({ module: './function.js' }, { appFile }));
    expect(fnError.code).toBe('module_shape');
    expect(fnError.issues).toEqual([
      'the export is a function; export an object { create(context) { ... } } instead',
    ]);
    const nothing = await loadError(registry.open({ module: './nothing.js' }, { appFile }));
    expect(nothing.issues).toEqual([
      'export a connector definition as the default export (or as `export const connector`)',
    ]);
    const shape = await loadError(registry.open({ module: './shape.js' }, { appFile }));
    expect(shape.message).toContain(`connector module ${join(dir, 'shape.js')} does not export a connector`);
    expect(shape.issues).toEqual([
      'create must be a function (context) => Connector',
      'kind, when given, must be a non-empty string',
      "settings must be a schema with a '~standard'.validate function (a zod schema, for example)",
    ]);
  });

  it('reports settings and credentials that do not validate, naming each path', async () => {
    const settings = await loadError(
      registry.open(
        { module: './sample-connector.ts', settings: { maxPageSize: 0, colour: 'red' } },
        { appFile: fixtureApp, credentials: { apiKey: 'k' } },
      ),
    );
    expect(settings.code).toBe('invalid_settings');
    expect(settings.message).toMatch(/^.*app\.yaml: connector\.settings are not valid/);
    expect(settings.issues.some((i) => i.startsWith('connector.settings.maxPageSize:'))).toBe(true);
    expect(settings.issues.some((i) => i.includes('colour'))).toBe(true);
    const credentials = await loadError(
      registry.open({ module: './sample-connector.ts' }, { appFile: fixtureApp }),
    );
    expect(credentials.issues.some((i) => i.startsWith('credentials.apiKey:'))).toBe(true);
  });

  it('refuses settings for a connector that declares no settings schema', async () => {
    const error = await loadError(
      registry.open({ module: './minimal-connector.js', settings: { a: 1 } }, { appFile: fixtureApp }),
    );
    expect(error.code).toBe('invalid_settings');
    expect(error.message).toMatch(/connector\.settings given, but this connector takes none/);
  });

  it('reports a connector whose capabilities or methods break the contract, naming the file', async () => {
    await write(
      'liar.js',
      `export default { create: () => ({ capabilities: { ...${capabilities}, read: true, colour: 1 }, testConnection: async () => {}, create: async () => ({}) }) };`,
    );
    await write(
      'extra.js',
      `export default { create: () => ({ capabilities: ${capabilities}, testConnection: async () => {}, create: async () => ({}), delete: async () => {} }) };`,
    );
    await write('throws.js', `export default { create: () => { throw new Error('no host given'); } };`);
    const liar = await loadError(registry.open({ module: './liar.js' }, { appFile }));
    expect(liar.code).toBe('invalid_connector');
    expect(liar.file).toBe(join(dir, 'liar.js'));
    expect(liar.issues.some((i) => i.includes('colour'))).toBe(true);
    const extra = await loadError(registry.open({ module: './extra.js' }, { appFile }));
    expect(extra.issues).toEqual([
      'the connector has a delete() method but does not declare capability delete',
    ]);
    const throws = await loadError(registry.open({ module: './throws.js' }, { appFile }));
    expect(throws.message).toBe(`${join(dir, 'throws.js')}: create() threw: no host given`);
  });
});
