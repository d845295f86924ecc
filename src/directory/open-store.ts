import Database from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import type { LogEvent } from 'kysely';
import pg from 'pg';
import { SchemaRegistry } from '../scim/schema/schema-registry.js';
import type { DirectoryDatabase } from './database-types.js';
import type { DialectAdapter } from './dialect-adapter.js';
import { sqliteAdapter } from './sqlite/sqlite-adapter.js';
import { postgresAdapter } from './postgres/postgres-adapter.js';
import type { DirectoryStore } from './directory-store.js';
import { startPgChangeListener } from './postgres/pg-change-listener.js';
import { IN_MEMORY_SORT_CAP } from './resources/resource-list.js';
import { PageContinuations } from './resources/page-continuations.js';
import { runMigrations } from './run-migrations.js';
import { SqlDirectoryStore } from './sql-directory-store.js';
import { SqliteChangePoller } from './sqlite/sqlite-change-poller.js';
import { cachingSqliteDatabase, statementRunner } from './sqlite/sqlite-statement-cache.js';
import { DEFAULT_SQLITE_LOCK_TIMEOUT_MS } from './sqlite/sqlite-busy.js';
import { SqliteWriteBatcher } from './sqlite/sqlite-write-batcher.js';
import { WalSync } from './sqlite/sqlite-wal-sync.js';
import type { Fsync } from './sqlite/sqlite-wal-sync.js';
import { WriteLockSqliteDialect } from './sqlite/sqlite-write-lock-dialect.js';
import type { ResolverSource, StoreShared } from './store-context.js';
import { announce } from './store-context.js';
import type { SharedDatabase } from './shared-database.js';

/** How to open a directory store. Exactly one of `sqliteFile` and `postgresUrl`. */
export interface OpenStoreOptions {
  /** Path of the SQLite database file; `':memory:'` for a private in-memory database. */
  readonly sqliteFile?: string;
  /** A `postgres://` connection string. */
  readonly postgresUrl?: string;
  /** PostgreSQL schema to use (created if missing); tests give each file its own. */
  readonly postgresSchema?: string;
  /** Schemas for PATCH and in-memory filtering; defaults to the RFC 7643 core schemas. */
  readonly registry?: SchemaRegistry | ResolverSource;
  /** PostgreSQL pool size (default 10). */
  readonly poolSize?: number;
  /** Called with the SQL of every statement the store runs (diagnostics and tests). */
  readonly onQuery?: (sql: string) => void;
  /** Most matches a list may sort in memory before failing with 400 tooMany (default 10,000). */
  readonly inMemorySortCap?: number;
  /** PostgreSQL: LISTEN for other processes' changes (default true). */
  readonly listen?: boolean;
  /**
   * SQLite durability (WAL mode either way). `'full'` (default) syncs the WAL before a write is
   * acknowledged, so an acknowledged write survives a power loss (grouped writes are flushed off
   * the event loop, see sqlite-wal-sync.ts); `'normal'` syncs only at checkpoints: a commit
   * survives a process crash but the last few may be lost on power loss, for faster writes.
   */
  readonly sqliteSynchronous?: SqliteSynchronous;
  /** SQLite with `'full'`: replaces `fs.fdatasync` for the WAL flushes (tests time them by hand). */
  readonly sqliteWalFsync?: Fsync;
  /**
   * SQLite: how long a write waits, without blocking the event loop, for another process's write
   * lock before it fails with StoreBusyError (default 5000 ms; see sqlite-busy.ts).
   */
  readonly sqliteLockTimeoutMs?: number;
}

/** SQLite `PRAGMA synchronous` values the store accepts (see OpenStoreOptions.sqliteSynchronous). */
export type SqliteSynchronous = 'normal' | 'full';

