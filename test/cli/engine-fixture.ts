/**
 * A data directory with one application whose connector is the JSON-file module
 * (test/fixtures/json-file-connector.js), applied the way `apps apply` stores it: the file loaded
 * and validated, the definition put into the engine's state on the directory's database.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBuiltinRegistry } from '../../src/connectors/builtin-kinds.js';
import { formatAppFileIssue, loadAppFile } from '../../src/engine/apps/load-app-file.js';
import { openProvisio } from '../../src/main.js';

export const CONNECTOR_MODULE = fileURLToPath(new URL('../fixtures/json-file-connector.js', import.meta.url));

export interface TargetObject {
  readonly id: string;
  readonly objectType: 'User' | 'Group';
  readonly attributes: Record<string, unknown>;
  readonly enabled: boolean;
  readonly members?: string[];
}

export interface EngineFixture {
  readonly dataDir: string;
  /** The JSON file the connector writes. */
  readonly targetFile: string;
  /** What the target holds now. */
  target(): TargetObject[];
  /** Writes (or rewrites) the app file and stores it. */
  apply(extraYaml?: string, name?: string): Promise<string>;
  dispose(): void;
}

export function appYaml(name: string, targetFile: string, extra = ''): string {
  return [
    `name: ${name}`,
    'connector:',
    `  module: ${CONNECTOR_MODULE}`,
    '  settings:',
    `    file: ${targetFile}`,
    'settings:',
    '  scope: all',
    ...extra
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `  ${l}`),
    'objects:',
    '  User:',
    '    mappings:',
    '      - { target: userName, source: userName, matchingPrecedence: 1 }',
    '      - { target: displayName, source: displayName }',
    '      - { target: active, source: active }',
    '  Group:',
    '    enabled: false',
    '',
  ].join('\n');
}

export function engineFixture(): EngineFixture {
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-engine-e2e-'));
  const targetFile = join(dataDir, 'target.json');
  return {
    dataDir,
    targetFile,
    target: () =>
      existsSync(targetFile)
        ? Object.values((JSON.parse(readFileSync(targetFile, 'utf8')) as { objects: Record<string, TargetObject> }).objects)
        : [],
    async apply(extra = '', name = 'crm') {
      const file = join(dataDir, `${name}.yaml`);
      writeFileSync(file, appYaml(name, targetFile, extra));
      const loaded = await loadAppFile(file, { registry: createBuiltinRegistry() });
      if (!loaded.ok) throw new Error(loaded.issues.map(formatAppFileIssue).join('\n'));
      const database = await openProvisio({ dataDir });
      try {
        const stored = await database.engineState.putApp({
          definition: loaded.app.definition,
          sealedCredentials: null,
          fullSyncRequired: true,
        });
        return stored.id;
      } finally {
        await database.close();
      }
    },
    dispose: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
