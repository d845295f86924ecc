import type { Kysely } from 'kysely';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { printPatchPath } from '../../scim/filter/filter-printer.js';
import { applyPatch } from '../../scim/patch/apply-patch.js';
import { parsePatchRequest } from '../../scim/patch/parse-patch-request.js';
import type { PatchOperation } from '../../scim/patch/patch-types.js';
import { ScimError } from '../../scim/scim-error.js';
import type { AttributeResolver } from '../../scim/schema/schema-types.js';
import { SchemaUrn } from '../../scim/schema/schema-types.js';
import type { DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import type { PatchOperationInput, ResourceKind, WriteOptions } from '../directory-store.js';
import { memberFilterToSql } from './filter-to-sql.js';
import {
  addMembers,
  parseMemberIds,
  removeAllMembers,
  removeMembers,
  resolveMembers,
  setMembers,
} from './member-writes.js';
import type { ResourceRow } from './resource-rows.js';
import { loadRow } from './resource-rows.js';
import { checkRow, touchRow, writeAttributes } from './resource-writes.js';
import type { PendingChange } from '../change-feed/pending-change.js';
import { sealPassword } from './user-password.js';

/** The operations of a PATCH body's `Operations`, validated (400 naming the first bad one). */
export function parsePatchOperations(input: readonly PatchOperationInput[]): PatchOperation[] {
  return parsePatchRequest({
    schemas: [SchemaUrn.patchOp],
    Operations: input as unknown as JsonValue[],
  });
}

/** Whether a group PATCH operation adds, removes or replaces members, by path or in its value. */
export function patchTouchesMembers(operation: PatchOperation): boolean {
  return (
    targetsMembers(operation) ||
    (operation.path === undefined && splitMembersKey(operation.value).members !== undefined)
  );
}

/**
 * The members a group PATCH adds and removes, when that is all it does: only `add` and `remove`
 * of `members` with listed values, every add before every remove, no id both added and removed,
 * and the group not among them. Undefined for anything else (a filter, `replace`, attributes,
 * a remove of all members), which takes the general path.
 */
export function namedMemberChanges(
  groupId: string,
  operations: readonly PatchOperation[],
): { add: string[]; remove: string[] } | undefined {
  const add: string[] = [];
  const remove: string[] = [];
  for (const [i, operation] of operations.entries()) {
    const path = operation.path;
    if (!path || !targetsMembers(operation) || path.valueFilter || path.subAttr || path.attr.subAttr)
      return undefined;
    if (operation.value === undefined || operation.value === null) return undefined;
    const ids = parseMemberIds(operation.value, `Operations[${i}]`);
    if (operation.op === 'add' && remove.length === 0) add.push(...ids);
    else if (operation.op === 'remove') remove.push(...ids);
    else return undefined;
  }
  const added = new Set(add);
  if (added.has(groupId) || remove.some((id) => added.has(id))) return undefined;
  return { add: [...added], remove: [...new Set(remove)] };
}

function targetsMembers(operation: PatchOperation): boolean {
  const attr = operation.path?.attr;
  if (!attr || attr.name.toLowerCase() !== 'members') return false;
  return attr.uri === undefined || attr.uri.toLowerCase() === SchemaUrn.group.toLowerCase();
}

/** Splits `{ members: [...], displayName: "x" }` of a path-less operation into its two parts. */
function splitMembersKey(value: JsonValue | undefined): {
  members: JsonValue | undefined;
  rest: JsonObject | undefined;
} {
  if (!isJsonObject(value)) return { members: undefined, rest: undefined };
  let members: JsonValue | undefined;
  const rest: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.toLowerCase() === 'members') members = item;
    else rest[key] = item;
  }
  return { members, rest };
}

/** One `memberRemoved` feed entry per deleted membership row. */
function recordRemovals(
  groupId: string,
  rows: readonly { member_id: string; member_type: string }[],
  changes: PendingChange[],
): void {
  for (const row of rows) {
    changes.push({
      resourceType: 'Group',
      resourceId: groupId,
      kind: 'memberRemoved',
      attributes: ['members'],
      detail: { memberId: row.member_id, memberType: row.member_type },
    });
  }
}

/**
 * One operation on `members`, as SQL on group_members: inserts and deletes of the named members
 * only, so a 100k-member group costs the same as an empty one.
 */