/** Lower-case only: the name is quoted when created but unquoted (so folded) in search_path. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function logger(onQuery: ((sql: string) => void) | undefined) {
  if (!onQuery) return undefined;
  return (event: LogEvent) => {
    if (event.level === 'query') onQuery(event.query.sql);
  };
}

function sharedState(
  root: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  options: OpenStoreOptions,
): StoreShared {
  return {
    root,
    dialect,
    resolvers: options.registry ?? SchemaRegistry.withCoreSchemas(),
    listeners: new Set(),
    notifiedSeq: 0,
    savepointCounter: 0,
    inMemorySortCap: options.inMemorySortCap ?? IN_MEMORY_SORT_CAP,
    continuations: new PageContinuations(),
    closers: [],
  };
}

/**
 * Opens a migrated, ready store on SQLite or PostgreSQL.
 *
 * SQLite runs in WAL mode with synchronous=FULL by default (every acknowledged write is on disk;
 * the write batcher syncs the WAL off the event loop, sqlite-wal-sync.ts), `sqliteSynchronous:
 * 'normal'` trades power-loss durability for speed, and foreign keys are on. Other processes
 * (`serve --workers`, the CLI's token commands) may write the same file: transactions begin
 * IMMEDIATE and a write waits for another process's lock on timers, never blocking the event loop
 * (sqlite-busy.ts). `case_sensitive_like` makes LIKE match caseExact attributes correctly:
 * case-insensitive attributes are stored folded, so they never rely on LIKE's folding.
 */
export async function openStore(options: OpenStoreOptions): Promise<DirectoryStore> {
  return (await openStoreWithDatabase(options)).store;
}

/** A directory store and the database it runs on, for parts that keep their tables beside it. */
export interface OpenedStore {
  readonly store: DirectoryStore;
  /** The same database for other parts' tables (shared-database.ts); closed with `store`. */
  readonly database: SharedDatabase;
}

/**
 * `openStore`, also handing out the store's database (`SharedDatabase`), so that the engine's
 * state lives in the same SQLite file or PostgreSQL schema, on the same connection or pool, and
 * its SQLite writes join the directory's group commit instead of competing with it for the lock.
 */
