import type { JsonObject } from '../shared/json.js';
import type { Filter } from '../scim/filter/filter-ast.js';

/**
 * The directory's storage contract. Two implementations (SQLite, PostgreSQL) share one kysely
 * query layer; one test suite runs against both. Every write appends to the change feed in the same
 * transaction, and every method either completes or leaves no trace.
 *
 * Errors: methods throw ScimError (404 not found, 409 uniqueness, 412 version mismatch, 400 for a
 * PATCH that cannot apply) so the server maps them without knowing the store.
 */

export type ResourceKind = 'User' | 'Group';

export interface StoredResource {
  readonly resourceType: ResourceKind;
  readonly id: string;
  /** Increments on every change to the resource (including membership changes of a group); the ETag is W/"<version>". */
  readonly version: number;
  readonly created: Date;
  readonly lastModified: Date;
  /**
   * The SCIM attributes with canonical names, extension attributes nested under their schema URN,
   * without `id`, `meta` or `schemas` (the server adds those). For groups, `members` is present
   * only when `includeMembers` was asked for; for users, `groups` only when `includeGroups` was.
   */
  readonly attributes: JsonObject;
}

export interface ReadOptions {
  /** Load group members (`[{ value, type, display }]`). Default true; false for excludedAttributes=members. */
  readonly includeMembers?: boolean;
  /** Compute a user's `groups` (direct and indirect, RFC 7643 §4.1.2). Default true. */
  readonly includeGroups?: boolean;
}

export interface WriteOptions {
  /** Reject with 412 unless the stored version equals this (If-Match). */
  readonly ifMatchVersion?: number;
}

export interface ListQuery extends ReadOptions {
  readonly filter?: Filter;
  /** An attribute path as written in sortBy (`userName`, `name.familyName`, `meta.lastModified`). */
  readonly sortBy?: string;
  readonly sortOrder?: 'ascending' | 'descending';
  /** 1-based, RFC 7644 §3.4.2.4. */
  readonly startIndex: number;
  /** 0 returns only totalResults. */
  readonly count: number;
}

export interface ListResult {
  readonly totalResults: number;
  readonly resources: readonly StoredResource[];
}

/** A SCIM PATCH operation as received (already schema-checked by the server is NOT assumed). */
export interface PatchOperationInput {
  readonly op: string;
  readonly path?: string;
  readonly value?: unknown;
}

export type ChangeKind =
  'created' | 'updated' | 'deleted' | 'memberAdded' | 'memberRemoved' | 'assigned' | 'unassigned';

export interface ChangeEntry {
  /** Monotonic, gap-tolerant sequence number; consumers keep the last one they handled as a watermark. */
  readonly seq: number;
  readonly resourceType: ResourceKind;
  readonly resourceId: string;
  readonly kind: ChangeKind;
  /** Names of the changed top-level attributes (`members` for membership changes). */
  readonly attributes: readonly string[];
  readonly at: Date;
  /** Extra facts: `{ memberId, memberType }` for membership changes, `{ appId, role }` for assignments. */
  readonly detail?: JsonObject;
}

export type ChangePage =
  | { readonly status: 'ok'; readonly entries: readonly ChangeEntry[]; readonly lastSeq: number }
  /** The watermark fell behind retention: the consumer must do a full resync from `resumeFrom`. */
  | { readonly status: 'resyncRequired'; readonly resumeFrom: number };

export interface AppAssignment {
  readonly appId: string;
  readonly principalType: ResourceKind;
  readonly principalId: string;
  /** The app role (`User` unless the assignment named another; see migration 0005). */
  readonly role: string;
  readonly created: Date;
}

/**
 * Which API a token opens (migration 0006): `scim` for /scim/v2, `admin` for /admin/v1. A token
 * of one kind is refused by the other API, so a SCIM client's token never administers Provisio.
 */
export type TokenAudience = 'scim' | 'admin';

