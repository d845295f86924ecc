/**
 * The data of the in-memory target and the rules a real target would enforce: required and unique
 * attributes (already_exists, schema_violation), unique hierarchical names, membership that points at
 * objects that exist, and the removal of a deleted object from every group. No faults, no counters:
 * `memory-connector.ts` adds those around it.
 */
import type { JsonValue } from '../../shared/json.js';
import {
  applyAttributeChanges,
  ConnectorError,
  sameValue,
  type AttributeChange,
  type ObjectType,
  type TargetAttributes,
  type TargetObject,
} from '../spi/index.js';

/** The rules of the in-memory target. */
export interface MemoryRules {
  /** Attributes whose values must be unique per object type. Default: userName / displayName. */
  unique: Record<ObjectType, string[]>;
  /** Attributes an object must have. Default: the unique ones. */
  required: Record<ObjectType, string[]>;
  /** Whether string comparisons (uniqueness, find, names) are case-sensitive. Default false, as SCIM's userName. */
  caseExact: boolean;
  /** Whether objects carry an enabled flag (the target can disable). */
  tracksEnabled: boolean;
  /** Whether groups read back with `members` (native membership). */
  nativeMembers: boolean;
  /** The attribute that holds member ids, when membership is an attribute. */
  memberAttribute: { attribute: string; reference: 'id' | 'name' } | undefined;
}

/** An object as stored; `members` is kept for every group, whichever way membership is exposed. */
interface StoredObject {
  id: string;
  objectType: ObjectType;
  name: string | undefined;
  attributes: TargetAttributes;
  enabled: boolean;
  members: Set<string>;
}

/** An object to put into the store as it is (brownfield seeding): an id may be given. */
export interface SeedObject {
  id?: string;
  name?: string;
  attributes: TargetAttributes;
  enabled?: boolean;
  /** For groups: member ids. */
  members?: string[];
}

/** The objects of the in-memory target. */
export class MemoryStore {
  readonly #objects = new Map<string, StoredObject>();
  #sequence = 0;

  constructor(readonly rules: MemoryRules) {}

  /** Creates an object after checking required, unique and name rules. */
  create(
    objectType: ObjectType,
    input: {
      attributes: TargetAttributes;
      name?: string;
      enabled?: boolean;
      id?: string;
      members?: string[];
    },
  ): TargetObject {
    const attributes = withoutNoValues(input.attributes);
    if (input.id !== undefined && this.#objects.has(input.id)) {
      throw new ConnectorError('already_exists', `id ${input.id} is taken`);
    }
    this.#checkRules(objectType, attributes, undefined);
    if (input.name !== undefined) this.#checkName(input.name, undefined);
    const members = new Set(input.members ?? []);
    for (const id of members) this.#require(id, undefined);
    if (this.rules.memberAttribute !== undefined && objectType === 'Group') {
      for (const value of asArray(attributes[this.rules.memberAttribute.attribute]))
        this.#resolveMember(value);
    }
    const id = input.id ?? `${objectType === 'User' ? 'u' : 'g'}${String(++this.#sequence).padStart(8, '0')}`;
    const stored: StoredObject = {
      id,
      objectType,
      name: input.name,
      attributes,
      enabled: input.enabled ?? true,
      members,
    };
    this.#objects.set(id, stored);
    if (this.rules.memberAttribute !== undefined && objectType === 'Group')
      this.#syncMembersFromAttribute(stored);
    return this.#view(stored);
  }

  /** The object with this id and type, or `not_found`. */
  get(objectType: ObjectType, id: string): TargetObject {
    return this.#view(this.#require(id, objectType));
  }

