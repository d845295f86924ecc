/**
 * The test API's data: users and groups as plain JSON objects under string ids, a unique index on
 * each type's key attribute (userName, displayName) so lookups stay fast with 20,000 objects, and
 * group members as user ids on the group.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type ApiObject = { [key: string]: Json } & { id: string };
export type Collection = 'users' | 'groups';

export const KEY_ATTRIBUTE: Record<Collection, string> = { users: 'userName', groups: 'displayName' };

export function valueAt(object: Json | undefined, path: string): Json | undefined {
  let current: Json | undefined = object;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** RFC 7396 merge patch: null removes, objects merge, anything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base: { [key: string]: Json } =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key] ?? null, value);
  }
  return base;
}

export class ApiStore {
  readonly objects: Record<Collection, Map<string, ApiObject>> = { users: new Map(), groups: new Map() };
  readonly #index: Record<Collection, Map<string, string>> = { users: new Map(), groups: new Map() };
  #next = 1;

  keyOf(collection: Collection, object: Json): string | undefined {
    const value = valueAt(object, KEY_ATTRIBUTE[collection]);
    return typeof value === 'string' ? value.toLowerCase() : undefined;
  }

  byKey(collection: Collection, value: string): ApiObject | undefined {
    const id = this.#index[collection].get(value.toLowerCase());
    return id === undefined ? undefined : this.objects[collection].get(id);
  }

  /** Adds an object; answers 'duplicate' when its key is taken. */
  add(collection: Collection, body: { [key: string]: Json }, id?: string): ApiObject | 'duplicate' {
    const key = this.keyOf(collection, body);
    if (key !== undefined && this.#index[collection].has(key)) return 'duplicate';
    const object: ApiObject = { ...body, id: id ?? String(this.#next++) };
    if (collection === 'groups') object.members = Array.isArray(body.members) ? body.members : [];
    this.objects[collection].set(object.id, object);
    if (key !== undefined) this.#index[collection].set(key, object.id);
    return object;
  }

  /** Replaces an object (same id); 'duplicate' when the new key belongs to another. */
  put(collection: Collection, object: ApiObject): ApiObject | 'duplicate' {
    const old = this.objects[collection].get(object.id)!;
    const oldKey = this.keyOf(collection, old);
    const key = this.keyOf(collection, object);
    if (key !== undefined && key !== oldKey && this.#index[collection].has(key)) return 'duplicate';
    if (oldKey !== undefined) this.#index[collection].delete(oldKey);
    if (key !== undefined) this.#index[collection].set(key, object.id);
    this.objects[collection].set(object.id, object);
    return object;
  }

  remove(collection: Collection, id: string): boolean {
    const old = this.objects[collection].get(id);
    if (old === undefined) return false;
    const key = this.keyOf(collection, old);
    if (key !== undefined) this.#index[collection].delete(key);
    this.objects[collection].delete(id);
    if (collection === 'users') {
      for (const group of this.objects.groups.values()) {
        const members = group.members as string[];
        if (members.includes(id)) group.members = members.filter((m) => m !== id);
      }
    }
    return true;
  }
}
