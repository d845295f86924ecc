import type { Migration } from './migration.js';

/**
 * How many users and how many groups there are, so an unfiltered list answers its totalResults
 * without counting the table. resource-writes.ts adds and subtracts in the transaction of every
 * insert and delete: once per multi-row INSERT, where a row trigger would have run 400 updates
 * (a trigger made a million-user import 14% slower). SQLite only: it has one writer at a time, so
 * the counter row costs one page per commit; on PostgreSQL every concurrent create would queue on
 * that row's lock, and COUNT(*) is an index-only scan there instead.
 */
export const migration0002: Migration = {
  id: 2,
  name: 'resource counts',
  statements: {
    sqlite: [
      `CREATE TABLE resource_counts (
        resource_type TEXT PRIMARY KEY CHECK (resource_type IN ('User', 'Group')),
        n INTEGER NOT NULL
      )`,
      `INSERT INTO resource_counts (resource_type, n)
        SELECT 'User', count(*) FROM resources WHERE resource_type = 'User'
        UNION ALL
        SELECT 'Group', count(*) FROM resources WHERE resource_type = 'Group'`,
    ],
    postgres: [],
  },
};
