/**
 * Attribute changes to SCIM PATCH operations (RFC 7644 §3.5.2), one per changed attribute and
 * only for changed attributes, each on the path the mapping names: `replace` a value, `remove` one
 * that is gone, `add` a new entry of a multi-valued attribute and the values added to one.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { isNoValue, valueDelta, type AttributeChange } from '../spi/index.js';
import { compileScimPath, type ScimPath } from './scim-paths.js';
import type { ScimBehaviour } from './scim-profiles.js';
import { memberValues, outgoingValue } from './scim-resource-mapping.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** One PATCH operation as sent. */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: JsonValue;
}

/** The body of a PATCH request. */
export function patchBody(operations: PatchOperation[]): JsonObject {
  return {
    schemas: [PATCH_OP_SCHEMA],
    Operations: operations.map((operation) => ({ ...operation }) as unknown as JsonObject),
  };
}

function attributePath(path: ScimPath): string {
  return path.urn === undefined ? path.attribute : `${path.urn}:${path.attribute}`;
}

/** The operations for one change. */
function operationsFor(change: AttributeChange, behaviour: ScimBehaviour): PatchOperation[] {
  const path = compileScimPath(change.attribute);
  const value = (v: JsonValue) => outgoingValue(v, behaviour);
  if (isNoValue(change.newValue)) return [{ op: 'remove', path: change.attribute }];
  const newValue = change.newValue;
  if (path.isManager) return [{ op: 'replace', path: attributePath(path), value: { value: value(newValue) } }];
  if (path.entry !== undefined && isNoValue(change.oldValue)) {
    // The entry may not exist yet: a `replace` through a filter that matches nothing is an error
    // in RFC 7644 (noTarget), so the RFC form adds the whole entry; Entra adds through the path.
    if (behaviour.entraStyle) return [{ op: 'add', path: change.attribute, value: value(newValue) }];
    const entry = Object.fromEntries(path.entry) as JsonObject;
    entry[path.sub!] = newValue;
    return [{ op: 'add', path: attributePath(path), value: [value(entry)] }];
  }
  if (Array.isArray(newValue) && path.entry === undefined && path.sub === undefined) {
    if (path.attribute.toLowerCase() === 'members') return membersChange(change);
    const delta = valueDelta(change);
    if (delta.removed.length === 0 && !isNoValue(change.oldValue)) {
      return [{ op: 'add', path: change.attribute, value: value(delta.added) }];
    }
    return [{ op: 'replace', path: change.attribute, value: value(newValue) }];
  }
  return [{ op: 'replace', path: change.attribute, value: value(newValue) }];
}

/** A change of a group's `members` attribute, as the values added and removed. */
function membersChange(change: AttributeChange): PatchOperation[] {
  const delta = valueDelta(change);
  const ids = (values: JsonValue[]) =>
    values.map((v) => (isJsonObject(v) && typeof v.value === 'string' ? v.value : String(v)));
  const operations: PatchOperation[] = [];
  if (delta.added.length > 0) operations.push({ op: 'add', path: 'members', value: memberValues(ids(delta.added)) });
  for (const id of ids(delta.removed)) {
    operations.push({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` });
  }
  return operations;
}

/** The PATCH operations for a list of changes, in the order of the changes. */
export function patchOperations(changes: readonly AttributeChange[], behaviour: ScimBehaviour): PatchOperation[] {
  return changes.flatMap((change) => operationsFor(change, behaviour));
}

/** Adding members: one `add` of `members` with a value per member. */
export function addMembersOperation(ids: readonly string[]): PatchOperation[] {
  return [{ op: 'add', path: 'members', value: memberValues(ids) }];
}

/**
 * Removing members: Entra's form (`remove members` with a value array) or the RFC's, one
 * `remove members[value eq "id"]` per member.
 */
export function removeMembersOperations(ids: readonly string[], behaviour: ScimBehaviour): PatchOperation[] {
  if (behaviour.entraStyle) return [{ op: 'remove', path: 'members', value: memberValues(ids) }];
  return ids.map((id) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` }));
}

/** Replacing the whole member list, for targets that take members no other way. */
export function replaceMembersOperation(ids: readonly string[]): PatchOperation[] {
  return [{ op: 'replace', path: 'members', value: memberValues(ids) }];
}
