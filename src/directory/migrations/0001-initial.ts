import type { Migration } from './migration.js';

/**
 * The directory's tables. Text columns that are compared or sorted use the "C" collation on
 * PostgreSQL so ordering is by code point on both engines (SQLite's BINARY), matching the
 * in-memory evaluator, and so `LIKE 'prefix%'` can use the b-tree index.
 */
export const migration0001: Migration = {
  id: 1,
  name: 'initial',
  statements: {
    sqlite: [
      `CREATE TABLE resources (
        id TEXT PRIMARY KEY,
        resource_type TEXT NOT NULL CHECK (resource_type IN ('User', 'Group')),
        version INTEGER NOT NULL,
        created TEXT NOT NULL,
        last_modified TEXT NOT NULL,
        user_name TEXT,
        external_id TEXT,
        display_name TEXT,
        active INTEGER,
        attributes TEXT NOT NULL
      )`,
      `CREATE UNIQUE INDEX resources_user_name_unique ON resources (user_name)`,
      `CREATE UNIQUE INDEX resources_group_display_name_unique ON resources (display_name) WHERE resource_type = 'Group'`,
      `CREATE INDEX resources_type_id ON resources (resource_type, id)`,
      `CREATE INDEX resources_type_external_id ON resources (resource_type, external_id)`,
      `CREATE INDEX resources_type_display_name ON resources (resource_type, display_name)`,
      `CREATE INDEX resources_type_created ON resources (resource_type, created)`,
      `CREATE INDEX resources_type_last_modified ON resources (resource_type, last_modified)`,
      `CREATE TABLE resource_emails (
        resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        value TEXT,
        type TEXT,
        is_primary INTEGER,
        PRIMARY KEY (resource_id, position)
      )`,
      `CREATE INDEX resource_emails_value ON resource_emails (value)`,
      `CREATE TABLE group_members (
        group_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
        member_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
        member_type TEXT NOT NULL CHECK (member_type IN ('User', 'Group')),
        PRIMARY KEY (group_id, member_id)
      )`,
      `CREATE INDEX group_members_member ON group_members (member_id)`,
      `CREATE TABLE app_assignments (
        app_id TEXT NOT NULL,
        principal_type TEXT NOT NULL CHECK (principal_type IN ('User', 'Group')),
        principal_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
        created TEXT NOT NULL,
        PRIMARY KEY (app_id, principal_type, principal_id)
      )`,
      `CREATE INDEX app_assignments_principal ON app_assignments (principal_id)`,
      // AUTOINCREMENT: a seq is never reused, even after pruning empties the table.
      `CREATE TABLE change_feed (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        attributes TEXT NOT NULL,
        at TEXT NOT NULL,
        detail TEXT
      )`,
      `CREATE TABLE feed_horizon (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pruned_through INTEGER NOT NULL
      )`,
      `INSERT INTO feed_horizon (id, pruned_through) VALUES (1, 0)`,
      `CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scope TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created TEXT NOT NULL,
        last_used TEXT
      )`,
      `CREATE UNIQUE INDEX api_tokens_name_unique ON api_tokens (name)`,
    ],
    postgres: [
      `CREATE TABLE resources (
        id TEXT COLLATE "C" PRIMARY KEY,
        resource_type TEXT NOT NULL CHECK (resource_type IN ('User', 'Group')),
        version INTEGER NOT NULL,
        created TIMESTAMPTZ NOT NULL,
        last_modified TIMESTAMPTZ NOT NULL,
        user_name TEXT COLLATE "C",
        external_id TEXT COLLATE "C",
        display_name TEXT COLLATE "C",
        active SMALLINT,
        attributes JSONB NOT NULL
      )`,
      `CREATE UNIQUE INDEX resources_user_name_unique ON resources (user_name)`,
      `CREATE UNIQUE INDEX resources_group_display_name_unique ON resources (display_name) WHERE resource_type = 'Group'`,
      `CREATE INDEX resources_type_id ON resources (resource_type, id)`,
      `CREATE INDEX resources_type_external_id ON resources (resource_type, external_id)`,
      `CREATE INDEX resources_type_display_name ON resources (resource_type, display_name)`,
      `CREATE INDEX resources_type_created ON resources (resource_type, created)`,
      `CREATE INDEX resources_type_last_modified ON resources (resource_type, last_modified)`,
      `CREATE TABLE resource_emails (
        resource_id TEXT COLLATE "C" NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        value TEXT COLLATE "C",
        type TEXT COLLATE "C",
        is_primary SMALLINT,
        PRIMARY KEY (resource_id, position)
      )`,
      `CREATE INDEX resource_emails_value ON resource_emails (value)`,
      `CREATE TABLE group_members (
        group_id TEXT COLLATE "C" NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
        member_id TEXT COLLATE "C" NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
        member_type TEXT NOT NULL CHECK (member_type IN ('User', 'Group')),
        PRIMARY KEY (group_id, member_id)
      )`,
      `CREATE INDEX group_members_member ON group_members (member_id)`,
      `CREATE TABLE app_assignments (
        app_id TEXT COLLATE "C" NOT NULL,
        principal_type TEXT NOT NULL CHECK (principal_type IN ('User', 'Group')),
        principal_id TEXT COLLATE "C" NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
        created TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (app_id, principal_type, principal_id)
      )`,
      `CREATE INDEX app_assignments_principal ON app_assignments (principal_id)`,
      `CREATE TABLE change_feed (
        seq BIGSERIAL PRIMARY KEY,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        attributes JSONB NOT NULL,
        at TIMESTAMPTZ NOT NULL,
        detail JSONB
      )`,
      `CREATE TABLE feed_horizon (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pruned_through BIGINT NOT NULL
      )`,
      `INSERT INTO feed_horizon (id, pruned_through) VALUES (1, 0)`,
      `CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scope TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created TIMESTAMPTZ NOT NULL,
        last_used TIMESTAMPTZ
      )`,
      `CREATE UNIQUE INDEX api_tokens_name_unique ON api_tokens (name)`,
    ],
  },
};
