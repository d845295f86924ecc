/**
 * What the test target holds: users and groups as the JSON it received (plus id and meta), with
 * the checks a real SCIM application makes on each write: required and unique attributes, members
 * that exist, booleans of the expected JSON type, a required extension.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../src/shared/json.js';
import { invalidValue, notFound, uniqueness } from './target-errors.js';
import type { TargetProfile } from './target-profile.js';

export type TargetKind = 'User' | 'Group';

export const CORE_SCHEMA: Record<TargetKind, string> = {
  User: 'urn:ietf:params:scim:schemas:core:2.0:User',
  Group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
};

function hasBoolean(value: JsonValue): boolean {
  if (typeof value === 'boolean') return true;
  if (Array.isArray(value)) return value.some(hasBoolean);
  if (isJsonObject(value)) return Object.values(value).some(hasBoolean);
  return false;
}

export class TargetStore {
  readonly resources: Record<TargetKind, Map<string, JsonObject>> = { User: new Map(), Group: new Map() };
  /** userName / displayName, lower-cased, to id: the uniqueness index (a scan made benchmarks quadratic). */
  readonly #names: Record<TargetKind, Map<string, string>> = { User: new Map(), Group: new Map() };
  #next = 1;

  constructor(private readonly profile: () => TargetProfile) {}

  get(kind: TargetKind, id: string): JsonObject {
    const resource = this.resources[kind].get(id);
    if (resource === undefined) throw notFound(`${kind} ${id} not found`);
    return resource;
  }

  /**
   * The resources whose unique name (userName, displayName) may equal `name`, from the index; or
   * undefined where names are not unique (user names on a target that allows duplicates), since the
   * index then holds one holder only and a scan must answer.
   */
  byName(kind: TargetKind, name: string): JsonObject[] | undefined {
    if (kind === 'User' && !this.profile().uniqueUserNames) return undefined;
    const id = this.#names[kind].get(name.toLowerCase());
    const resource = id === undefined ? undefined : this.resources[kind].get(id);
    return resource === undefined ? [] : [resource];
  }

  exists(id: string): boolean {
    return this.resources.User.has(id) || this.resources.Group.has(id);
  }

  create(kind: TargetKind, body: JsonObject): JsonObject {
    const id = `${kind === 'User' ? 'u' : 'g'}${(this.#next++).toString().padStart(6, '0')}`;
    const resource = this.#checked(kind, body, id);
    this.#put(kind, id, resource);
    return resource;
  }

  #put(kind: TargetKind, id: string, resource: JsonObject): void {
    const old = this.resources[kind].get(id);
    if (old !== undefined) this.#names[kind].delete(nameOf(kind, old));
    this.resources[kind].set(id, resource);
    this.#names[kind].set(nameOf(kind, resource), id);
  }

  replace(kind: TargetKind, id: string, body: JsonObject): JsonObject {
    const old = this.get(kind, id);
    const resource = this.#checked(kind, body, id, old);
    this.#put(kind, id, resource);
    return resource;
  }

  delete(kind: TargetKind, id: string): void {
    this.#names[kind].delete(nameOf(kind, this.get(kind, id)));
    this.resources[kind].delete(id);
    for (const group of this.resources.Group.values()) {
      if (Array.isArray(group.members)) {
        group.members = group.members.filter((m) => !(isJsonObject(m) && m.value === id));
      }
    }
  }

  #checked(kind: TargetKind, input: JsonObject, id: string, old?: JsonObject): JsonObject {
    const profile = this.profile();
    const body: JsonObject = {};
    for (const [key, value] of Object.entries(input)) {
      if (key === 'id' || key === 'meta' || key === 'groups' || key === 'password') continue;
      body[key] = value;
    }
    const schemas = Array.isArray(body.schemas) ? body.schemas.filter((s) => typeof s === 'string') : [];
    if (!schemas.some((s) => s.toLowerCase() === CORE_SCHEMA[kind].toLowerCase())) {
      throw invalidValue(`schemas must include ${CORE_SCHEMA[kind]}`);
    }
    const extension = profile.requiredUserExtension;
    if (kind === 'User' && extension !== undefined && !schemas.includes(extension)) {
      throw invalidValue(`schemas must include ${extension}`);
    }
    if (profile.booleansAsStrings && hasBoolean(body)) {
      throw invalidValue('this application takes booleans as the strings "true" and "false"');
    }
    if (!profile.booleansAsStrings && body.active !== undefined && typeof body.active !== 'boolean') {
      throw invalidValue('active must be a boolean');
    }
    const key = kind === 'User' ? 'userName' : 'displayName';
    const name = body[key];
    if (typeof name !== 'string' || name === '') throw invalidValue(`${key} is required`);
    const holder = this.#names[kind].get(name.toLowerCase());
    const unique = kind === 'Group' || profile.uniqueUserNames;
    if (unique && holder !== undefined && holder !== id)
      throw uniqueness(`${key} '${name}' is already taken`);
    if (kind === 'Group' && body.members !== undefined) {
      if (!Array.isArray(body.members)) throw invalidValue('members must be an array');
      const seen = new Set<string>();
      const members: JsonObject[] = [];
      for (const member of body.members) {
        if (!isJsonObject(member) || typeof member.value !== 'string')
          throw invalidValue('each member needs a value');
        if (!this.exists(member.value)) throw invalidValue(`members: no resource with id '${member.value}'`);
        if (!seen.has(member.value)) members.push({ value: member.value });
        seen.add(member.value);
      }
      body.members = members;
    }
    const now = new Date().toISOString();
    const created = isJsonObject(old?.meta) && typeof old.meta.created === 'string' ? old.meta.created : now;
    return { ...body, id, meta: { resourceType: kind, created, lastModified: now } };
  }
}

function nameOf(kind: TargetKind, resource: JsonObject): string {
  return String(resource[kind === 'User' ? 'userName' : 'displayName']).toLowerCase();
}
