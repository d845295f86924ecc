/**
 * The admin API's own tables, in the directory's database beside the engine's: console users,
 * their sessions, the sign-in throttle, and on SQLite the events shared between processes. Kept here, not in the directory, because the directory
 * knows nothing of the admin API; they are migrated by the directory's runner from this part's own
 * list (access-migrations.ts), booked in their own table.
 */
import type { Generated, Kysely } from 'kysely';
import type { DbTime, DirectoryDatabase } from '../../directory/database-types.js';

export interface ConsoleUsersTable {
  name: string;
  role: string;
  /** `$scrypt$N=..,r=..,p=..$salt$key` (directory/resources/user-password.ts): salt and cost kept per user. */
  password_hash: string;
  created: DbTime;
  password_changed: DbTime;
}

export interface ConsoleSessionsTable {
  /** SHA-256 (hex) of the session id the cookie carries; the id itself is never stored. */
  id_hash: string;
  user_name: string;
  created: DbTime;
  last_seen: DbTime;
  /** The absolute end, whatever the activity. */
  expires: DbTime;
}

export interface LoginThrottleTable {
  /** `user:<name>` or `address:<client address>`. */
  key: string;
  failures: number;
  window_start: DbTime;
  locked_until: DbTime | null;
}

/** SQLite only: engine events one serve process shares with the others (events/sqlite-event-relay.ts). */
export interface AdminEventsTable {
  id: Generated<number>;
  at: DbTime;
  /** The process that wrote it, which skips its own rows. */
  origin: string;
  /** A JSON array of wire events (events/event-messages.ts). */
  payload: string;
}

export interface AccessTables {
  console_users: ConsoleUsersTable;
  console_sessions: ConsoleSessionsTable;
  login_throttle: LoginThrottleTable;
  admin_events: AdminEventsTable;
}

export type AccessDb = Kysely<AccessTables>;

/**
 * The same kysely instance (or transaction), typed for these tables: both table sets live in one
 * database and kysely's types only name them, so the cast changes nothing at run time.
 */
export function accessDb(db: Kysely<DirectoryDatabase>): AccessDb {
  return db as unknown as AccessDb;
}
