/**
 * The services the admin routes call: the same ones the CLI calls, so neither holds logic of its
 * own. Built once by the composition root (src/main.ts) from the open database.
 */
import type { DirectoryStore } from '../directory/directory-store.js';
import type { EngineStateStore } from '../engine/state/engine-state.js';

export interface AdminServices {
  readonly directory: DirectoryStore;
  readonly engineState: EngineStateStore;
}
