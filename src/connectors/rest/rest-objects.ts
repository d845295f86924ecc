/**
 * An API's JSON objects as target objects and back, per object type: the id at `idPath`, each
 * mapped attribute at its JSON path (its own name, `name.givenName`, unless `attributes` names
 * another), the enabled flag and a group's members where the settings say. Reading flattens the
 * object into the same paths, so what a mapping wrote reads back under the name it wrote.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { sameValue, type ObjectType, type TargetAttributes, type TargetObject } from '../spi/index.js';
import { getAtPath, parseJsonPath, printJsonPath, setAtPath, type JsonPath } from './json-path.js';
import type { RestObjectSettings } from './rest-settings.js';

export interface EnabledRule {
  path: JsonPath;
  enabledValue: JsonValue;
  disabledValue: JsonValue;
}

/** The attribute of a group's member ids with `membership: array`. */
export const MEMBER_LIST_ATTRIBUTE = 'memberIds';

/** One object type's settings, with every path parsed once. */
export class RestObjectModel {
  readonly idPath: JsonPath;
  readonly enabled: EnabledRule | undefined;
  readonly membersPath: JsonPath | undefined;
  readonly memberIdPath: JsonPath | undefined;
  /**
   * With `membership: array`, the target attribute holding the member ids: read into it from
   * membersPath, and written from it at membersPath, each id wrapped at memberIdPath. One fixed
   * name, whatever the API's path: the engine keeps the name `members` for member operations and
   * leaves an attribute of that name out of a create, so the list must not be called that.
   */
  readonly membersAttribute: string | undefined;
  /** The texts of the paths a read leaves out of the attributes (the id, the member list). */
  readonly #skipped = new Set<string>();
  /** The mapped paths as text, for leaving their leaves out of the plain attributes. */
  readonly #mappedTexts: string[] = [];
  /** Attribute -> path, for the attributes whose path is not their own name. */
  readonly #mapped = new Map<string, JsonPath>();
  readonly #paths = new Map<string, JsonPath>();

  constructor(
    readonly type: ObjectType,
    readonly settings: RestObjectSettings,
  ) {
    this.idPath = parseJsonPath(settings.idPath);
    for (const [attribute, path] of Object.entries(settings.attributes ?? {}))
      this.#mapped.set(attribute, parseJsonPath(path));
    this.enabled =
      settings.enabled === undefined
        ? undefined
        : {
            path: parseJsonPath(settings.enabled.path),
            enabledValue: settings.enabled.enabledValue as JsonValue,
            disabledValue: settings.enabled.disabledValue as JsonValue,
          };
    this.membersPath = settings.membersPath === undefined ? undefined : parseJsonPath(settings.membersPath);
    this.memberIdPath =
      settings.memberIdPath === undefined ? undefined : parseJsonPath(settings.memberIdPath);
    this.membersAttribute =
      settings.membership === 'array' && this.membersPath !== undefined ? MEMBER_LIST_ATTRIBUTE : undefined;
    this.#skipped.add(printJsonPath(this.idPath));
    if (this.membersPath !== undefined) this.#skipped.add(printJsonPath(this.membersPath));
    this.#mappedTexts = [...this.#mapped.values()].map((path) => printJsonPath(path));
  }

