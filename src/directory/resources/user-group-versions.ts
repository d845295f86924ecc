import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import type { DbTime, DirectoryDatabase } from '../database-types.js';
import { QueryTemplate } from '../query-template.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import type { PendingChange } from '../change-feed/pending-change.js';
import { chunk, IN_LIST_CHUNK } from './resource-rows.js';

/*
 * A user's `groups` (RFC 7643 §4.1.2) is computed from group_members when the user is read, so a
 * membership change does not touch the user's row; but its representation changed, and its
 * version (the ETag, RFC 7644 §3.14) and lastModified must move with it, or `If-None-Match`
 * answers 304 for a changed body and `If-Match` accepts a stale one. Every write that changes
 * some users' `groups` bumps exactly those users, in its own transaction (or, on the PostgreSQL
 * one-statement member write, in its statement): in one UPDATE per 500 users named, with a
 * recursive query for the users below a group.
 */

/** Users whose `groups` changed: these users, and every user below these groups at any depth. */
export interface GroupsChanged {
  readonly users: readonly string[];
  readonly groups: readonly string[];
}

/**
 * What a write's feed entries say about users' `groups`: a member added or removed (a user, or
 * the users below a member group) and a group renamed (its displayName is served as
 * `groups[].display`). Resources the write deleted are left out. A group's own deletion is
 * handled by its caller before the rows go (see deleteResource).
 */
export function groupsChangedBy(changes: readonly PendingChange[]): GroupsChanged {
  const users = new Set<string>();
  const groups = new Set<string>();
  const deleted = new Set<string>();
  for (const change of changes) {
    if (change.kind === 'deleted') deleted.add(change.resourceId);
    if (change.kind === 'memberAdded' || change.kind === 'memberRemoved') {
      const id = change.detail?.memberId;
      if (typeof id !== 'string') continue;
      if (change.detail?.memberType === 'Group') groups.add(id);
      else users.add(id);
    } else if (
      change.kind === 'updated' &&
      change.resourceType === 'Group' &&
      change.attributes.some((name) => name.toLowerCase() === 'displayname')
    ) {
      groups.add(change.resourceId);
    }
  }
  const kept = (ids: Set<string>) => [...ids].filter((id) => !deleted.has(id));
  return { users: kept(users), groups: kept(groups) };
}

/**
 * The users below `groupIds` at any depth, as a subquery (UNION makes it end on a membership
 * cycle, which the store refuses anyway).
 */
export function usersBelow(groupIds: RawBuilder<unknown>): RawBuilder<{ id: string }> {
  return sql<{ id: string }>`WITH RECURSIVE below (id) AS (
      SELECT member_id FROM group_members WHERE group_id IN (${groupIds})
      UNION
      SELECT gm.member_id FROM group_members gm JOIN below b ON gm.group_id = b.id
    )
    SELECT id FROM below`;
}

const bumpOneUser = new QueryTemplate((db, id: string, at: DbTime) =>
  db
    .updateTable('resources')
    .set((eb) => ({ version: eb('version', '+', 1), last_modified: at }))
    .where('id', '=', id)
    .where('resource_type', '=', 'User'),
);

/**
 * Moves version and lastModified of the users in `changed`, in the caller's transaction. On
 * PostgreSQL the rows are locked in id order first, so two writes bumping overlapping users
 * cannot deadlock on them, with NO KEY UPDATE (what the UPDATE takes anyway), which other
 * writers' foreign key checks (KEY SHARE) do not wait for.
 */
export async function bumpUsersWhoseGroupsChanged(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  changed: GroupsChanged,
): Promise<void> {
  const at = dialect.time(new Date());
  if (changed.groups.length === 0 && changed.users.length === 1 && !dialect.lockRows) {
    // One user joining or leaving a group, the usual member write: a precompiled statement.
    await bumpOneUser.execute(trx, dialect.name, changed.users[0]!, at);
    return;
  }
  const update = async (ids: RawBuilder<unknown>) => {
    const lockInOrder = dialect.lockRows ? sql`ORDER BY x.id FOR NO KEY UPDATE` : sql``;
    await sql`UPDATE resources SET version = version + 1, last_modified = ${at}
      WHERE id IN (
        SELECT x.id FROM resources x WHERE x.resource_type = 'User' AND x.id IN (${ids}) ${lockInOrder}
      )`.execute(trx);
  };
  for (const part of chunk(changed.users, IN_LIST_CHUNK)) await update(sql.join(part));
  for (const part of chunk(changed.groups, IN_LIST_CHUNK)) await update(usersBelow(sql.join(part)));
}
