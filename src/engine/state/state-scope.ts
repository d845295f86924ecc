import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DirectoryDatabase } from '../../directory/database-types.js';
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type { SharedDatabase } from '../../directory/shared-database.js';
import type { EngineStateTables } from './state-tables.js';

/** The engine's tables over the directory's database. */
export type StateDb = Kysely<EngineStateTables>;

/** What every view of one engine state store shares. */
export interface StateShared {
  readonly database: SharedDatabase;
  readonly dialect: DialectAdapter;
  readonly root: StateDb;
}

/** The root store, or a view bound to an open transaction. */
export interface StateScope {
  readonly shared: StateShared;
  readonly trx: StateDb | undefined;
}

/**
 * The same kysely instance, typed for the engine's tables. Both table sets live in one database
 * and kysely's types only name them, so the cast changes nothing at run time.
 */
export function stateDb(db: Kysely<DirectoryDatabase>): StateDb {
  return db as unknown as StateDb;
}

/** The executor for reads in this scope. */
export function reader(scope: StateScope): StateDb {
  return scope.trx ?? scope.shared.root;
}

const SAVEPOINT_NAME = 'provisio_state_sp';
const savepoint = sql.raw(`SAVEPOINT ${SAVEPOINT_NAME}`);
const release = sql.raw(`RELEASE SAVEPOINT ${SAVEPOINT_NAME}`);
const rollbackTo = sql.raw(`ROLLBACK TO SAVEPOINT ${SAVEPOINT_NAME}`);

/**
 * Runs `work` under a savepoint of `trx`, so a failure leaves no trace while the transaction goes
 * on (PostgreSQL would otherwise refuse every later statement of it).
 */
export async function underSavepoint<T>(trx: StateDb, work: (trx: StateDb) => Promise<T>): Promise<T> {
  // One name for every level: both engines keep savepoints as a stack and RELEASE / ROLLBACK TO
  // take the newest of that name, which is this call's own while `work` has settled. The fixed
  // texts stay prepared in the SQLite statement cache, where numbered names were prepared anew for
  // every write (two to four statements per putLinks or appendLog in a transaction).
  await savepoint.execute(trx);
  try {
    const result = await work(trx);
    await release.execute(trx);
    return result;
  } catch (error) {
    await rollbackTo.execute(trx);
    await release.execute(trx);
    throw error;
  }
}

/**
 * Runs a write of several statements atomically: under a savepoint inside a transaction, else in
 * a write transaction of its own (on SQLite the directory's group commit, see shared-database.ts).
 */
export function writeAtomically<T>(scope: StateScope, work: (trx: StateDb) => Promise<T>): Promise<T> {
  if (scope.trx) return underSavepoint(scope.trx, work);
  return scope.shared.database.write((trx) => work(stateDb(trx)));
}

/**
 * Runs a write that is one statement. On PostgreSQL outside a transaction it runs on its own
 * (one round trip, no BEGIN / COMMIT); on SQLite it still goes through the group commit, which
 * shares the WAL flush with concurrent writes and waits for another process's lock on timers
 * rather than committing (and syncing) on the main thread by itself.
 */
export function writeStatement<T>(scope: StateScope, work: (db: StateDb) => Promise<T>): Promise<T> {
  if (scope.trx) return underSavepoint(scope.trx, work);
  if (scope.shared.dialect.name === 'postgres') return work(scope.shared.root);
  return scope.shared.database.write((trx) => work(stateDb(trx)));
}

/** Items of `items` in slices of at most `size`, for statements with many rows or parameters. */
export function* chunks<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
