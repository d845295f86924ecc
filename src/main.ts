/**
 * Composition root: options -> store -> server (and, for `serve`, the engine beside it). The CLI
 * (`provisio serve`, `provisio tokens`, the engine's commands) and tests call these; nothing here
 * reads the environment or runs at import time.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { DirectoryStore } from './directory/directory-store.js';
import {
  DEFAULT_FEED_RETENTION_MS,
  startFeedRetention,
  type FeedRetention,
} from './directory/change-feed/feed-retention.js';
import { openStore, type OpenStoreOptions, type SqliteSynchronous } from './directory/open-store.js';
import { openProvisioDatabase, type ProvisioDatabase } from './engine/state/open-engine-state.js';
import type { EngineRuntime, EngineRuntimeSettings } from './engine/runtime/engine-runtime.js';
import { SchemaRegistry } from './scim/schema/schema-registry.js';
import { buildServer } from './server/build-server.js';
import { delegateFrameworkErrors } from './server/framework-errors.js';
import { ConsoleAccess, type ConsoleAccessSettings } from './admin/access/console-access.js';
import type { AdminApi } from './admin/admin-route.js';
import { registerConsole } from './admin/console-static.js';
import type { ServerOptionsInput } from './server/server-options.js';

/** The SQLite file inside the data directory. */
export const SQLITE_FILE_NAME = 'provisio.sqlite';

/** Where the directory lives: a PostgreSQL URL, or else a data directory holding the SQLite file. */
export interface StorageOptions {
  /** Data directory for the SQLite file; created if missing. Default `./data`. */
  readonly dataDir?: string;
  /** `postgres://...`: use PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string;
  /**
   * The PostgreSQL schema to work in (created if missing); default the connection's search_path.
   * Only with `databaseUrl`: without one it is refused, not ignored (SQLite has no schemas).
   */
  readonly postgresSchema?: string;
  /** SQLite durability; default `full` (see src/directory/README.md). */
  readonly sqliteSynchronous?: SqliteSynchronous;
  readonly registry?: SchemaRegistry;
}

/** Opens (and migrates) the directory store the options describe. */
export async function openDirectory(options: StorageOptions): Promise<DirectoryStore> {
  return openStore(storeOptions(options));
}

/**
 * Opens (and migrates) the directory and the engine's state on the same database: what `serve`
 * with the engine and the engine's commands work on.
 */
export async function openProvisio(options: StorageOptions): Promise<ProvisioDatabase> {
  return openProvisioDatabase(storeOptions(options));
}

/** The data directory the options name (the SQLite file's and the secret key file's home). */
export function dataDirectory(options: StorageOptions): string {
  return resolve(options.dataDir ?? 'data');
}

function storeOptions(options: StorageOptions): OpenStoreOptions {
  const registry = options.registry ?? SchemaRegistry.withCoreSchemas();
  if (options.databaseUrl !== undefined && options.databaseUrl.length > 0) {
    if (!/^postgres(?:ql)?:\/\//i.test(options.databaseUrl)) {
      throw new Error('the database URL must start with postgres:// or postgresql://');
    }
    return {
      postgresUrl: options.databaseUrl,
      registry,
      ...(options.postgresSchema !== undefined ? { postgresSchema: options.postgresSchema } : {}),
    };
  }
  if (options.postgresSchema !== undefined) {
    throw new Error('a PostgreSQL schema needs a PostgreSQL database URL: SQLite has no schemas');
  }
  const dataDir = dataDirectory(options);
  mkdirSync(dataDir, { recursive: true });
  return {
    sqliteFile: join(dataDir, SQLITE_FILE_NAME),
    registry,
    ...(options.sqliteSynchronous !== undefined ? { sqliteSynchronous: options.sqliteSynchronous } : {}),
  };
}

