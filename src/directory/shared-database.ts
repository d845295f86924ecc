import type { Kysely } from 'kysely';
import type { DirectoryDatabase } from './database-types.js';
import type { DialectAdapter } from './dialect-adapter.js';
import type { DirectoryStore } from './directory-store.js';
import type { Migration } from './migrations/migration.js';

/**
 * The directory's database as other parts that keep their tables in it see it (the engine's
 * state store): the one kysely instance with the dialect adapter, and the write paths that keep
 * those parts' writes in step with the directory's own. It is not part of `DirectoryStore`: SCIM
 * callers never need it, and `openStoreWithDatabase` (open-store.ts) is the only way to get one.
 *
 * On SQLite the store has one connection. Everything here queues on it with the directory's
 * reads and writes, so a `transaction(work)` must do all its work through the `trx` and the
 * directory view it is given: calling the root `DirectoryStore` (or anything else on the root
 * connection) from inside `work` would wait for the transaction that is waiting for it.
 */
export interface SharedDatabase {
  readonly dialect: DialectAdapter;
  /** The root kysely instance: for reads, and on PostgreSQL for writes that are one statement. */
  readonly db: Kysely<DirectoryDatabase>;
  /**
   * Runs `work` in a write transaction of its own. On SQLite it joins the directory's group commit
   * (sqlite-write-batcher.ts: BEGIN IMMEDIATE, one COMMIT and WAL flush shared with concurrent
   * writes, acknowledged once durable, never a sleep on the main thread while another process
   * holds the lock); on PostgreSQL it is a plain transaction. Either way it commits or leaves no
   * trace.
   */
  write<T>(work: (trx: Kysely<DirectoryDatabase>) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction together with a directory view bound to it (its writes get
   * savepoints and feed entries as in `DirectoryStore.transaction`; listeners hear of them after
   * commit). On SQLite it goes through the group commit like `write`.
   */
  transaction<T>(work: (trx: Kysely<DirectoryDatabase>, directory: DirectoryStore) => Promise<T>): Promise<T>;
  /**
   * Applies another part's numbered migrations with the directory's runner (one transaction each,
   * the same PostgreSQL advisory lock), booked in their own table so the two numberings never meet.
   */
  migrate(migrations: readonly Migration[], bookkeepingTable: string): Promise<number[]>;
}
