/**
 * A data directory with one application whose connector is the JSON-file module
 * (test/fixtures/json-file-connector.js), stored by `provisio apps apply -f`.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/run-cli.js';
import { withProvisio } from '../support/with-provisio.js';

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

/** The app file; `extra` lines go under `settings:`; `enabled: false` keeps serve's runner off it. */
export function appYaml(
  name: string,
  targetFile: string,
  extra = '',
  options: { enabled?: boolean } = {},
): string {
  return [
    `name: ${name}`,
    ...(options.enabled === false ? ['enabled: false'] : []),
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

/** What the JSON-file connector keeps in its file. */
export interface TargetFile {
  next: number;
  objects: Record<string, TargetObject>;
}

/** Changes the target file as someone working in the application directly would. */
export function editTarget(f: EngineFixture, change: (data: TargetFile) => void): void {
  const data = JSON.parse(readFileSync(f.targetFile, 'utf8')) as TargetFile;
  change(data);
  writeFileSync(f.targetFile, JSON.stringify(data));
}

/** Someone changes ada's displayName in the target by hand and adds an account of their own (t99). */
export function driftAndOrphan(f: EngineFixture): void {
  editTarget(f, (data) => {
    const ada = Object.values(data.objects).find((o) => o.attributes.userName === 'ada@example.com')!;
    ada.attributes.displayName = 'changed by hand';
    data.objects.t99 = { id: 't99', objectType: 'User', attributes: { userName: 'intruder' }, enabled: true };
  });
}

export function engineFixture(): EngineFixture {
  const dataDir = mkdtempSync(join(tmpdir(), 'provisio-engine-e2e-'));
  const targetFile = join(dataDir, 'target.json');
  return {
    dataDir,
    targetFile,
    target: () =>
      existsSync(targetFile)
        ? Object.values(
            (JSON.parse(readFileSync(targetFile, 'utf8')) as { objects: Record<string, TargetObject> })
              .objects,
          )
        : [],
    async apply(extra = '', name = 'crm') {
      const file = join(dataDir, `${name}.yaml`);
      writeFileSync(file, appYaml(name, targetFile, extra));
      const applied = await runCli('apps', 'apply', '-f', file, '--data-dir', dataDir);
      if (applied.code !== 0) throw new Error(`apps apply failed: ${applied.stderr}`);
      return withProvisio({ dataDir }, async (database) => (await database.engineState.getApp(name))!.id);
    },
    dispose: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