async function applyMemberOperation(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  groupId: string,
  operation: PatchOperation,
  where: string,
  changes: PendingChange[],
): Promise<number> {
  const path = operation.path!;
  if (path.attr.subAttr !== undefined || path.subAttr !== undefined) {
    throw ScimError.invalidPath(
      `${where}: "${printPatchPath(path)}": members are added or removed whole, not by sub-attribute`,
    );
  }
  if (path.valueFilter !== undefined) {
    const condition = memberFilterToSql(path.valueFilter);
    if (!condition)
      throw ScimError.invalidPath(`${where}: a members filter may test only "value" and "type"`);
    if (operation.op === 'add')
      throw ScimError.invalidPath(`${where}: "add" takes the path "members", without a filter`);
    // RFC 7644 §3.5.2.2: remove the values the filter matches; replace puts the new values in their place.
    const rows = await trx
      .deleteFrom('group_members as m')
      .where('m.group_id', '=', groupId)
      .where(condition)
      .returning(['member_id', 'member_type'])
      .execute();
    recordRemovals(groupId, rows, changes);
    if (operation.op === 'remove') return rows.length;
    const members = await resolveMembers(trx, dialect, groupId, parseMemberIds(operation.value, where));
    return rows.length + (await addMembers(trx, groupId, members, changes));
  }
  switch (operation.op) {
    case 'add': {
      const members = await resolveMembers(trx, dialect, groupId, parseMemberIds(operation.value, where));
      return addMembers(trx, groupId, members, changes);
    }
    case 'remove':
      // Entra ID removes members with `path: "members"` and the members in `value`; without a
      // value the whole attribute goes (RFC 7644 §3.5.2.2).
      if (operation.value !== undefined && operation.value !== null) {
        return removeMembers(trx, groupId, parseMemberIds(operation.value, where), changes);
      }
      return removeAllMembers(trx, groupId, changes);
    case 'replace':
      return setMembers(trx, dialect, groupId, parseMemberIds(operation.value, where), changes);
  }
}

/**
 * PATCH (RFC 7644 §3.5.2), all-or-nothing inside the caller's transaction. Operations on a group's
 * `members` become SQL inserts / deletes; the rest go through applyPatch on the stored attributes.
 * The version moves only when something changed (Entra ID re-adds existing members routinely).
 */
export async function patchResource(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  resolver: AttributeResolver,
  type: ResourceKind,
  id: string,
  operations: readonly PatchOperation[],
  options: WriteOptions | undefined,
  changes: PendingChange[],
): Promise<ResourceRow> {
  const row = checkRow(await loadRow(trx, dialect, type, id, true), type, id, options);
  const rest: PatchOperation[] = [];
  let memberChanges = 0;
  for (const [i, operation] of operations.entries()) {
    const where = `Operations[${i}]`;
    if (type === 'Group' && targetsMembers(operation)) {
      memberChanges += await applyMemberOperation(trx, dialect, id, operation, where, changes);
      continue;
    }
    if (type === 'Group' && operation.path === undefined) {
      const { members, rest: others } = splitMembersKey(operation.value);
      if (members !== undefined) {
        const ids = parseMemberIds(members, `${where}.value.members`);
        memberChanges +=
          operation.op === 'replace'
            ? await setMembers(trx, dialect, id, ids, changes)
            : await addMembers(trx, id, await resolveMembers(trx, dialect, id, ids), changes);
        if (others && Object.keys(others).length > 0) rest.push({ op: operation.op, value: others });
        continue;
      }
    }
    rest.push(operation);
  }
  const patched = rest.length > 0 ? patchAttributes(dialect, resolver, row, rest) : undefined;
  if (patched) {
    changes.push({ resourceType: type, resourceId: id, kind: 'updated', attributes: patched.changed });
    return writeAttributes(trx, dialect, row, patched.before, patched.after);
  }
  return memberChanges > 0 ? touchRow(trx, dialect, row) : row;
}

/**
 * Applies attribute operations (none on `members`) to a row's stored attributes: the attributes
 * before and after (a new password sealed), and the names that changed; undefined when nothing did.
 */
export function patchAttributes(
  dialect: DialectAdapter,
  resolver: AttributeResolver,
  row: ResourceRow,
  operations: readonly PatchOperation[],
): { before: JsonObject; after: JsonObject; changed: readonly string[] } | undefined {
  const parsed = dialect.readJson(row.attributes);
  const before = isJsonObject(parsed) ? parsed : {};
  // `id` lives in its own column. The PATCH sees it, so that an operation echoing the current id
  // (Okta renames a group with `{"op":"replace","value":{"id":"…","displayName":"…"}}`) finds it
  // unchanged and skips it (tolerance T8), and one that changes it fails as read-only.
  const result = applyPatch({ ...before, id: row.id }, operations, { resolver });
  if (result.changedAttributes.length === 0) return undefined;
  const { id: _id, ...after } = result.resource;
  return { before, after: sealPassword(after), changed: result.changedAttributes };
}