/** How to run the server. */
export interface RunServerOptions extends StorageOptions {
  readonly port?: number;
  readonly host?: string;
  readonly logger?: FastifyServerOptions['logger'];
  readonly server?: Omit<ServerOptionsInput, 'logger'>;
  /**
   * How long change-feed entries are kept, in milliseconds; older ones are pruned on a timer
   * (feed-retention.ts). Default 7 days; 0 keeps every entry.
   */
  readonly feedRetentionMs?: number;
  /**
   * Run the provisioning engine for every enabled application beside the server (`serve` does
   * unless `--no-engine`); off by default here, so a test of the SCIM server runs no engine.
   */
  readonly engine?: boolean | EngineRuntimeSettings;
  /** The built web console served at `/` (default dist/console); false serves none. */
  readonly consoleDir?: string | false;
  /**
   * Mount the admin API under /admin/v1 (`serve` does): it needs the engine's state, so the
   * database is opened with it even without the engine. Off by default here, so a test of the
   * SCIM server builds nothing else.
   */
  readonly admin?: boolean | AdminApiSettings;
}

/** How the admin API's console sessions and sign-in throttle behave (defaults in console-access.ts). */
export interface AdminApiSettings extends ConsoleAccessSettings {
  /**
   * Share engine events with the other serve processes on the database, so an event stream of
   * one hears the cycles another runs (admin/events/event-relay.ts). Default: on with PostgreSQL
   * (NOTIFY; other hosts may serve the same database), off with SQLite unless in a cluster worker
   * (`serve --workers N` sets it), as SQLite shares them through a table.
   */
  readonly shareEvents?: boolean;
  /** More admin routes, under the same rules as the built-in ones (tests register samples). */
  readonly moreRoutes?: (api: AdminApi) => void;
}

/**
 * Opens what `runServer` with these options opens, runs every migration it would (the
 * directory's, and with the engine or the admin API the engine's and the admin API's), and closes:
 * what the cluster's supervisor does once before it forks workers, so they never race to migrate.
 */
export async function migrateForServer(options: RunServerOptions): Promise<void> {
  const adminOn = options.admin !== undefined && options.admin !== false;
  if (!adminOn) {
    const engineOn = options.engine !== undefined && options.engine !== false;
    await (await (engineOn ? openProvisio : openDirectory)(options)).close();
    return;
  }
  const database = await openProvisio(options);
  try {
    await ConsoleAccess.open(database);
  } finally {
    await database.close();
  }
}

/** A listening server and how to stop it. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly store: DirectoryStore;
  /** `http://host:port`. */
  readonly url: string;
  /** The engine's runtime, when `engine` was asked for. */
  readonly engine?: EngineRuntime;
  /**
   * Stops the engine (each app's current operation finishes, leases are released), stops
   * accepting connections, lets in-flight requests finish, then closes the store.
   */
  close(): Promise<void>;
}

