import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { BoundedCache, type BoundedCacheLimits } from '../../shared/bounded-cache.js';

/**
 * Prepared statements kept per database: the hot paths use a few dozen distinct SQL texts of a
 * few hundred characters. A filter of thousands of clauses becomes SQL of as many, and SQLite's
 * compiled program for it takes several times that in native memory, which no GC returns: such
 * texts are prepared per use and freed with their statement, and the total text is bounded.
 */
export const STATEMENT_CACHE_LIMITS: BoundedCacheLimits = {
  maxEntries: 256,
  maxKeyLength: 16 * 1024,
  maxTotalKeyLength: 1024 * 1024,
};

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
  const cache = new BoundedCache<SqliteStatement>(STATEMENT_CACHE_LIMITS);
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      // A hit past half full is moved to the young end (BoundedCache), so eviction takes the
      // coldest text; the hot paths use far fewer texts than that.
      const hit = cache.get(sql);
      if (hit) return hit;
      const statement = database.prepare(sql) as unknown as SqliteStatement;
      if (UNCACHED.test(sql)) return statement;
      cache.set(sql, statement);
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