  /** Where an attribute goes in the API's object. */
  pathOf(attribute: string): JsonPath {
    if (attribute === this.membersAttribute) return this.membersPath!;
    const mapped = this.#mapped.get(attribute);
    if (mapped !== undefined) return mapped;
    let path = this.#paths.get(attribute);
    if (path === undefined) {
      try {
        path = parseJsonPath(attribute);
      } catch {
        path = [attribute];
      }
      if (path.length === 0) path = [attribute];
      if (this.#paths.size < 4096) this.#paths.set(attribute, path);
    }
    return path;
  }

  /** The attributes nested at their paths (values that mean "no value" left out unless `keepNull`). */
  nest(attributes: TargetAttributes, keepNull = false): JsonObject {
    const out: JsonObject = {};
    for (const attribute in attributes) {
      if (!Object.hasOwn(attributes, attribute)) continue;
      const value = attributes[attribute]!;
      if (value === null && !keepNull) continue;
      setAtPath(out, this.pathOf(attribute), this.apiValue(attribute, value));
    }
    return out;
  }

  /** An attribute's value as the API keeps it (the member list's ids wrapped as its items). */
  apiValue(attribute: string, value: JsonValue): JsonValue {
    return attribute === this.membersAttribute ? this.memberItems(value) : value;
  }

  /** Member ids as the API's member list: the ids, or objects holding each at memberIdPath. */
  memberItems(ids: JsonValue): JsonValue {
    const idPath = this.memberIdPath;
    if (idPath === undefined || idPath.length === 0 || !Array.isArray(ids)) return ids;
    return ids.map((id) => {
      const item: JsonObject = {};
      setAtPath(item, idPath, id);
      return item;
    });
  }

  /** The id of an API object, or undefined when it has none. */
  idOf(json: JsonValue | undefined): string | undefined {
    const id = getAtPath(json, this.idPath);
    if (typeof id === 'string' && id !== '') return id;
    if (typeof id === 'number' && Number.isFinite(id)) return String(id);
    return undefined;
  }

  /** The JSON value for an enabled state. */
  enabledValue(enabled: boolean): JsonValue {
    return enabled ? this.enabled!.enabledValue : this.enabled!.disabledValue;
  }

  /** An API object (with an id) as a target object. */
  toTargetObject(json: JsonObject, id: string): TargetObject {
    const skip = this.#skipped;
    const mappedPaths = this.#mappedTexts;
    const attributes: TargetAttributes = {};
    flatten(json, '', (text, value) => {
      if (
        skip.has(text) ||
        (mappedPaths.length > 0 &&
          mappedPaths.some((m) => text === m || text.startsWith(`${m}.`) || text.startsWith(`${m}[`)))
      )
        return;
      attributes[text] = value;
    });
    for (const [attribute, path] of this.#mapped) {
      const value = getAtPath(json, path);
      if (value !== undefined) attributes[attribute] = value;
    }
    const object: TargetObject = { id, objectType: this.type, attributes };
    if (this.enabled !== undefined) {
      object.enabled = !sameValue(getAtPath(json, this.enabled.path), this.enabled.disabledValue);
    }
    if (this.membersAttribute !== undefined) attributes[this.membersAttribute] = this.membersOf(json);
    else if (this.membersPath !== undefined) object.members = this.membersOf(json);
    return object;
  }

  /** A group's member ids, read at `membersPath` (each item, or its `memberIdPath`). */
  membersOf(json: JsonObject): string[] {
    const list = getAtPath(json, this.membersPath!);
    if (!Array.isArray(list)) return [];
    const ids: string[] = [];
    for (const item of list) {
      const id = this.memberIdPath === undefined ? item : getAtPath(item, this.memberIdPath);
      if (typeof id === 'string' || typeof id === 'number') ids.push(String(id));
    }
    return ids;
  }
}

const PLAIN_KEY = /^[A-Za-z_$@][\w$@:-]*$/u;

/** A key appended to a path's text, as printJsonPath writes it. */
function childPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key) && !(parent === '' && key === '$')) return parent === '' ? key : `${parent}.${key}`;
  return printJsonPath([...(parent === '' ? [] : parseJsonPath(parent)), key]);
}

/**
 * Calls `visit` for each leaf of a JSON object with its path as printJsonPath writes it: scalars,
 * and arrays (kept whole: multi-valued). The text is built on the way down, not printed per leaf.
 */
function flatten(value: JsonValue, path: string, visit: (path: string, value: JsonValue) => void): void {
  if (isJsonObject(value)) {
    for (const key in value) if (Object.hasOwn(value, key)) flatten(value[key]!, childPath(path, key), visit);
    return;
  }
  if (path !== '') visit(path, value);
}

/**
 * True when an object's attribute holds `value`. find filters the API's answer by this, so an API
 * that ignores an unknown query parameter (and answers everyone) cannot make find match the wrong
 * object; strings compare without case, as the APIs that do filter mostly do.
 */
export function holdsValue(object: TargetObject, attribute: string, value: JsonValue): boolean {
  const held = object.attributes[attribute];
  const same = (a: JsonValue | undefined, b: JsonValue) =>
    typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : sameValue(a, b);
  if (Array.isArray(held) && !Array.isArray(value)) return held.some((item) => same(item, value));
  return same(held, value);
}