/** Opens the store, builds the server and listens; /healthz answers once this resolves. */
export async function runServer(options: RunServerOptions = {}): Promise<RunningServer> {
  const retentionMs = options.feedRetentionMs ?? DEFAULT_FEED_RETENTION_MS;
  if (!Number.isFinite(retentionMs) || retentionMs < 0) {
    throw new Error(`feedRetentionMs must be 0 (keep every entry) or a positive number, got ${retentionMs}`);
  }
  const registry = options.registry ?? SchemaRegistry.withCoreSchemas();
  const engineOn = options.engine !== undefined && options.engine !== false;
  const adminOn = options.admin !== undefined && options.admin !== false;
  // With the engine or the admin API, the engine's state is opened (and migrated) on the same database.
  const database = engineOn || adminOn ? await openProvisio({ ...options, registry }) : undefined;
  const store = database?.directory ?? (await openDirectory({ ...options, registry }));
  let app: FastifyInstance | undefined;
  let engine: EngineRuntime | undefined;
  let admin: { close(): Promise<void> } | undefined;
  try {
    app = buildServer({ store, registry, options: { ...options.server, logger: options.logger ?? false } });
    // The web console (src/admin/console-static.ts).
    if (options.consoleDir !== false) registerConsole(app, options.consoleDir);
    if (database !== undefined && adminOn) {
      // The admin routes control the running engine, so with the admin API it starts before the
      // server listens; without it, only once the port is bound (startEngine's comment).
      if (engineOn) engine = await startEngine(database, app, options);
      admin = await mountAdmin(app, database, options, engine);
    }
    await app.listen({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await engine?.stop().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const running = app;
  try {
    if (database !== undefined && engineOn && engine === undefined)
      engine = await startEngine(database, running, options);
  } catch (error) {
    await running.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  const retention = startRetention(store, running, retentionMs);
  let closing: Promise<void> | undefined;
  return {
    app: running,
    store,
    url: `http://${host}:${address.port}`,
    ...(engine !== undefined ? { engine } : {}),
    close: () => {
      closing ??= (async () => {
        try {
          await engine?.stop();
          await running.close();
          await admin?.close();
        } finally {
          await retention?.stop();
          await store.close();
        }
      })();
      return closing;
    },
  };
}

/** The engine beside the server, logging through the server's logger. */
async function startEngine(
  database: ProvisioDatabase,
  app: FastifyInstance,
  options: RunServerOptions,
): Promise<EngineRuntime> {
  const settings = typeof options.engine === 'object' ? options.engine : {};
  // Loaded once the server listens: a worker that cannot bind its port fails before it loads the
  // engine, the connectors and their drivers, and a SCIM-only server never loads them.
  const [{ startEngineRuntime }, { createBuiltinRegistry }] = await Promise.all([
    import('./engine/runtime/engine-runtime.js'),
    import('./connectors/builtin-kinds.js'),
  ]);
  return startEngineRuntime(database, {
    ...settings,
    dataDir: dataDirectory(options),
    registry: createBuiltinRegistry(),
    log: (level, message, fields) => app.log[level](fields, message),
  });
}

/** The admin API on the server: its access tables migrated, its services built over the database. */
async function mountAdmin(
  app: FastifyInstance,
  database: ProvisioDatabase,
  options: RunServerOptions,
  engine: EngineRuntime | undefined,
): Promise<{ close(): Promise<void> }> {
  const settings = typeof options.admin === 'object' ? options.admin : {};
  const [
    { ADMIN_BASE_PATH, mountAdminApi },
    { createAdminServices },
    { createBuiltinRegistry },
    { openEventRelay },
  ] = await Promise.all([
    import('./admin/admin-plugin.js'),
    import('./admin/admin-services.js'),
    import('./connectors/builtin-kinds.js'),
    import('./admin/events/event-relay.js'),
  ]);
  const console = await ConsoleAccess.open(database, settings);
  const share = settings.shareEvents ?? database.shared.dialect.name === 'postgres';
  const relay = share
    ? await openEventRelay(database, {
        ...(options.databaseUrl !== undefined ? { postgresUrl: options.databaseUrl } : {}),
        ...(options.postgresSchema !== undefined ? { postgresSchema: options.postgresSchema } : {}),
      })
    : undefined;
  const services = createAdminServices({
    database,
    registry: createBuiltinRegistry(),
    dataDir: dataDirectory(options),
    ...(engine !== undefined ? { engine } : {}),
    ...(relay !== undefined
      ? {
          relay,
          onRelayError: (error: unknown) => app.log.warn({ err: error }, 'could not share an engine event'),
        }
      : {}),
  });
  const frameworkErrors = mountAdminApi(app, {
    services,
    console,
    version: packageVersion(),
    ...(settings.moreRoutes !== undefined ? { moreRoutes: settings.moreRoutes } : {}),
  });
  delegateFrameworkErrors(app, ADMIN_BASE_PATH, frameworkErrors);
  return services;
}

/** package.json's version, for the admin API's OpenAPI document. */
function packageVersion(): string {
  const url = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** The change feed's retention policy, logged through the server's logger; none for 0. */
function startRetention(
  store: DirectoryStore,
  app: FastifyInstance,
  retentionMs: number,
): FeedRetention | undefined {
  if (retentionMs === 0) return undefined;
  return startFeedRetention(store, {
    retentionMs,
    onPruned: (deleted, olderThan) =>
      app.log.info({ deleted, olderThan: olderThan.toISOString() }, 'change feed pruned'),
    onError: (error) =>
      app.log.warn({ err: error }, 'change feed prune failed; retrying at the next interval'),
  });
}
