/**
 * The working copy a PATCH request is applied to. It shares structure with the caller's resource
 * and copies an object or array only the first time an operation writes into it, so a request
 * touching one attribute of a large resource costs one shallow copy of the path it touches, and
 * the caller's resource is never written to (all-or-nothing: on error the draft is dropped).
 */
import type { ResolvedAttribute } from '../schema/schema-types.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';

/** The key under which `name` is stored in `container`, matched case-insensitively (RFC 7643 §2.1). */
export function findKey(container: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(container, name)) return name;
  const lower = name.toLowerCase();
  for (const key of Object.keys(container)) if (key.toLowerCase() === lower) return key;
  return undefined;
}

/** Reads `name` from `container` case-insensitively. */
export function readAttribute(container: JsonObject | undefined, name: string): JsonValue | undefined {
  if (container === undefined) return undefined;
  const key = findKey(container, name);
  return key === undefined ? undefined : container[key];
}

export class PatchDraft {
  /** The resource being built; a shallow copy of the input from the start. */
  readonly root: JsonObject;
  private readonly owned = new WeakSet<object>();
  private readonly changedOrder: string[] = [];
  private readonly changedSet = new Set<string>();

  constructor(original: JsonObject) {
    this.root = { ...original };
    this.owned.add(this.root);
  }

  /** `value` itself when this draft created it, else a shallow copy the draft now owns. */
  own<T extends JsonObject | JsonValue[]>(value: T): T {
    if (this.owned.has(value)) return value;
    const copy = (Array.isArray(value) ? value.slice() : { ...value }) as T;
    this.owned.add(copy);
    return copy;
  }

  /** Marks a freshly built object or array as owned, so later writes need no copy. */
  adopt<T extends JsonObject | JsonValue[]>(value: T): T {
    this.owned.add(value);
    return value;
  }

  /**
   * The object holding `resolved`'s attribute: the resource itself for core attributes, the object
   * under the schema URN for extension attributes (RFC 7643 §3.3). With `forWrite`, the extension
   * object is created (and its URN added to `schemas`) or copied so it can be written to.
   */
  container(resolved: ResolvedAttribute, forWrite: boolean): JsonObject | undefined {
    if (!resolved.isExtension) return this.root;
    const key = findKey(this.root, resolved.schema);
    const current = key === undefined ? undefined : this.root[key];
    if (!forWrite) return isJsonObject(current) ? current : undefined;
    if (key !== undefined && isJsonObject(current)) {
      const writable = this.own(current);
      if (key !== resolved.schema) delete this.root[key];
      this.root[resolved.schema] = writable;
      return writable;
    }
    const created = this.adopt({} as JsonObject);
    if (key !== undefined) delete this.root[key];
    this.root[resolved.schema] = created;
    this.addSchemaUrn(resolved.schema);
    return created;
  }

  /** Drops an extension object that an operation left empty, with its URN in `schemas`. */
  pruneExtension(resolved: ResolvedAttribute): void {
    if (!resolved.isExtension) return;
    const key = findKey(this.root, resolved.schema);
    if (key === undefined) return;
    const current = this.root[key];
    if (isJsonObject(current) && Object.keys(current).length === 0) {
      delete this.root[key];
      const schemas = this.root['schemas'];
      if (Array.isArray(schemas)) {
        const lower = resolved.schema.toLowerCase();
        const kept = schemas.filter((s) => typeof s !== 'string' || s.toLowerCase() !== lower);
        if (kept.length !== schemas.length) this.root['schemas'] = this.adopt(kept);
      }
    }
  }

  /** Writes `value` under the canonical `name`, dropping a differently-cased key. */
  write(container: JsonObject, name: string, value: JsonValue): void {
    const key = findKey(container, name);
    if (key !== undefined && key !== name) delete container[key];
    container[name] = value;
  }

  /** Removes `name` (any case) from `container`. */
  erase(container: JsonObject, name: string): void {
    const key = findKey(container, name);
    if (key !== undefined) delete container[key];
  }

  /** Records that an attribute changed, for the change feed. */
  markChanged(attributeName: string): void {
    if (this.changedSet.has(attributeName)) return;
    this.changedSet.add(attributeName);
    this.changedOrder.push(attributeName);
  }

  /** Changed attribute names in first-change order. */
  changed(): string[] {
    return this.changedOrder.slice();
  }

  private addSchemaUrn(urn: string): void {
    const schemas = this.root['schemas'];
    if (!Array.isArray(schemas)) return;
    const lower = urn.toLowerCase();
    if (schemas.some((s) => typeof s === 'string' && s.toLowerCase() === lower)) return;
    const next = this.own(schemas);
    next.push(urn);
    this.root['schemas'] = next;
  }
}
