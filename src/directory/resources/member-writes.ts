import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { ScimError } from '../../scim/scim-error.js';
import type { DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import type { ResourceKind } from '../directory-store.js';
import { attributeOf } from './resource-columns.js';
import { chunk, IN_LIST_CHUNK } from './resource-rows.js';
import type { PendingChange } from '../change-feed/pending-change.js';

/** A member as stored: the id and the type of the resource it names. */
export interface MemberRef {
  readonly id: string;
  readonly type: ResourceKind;
}

/**
 * Member ids from a `members` value as clients send it: an array of `{ value, type? }` objects
 * (RFC 7643 §4.2), a single such object, or bare id strings (a tolerance for lenient clients).
 * Duplicates collapse. The given `type` is not trusted: the stored resource's type is used.
 */
export function parseMemberIds(value: JsonValue | undefined, where: string): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  const ids = new Set<string>();
  for (const item of items) {
    const id = typeof item === 'string' ? item : isJsonObject(item) ? attributeOf(item, 'value') : undefined;
    if (typeof id !== 'string' || id === '') {
      throw ScimError.invalidValue(`${where}: each member needs a non-empty string "value"`);
    }
    ids.add(id);
  }
  return [...ids];
}

/**
 * Resolves member ids to stored users / groups. Unknown ids are invalidValue (RFC 7643 §4.2
 * members reference existing resources), and so is a group that would end up inside itself,
 * directly or through groups it contains: in such a cycle every group would grant the access of
 * all the others. A group being created (`created`) is inside no group yet, so its members cannot
 * close a cycle, and the check (with its lock on PostgreSQL) is skipped.
 */
