import { CompiledQuery, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, Driver, QueryResult, SqliteDialectConfig } from 'kysely';
import { isSqliteBusy, retryWhileBusy } from './sqlite-busy.js';

/** What the dialect needs besides kysely's SQLite config. */
export interface WriteLockDialectOptions {
  /** Whether the connection is inside an explicit transaction (better-sqlite3's `inTransaction`). */
  readonly inTransaction: () => boolean;
  /** How long to wait for another process's write lock before failing with StoreBusyError. */
  readonly lockTimeoutMs: number;
}

/** BEGIN is retried by whoever begins (the driver below, or the write batcher), never here. */
const BEGIN = /^\s*begin\b/i;

/**
 * kysely's SQLite dialect with two changes for several processes writing one file:
 *
 * - Transactions start with `BEGIN IMMEDIATE`, which takes the write lock up front. kysely sends a
 *   deferred `begin`: a transaction that reads and then writes would upgrade its read snapshot to a
 *   write lock, and if another process committed in between SQLite fails it with SQLITE_BUSY
 *   (snapshot) at once, without waiting. Every `transaction()` of the store (Bulk, migrations,
 *   feed pruning) gets this.
 * - The connection runs with `busy_timeout = 0` (set by open-store.ts), so SQLite never sleeps on
 *   the main thread; BEGIN IMMEDIATE and statements outside a transaction (token writes, reads during
 *   a checkpoint) that meet SQLITE_BUSY are retried on timers (sqlite-busy.ts). Such a statement
 *   had no effect when it failed, so running it again is safe. While a retry waits it keeps the
 *   single connection, so this process's other queries wait too, but its event loop does not.
 */
export class WriteLockSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #options: WriteLockDialectOptions;

  constructor(config: SqliteDialectConfig, options: WriteLockDialectOptions) {
    super(config);
    this.#config = config;
    this.#options = options;
  }

  override createDriver(): Driver {
    return new WriteLockSqliteDriver(this.#config, this.#options);
  }
}

class WriteLockSqliteDriver extends SqliteDriver {
  readonly #options: WriteLockDialectOptions;
  readonly #wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(config: SqliteDialectConfig, options: WriteLockDialectOptions) {
    super(config);
    this.#options = options;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    let wrapped = this.#wrapped.get(connection);
    if (!wrapped) {
      wrapped = retryingConnection(connection, this.#options);
      this.#wrapped.set(connection, wrapped);
    }
    return wrapped;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await retryWhileBusy(
      () => connection.executeQuery(CompiledQuery.raw('begin immediate')),
      this.#options.lockTimeoutMs,
    );
  }
}

function retryingConnection(inner: DatabaseConnection, options: WriteLockDialectOptions): DatabaseConnection {
  return {
    executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      if (options.inTransaction() || BEGIN.test(query.sql)) return inner.executeQuery<R>(query);
      // Tried once as it is: the retry loop (timers, clock reads) only for a statement that met a lock.
      return inner.executeQuery<R>(query).catch((error: unknown) => {
        if (!isSqliteBusy(error)) throw error;
        return retryWhileBusy(() => inner.executeQuery<R>(query), options.lockTimeoutMs);
      });
    },
    streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
      return inner.streamQuery<R>(query, chunkSize);
    },
  };
}
