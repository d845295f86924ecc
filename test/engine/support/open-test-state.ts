/**
 * The directory and the engine's state on one in-memory SQLite database. Until the SQL state store
 * is merged, the state is the in-memory stand-in.
 */
import type { DirectoryStore } from '../../../src/directory/directory-store.js';
import { openStore } from '../../../src/directory/open-store.js';
import type { EngineStateStore } from '../../../src/engine/state/engine-state.js';
import { MemoryEngineState } from './memory-engine-state.js';

export async function openTestState(): Promise<{ directory: DirectoryStore; state: EngineStateStore; close(): Promise<void> }> {
  const directory = await openStore({ sqliteFile: ':memory:' });
  const state = new MemoryEngineState();
  return { directory, state, close: () => directory.close() };
}
