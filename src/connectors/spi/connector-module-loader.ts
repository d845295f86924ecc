/**
 * Loads a user's connector module — `connector: { module: ./my-connector.js }` in an app file — and
 * checks that it exports a connector definition, with errors that name the file and say what to fix.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConnectorDefinition } from './connector-definition.js';
import { ConnectorLoadError } from './connector-load-error.js';

/**
 * The absolute path of a connector module: relative paths are taken from the app file's directory
 * (or `baseDirectory` when there is no app file), so an app file and its module move together.
 */
export function resolveModulePath(specifier: string, baseDirectory: string): string {
  if (specifier.startsWith('file:')) return fileURLToPath(specifier);
  if (isAbsolute(specifier)) return specifier;
  if (specifier.startsWith('./') || specifier.startsWith('../')) return resolve(baseDirectory, specifier);
  throw new ConnectorLoadError(
    'invalid_config',
    `connector.module '${specifier}' must be a path starting with ./, ../ or /` +
      ` (relative to ${baseDirectory}); write './${specifier}' for a file next to the app file`,
  );
}

/** The directory relative module paths and settings are resolved from. */
export function baseDirectoryOf(appFile: string | undefined): string {
  return appFile === undefined ? process.cwd() : dirname(resolve(appFile));
}

/** Imports a connector module and returns its definition (the default export, or a named `connector` export). */
export async function loadConnectorModule(
  specifier: string,
  baseDirectory: string,
): Promise<ConnectorDefinition> {
  const file = resolveModulePath(specifier, baseDirectory);
  const found = await stat(file).catch(() => undefined);
  if (found === undefined || !found.isFile()) {
    throw new ConnectorLoadError(
      'module_not_found',
      `connector module '${specifier}' not found: no file at ${file} (paths are relative to ${baseDirectory})`,
      { file },
    );
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint =
      (error as { code?: unknown } | null)?.code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?ts$/.test(file)
        ? ' (this Node.js cannot import TypeScript directly: compile the module to .js, or run Provisio under tsx)'
        : '';
    throw new ConnectorLoadError(
      'module_failed',
      `connector module ${file} failed to load: ${reason}${hint}`,
      {
        file,
        cause: error,
      },
    );
  }
  return checkDefinitionShape(namespace.default ?? namespace.connector, file);
}

/** Checks that a value is a connector definition; every problem is listed, naming the file. */
export function checkDefinitionShape(value: unknown, file: string): ConnectorDefinition {
  const issues: string[] = [];
  if (value === undefined) {
    issues.push('export a connector definition as the default export (or as `export const connector`)');
  } else if (typeof value === 'function') {
    issues.push('the export is a function; export an object { create(context) { ... } } instead');
  } else if (typeof value !== 'object' || value === null) {
    issues.push(
      `the export is ${value === null ? 'null' : typeof value}, not an object with a create() function`,
    );
  } else {
    const record = value as Record<string, unknown>;
    if (typeof record.create !== 'function') issues.push('create must be a function (context) => Connector');
    if (record.kind !== undefined && (typeof record.kind !== 'string' || record.kind === '')) {
      issues.push('kind, when given, must be a non-empty string');
    }
    for (const key of ['settings', 'credentials'] as const) {
      if (record[key] !== undefined && !isStandardSchema(record[key])) {
        issues.push(
          `${key} must be a schema with a '~standard'.validate function (a zod schema, for example)`,
        );
      }
    }
  }
  if (issues.length > 0) {
    throw new ConnectorLoadError('module_shape', `connector module ${file} does not export a connector`, {
      file,
      issues,
    });
  }
  return value as ConnectorDefinition;
}

function isStandardSchema(value: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const standard = (value as Record<string, unknown>)['~standard'];
  return (
    typeof standard === 'object' &&
    standard !== null &&
    typeof (standard as Record<string, unknown>).validate === 'function'
  );
}
