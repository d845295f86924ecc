import type { Kysely } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import type { PatchOperation } from '../../scim/patch/patch-types.js';
import type { AttributeResolver } from '../../scim/schema/schema-types.js';
import type { DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import type { ResourceKind, StoredResource, WriteOptions } from '../directory-store.js';
import {
  changedAttributeNames,
  extractColumns,
  extractEmails,
  storableAttributes,
} from '../resources/resource-columns.js';
import { newResourceId } from '../resources/resource-id.js';
import { namedMemberChanges, patchAttributes, patchTouchesMembers } from '../resources/resource-patch.js';
import type { ResourceRow } from '../resources/resource-rows.js';
import { loadRow, rememberAttributes } from '../resources/resource-rows.js';
import { checkRow, emailsChanged, mapUniqueViolation } from '../resources/resource-writes.js';

/*
 * Single-resource writes outside any transaction, each as one statement that commits on its own,
 * where the dialect has them (DialectAdapter.createInOneStatement, updateInOneStatement and
 * changeMembersInOneStatement: PostgreSQL, where every round trip costs a network write and a
 * wake-up of the server). A POST is one round trip instead of five; a PATCH or PUT of attributes
 * two (read, then write if the version is unchanged) instead of five; a PATCH adding or removing
 * named members one instead of seven. Each function returns undefined where it does not apply, and
 * the caller takes the transaction path: other writes to members (nesting, filters, replacing the
 * list), or an update that lost a race with another writer (the transaction path then reads the
 * row again under a lock).
 */

/** What a one-statement write did: the new row (or the unchanged one) and its seq (0 for none). */
export interface WrittenAlone<T> {
  readonly result: T;
  readonly seq: number;
}

/** POST: the resource row, its email rows and its feed entry. */
export async function createInOneStatement(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  item: JsonObject,
): Promise<WrittenAlone<StoredResource> | undefined> {
  if (!dialect.createInOneStatement) return undefined;
  const { stored, members } = storableAttributes(item);
  if (type === 'Group' && members !== undefined) return undefined;
  const id = newResourceId();
  const now = new Date();
  const time = dialect.time(now);
  let seq: number;
  try {
    seq = await dialect.createInOneStatement(
      db,
      {
        id,
        resource_type: type,
        created: time,
        ...extractColumns(type, stored),
        attributes: dialect.json(stored),
      },
      extractEmails(type, stored),
      {
        resource_type: type,
        resource_id: id,
        kind: 'created',
        attributes: dialect.json(Object.keys(stored).sort()),
        at: time,
        detail: null,
      },
    );
  } catch (error) {
    mapUniqueViolation(error, dialect, type, stored);
  }
  const result = { resourceType: type, id, version: 1, created: now, lastModified: now, attributes: stored };
  return { result, seq };
}

/**
 * PATCH of attributes only (any user; a group when no operation touches `members`), or of a
 * group's named members (changeMembersInOneStatement).
 */
export async function patchInOneStatement(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  resolver: AttributeResolver,
  type: ResourceKind,
  id: string,
  operations: readonly PatchOperation[],
  options: WriteOptions | undefined,
): Promise<WrittenAlone<ResourceRow> | undefined> {
  if (!dialect.updateInOneStatement) return undefined;
  if (type === 'Group' && operations.some(patchTouchesMembers)) {
    return changeMembersInOneStatement(db, dialect, id, operations, options);
  }
  const row = checkRow(await loadRow(db, dialect, type, id), type, id, options);
  const patched = patchAttributes(dialect, resolver, row, operations);
  if (!patched) return { result: row, seq: 0 };
  // A group's new displayName shows in its users' `groups`: their versions move too, on the
  // transaction path.
  if (type === 'Group' && renames(patched.changed)) return undefined;
  return updateInOneStatement(db, dialect, row, patched.before, patched.after, patched.changed);
}

/**
 * PATCH of a group that adds users and removes members by id (namedMemberChanges), as Entra ID
 * and Okta update group membership: one statement, reading no member list. Where the statement
 * wrote nothing (an unknown id, a nested group, a missing group or another version), the
 * transaction path runs and gives the error, or does the nesting with its cycle check.
 */
async function changeMembersInOneStatement(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  groupId: string,
  operations: readonly PatchOperation[],
  options: WriteOptions | undefined,
): Promise<WrittenAlone<ResourceRow> | undefined> {
  const named = dialect.changeMembersInOneStatement && namedMemberChanges(groupId, operations);
  if (!named) return undefined;
  const outcome = await dialect.changeMembersInOneStatement!(db, {
    groupId,
    expectedVersion: options?.ifMatchVersion,
    ...named,
    at: dialect.time(new Date()),
  });
  return outcome.done ? { result: { ...outcome.row, in_group: null }, seq: outcome.seq } : undefined;
}

/**
 * PUT of a user. A group's PUT sets its member list (all of it, or none when `members` is
 * omitted), which takes the transaction path.
 */
export async function replaceInOneStatement(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  id: string,
  input: JsonObject,
  options: WriteOptions | undefined,
): Promise<WrittenAlone<ResourceRow> | undefined> {
  if (!dialect.updateInOneStatement) return undefined;
  if (type === 'Group') return undefined;
  const { stored } = storableAttributes(input);
  const row = checkRow(await loadRow(db, dialect, type, id), type, id, options);
  const before = dialect.readJson(row.attributes) as JsonObject;
  const changed = changedAttributeNames(before, stored);
  if (changed.length === 0) return { result: row, seq: 0 };
  return updateInOneStatement(db, dialect, row, before, stored, changed);
}

function renames(changed: readonly string[]): boolean {
  return changed.some((name) => name.toLowerCase() === 'displayname');
}

/** Writes `after` over `row` if nobody wrote it since it was read; undefined if somebody did. */
async function updateInOneStatement(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  row: ResourceRow,
  before: JsonObject,
  after: JsonObject,
  changed: readonly string[],
): Promise<WrittenAlone<ResourceRow> | undefined> {
  const type = row.resource_type;
  const time = dialect.time(new Date());
  const columns = extractColumns(type, after);
  const version = Number(row.version) + 1;
  const json = dialect.json(after);
  let seq: number | undefined;
  try {
    seq = await dialect.updateInOneStatement!(
      db,
      {
        row: { id: row.id, version, last_modified: time, ...columns, attributes: json },
        expectedVersion: Number(row.version),
        emails: type === 'User' && emailsChanged(row, before, after) ? extractEmails(type, after) : undefined,
      },
      {
        resource_type: type,
        resource_id: row.id,
        kind: 'updated',
        attributes: dialect.json(changed),
        at: time,
        detail: null,
      },
    );
  } catch (error) {
    mapUniqueViolation(error, dialect, type, after);
  }
  if (seq === undefined) return undefined;
  const written = rememberAttributes(
    { ...row, version, last_modified: time, ...columns, attributes: json },
    after,
  );
  return { result: written, seq };
}
