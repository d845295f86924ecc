/**
 * Opens the database a test's `serve` or CLI commands use (openProvisio from main.ts, the opener
 * `serve` uses), runs `work` on it and closes it whatever happens, so that the next process finds
 * it free.
 */
import { openProvisio, type StorageOptions } from '../../src/main.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';

export async function withProvisio<T>(
  storage: StorageOptions,
  work: (database: ProvisioDatabase) => Promise<T>,
): Promise<T> {
  const database = await openProvisio(storage);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
