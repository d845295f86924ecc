import type { Kysely, Selectable } from 'kysely';
import type { JsonValue } from '../shared/json.js';
import type { DbJson, DbTime, DirectoryDatabase, ResourcesTable } from './database-types.js';
import type { ExtractedEmail } from './resources/resource-columns.js';

/** Which SQL engine a store runs on. */
export type DialectName = 'sqlite' | 'postgres';

/**
 * The few places where SQLite and PostgreSQL differ, kept behind one object so the query code
 * reads the same for both: value encodings, row locks, how the change feed stays gap-free for
 * readers, NOTIFY and recognising unique violations.
 */
export interface DialectAdapter {
  readonly name: DialectName;
  /** Encodes a timestamp for a column or a comparison. */
  time(date: Date): DbTime;
  readTime(value: unknown): Date;
  json(value: JsonValue | readonly string[]): DbJson;
  readJson(value: unknown): JsonValue;
  readInt(value: unknown): number;
  /** `FOR UPDATE` on PostgreSQL; SQLite serialises writers on its one connection instead. */
  readonly lockRows: boolean;
  /**
   * SQLite keeps the number of users and of groups in `resource_counts` (migration 0002), so an
   * unfiltered list need not count the table; PostgreSQL counts (see the migration for why).
   */
  readonly keepsResourceCounts: boolean;
  /**
   * A scalar SQL expression, read in the same statement as a page of rows, that is equal for two
   * reads only if no resource changed in between (page-continuations.ts). SQLite: the change
   * feed's AUTOINCREMENT counter, which every write moves in its own transaction. PostgreSQL: the
   * statement's snapshot (xmin, xmax and the transactions in progress), which is unchanged only if
   * no transaction on the server took a transaction id or ended: stricter than needed, since
   * writes to anything count, but exact. The feed's seq would not do there: a seq is taken before
   * commit, so a transaction committing late would not move it.
   */
  readonly changeMarkSql: string;
  /**
   * Where transactions run in parallel (PostgreSQL): taken, until commit, by a transaction about to
   * nest groups, so that its check for a cycle sees every other nesting (member-writes.ts).
   */
  readonly lockGroupNesting?: (trx: Kysely<DirectoryDatabase>) => Promise<void>;
  /** Wakes other processes after commit (PostgreSQL NOTIFY is transactional). */
  notify(db: Kysely<DirectoryDatabase>, lastSeq: number): Promise<void>;
  /** The violated unique index name, when `error` is a unique violation. */
  uniqueViolation(error: unknown): string | undefined;
  /**
   * Set where writers commit in parallel (PostgreSQL): appends at most FEED_INSERT_BATCH feed rows
   * in one statement that first registers the transaction as in flight (see
   * `readSettledFeed`), then inserts, then queues the NOTIFY; returns the highest seq written.
   */
  readonly appendFeedRows?: (db: Kysely<DirectoryDatabase>, rows: readonly FeedRow[]) => Promise<number>;
  /**
   * Set where every round trip to the database costs (PostgreSQL, over the network): creates one
   * resource with its email rows and its feed entry in one statement, which commits on its own
   * (no BEGIN and COMMIT: one round trip instead of five). Registers in flight as `appendFeedRows`
   * does; returns the seq. Not for use inside a transaction the caller opened.
   */
  readonly createInOneStatement?: (
    db: Kysely<DirectoryDatabase>,
    resource: NewResourceRow,
    emails: readonly ExtractedEmail[],
    change: FeedRow,
  ) => Promise<number>;
  /**
   * Set with `createInOneStatement`: writes a resource's new version (and, when `emails` is given,
   * its email rows) with its feed entry in one statement, only if the row is still at
   * `expectedVersion`. Returns the seq, or undefined when the row had moved on or gone (nothing
   * is written then). Not for use inside a transaction the caller opened.
   */
  readonly updateInOneStatement?: (
    db: Kysely<DirectoryDatabase>,
    update: {
      readonly row: UpdatedResourceRow;
      readonly expectedVersion: number;
      readonly emails: readonly ExtractedEmail[] | undefined;
    },
    change: FeedRow,
  ) => Promise<number | undefined>;
  /**
   * Set with `createInOneStatement`: adds users to and removes members from a group in one
   * statement, with the group's new version (only when a member row changed) and one feed entry
   * per row changed, added before removed. Writes nothing, and says why, when an id to add names
   * no resource or a group (nesting needs its cycle check), or when the group is missing, not at
   * `expectedVersion`, or changed by another writer while the statement ran. Not for use inside a
   * transaction the caller opened.
   */
  readonly changeMembersInOneStatement?: (
    db: Kysely<DirectoryDatabase>,
    change: MemberChange,
  ) => Promise<MemberChangeOutcome>;
  /**
   * Set where every round trip costs (PostgreSQL): deletes a resource whose row the caller's
   * transaction has locked, in one statement: bumps the version of each group that contained it,
   * and deletes the row (memberships, assignments and email rows go by cascade). Returns the ids
   * of those groups (sorted) and the assignments it held (app and role, sorted by both), for the
   * feed. Without it the store does the same in separate statements.
   */
  readonly deleteLockedResource?: (
    trx: Kysely<DirectoryDatabase>,
    id: string,
    at: DbTime,
  ) => Promise<DeletedResourceLinks>;
  /**
   * Set where seq order is not commit order (PostgreSQL): the pruned horizon and the settled
   * bound, read in one statement that must run before (not in) the statement reading the rows.
   * Without it (SQLite, one writer at a time) every committed seq is settled.
   */
  readonly readSettledFeed?: (db: Kysely<DirectoryDatabase>) => Promise<FeedBounds>;
}

