/**
 * The services the admin routes call: the same ones the CLI calls, so neither holds logic of its
 * own. Built once by the composition root (src/main.ts) from the open database.
 *
 * When `serve` runs the engine, the routes use its engine service and follow its events, and
 * cycles started over the API run in the runner's app workers. Without it (`--no-engine`) the
 * admin API has an engine of its own: a sync runs in the background of this process, under its
 * own lease, and its events reach the same event stream.
 */
import type { ConnectorRegistry } from '../connectors/spi/connector-registry.js';
import type { DirectoryStore } from '../directory/directory-store.js';
import { AppsService } from '../engine/apps/apps-service.js';
import { SecretBox, secretKeyProvider } from '../engine/apps/secret-box.js';
import type { EngineService } from '../engine/cycle/engine-service.js';
import { AppControl } from '../engine/runtime/app-control.js';
import { CycleActivity } from '../engine/runtime/cycle-activity.js';
import { assembleEngine } from '../engine/runtime/engine-assembly.js';
import { createEngineEventBus, type EngineEventBus } from '../engine/runtime/engine-event-bus.js';
import { DEFAULT_LEASE_TTL_MS, leaseHolderName } from '../engine/runtime/engine-runner.js';
import type { EngineRuntime } from '../engine/runtime/engine-runtime.js';
import type { EngineStateStore } from '../engine/state/engine-state.js';
import type { ProvisioDatabase } from '../engine/state/open-engine-state.js';
import { AdminEventHub } from './events/event-hub.js';
import type { EventRelay } from './events/event-relay.js';

export interface AdminServices {
  readonly directory: DirectoryStore;
  readonly engineState: EngineStateStore;
  /** Apply, list, export, delete, assign, test connection (what `provisio apps` calls). */
  readonly apps: AppsService;
  /** Preview, provision, reconcile, accounts, approve-deletes, status (what the engine commands call). */
  readonly engine: EngineService;
  /** Start a cycle, pause, resume, live status. */
  readonly control: AppControl;
  /** The engine's events in this process (cycles started over the API and by the runner). */
  readonly events: EngineEventBus;
  /** What event streams send: this process's events and pauses, and the other processes' (relay). */
  readonly eventHub: AdminEventHub;
  /** Closes what the services opened themselves (the API's own engine); the database stays open. */
  close(): Promise<void>;
}

export interface AdminServicesOptions {
  readonly database: ProvisioDatabase;
  readonly registry: ConnectorRegistry;
  readonly dataDir: string;
  /** The engine `serve` runs beside the server; absent with `--no-engine`. */
  readonly engine?: EngineRuntime;
  /** Where `${NAME}` in app files sent over the API is read from; the process environment by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Shares events with the other serve processes on the database; absent: this process's only. */
  readonly relay?: EventRelay;
  /** Where a failure to share an event is reported. */
  readonly onRelayError?: (error: unknown) => void;
}

export function createAdminServices(options: AdminServicesOptions): AdminServices {
  const { database, registry, dataDir, engine: runtime } = options;
  const apps = new AppsService({
    database,
    registry,
    secrets: new SecretBox(secretKeyProvider({ dataDir })),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  const events = runtime?.events ?? createEngineEventBus();
  const activity = runtime?.activity ?? new CycleActivity();
  if (runtime === undefined) events.subscribe(activity.observe);
  // The API's own engine: the only one without serve's engine, and the one that runs the cycles of
  // apps serve's runner does not run (a disabled app), releasing its lease after each.
  const holder = `${leaseHolderName()} (admin)`;
  const own = assembleEngine(database, {
    holder,
    onEvent: events.emit,
    dataDir,
    registry,
    leaseTtlMs: DEFAULT_LEASE_TTL_MS,
  });
  const background = own.engine;
  const control = new AppControl({
    state: database.engineState,
    engine: background,
    holder,
    leaseTtlMs: DEFAULT_LEASE_TTL_MS,
    activity,
    emit: events.emit,
    ...(runtime !== undefined ? { runner: runtime.runner } : {}),
  });
  const eventHub = new AdminEventHub({
    events,
    control,
    ...(options.relay !== undefined ? { relay: options.relay } : {}),
    ...(options.onRelayError !== undefined ? { onRelayError: options.onRelayError } : {}),
  });
  return {
    directory: database.directory,
    engineState: database.engineState,
    apps,
    // serve's engine holds each running app's lease across cycles; on-demand work must share its holder.
    engine: runtime?.engine ?? background,
    control,
    events,
    eventHub,
    close: async () => {
      await eventHub.close();
      await own.close();
    },
  };
}
