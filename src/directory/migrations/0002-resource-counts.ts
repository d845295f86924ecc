import type { Migration } from './migration.js';

/**
 * How many users and how many groups there are, kept by triggers in the transaction of every
 * insert and delete, so an unfiltered list answers its totalResults without counting the table.
 * SQLite only: it has one writer at a time, so the counter row costs one page per commit. On
 * PostgreSQL every concurrent create would queue on that row's lock; COUNT(*) there is an
 * index-only scan instead.
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
      `CREATE TRIGGER resources_count_insert AFTER INSERT ON resources BEGIN
        UPDATE resource_counts SET n = n + 1 WHERE resource_type = NEW.resource_type;
      END`,
      `CREATE TRIGGER resources_count_delete AFTER DELETE ON resources BEGIN
        UPDATE resource_counts SET n = n - 1 WHERE resource_type = OLD.resource_type;
      END`,
      // resource_type never changes, but a counter must not drift if a future statement changes it.
      `CREATE TRIGGER resources_count_retype AFTER UPDATE OF resource_type ON resources
        WHEN OLD.resource_type <> NEW.resource_type BEGIN
        UPDATE resource_counts SET n = n - 1 WHERE resource_type = OLD.resource_type;
        UPDATE resource_counts SET n = n + 1 WHERE resource_type = NEW.resource_type;
      END`,
    ],
    postgres: [],
  },
};