/** What a reader may rely on about the feed at one moment. */
export interface FeedBounds {
  /** The highest seq removed by pruning (0 when nothing was). */
  readonly prunedThrough: number;
  /**
   * Every transaction that took a seq at or below this one has committed or aborted, so the
   * entries up to it that a later statement sees are all there will ever be. `Infinity` where
   * seq order is commit order (SQLite): everything committed is settled.
   */
  readonly settledThrough: number;
}

/** A new resources row: version 1, lastModified = created. */
export interface NewResourceRow {
  readonly id: string;
  readonly resource_type: 'User' | 'Group';
  readonly created: DbTime;
  readonly user_name: string | null;
  readonly external_id: string | null;
  readonly display_name: string | null;
  readonly active: number | null;
  readonly reference_display: string | null;
  readonly attributes: DbJson;
}

/** A resources row's new version, as an update writes it. */
export interface UpdatedResourceRow {
  readonly id: string;
  readonly version: number;
  readonly last_modified: DbTime;
  readonly user_name: string | null;
  readonly external_id: string | null;
  readonly display_name: string | null;
  readonly active: number | null;
  readonly reference_display: string | null;
  readonly attributes: DbJson;
}

/** Members to add to and remove from one group (disjoint id lists). */
export interface MemberChange {
  readonly groupId: string;
  /** Write only if the group is at this version (If-Match); any version when undefined. */
  readonly expectedVersion: number | undefined;
  readonly add: readonly string[];
  readonly remove: readonly string[];
  readonly at: DbTime;
}

/** What `changeMembersInOneStatement` did: the group's row after it, or why it wrote nothing. */
export type MemberChangeOutcome =
  | { readonly done: true; readonly row: Selectable<ResourcesTable>; readonly seq: number }
  | { readonly done: false; readonly reason: 'unknownMember' | 'nestsGroup' | 'groupChanged' };

/** One change_feed row as the store writes it (seq is assigned by the database). */
export interface FeedRow {
  readonly resource_type: 'User' | 'Group';
  readonly resource_id: string;
  readonly kind: string;
  readonly attributes: DbJson;
  readonly at: DbTime;
  readonly detail: DbJson | null;
}

/** What a deleted resource took with it, for the feed: its groups, and each assignment it held. */
export interface DeletedResourceLinks {
  readonly groups: readonly string[];
  readonly assignments: readonly { readonly appId: string; readonly role: string }[];
}
