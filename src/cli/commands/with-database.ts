/**
 * The one way a command opens the database: the storage flags (and the environment) through
 * `storageOptionsFrom`, then `openProvisio` from main.ts, the same opener `serve` uses. So every
 * command reads the same file or PostgreSQL database as `serve` with the same options, refuses
 * the same bad URLs, and runs the directory's and the engine's migrations.
 */
import type { ProvisioDatabase } from '../../engine/state/open-engine-state.js';
import { dataDirectory, openProvisio } from '../../main.js';
import type { StorageFlags } from './command-support.js';
import { storageOptionsFrom } from './storage-options.js';

/** What `work` gets: the opened database and the data directory (the secret key file's home). */
export interface OpenedDatabase {
  readonly database: ProvisioDatabase;
  readonly dataDir: string;
}

/** Opens the directory and the engine's state for one command; closes them whatever happens. */
export async function withDatabase<T>(
  flags: StorageFlags,
  work: (database: ProvisioDatabase, opened: OpenedDatabase) => Promise<T>,
): Promise<T> {
  const storage = storageOptionsFrom(flags);
  const database = await openProvisio(storage);
  try {
    return await work(database, { database, dataDir: dataDirectory(storage) });
  } finally {
    await database.close();
  }
}
