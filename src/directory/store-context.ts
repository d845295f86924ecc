import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { AttributeResolver } from '../scim/schema/schema-types.js';
import type { DirectoryDatabase } from './database-types.js';
import type { DialectAdapter } from './dialect-adapter.js';
import { appendChanges } from './change-feed/change-feed.js';
import type { PendingChange } from './change-feed/pending-change.js';
import type { PageContinuations } from './resources/page-continuations.js';
import { bumpUsersWhoseGroupsChanged, groupsChangedBy } from './resources/user-group-versions.js';

/** Supplies attribute resolvers per resource type; a SchemaRegistry satisfies it. */
export interface ResolverSource {
  resolver(resourceTypeName: string): AttributeResolver;
}

/** State shared by a store and the transaction-bound views it hands to `transaction(work)`. */
export interface StoreShared {
  readonly root: Kysely<DirectoryDatabase>;
  readonly dialect: DialectAdapter;
  readonly resolvers: ResolverSource | undefined;
  readonly listeners: Set<(lastSeq: number) => void>;
  /** Highest seq listeners were told about; drops duplicate wake-ups (own NOTIFY echoes). */
  notifiedSeq: number;
  savepointCounter: number;
  /** Most matches a list may sort in memory (see resource-list.ts). */
  readonly inMemorySortCap: number;
  /** Where recent list pages ended (page-continuations.ts). */
  readonly continuations: PageContinuations;
  /** Called when the store closes (LISTEN connection, pools). */
  readonly closers: (() => Promise<void>)[];
  /** SQLite: wakes listeners for other processes' commits while any listen (sqlite-change-poller.ts). */
  changePoller?: { listenersChanged(): void };
  /** SQLite: group commit for writes outside `transaction(work)` (see sqlite-write-batcher.ts). */
  batcher?: {
    submit<T>(work: (trx: Kysely<DirectoryDatabase>, changes: PendingChange[]) => Promise<T>): Promise<T>;
  };
}

/** One scope of work: the root database or an open outer transaction (Bulk). */
export interface StoreScope {
  readonly shared: StoreShared;
  /** The transaction of `transaction(work)`, when this scope is inside one. */
  readonly trx: Kysely<DirectoryDatabase> | undefined;
  /** Inside `transaction(work)`: the highest seq appended, to announce after the outer commit. */
  pendingSeq: number;
}

/** Tells in-process listeners about `lastSeq` once (a later, higher seq supersedes it). */
export function announce(shared: StoreShared, lastSeq: number): void {
  // On PostgreSQL a seq can be announced (by this process's own commit) before it is settled for
  // readers; the listener's later report of the settled seq, possibly lower, must still wake them.
  if (lastSeq <= shared.notifiedSeq && shared.dialect.name !== 'postgres') return;
  shared.notifiedSeq = Math.max(shared.notifiedSeq, lastSeq);
  for (const listener of [...shared.listeners]) {
    try {
      listener(shared.notifiedSeq);
    } catch {
      // A failing listener must not break the write that already committed, nor other listeners.
    }
  }
}

/** The executor for reads in this scope. */
export function reader(scope: StoreScope): Kysely<DirectoryDatabase> {
  return scope.trx ?? scope.shared.root;
}

/**
 * Runs a write: `work` gets a transaction and a list to push feed entries into; the entries are
 * appended in that same transaction, right before commit, and listeners hear of them after commit.
 * Inside `transaction(work)` the write runs under a savepoint, so a failed write leaves no trace
 * while the outer transaction goes on (PostgreSQL would otherwise poison the whole transaction).
 */
export async function runWrite<T>(
  scope: StoreScope,
  write: (trx: Kysely<DirectoryDatabase>, changes: PendingChange[]) => Promise<T>,
): Promise<T> {
  const { shared } = scope;
  // Users whose `groups` the write changed get a new version in the same transaction.
  const work = async (trx: Kysely<DirectoryDatabase>, changes: PendingChange[]): Promise<T> => {
    const result = await write(trx, changes);
    const changed = groupsChangedBy(changes);
    if (changed.users.length > 0 || changed.groups.length > 0) {
      await bumpUsersWhoseGroupsChanged(trx, shared.dialect, changed);
    }
    return result;
  };
  if (scope.trx) {
    const trx = scope.trx;
    const name = `provisio_sp_${++shared.savepointCounter}`;
    await sql.raw(`SAVEPOINT ${name}`).execute(trx);
    try {
      const changes: PendingChange[] = [];
      const result = await work(trx, changes);
      const lastSeq = await appendChanges(trx, shared.dialect, changes);
      await sql.raw(`RELEASE SAVEPOINT ${name}`).execute(trx);
      if (lastSeq > scope.pendingSeq) scope.pendingSeq = lastSeq;
      return result;
    } catch (error) {
      await sql.raw(`ROLLBACK TO SAVEPOINT ${name}`).execute(trx);
      await sql.raw(`RELEASE SAVEPOINT ${name}`).execute(trx);
      throw error;
    }
  }
  if (shared.batcher) return shared.batcher.submit(work);
  let lastSeq = 0;
  const result = await shared.root.transaction().execute(async (trx) => {
    const changes: PendingChange[] = [];
    const value = await work(trx, changes);
    lastSeq = await appendChanges(trx, shared.dialect, changes);
    return value;
  });
  if (lastSeq > 0) announce(shared, lastSeq);
  return result;
}
