import type { Migration } from '../../../directory/migrations/migration.js';

/**
 * SQLite: the log's per-object indexes keyed by id bucket first, so that writing the log appends.
 *
 * Migration 0002 indexed one object's entries as (app_id, source_id, id) and (app_id,
 * lower(source_name), id). Source ids are random UUIDs (and names come in no useful order), so
 * each log row went to a random leaf of two B-trees that grow with the log: a commit of 500 rows
 * dirtied about 500 pages of each, written to the WAL and checkpointed back. Inserting 100,000
 * rows like a cycle's cost 86-109 µs of CPU a row with those two indexes and 26 µs without.
 *
 * Here both keys come after the bucket of the row's id (`id >> 14`: 16,384 consecutive entries).
 * New rows only ever land in the newest bucket, a small region of each index that stays in the
 * page cache (56-65 µs a row in the same test). Finding one object's entries becomes one index
 * seek per bucket, newest bucket first (log-rows.ts, queryLog): 62 seeks per key for a million
 * entries. Narrower buckets write cheaper and read dearer: `id >> 12` cost 37-46 µs a row, but
 * its 245 seeks per key made the first one-user page at a million entries 30-44 ms at the median
 * on a loaded machine.
 *
 * The bucket width is fixed here and in LOG_BUCKET_BITS; queries must use the same expression.
 *
 * PostgreSQL keeps migration 0002's indexes: there the bucket seeks (an `IN` list on the middle
 * column of a B-tree) made the first page of one object's failures several times slower than the
 * two indexes combined (bench/README.md, "Engine cycle", 2026-12-07 afternoon), and its write cost
 * was not what the engine benchmark measures (SQLite's WAL rewriting every dirtied page at commit).
 */
const STATEMENTS: readonly string[] = [
  `CREATE INDEX engine_log_app_bucket_source ON engine_log (app_id, (id >> 14), source_id)`,
  `CREATE INDEX engine_log_app_bucket_name ON engine_log (app_id, (id >> 14), lower(source_name))`,
  `DROP INDEX engine_log_app_source_id`,
  `DROP INDEX engine_log_app_name_id`,
];

/** How many low bits of a log id the per-object indexes leave out: 16,384 entries a bucket. */
export const LOG_BUCKET_BITS = 14;

export const engineMigration0004: Migration = {
  id: 4,
  name: 'log per-object indexes by id bucket',
  statements: { sqlite: STATEMENTS, postgres: [] },
};