  /** The objects of a type whose attribute holds the value (any value of a multi-valued attribute). */
  find(objectType: ObjectType, attribute: string, value: JsonValue): TargetObject[] {
    return this.all(objectType).filter((object) => {
      const held = object.attributes[attribute];
      const values = Array.isArray(held) ? held : [held];
      return values.some((item) => this.#same(item, value)) || this.#same(held, value);
    });
  }

  /** Every object of a type in id order (the order list pages follow). */
  all(objectType: ObjectType): TargetObject[] {
    return [...this.#objects.values()]
      .filter((object) => object.objectType === objectType)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((object) => this.#view(object));
  }

  /** Applies attribute changes in place (a partial update). */
  update(objectType: ObjectType, id: string, changes: readonly AttributeChange[]): void {
    const stored = this.#require(id, objectType);
    this.replace(objectType, id, applyAttributeChanges(stored.attributes, changes));
  }

  /** Replaces every attribute of an object (a PUT), after the same rule checks as a create. */
  replace(objectType: ObjectType, id: string, replacement: TargetAttributes): void {
    const stored = this.#require(id, objectType);
    const attributes = withoutNoValues(replacement);
    this.#checkRules(objectType, attributes, id);
    const memberAttribute = this.rules.memberAttribute;
    if (memberAttribute !== undefined && objectType === 'Group') {
      for (const value of asArray(attributes[memberAttribute.attribute])) this.#resolveMember(value);
    }
    stored.attributes = attributes;
    if (memberAttribute !== undefined && objectType === 'Group') this.#syncMembersFromAttribute(stored);
  }

  /** Removes an object and every membership that points at it. */
  delete(objectType: ObjectType, id: string): void {
    this.#require(id, objectType);
    this.#objects.delete(id);
    for (const group of this.#objects.values()) {
      if (group.members.delete(id)) this.#syncAttributeFromMembers(group);
    }
  }

  setEnabled(objectType: ObjectType, id: string, enabled: boolean): void {
    this.#require(id, objectType).enabled = enabled;
  }

  /** Gives an object a new name; the id stays, and member attributes that reference names follow. */
  rename(objectType: ObjectType, id: string, newName: string): TargetObject {
    const stored = this.#require(id, objectType);
    this.#checkName(newName, id);
    stored.name = newName;
    for (const group of this.#objects.values())
      if (group.members.has(id)) this.#syncAttributeFromMembers(group);
    return this.#view(stored);
  }

  /** Adds members (all must exist; nothing changes when one does not). */
  addMembers(groupId: string, memberIds: readonly string[]): void {
    const group = this.#require(groupId, 'Group');
    for (const id of memberIds) this.#require(id, undefined);
    for (const id of memberIds) group.members.add(id);
    this.#syncAttributeFromMembers(group);
  }

  /** Removes members; ids that are not members are ignored. */
  removeMembers(groupId: string, memberIds: readonly string[]): void {
    const group = this.#require(groupId, 'Group');
    for (const id of memberIds) group.members.delete(id);
    this.#syncAttributeFromMembers(group);
  }

  /** The number of objects of a type. */
  count(objectType: ObjectType): number {
    let n = 0;
    for (const object of this.#objects.values()) if (object.objectType === objectType) n++;
    return n;
  }

  /** Removes every object. */
  clear(): void {
    this.#objects.clear();
  }

  #require(id: string, objectType: ObjectType | undefined): StoredObject {
    const stored = this.#objects.get(id);
    if (stored === undefined || (objectType !== undefined && stored.objectType !== objectType)) {
      throw new ConnectorError('not_found', `The target holds no ${objectType ?? 'object'} with id ${id}`);
    }
    return stored;
  }

  #checkRules(objectType: ObjectType, attributes: TargetAttributes, selfId: string | undefined): void {
    const missing = this.rules.required[objectType].filter((name) => attributes[name] === undefined);
    if (missing.length > 0) {
      throw new ConnectorError('schema_violation', `${objectType} requires ${missing.join(', ')}`);
    }
    for (const name of this.rules.unique[objectType]) {
      const value = attributes[name];
      if (value === undefined) continue;
      for (const other of this.#objects.values()) {
        if (other.id === selfId || other.objectType !== objectType) continue;
        if (this.#same(other.attributes[name], value)) {
          throw new ConnectorError(
            'already_exists',
            `A ${objectType} with ${name} ${JSON.stringify(value)} exists`,
            {
              detail: `conflicts with id ${other.id}`,
            },
          );
        }
      }
    }
  }

  #checkName(name: string, selfId: string | undefined): void {
    for (const other of this.#objects.values()) {
      if (other.id !== selfId && other.name !== undefined && this.#same(other.name, name)) {
        throw new ConnectorError('already_exists', `The name ${name} is taken`, {
          detail: `by id ${other.id}`,
        });
      }
    }
  }

  #same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
    if (!this.rules.caseExact && typeof a === 'string' && typeof b === 'string') {
      return a.toLowerCase() === b.toLowerCase();
    }
    return a !== undefined && sameValue(a, b);
  }

  #resolveMember(value: JsonValue): StoredObject {
    const byName = this.rules.memberAttribute?.reference === 'name';
    for (const object of this.#objects.values()) {
      if (
        byName
          ? typeof value === 'string' && object.name !== undefined && this.#same(object.name, value)
          : object.id === value
      ) {
        return object;
      }
    }
    throw new ConnectorError('not_found', `The member ${JSON.stringify(value)} is not in the target`);
  }

  #syncMembersFromAttribute(group: StoredObject): void {
    const attribute = this.rules.memberAttribute!.attribute;
    group.members = new Set(
      asArray(group.attributes[attribute]).map((value) => this.#resolveMember(value).id),
    );
  }

  #syncAttributeFromMembers(group: StoredObject): void {
    const memberAttribute = this.rules.memberAttribute;
    if (memberAttribute === undefined) return;
    const values = [...group.members].map((id) => {
      const member = this.#objects.get(id)!;
      return memberAttribute.reference === 'name' ? (member.name ?? member.id) : member.id;
    });
    if (values.length === 0) delete group.attributes[memberAttribute.attribute];
    else group.attributes[memberAttribute.attribute] = values;
  }

  #view(stored: StoredObject): TargetObject {
    const object: TargetObject = {
      id: stored.id,
      objectType: stored.objectType,
      attributes: structuredClone(stored.attributes),
    };
    if (stored.name !== undefined) object.name = stored.name;
    if (this.rules.tracksEnabled) object.enabled = stored.enabled;
    if (stored.objectType === 'Group' && this.rules.nativeMembers) {
      object.members = [...stored.members].sort();
    }
    return object;
  }
}

function asArray(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function withoutNoValues(attributes: TargetAttributes): TargetAttributes {
  const result: TargetAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    result[name] = structuredClone(value);
  }
  return result;
}