export async function openStoreWithDatabase(options: OpenStoreOptions): Promise<OpenedStore> {
  if ((options.sqliteFile === undefined) === (options.postgresUrl === undefined)) {
    throw new Error('openStore: give exactly one of sqliteFile and postgresUrl');
  }
  if (options.sqliteFile !== undefined) {
    const synchronous = options.sqliteSynchronous ?? 'full';
    if (synchronous !== 'normal' && synchronous !== 'full') {
      throw new Error(
        `openStore: sqliteSynchronous must be 'normal' or 'full', got ${JSON.stringify(synchronous)}`,
      );
    }
    const lockTimeoutMs = options.sqliteLockTimeoutMs ?? DEFAULT_SQLITE_LOCK_TIMEOUT_MS;
    if (!Number.isFinite(lockTimeoutMs) || lockTimeoutMs < 0) {
      throw new Error(`openStore: sqliteLockTimeoutMs must be a non-negative number, got ${lockTimeoutMs}`);
    }
    const database = new Database(options.sqliteFile);
    // An in-memory database stays in 'memory' mode: it has no WAL to flush.
    const journalMode = String(database.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
    if (synchronous === 'full') database.pragma('synchronous = FULL');
    else database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('case_sensitive_like = ON');
    // Savepoint journals (each write of a group commit has one) and sort scratch stay in memory.
    // On disk, a batch of a few creates spilled its journal to a temporary file: an open, unlink
    // and a dozen writes per commit, more system calls than the commit's own WAL writes.
    database.pragma('temp_store = MEMORY');
    // 64 MiB page cache (default 2 MiB): index pages of a million users stay in memory.
    database.pragma('cache_size = -65536');
    // The pragmas above ran under better-sqlite3's blocking 5 s busy timeout (start-up only). From
    // here on SQLite never sleeps on the main thread: a write that meets another process's lock is
    // retried on timers (sqlite-write-lock-dialect.ts, sqlite-write-batcher.ts).
    database.pragma('busy_timeout = 0');
    // Checkpoint the WAL back into the database every 4,000 pages instead of SQLite's 1,000. A
    // checkpoint copies each page once however often it changed since the last one, and runs on
    // the main thread inside a COMMIT, so fewer of them leave more time for requests: with ten
    // PATCH clients about a fifth more writes per second (four alternating pairs of runs, all four
    // faster), at the price of longer pauses when one runs (p99 latency up by about a quarter).
    // 4,000 frames still fit one segment of SQLite's WAL index (4,096), so reads look up a page
    // in one hash table as before; the WAL file grows to about 16 MiB before it is reused.
    database.pragma('wal_autocheckpoint = 4000');
    const log = logger(options.onQuery);
    const statements = cachingSqliteDatabase(database);
    const root = new Kysely<DirectoryDatabase>({
      dialect: new WriteLockSqliteDialect(
        { database: statements },
        { inTransaction: () => database.inTransaction, lockTimeoutMs },
      ),
      ...(log ? { log } : {}),
    });
    const shared = sharedState(root, sqliteAdapter, options);
    const walSync =
      synchronous === 'full' && journalMode === 'wal'
        ? new WalSync(`${database.name}-wal`, options.sqliteWalFsync)
        : undefined;
    if (walSync) shared.closers.push(async () => walSync.close());
    const changePoller = new SqliteChangePoller(shared);
    shared.changePoller = changePoller;
    shared.closers.push(async () => changePoller.stop());
    shared.batcher = new SqliteWriteBatcher(shared, {
      lockTimeoutMs,
      runStatement: statementRunner(statements, options.onQuery),
      ...(walSync ? { walSync } : {}),
    });
    await runMigrations(root, sqliteAdapter);
    return opened(shared);
  }
  return openPostgres(options.postgresUrl!, options);
}

/** The store over `shared` and the database handle beside it. */
function opened(shared: StoreShared): OpenedStore {
  const write = <T>(work: (trx: Kysely<DirectoryDatabase>) => Promise<T>): Promise<T> =>
    shared.batcher ? shared.batcher.submit((trx) => work(trx)) : shared.root.transaction().execute(work);
  const database: SharedDatabase = {
    dialect: shared.dialect,
    db: shared.root,
    write,
    async transaction(work) {
      let bound: ReturnType<typeof SqlDirectoryStore.bindTo> | undefined;
      const result = await write((trx) => {
        bound = SqlDirectoryStore.bindTo(shared, trx);
        return work(trx, bound.directory);
      });
      bound?.committed();
      return result;
    },
    migrate: (migrations, bookkeepingTable) =>
      runMigrations(shared.root, shared.dialect, migrations, bookkeepingTable),
  };
  return { store: new SqlDirectoryStore(shared), database };
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<OpenedStore> {
  const schema = options.postgresSchema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(
      `openStore: postgresSchema must be a lower-case identifier, got ${JSON.stringify(schema)}`,
    );
  }
  if (schema !== undefined) {
    const bootstrap = new pg.Client({ connectionString: url });
    await bootstrap.connect();
    try {
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
    } catch (error) {
      // Two starters creating the schema at once: the loser sees a duplicate; the schema exists.
      if ((error as { code?: unknown }).code !== '23505' && (error as { code?: unknown }).code !== '42P06')
        throw error;
    } finally {
      await bootstrap.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  const channel = `provisio_changes${schema !== undefined ? `_${schema.toLowerCase()}` : ''}`.slice(0, 63);
  const dialect = postgresAdapter(channel);
  const log = logger(options.onQuery);
  const root = new Kysely<DirectoryDatabase>({
    dialect: new PostgresDialect({ pool }),
    ...(log ? { log } : {}),
  });
  const shared = sharedState(root, dialect, options);
  try {
    await runMigrations(root, dialect);
    if (options.listen ?? true) {
      const listener = await startPgChangeListener(url, channel, (seq) => announce(shared, seq), {
        // Report only seqs a reader can already read (see postgres-adapter.ts, readSettledFeed).
        settledThrough: async () => (await dialect.readSettledFeed!(root)).settledThrough,
        wanted: () => shared.listeners.size > 0,
      });
      shared.closers.push(() => listener.close());
    }
  } catch (error) {
    await root.destroy();
    throw error;
  }
  return opened(shared);
}
