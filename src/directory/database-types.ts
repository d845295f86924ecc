import type { ColumnType, Generated } from 'kysely';

/**
 * Row shapes of the directory tables as kysely sees them. Column types are unions where the two
 * dialects differ: timestamps are ISO-8601 TEXT on SQLite and TIMESTAMPTZ (a Date) on PostgreSQL;
 * JSON is TEXT on SQLite and JSONB (parsed) on PostgreSQL; BIGSERIAL comes back as a string from pg.
 * The dialect adapter converts in both directions, so nothing else sees the difference.
 */

export type DbTime = string | Date;
export type DbJson = string | unknown;

/** Users and groups, one row each; `attributes` holds everything but `members`, `id` and `meta`. */
export interface ResourcesTable {
  id: string;
  resource_type: 'User' | 'Group';
  version: number;
  created: DbTime;
  last_modified: DbTime;
  /** userName folded to lower case: RFC 7643 §4.1.1 makes it case-insensitive unique. */
  user_name: string | null;
  /** externalId as given: caseExact per RFC 7643 §3.1. */
  external_id: string | null;
  /** displayName folded to lower case (caseExact false for both users and groups). */
  display_name: string | null;
  /** 1, 0, or null when absent. */
  active: number | null;
  /**
   * What a reference to this resource shows as `display`: displayName as given, else userName
   * (migration 7). Written with the attributes; members and groups read it instead of the JSON.
   */
  reference_display: string | null;
  attributes: DbJson;
}

/** One row per value of a user's `emails`, for `emails.value` / `emails[...]` filters. */
export interface ResourceEmailsTable {
  resource_id: string;
  position: number;
  /** Folded to lower case (emails.value is caseExact false). */
  value: string | null;
  /** Folded to lower case. */
  type: string | null;
  is_primary: number | null;
}

export interface GroupMembersTable {
  group_id: string;
  member_id: string;
  member_type: 'User' | 'Group';
}

export interface AppAssignmentsTable {
  app_id: string;
  principal_type: 'User' | 'Group';
  principal_id: string;
  /** The app role; `User` for rows from before roles (migration 0005). */
  role: Generated<string>;
  created: DbTime;
}

export interface ChangeFeedTable {
  seq: Generated<number | string>;
  resource_type: 'User' | 'Group';
  resource_id: string;
  kind: string;
  attributes: DbJson;
  at: DbTime;
  detail: DbJson | null;
}

/** A single row (id = 1): the highest seq removed by pruning. */
export interface FeedHorizonTable {
  id: number;
  pruned_through: number | string;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  /** `scim` or `admin` (migration 0006); the database defaults it to `scim`. */
  audience: ColumnType<string, string | undefined, string>;
  scope: string;
  secret_hash: string;
  created: DbTime;
  last_used: DbTime | null;
}

/** SQLite only (migration 0002): users and groups stored, kept by triggers. */
export interface ResourceCountsTable {
  resource_type: 'User' | 'Group';
  n: number;
}

export interface MigrationsTable {
  id: number;
  name: string;
  applied_at: DbTime;
}

export interface DirectoryDatabase {
  resources: ResourcesTable;
  resource_emails: ResourceEmailsTable;
  group_members: GroupMembersTable;
  app_assignments: AppAssignmentsTable;
  change_feed: ChangeFeedTable;
  feed_horizon: FeedHorizonTable;
  api_tokens: ApiTokensTable;
  resource_counts: ResourceCountsTable;
  provisio_migrations: MigrationsTable;
}
