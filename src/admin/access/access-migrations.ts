import type { Migration } from '../../directory/migrations/migration.js';

/** Where applied admin migrations are booked (the directory's and the engine's have their own). */
export const ACCESS_MIGRATIONS_TABLE = 'provisio_admin_migrations';

const accessMigration0001: Migration = {
  id: 1,
  name: 'console users, sessions and the sign-in throttle',
  statements: {
    sqlite: [
      `CREATE TABLE console_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        password_hash TEXT NOT NULL,
        created TEXT NOT NULL,
        password_changed TEXT NOT NULL
      )`,
      `CREATE TABLE console_sessions (
        id_hash TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES console_users (name) ON DELETE CASCADE,
        created TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        expires TEXT NOT NULL
      )`,
      `CREATE INDEX console_sessions_user ON console_sessions (user_name)`,
      `CREATE TABLE login_throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_start TEXT NOT NULL,
        locked_until TEXT
      )`,
    ],
    postgres: [
      `CREATE TABLE console_users (
        name TEXT COLLATE "C" PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        password_hash TEXT NOT NULL,
        created TIMESTAMPTZ NOT NULL,
        password_changed TIMESTAMPTZ NOT NULL
      )`,
      `CREATE TABLE console_sessions (
        id_hash TEXT COLLATE "C" PRIMARY KEY,
        user_name TEXT COLLATE "C" NOT NULL REFERENCES console_users (name) ON DELETE CASCADE,
        created TIMESTAMPTZ NOT NULL,
        last_seen TIMESTAMPTZ NOT NULL,
        expires TIMESTAMPTZ NOT NULL
      )`,
      `CREATE INDEX console_sessions_user ON console_sessions (user_name)`,
      `CREATE TABLE login_throttle (
        key TEXT COLLATE "C" PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_start TIMESTAMPTZ NOT NULL,
        locked_until TIMESTAMPTZ
      )`,
    ],
  },
};

const accessMigration0002: Migration = {
  id: 2,
  name: 'engine events shared between serve processes on SQLite',
  statements: {
    // SQLite has no NOTIFY: each process appends its events here and polls for the others'
    // (events/sqlite-event-relay.ts). AUTOINCREMENT, so a pruned id is never handed out again and
    // a poller reading `id > last` misses nothing. PostgreSQL relays them with NOTIFY instead.
    sqlite: [
      `CREATE TABLE admin_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        origin TEXT NOT NULL,
        payload TEXT NOT NULL
      )`,
    ],
    postgres: [],
  },
};

/** In id order; append new ones, never edit or renumber an applied one. */
export const accessMigrations: readonly Migration[] = [accessMigration0001, accessMigration0002];
