/**
 * What the `apps`, `assign`, `unassign`, `assignments` and `audit` commands share: opening the
 * directory and the engine's state (both migrated) from the storage options, the apps service over
 * them with the built-in connector kinds and the secret key, and the actor (the OS user).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createBuiltinRegistry } from '../../connectors/builtin-kinds.js';
import { AppsService } from '../../engine/apps/apps-service.js';
import { SecretBox, secretKeyProvider } from '../../engine/apps/secret-box.js';
import { openProvisioDatabase } from '../../engine/state/open-engine-state.js';
import { SQLITE_FILE_NAME } from '../../main.js';
import { storageOptionsFrom } from './storage-options.js';
import type { StorageFlags } from './command-support.js';

/** The storage flags every one of these commands takes (addStorageOptions). */
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
