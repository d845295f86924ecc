/**
 * What the `apps`, `assign`, `unassign`, `assignments` and `audit` commands share: opening the
 * directory and the engine's state (both migrated) from the storage options, the apps service over
 * them with the built-in connector kinds and the secret key, and the actor (the OS user).
 */
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { createBuiltinRegistry } from '../../connectors/builtin-kinds.js';
import type { SqliteSynchronous } from '../../directory/open-store.js';
import { APP_NAME_PATTERN } from '../../engine/apps/app-schema.js';
import { AppsService } from '../../engine/apps/apps-service.js';
import { SecretBox, secretKeyProvider } from '../../engine/apps/secret-box.js';
import { openProvisioDatabase } from '../../engine/state/open-engine-state.js';
import { SQLITE_FILE_NAME } from '../../main.js';
import { storageOptionsFrom } from './storage-options.js';

/** The storage flags every one of these commands takes (addStorageOptions). */
export interface StorageFlags {
  dataDir?: string;
  database?: string;
  sqliteSync?: SqliteSynchronous;
}

/** Opens both stores, runs `work` with the service, and closes them whatever happens. */
export async function withAppsService<T>(
  flags: StorageFlags,
  work: (service: AppsService) => Promise<T>,
): Promise<T> {
  const storage = storageOptionsFrom(flags);
  // The data directory also holds the secret key file when PROVISIO_SECRET_KEY is not set.
  const dataDir = resolve(storage.dataDir ?? 'data');
  const database =
    storage.databaseUrl !== undefined
      ? await openProvisioDatabase({ postgresUrl: storage.databaseUrl })
      : await openProvisioDatabase({
          sqliteFile: join(ensureDirectory(dataDir), SQLITE_FILE_NAME),
          ...(storage.sqliteSynchronous !== undefined
            ? { sqliteSynchronous: storage.sqliteSynchronous }
            : {}),
        });
  try {
    const service = new AppsService({
      database,
      registry: createBuiltinRegistry(),
      secrets: new SecretBox(secretKeyProvider({ dataDir })),
    });
    return await work(service);
  } finally {
    await database.close();
  }
}

function ensureDirectory(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Who made a change, for the audit trail: the OS user running the command. */
export function cliActor(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): fall back to what the shell says.
    return process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** An app name as the file format allows it, checked as commander parses the argument. */
export function appName(value: string): string {
  if (!APP_NAME_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      'Expected an app name: a-z, 0-9, ., _ and -, starting with a letter or digit.',
    );
  }
  return value;
}

/** Left-aligned columns with two spaces between them, for the human-readable listings. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
