/**
 * The services the admin routes call: the same ones the CLI calls, so neither holds logic of its
 * own. Built once by the composition root (src/main.ts) from the open database.
 */
import type { ConnectorRegistry } from '../connectors/spi/connector-registry.js';
import type { DirectoryStore } from '../directory/directory-store.js';
import type { EngineRuntime } from '../engine/runtime/engine-runtime.js';
import type { EngineStateStore } from '../engine/state/engine-state.js';
import type { ProvisioDatabase } from '../engine/state/open-engine-state.js';

export interface AdminServices {
  readonly directory: DirectoryStore;
  readonly engineState: EngineStateStore;
}

export interface AdminServicesOptions {
  readonly database: ProvisioDatabase;
  readonly registry: ConnectorRegistry;
  readonly dataDir: string;
  /** The engine `serve` runs beside the server; absent with `--no-engine`. */
  readonly engine?: EngineRuntime;
}

export function createAdminServices(options: AdminServicesOptions): AdminServices {
  return { directory: options.database.directory, engineState: options.database.engineState };
}
