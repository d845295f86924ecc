/** The directory and the engine's state on one in-memory SQLite database, both migrated. */
import type { DirectoryStore } from '../../../src/directory/directory-store.js';
import type { EngineStateStore } from '../../../src/engine/state/engine-state.js';
import { openProvisioDatabase } from '../../../src/engine/state/open-engine-state.js';

export async function openTestState(
  sqliteFile = ':memory:',
): Promise<{ directory: DirectoryStore; state: EngineStateStore; close(): Promise<void> }> {
  const database = await openProvisioDatabase({ sqliteFile });
  return { directory: database.directory, state: database.engineState, close: () => database.close() };
}
