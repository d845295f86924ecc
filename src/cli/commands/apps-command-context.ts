/**
 * What the `apps`, `assign`, `unassign`, `assignments` and `audit` commands share: opening the
 * directory and the engine's state (both migrated) from the storage options, the apps service over
 * them with the built-in connector kinds and the secret key, and the actor (the OS user).
 */
import { createBuiltinRegistry } from '../../connectors/builtin-kinds.js';
import { AppsService } from '../../engine/apps/apps-service.js';
import { SecretBox, secretKeyProvider } from '../../engine/apps/secret-box.js';
import type { StorageFlags } from './command-support.js';
import { withDatabase } from './with-database.js';

/** Opens both stores (withDatabase), runs `work` with the service, and closes them whatever happens. */
export async function withAppsService<T>(
  flags: StorageFlags,
  work: (service: AppsService) => Promise<T>,
): Promise<T> {
  return withDatabase(flags, async (database, { dataDir }) =>
    work(
      new AppsService({
        database,
        registry: createBuiltinRegistry(),
        // The data directory also holds the secret key file when PROVISIO_SECRET_KEY is not set.
        secrets: new SecretBox(secretKeyProvider({ dataDir })),
      }),
    ),
  );
}