export async function resolveMembers(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  groupId: string,
  ids: readonly string[],
  created = false,
): Promise<MemberRef[]> {
  const found = new Map<string, ResourceKind>();
  for (const part of chunk(ids, IN_LIST_CHUNK)) {
    const rows = await trx
      .selectFrom('resources')
      .select(['id', 'resource_type'])
      .where('id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.id, row.resource_type);
  }
  const members = ids.map((id): MemberRef => {
    if (id === groupId)
      throw ScimError.invalidValue(`members: a group cannot be a member of itself ("${id}")`);
    const type = found.get(id);
    if (type === undefined) throw ScimError.invalidValue(`members: no User or Group with id "${id}"`);
    return { id, type };
  });
  const groups = members.filter((member) => member.type === 'Group').map((member) => member.id);
  if (groups.length > 0 && !created) await refuseNestingCycle(trx, dialect, groupId, groups);
  await lockUsers(trx, dialect, members);
  return members;
}

/**
 * Where transactions run in parallel (PostgreSQL): locks the users about to be added, in id order
 * and after the group, with the lock the version bump of their `groups` takes anyway
 * (user-group-versions.ts). Otherwise the member rows' foreign key check would take a KEY SHARE
 * lock on each user first, and upgrading it could deadlock with a writer waiting for that user.
 */
async function lockUsers(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  members: readonly MemberRef[],
): Promise<void> {
  if (!dialect.lockRows) return;
  const users = members.filter((member) => member.type === 'User').map((member) => member.id);
  for (const part of chunk(users, IN_LIST_CHUNK)) {
    await sql`SELECT id FROM resources WHERE id IN (${sql.join(part)}) AND resource_type = 'User'
      ORDER BY id FOR NO KEY UPDATE`.execute(trx);
  }
}

/**
 * Fails when one of `groups` already contains `groupId`, directly or further down. Writers that
 * nest groups take one lock first where transactions run in parallel (PostgreSQL), so that two
 * requests nesting two groups into each other cannot both pass the check.
 */
async function refuseNestingCycle(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  groupId: string,
  groups: readonly string[],
): Promise<void> {
  await dialect.lockGroupNesting?.(trx);
  for (const part of chunk(groups, IN_LIST_CHUNK)) {
    const found = await sql<{ id: string }>`
      WITH RECURSIVE inside (id, via) AS (
        SELECT member_id, group_id FROM group_members
        WHERE group_id IN (${sql.join(part)}) AND member_type = 'Group'
        UNION
        SELECT gm.member_id, inside.via FROM group_members gm JOIN inside ON gm.group_id = inside.id
        WHERE gm.member_type = 'Group'
      )
      SELECT via AS id FROM inside WHERE id = ${groupId} LIMIT 1`.execute(trx);
    const via = found.rows[0]?.id;
    if (via !== undefined) {
      throw ScimError.invalidValue(
        `members: group "${via}" already contains group "${groupId}", so adding it would make a cycle`,
      );
    }
  }
}

function memberChange(
  groupId: string,
  kind: 'memberAdded' | 'memberRemoved',
  member: MemberRef,
): PendingChange {
  return {
    resourceType: 'Group',
    resourceId: groupId,
    kind,
    attributes: ['members'],
    detail: { memberId: member.id, memberType: member.type },
  };
}

/** Inserts members not already present; records a memberAdded change for each row inserted. */
export async function addMembers(
  trx: Kysely<DirectoryDatabase>,
  groupId: string,
  members: readonly MemberRef[],
  changes: PendingChange[],
): Promise<number> {
  let added = 0;
  for (const part of chunk(members, IN_LIST_CHUNK)) {
    const rows = await trx
      .insertInto('group_members')
      .values(part.map((m) => ({ group_id: groupId, member_id: m.id, member_type: m.type })))
      .onConflict((oc) => oc.columns(['group_id', 'member_id']).doNothing())
      .returning(['member_id', 'member_type'])
      .execute();
    for (const row of rows)
      changes.push(memberChange(groupId, 'memberAdded', { id: row.member_id, type: row.member_type }));
    added += rows.length;
  }
  return added;
}

/** Deletes the named members (absent ones are ignored); records a memberRemoved change for each. */
export async function removeMembers(
  trx: Kysely<DirectoryDatabase>,
  groupId: string,
  ids: readonly string[],
  changes: PendingChange[],
): Promise<number> {
  let removed = 0;
  for (const part of chunk(ids, IN_LIST_CHUNK)) {
    const rows = await trx
      .deleteFrom('group_members')
      .where('group_id', '=', groupId)
      .where('member_id', 'in', part)
      .returning(['member_id', 'member_type'])
      .execute();
    for (const row of rows)
      changes.push(memberChange(groupId, 'memberRemoved', { id: row.member_id, type: row.member_type }));
    removed += rows.length;
  }
  return removed;
}

/** Deletes every member of a group in one statement, recording each removal. */
export async function removeAllMembers(
  trx: Kysely<DirectoryDatabase>,
  groupId: string,
  changes: PendingChange[],
): Promise<number> {
  const rows = await trx
    .deleteFrom('group_members')
    .where('group_id', '=', groupId)
    .returning(['member_id', 'member_type'])
    .execute();
  for (const row of rows)
    changes.push(memberChange(groupId, 'memberRemoved', { id: row.member_id, type: row.member_type }));
  return rows.length;
}

/** Current member ids of a group: only for whole-list operations (PUT, replace of `members`). */
export async function currentMemberIds(trx: Kysely<DirectoryDatabase>, groupId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('group_members')
    .select('member_id')
    .where('group_id', '=', groupId)
    .execute();
  return rows.map((row) => row.member_id);
}

/**
 * Makes the member list equal `ids`: deletes what is no longer listed and inserts what is new, so
 * the feed records only real changes.
 */
export async function setMembers(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  groupId: string,
  ids: readonly string[],
  changes: PendingChange[],
): Promise<number> {
  if (ids.length === 0) return removeAllMembers(trx, groupId, changes);
  const wanted = new Set(ids);
  const current = new Set(await currentMemberIds(trx, groupId));
  const toRemove = [...current].filter((id) => !wanted.has(id));
  const toAdd = await resolveMembers(
    trx,
    dialect,
    groupId,
    [...wanted].filter((id) => !current.has(id)),
  );
  const removed = await removeMembers(trx, groupId, toRemove, changes);
  const added = await addMembers(trx, groupId, toAdd, changes);
  return removed + added;
}
