import type { Migration } from './migration.js';

/**
 * An assignment carries an app role, and a principal may hold several roles in one app, so the
 * role joins the primary key. Rows from before roles existed get `User`: the role every app has
 * when it declares none, and the default the engine gives an assignment made without `--role`.
 * A value rather than NULL because a primary-key column cannot be NULL on PostgreSQL, and on
 * SQLite NULLs would never collide, letting the same assignment be stored twice.
 */
export const migration0005: Migration = {
  id: 5,
  name: 'assignment roles',
  statements: {
    // SQLite cannot change a primary key in place: the table is rebuilt. Nothing references it.
    sqlite: [
      `CREATE TABLE app_assignments_with_roles (
        app_id TEXT NOT NULL,
        principal_type TEXT NOT NULL CHECK (principal_type IN ('User', 'Group')),
        principal_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
        role TEXT NOT NULL DEFAULT 'User' CHECK (role <> ''),
        created TEXT NOT NULL,
        PRIMARY KEY (app_id, principal_type, principal_id, role)
      )`,
      `INSERT INTO app_assignments_with_roles (app_id, principal_type, principal_id, role, created)
        SELECT app_id, principal_type, principal_id, 'User', created FROM app_assignments`,
      `DROP TABLE app_assignments`,
      `ALTER TABLE app_assignments_with_roles RENAME TO app_assignments`,
      `CREATE INDEX app_assignments_principal ON app_assignments (principal_id)`,
    ],
    postgres: [
      `ALTER TABLE app_assignments ADD COLUMN role TEXT COLLATE "C" NOT NULL DEFAULT 'User' CHECK (role <> '')`,
      `ALTER TABLE app_assignments DROP CONSTRAINT app_assignments_pkey`,
      `ALTER TABLE app_assignments ADD PRIMARY KEY (app_id, principal_type, principal_id, role)`,
    ],
  },
};
