/**
 * Opening the database every command of Provisio works on: the directory and the engine's state,
 * in one SQLite file or one PostgreSQL database / schema, both migrated.
 */
import type { Kysely } from 'kysely';
import type { DirectoryDatabase } from '../../directory/database-types.js';
import type { DirectoryStore } from '../../directory/directory-store.js';
import { openStoreWithDatabase } from '../../directory/open-store.js';
import type { OpenStoreOptions } from '../../directory/open-store.js';
import type { SharedDatabase } from '../../directory/shared-database.js';
import type { EngineStateStore } from './engine-state.js';
import { ENGINE_MIGRATIONS_TABLE, engineMigrations } from './migrations/index.js';
import { SqlEngineState } from './sql-engine-state.js';
import type { StateShared } from './state-scope.js';
import { stateDb } from './state-scope.js';

/**
 * The engine's state store over the directory's database, its tables migrated first. It shares
 * the directory's connection (SQLite) or pool (PostgreSQL) and closes with the directory store.
 */
export async function openEngineState(database: SharedDatabase): Promise<EngineStateStore> {
  return new SqlEngineState(await migratedState(database));
}

/** Migrates the engine's tables and returns what the store's views share. */
async function migratedState(database: SharedDatabase): Promise<StateShared> {
  await database.migrate(engineMigrations, ENGINE_MIGRATIONS_TABLE);
  return { database, dialect: database.dialect, root: stateDb(database.db) };
}

/** Both stores on one database. */
export interface ProvisioDatabase {
  readonly directory: DirectoryStore;
  readonly engineState: EngineStateStore;
  /** The database itself, for other parts that keep tables in it (the admin API's access tables). */
  readonly shared: SharedDatabase;
  /**
   * One transaction over both (an app deleted with its assignments, say): `work` gets views of
   * both bound to it and must use only those (on SQLite the root stores wait for the
   * transaction's connection). The directory's listeners hear of its writes after commit.
   */
  transaction<T>(
    work: (stores: {
      directory: DirectoryStore;
      engineState: EngineStateStore;
      /** The transaction itself, for another part's tables in the same database (the admin API's). */
      trx: Kysely<DirectoryDatabase>;
    }) => Promise<T>,
  ): Promise<T>;
  /** Closes the connection or pool (and the directory's listeners and timers). */
  close(): Promise<void>;
}

/**
 * Opens the directory store and the engine's state on the same database, running the directory's
 * migrations and then the engine's (each list booked in its own table, see migrations/index.ts).
 * What `serve` and the `apps` / `sync` commands open.
 */
export async function openProvisioDatabase(options: OpenStoreOptions): Promise<ProvisioDatabase> {
  const { store: directory, database } = await openStoreWithDatabase(options);
  let shared: StateShared;
  try {
    shared = await migratedState(database);
  } catch (error) {
    await directory.close();
    throw error;
  }
  return {
    directory,
    engineState: new SqlEngineState(shared),
    shared: database,
    transaction: (work) =>
      database.transaction((trx, boundDirectory) =>
        work({ directory: boundDirectory, engineState: new SqlEngineState(shared, stateDb(trx)), trx }),
      ),
    close: () => directory.close(),
  };
}
