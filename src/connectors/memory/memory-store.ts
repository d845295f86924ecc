/**
 * The data of the in-memory target and the rules a real target would enforce: required and unique
 * attributes (already_exists, schema_violation), unique hierarchical names, membership that points at
 * objects that exist, and the removal of a deleted object from every group. No faults, no counters:
 * `memory-connector.ts` adds those around it.
 *
 * Lookups are indexed, so a target of a million objects answers a `find` or a uniqueness check in
 * constant time, as a real directory would: an attribute gets a value index the first time it is
 * searched or checked for uniqueness, kept up to date by every write after that; names have one
 * index; each type keeps its objects in a map and its id order in a cached array.
 */
import { cloneJson, type JsonValue } from '../../shared/json.js';
import {
  applyAttributeChanges,
  canonicalValue,
  ConnectorError,
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

/**
 * An object as stored; `members` is kept for every group, whichever way membership is exposed. A
 * user given no members holds the shared NO_MEMBERS (an empty set is about 160 bytes, 16 MB for
 * 100,000 users); only groups' sets are ever written (addMembers, removeMembers and the member
 * attribute's sync take groups alone).
 */
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
/**
 * The objects holding each value of one attribute of one type. `elements` holds each value of a
 * multi-valued attribute (what `find` matches), `whole` the value as a whole (what uniqueness
 * compares); for a single value both hold the same key.
 */
interface AttributeIndex {
  readonly attribute: string;
  readonly elements: Map<string, Holders>;
  readonly whole: Map<string, Holders>;
}

/**
 * The objects holding one value: the object itself while it is the only one (the usual case, and
 * always so for a unique attribute), a set once there are more. A set per value cost more memory
 * than the objects' attributes on a target of 100,000 users.
 */
type Holders = StoredObject | Set<StoredObject>;

function holdersOf(holders: Holders | undefined): Iterable<StoredObject> {
  if (holders === undefined) return [];
  return holders instanceof Set ? holders : [holders];
}

/** Adds or removes one holder of a value key. */
function putHolder(
  map: Map<string, Holders>,
  valueKey: string,
  stored: StoredObject,
  direction: 1 | -1,
): void {
  const held = map.get(valueKey);
  if (direction === 1) {
    if (held === undefined) map.set(valueKey, stored);
    else if (held instanceof Set) held.add(stored);
    else if (held !== stored) map.set(valueKey, new Set([held, stored]));
    return;
  }
  if (held === stored) map.delete(valueKey);
  else if (held instanceof Set) {
    held.delete(stored);
    if (held.size === 1) map.set(valueKey, held.values().next().value!);
  }
}

/** The members of every user created without any: empty, and never written (see StoredObject). */
const NO_MEMBERS: Set<string> = new Set();

export class MemoryStore {
  readonly #objects = new Map<string, StoredObject>();
  readonly #byType: Record<ObjectType, Map<string, StoredObject>> = { User: new Map(), Group: new Map() };
  /** Objects of a type in id order; dropped when an object comes or goes. */
  readonly #sorted: Partial<Record<ObjectType, StoredObject[]>> = {};
  readonly #indexes: Record<ObjectType, Map<string, AttributeIndex>> = { User: new Map(), Group: new Map() };
  /** Objects by the index key of their name (names are unique across types). */
  readonly #names = new Map<string, StoredObject>();
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
    const members =
      objectType === 'User' && (input.members === undefined || input.members.length === 0)
        ? NO_MEMBERS
        : new Set(input.members);
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
    this.#byType[objectType].set(id, stored);
    delete this.#sorted[objectType];
    if (stored.name !== undefined) this.#names.set(this.#key(stored.name), stored);
    this.#indexObject(stored);
    if (this.rules.memberAttribute !== undefined && objectType === 'Group')
      this.#syncMembersFromAttribute(stored);
    return this.#view(stored);
  }

  /** The object with this id and type, or `not_found`. */
  get(objectType: ObjectType, id: string): TargetObject {
    return this.#view(this.#require(id, objectType));
  }

  /** The objects of a type whose attribute holds the value (any value of a multi-valued attribute), in id order. */
  find(objectType: ObjectType, attribute: string, value: JsonValue): TargetObject[] {
    const index = this.#index(objectType, attribute);
    const valueKey = this.#key(value);
    const elements = index.elements.get(valueKey);
    const whole = index.whole.get(valueKey);
    // Nobody, or one object holding the value (a matching lookup's usual answers): no set to sort.
    if (elements === undefined && whole === undefined) return [];
    if (!(elements instanceof Set) && !(whole instanceof Set) && (elements === whole || whole === undefined))
      return [this.#view((elements ?? whole)!)];
    const found = new Set(holdersOf(elements));
    for (const object of holdersOf(whole)) found.add(object);
    return [...found].sort(byId).map((object) => this.#view(object));
  }

  /** Every object of a type in id order (the order list pages follow). */
  all(objectType: ObjectType): TargetObject[] {
    return this.#inOrder(objectType).map((object) => this.#view(object));
  }

  /** Up to `limit` objects of a type after the id `after` (or from the first), in id order. */
  page(
    objectType: ObjectType,
    after: string | undefined,
    limit: number,
  ): { objects: TargetObject[]; more: boolean } {
    const sorted = this.#inOrder(objectType);
    let start = 0;
    if (after !== undefined) {
      // Binary search for the first id greater than `after`.
      let hi = sorted.length;
      while (start < hi) {
        const mid = (start + hi) >>> 1;
        if (sorted[mid]!.id <= after) start = mid + 1;
        else hi = mid;
      }
    }
    const slice = sorted.slice(start, start + limit);
    return { objects: slice.map((object) => this.#view(object)), more: start + limit < sorted.length };
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
    this.#unindexObject(stored);
    stored.attributes = attributes;
    this.#indexObject(stored);
    if (memberAttribute !== undefined && objectType === 'Group') this.#syncMembersFromAttribute(stored);
  }

  /** Removes an object and every membership that points at it. */
  delete(objectType: ObjectType, id: string): void {
    const stored = this.#require(id, objectType);
    this.#unindexObject(stored);
    if (stored.name !== undefined) this.#names.delete(this.#key(stored.name));
    this.#objects.delete(id);
    this.#byType[objectType].delete(id);
    delete this.#sorted[objectType];
    for (const group of this.#byType.Group.values()) {
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
    if (stored.name !== undefined) this.#names.delete(this.#key(stored.name));
    stored.name = newName;
    this.#names.set(this.#key(newName), stored);
    for (const group of this.#byType.Group.values())
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
    return this.#byType[objectType].size;
  }

  /** Removes every object. */
  clear(): void {
    this.#objects.clear();
    for (const type of ['User', 'Group'] as const) {
      this.#byType[type].clear();
      this.#indexes[type].clear();
      delete this.#sorted[type];
    }
    this.#names.clear();
  }

  #inOrder(objectType: ObjectType): StoredObject[] {
    let sorted = this.#sorted[objectType];
    if (sorted === undefined) {
      sorted = [...this.#byType[objectType].values()].sort(byId);
      this.#sorted[objectType] = sorted;
    }
    return sorted;
  }

  /**
   * The index key of a value under the store's case rule: strings compare without case unless
   * caseExact, everything else by canonical text (sameValue), so two values match exactly when
   * their keys are equal.
   */
  #key(value: JsonValue): string {
    if (typeof value === 'string' && !this.rules.caseExact) return `s:${value.toLowerCase()}`;
    return `c:${canonicalValue(value)}`;
  }

  /** The value index of an attribute, built on first use from every object of the type. */
  #index(objectType: ObjectType, attribute: string): AttributeIndex {
    let index = this.#indexes[objectType].get(attribute);
    if (index === undefined) {
      index = { attribute, elements: new Map(), whole: new Map() };
      this.#indexes[objectType].set(attribute, index);
      for (const object of this.#byType[objectType].values()) this.#indexValue(index, object, 1);
    }
    return index;
  }

  #indexObject(stored: StoredObject): void {
    for (const index of this.#indexes[stored.objectType].values()) this.#indexValue(index, stored, 1);
  }

  #unindexObject(stored: StoredObject): void {
    for (const index of this.#indexes[stored.objectType].values()) this.#indexValue(index, stored, -1);
  }

  #indexValue(index: AttributeIndex, stored: StoredObject, direction: 1 | -1): void {
    const held = stored.attributes[index.attribute];
    if (held === undefined) return;
    const wholeKey = this.#key(held);
    putHolder(index.whole, wholeKey, stored, direction);
    if (Array.isArray(held))
      for (const item of held) putHolder(index.elements, this.#key(item), stored, direction);
    else putHolder(index.elements, wholeKey, stored, direction);
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
      for (const other of holdersOf(this.#index(objectType, name).whole.get(this.#key(value)))) {
        if (other.id === selfId) continue;
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

  #checkName(name: string, selfId: string | undefined): void {
    const other = this.#names.get(this.#key(name));
    if (other !== undefined && other.id !== selfId) {
      throw new ConnectorError('already_exists', `The name ${name} is taken`, {
        detail: `by id ${other.id}`,
      });
    }
  }

  #resolveMember(value: JsonValue): StoredObject {
    const byName = this.rules.memberAttribute?.reference === 'name';
    const object = byName
      ? typeof value === 'string'
        ? this.#names.get(this.#key(value))
        : undefined
      : typeof value === 'string'
        ? this.#objects.get(value)
        : undefined;
    if (object !== undefined) return object;
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
    this.#unindexObject(group);
    if (values.length === 0) delete group.attributes[memberAttribute.attribute];
    else group.attributes[memberAttribute.attribute] = values;
    this.#indexObject(group);
  }

  #view(stored: StoredObject): TargetObject {
    const object: TargetObject = {
      id: stored.id,
      objectType: stored.objectType,
      attributes: cloneJson(stored.attributes),
    };
    if (stored.name !== undefined) object.name = stored.name;
    if (this.rules.tracksEnabled) object.enabled = stored.enabled;
    if (stored.objectType === 'Group' && this.rules.nativeMembers) {
      object.members = [...stored.members].sort();
    }
    return object;
  }
}

function byId(a: StoredObject, b: StoredObject): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function asArray(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function withoutNoValues(attributes: TargetAttributes): TargetAttributes {
  const result: TargetAttributes = {};
  for (const name of Object.keys(attributes)) {
    const value = attributes[name]!;
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    result[name] = cloneJson(value);
  }
  return result;
}
