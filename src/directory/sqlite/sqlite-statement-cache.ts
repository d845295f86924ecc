import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Prepared statements kept per database: the hot paths use a few dozen distinct SQL texts. */
const STATEMENT_CACHE_SIZE = 256;
/** From this size on, hits are moved to the young end so that eviction takes the coldest text. */
const REORDER_FROM = STATEMENT_CACHE_SIZE / 2;

/**
 * Savepoints numbered per write (`provisio_sp_<n>`, inside a caller's transaction) are unique:
 * caching them would only evict useful statements. The write batcher's one fixed savepoint name
 * runs for every queued write and is worth keeping prepared.
 */
const UNCACHED = /^\s*(savepoint|release|rollback\s+to)\b.*\d\s*$/is;

/**
 * Wraps a better-sqlite3 database for kysely's SqliteDialect so that each distinct SQL text is
 * prepared once. kysely's driver calls `prepare` on every execution, and SQLite's parse and plan
 * cost about as much as running a primary-key lookup. Keeping the cache here, below kysely, keeps
 * one query code path for both engines: the store builds queries the same way everywhere and only
 * the SQLite connection reuses the prepared statement.
 *
 * Reuse is safe because kysely runs one statement at a time on the single connection and the store
 * never streams (an iterating statement could not be run again until the iterator finishes).
 * Least-recently-used eviction bounds the cache when filters produce many distinct SQL texts.
 */
export function cachingSqliteDatabase(database: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) {
        // Re-insert to mark it most recently used (Map keeps insertion order). Only worth its cost
        // once eviction is near: the hot paths use far fewer texts than the cache holds.
        if (cache.size >= REORDER_FROM) {
          cache.delete(sql);
          cache.set(sql, hit);
        }
        return hit;
      }
      const statement = database.prepare(sql) as unknown as SqliteStatement;
      if (UNCACHED.test(sql)) return statement;
      cache.set(sql, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
  };
}

/**
 * Runs statements that take no parameters and return no rows (BEGIN, COMMIT, savepoints, pragmas)
 * straight on a prepared statement of `database` (the cache above, shared with kysely), past
 * kysely's executor. For a caller that already holds the store's one connection (the write batcher,
 * inside kysely's `connection().execute`), so that nothing else can run in between; errors are
 * better-sqlite3's own (SQLITE_BUSY on BEGIN IMMEDIATE included). `onQuery` hears each text, as it
 * hears the statements run through kysely.
 */
export function statementRunner(
  database: SqliteDatabase,
  onQuery?: (sqlText: string) => void,
): (sqlText: string) => void {
  return (sqlText) => {
    onQuery?.(sqlText);
    database.prepare(sqlText).run([]);
  };
}
