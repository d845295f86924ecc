/**
 * Builds the engine over an open database (the directory and the engine's state): the apps
 * service (with the connector kinds and the secret box that unseals app credentials), the loader
 * of stored apps over it and the engine service, with the lease holder name and the event sink of the
 * process that runs it (`serve`, or one CLI command). The one place that knows how the engine's
 * parts are put together.
 */
import type { ConnectorRegistry } from '../../connectors/spi/connector-registry.js';
import { AppsService } from '../apps/apps-service.js';
import { SecretBox, secretKeyProvider } from '../apps/secret-box.js';
import { createEngineService } from '../cycle/create-engine-service.js';
import type { EngineEventSink, EngineService } from '../cycle/engine-service.js';
import type { EngineStateStore } from '../state/engine-state.js';
import type { ProvisioDatabase } from '../state/open-engine-state.js';
import { storedAppLoader } from './stored-app-loader.js';

export interface AssembleEngineOptions {
  /** The lease holder name of this process (engine-runner.ts `leaseHolderName`). */
  readonly holder: string;
  /** How long a lease lasts without renewal; the runner and the service must agree. */
  readonly leaseTtlMs?: number;
  /** The caller keeps each app's lease held across cycles (serve's app workers); see createEngineService. */
  readonly retainLease?: boolean;
  /** Receives quarantine, held-deletion and escrow events (the webhook notifier). */
  readonly onEvent?: EngineEventSink;
  /** Where the secret key file lives when PROVISIO_SECRET_KEY is not set (the data directory). */
  readonly dataDir: string;
  /** The connector kinds (the composition root passes the built-in ones; engine/ cannot name them). */
  readonly registry: ConnectorRegistry;
}

export interface AssembledEngine {
  readonly state: EngineStateStore;
  readonly engine: EngineService;
  /** Closes the connectors the engine opened; the database stays open (its owner closes it). */
  close(): Promise<void>;
}

export function assembleEngine(database: ProvisioDatabase, options: AssembleEngineOptions): AssembledEngine {
  const state = database.engineState;
  const apps = new AppsService({
    database,
    registry: options.registry,
    secrets: new SecretBox(secretKeyProvider({ dataDir: options.dataDir })),
  });
  const loadApp = storedAppLoader(apps);
  const engine = createEngineService({
    directory: database.directory,
    state,
    loadApp,
    holder: options.holder,
    retainLease: options.retainLease === true,
    ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(options.onEvent !== undefined ? { onEvent: options.onEvent } : {}),
  });
  return { state, engine, close: () => loadApp.close() };
}