/**
 * What the token may do there: a SCIM token is `read-write` or `read-only`; an admin token holds
 * one of the admin API's roles, `viewer` < `operator` < `admin`.
 */
export type TokenScope = 'read-write' | 'read-only' | AdminTokenRole;

/** The admin API's roles as the directory stores them (src/admin/admin-route.ts names them). */
export type AdminTokenRole = 'viewer' | 'operator' | 'admin';

export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly audience: TokenAudience;
  readonly scope: TokenScope;
  /** Hash of the secret part; the secret itself is never stored. */
  readonly secretHash: string;
  readonly created: Date;
  readonly lastUsed: Date | null;
}

/** A token to store: its audience defaults to `scim`. */
export type NewApiToken = Omit<ApiTokenRecord, 'created' | 'lastUsed' | 'audience'> & {
  readonly audience?: TokenAudience;
};

export interface DirectoryStore {
  /** Applies pending numbered migrations, each in its own transaction. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  create(type: ResourceKind, attributes: JsonObject): Promise<StoredResource>;
  get(type: ResourceKind, id: string, options?: ReadOptions): Promise<StoredResource | undefined>;
  replace(
    type: ResourceKind,
    id: string,
    attributes: JsonObject,
    options?: WriteOptions,
  ): Promise<StoredResource>;
  /**
   * Applies a SCIM PATCH all-or-nothing. Member additions and removals on a group touch only the
   * named members, never the whole list.
   */
  patch(
    type: ResourceKind,
    id: string,
    operations: readonly PatchOperationInput[],
    options?: WriteOptions & ReadOptions,
  ): Promise<StoredResource>;
  delete(type: ResourceKind, id: string, options?: WriteOptions): Promise<void>;
  list(type: ResourceKind, query: ListQuery): Promise<ListResult>;
  /** Runs `work` in one transaction: everything it does commits together or not at all (Bulk). */
  transaction<T>(work: (store: DirectoryStore) => Promise<T>): Promise<T>;
  /** Fast path for large imports: many creates per transaction. */
  createMany(type: ResourceKind, items: readonly JsonObject[]): Promise<readonly StoredResource[]>;

  /**
   * Change feed, ordered by seq, entries with seq > after. Never skips: on PostgreSQL, where
   * writers commit in parallel, only the settled prefix is returned (no entry above a seq whose
   * transaction is still open), so a consumer may advance its watermark to the last entry it got.
   */
  readChanges(after: number, limit: number): Promise<ChangePage>;
  /**
   * The feed's current settled position (one query): `readChanges(headSeq())` returns exactly the
   * entries committed after this call. Where writers commit in parallel (PostgreSQL) it never
   * passes a seq whose transaction is still open. 0 when the feed never had an entry.
   */
  headSeq(): Promise<number>;
  /**
   * Called after each commit that appended changes: this process's at once; other processes'
   * through LISTEN/NOTIFY on PostgreSQL, and within about 50 ms on SQLite (sqlite-change-poller.ts).
   */
  onChange(listener: (lastSeq: number) => void): () => void;
  /** Drops entries older than the retention window; returns how many were dropped. */
  pruneChanges(olderThan: Date): Promise<number>;

  /** Assigns in `role` (default `User`); a principal may hold several roles in one app. */
  assign(
    appId: string,
    principalType: ResourceKind,
    principalId: string,
    role?: string,
  ): Promise<AppAssignment>;
  /** Removes the assignment in `role`, or in every role the principal holds when it is omitted. */
  unassign(appId: string, principalType: ResourceKind, principalId: string, role?: string): Promise<boolean>;
  listAssignments(appId: string): Promise<readonly AppAssignment[]>;

  createToken(record: NewApiToken): Promise<ApiTokenRecord>;
  findToken(id: string): Promise<ApiTokenRecord | undefined>;
  listTokens(): Promise<readonly ApiTokenRecord[]>;
  revokeToken(name: string): Promise<boolean>;
  touchToken(id: string, at: Date): Promise<void>;
}
