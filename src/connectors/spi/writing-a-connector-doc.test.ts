import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from './connector-registry.js';
import { describeConnectorContract } from './contract-kit.js';

// The example module in docs/connectors/writing-a-connector.md, exactly as printed there, is loaded
// by path the way an app file names it and must pass the contract kit: the docs cannot rot.
const doc = readFileSync(new URL('../../../docs/connectors/writing-a-connector.md', import.meta.url), 'utf8');
const example = /<!-- example: contacts-connector\.js -->\s*```js\n([\s\S]*?)```/.exec(doc)?.[1];
if (example === undefined) throw new Error('docs/connectors/writing-a-connector.md lost its example block');

const dir = mkdtempSync(join(tmpdir(), 'provisio-doc-example-'));
writeFileSync(join(dir, 'contacts-connector.js'), example);
const appFile = join(dir, 'contacts.yaml');
writeFileSync(appFile, 'connector:\n  module: ./contacts-connector.js\n');
const registry = new ConnectorRegistry();
let files = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeConnectorContract('the JSON-file example of writing-a-connector.md', () => {
  const data = join(dir, `run-${files++}`);
  mkdirSync(data);
  return registry.open(
    { module: './contacts-connector.js', settings: { file: join(data, 'contacts.json') } },
    { appFile },
  );
});

describe('the example module', () => {
  it('reports missing settings naming the path', async () => {
    const error = await registry
      .open({ module: './contacts-connector.js' }, { appFile })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_settings' });
    expect((error as Error).message).toContain(
      'connector.settings.file: file must be a path to the JSON file',
    );
  });
});
