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

/**
 * Whether building the PATCH needs to know which entries the resource holds: in the RFC's form a
 * sub-attribute of an entry that does not exist yet is added as a whole new entry, and one of an
 * existing entry is replaced through its filter, so the connector reads the resource first.
 */
export function needsEntryCheck(changes: readonly AttributeChange[], behaviour: ScimBehaviour): boolean {
  if (behaviour.entraStyle) return false;
  return changes.some(
    (change) =>
      isNoValue(change.oldValue) &&
      !isNoValue(change.newValue) &&
      compileScimPath(change.attribute).entry !== undefined,
  );
}

/** Answers whether the resource holds the entry a path addresses. */
export type EntryCheck = (path: ScimPath) => boolean;

/** New entries of the RFC form, one per attribute and entry, collecting every sub-attribute set. */
class NewEntries {
  readonly #entries = new Map<string, { operation: PatchOperation; entry: JsonObject }>();

  /** The operation to place, the first time an entry is seen; undefined when it joins one placed before. */
  add(path: ScimPath, value: JsonValue, behaviour: ScimBehaviour): PatchOperation | undefined {
    const key = `${attributePath(path).toLowerCase()} ${JSON.stringify(path.entry)}`;
    const known = this.#entries.get(key);
    if (known !== undefined) {
      known.entry[path.sub!] = outgoingValue(value, behaviour);
      return undefined;
    }
    const entry = outgoingValue(Object.fromEntries(path.entry!) as JsonObject, behaviour) as JsonObject;
    entry[path.sub!] = outgoingValue(value, behaviour);
    const operation: PatchOperation = { op: 'add', path: attributePath(path), value: [entry] };
    this.#entries.set(key, { operation, entry });
    return operation;
  }
}

/** The operations for one change. */
function operationsFor(
  change: AttributeChange,
  behaviour: ScimBehaviour,
  entryExists: EntryCheck,
  newEntries: NewEntries,
): PatchOperation[] {
  const path = compileScimPath(change.attribute);
  const value = (v: JsonValue) => outgoingValue(v, behaviour);
  if (isNoValue(change.newValue)) return [{ op: 'remove', path: change.attribute }];
  const newValue = change.newValue;
  if (path.isManager)
    return [{ op: 'replace', path: attributePath(path), value: { value: value(newValue) } }];
  if (path.entry !== undefined && isNoValue(change.oldValue)) {
    // Entra adds through the filter path, creating the entry when none matches. In RFC 7644 a
    // filter that matches nothing is an error (noTarget), so a missing entry is added whole.
    if (behaviour.entraStyle) return [{ op: 'add', path: change.attribute, value: value(newValue) }];
    if (entryExists(path)) return [{ op: 'replace', path: change.attribute, value: value(newValue) }];
    const operation = newEntries.add(path, newValue, behaviour);
    return operation === undefined ? [] : [operation];
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
  if (delta.added.length > 0)
    operations.push({ op: 'add', path: 'members', value: memberValues(ids(delta.added)) });
  for (const id of ids(delta.removed)) {
    operations.push({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` });
  }
  return operations;
}

/**
 * The PATCH operations for a list of changes, in the order of the changes. `entryExists` is needed
 * when `needsEntryCheck` says so; without it every entry is taken as absent.
 */
export function patchOperations(
  changes: readonly AttributeChange[],
  behaviour: ScimBehaviour,
  entryExists: EntryCheck = () => false,
): PatchOperation[] {
  const newEntries = new NewEntries();
  return changes.flatMap((change) => operationsFor(change, behaviour, entryExists, newEntries));
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
