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

/** One object type's settings, with every path parsed once. */
export class RestObjectModel {
  readonly idPath: JsonPath;
  readonly enabled: EnabledRule | undefined;
  readonly membersPath: JsonPath | undefined;
  readonly memberIdPath: JsonPath | undefined;
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
  }

  /** Where an attribute goes in the API's object. */
  pathOf(attribute: string): JsonPath {
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
    for (const [attribute, value] of Object.entries(attributes)) {
      if (value === null && !keepNull) continue;
      setAtPath(out, this.pathOf(attribute), value);
    }
    return out;
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
    const skip = new Set<string>([printJsonPath(this.idPath)]);
    if (this.membersPath !== undefined) skip.add(printJsonPath(this.membersPath));
    const mappedPaths = [...this.#mapped.values()].map((path) => printJsonPath(path));
    const attributes: TargetAttributes = {};
    flatten(json, [], (path, value) => {
      const text = printJsonPath(path);
      if (
        skip.has(text) ||
        mappedPaths.some((m) => text === m || text.startsWith(`${m}.`) || text.startsWith(`${m}[`))
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
    if (this.membersPath !== undefined) object.members = this.membersOf(json);
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

/** Calls `visit` for each leaf of a JSON object: scalars, and arrays (kept whole: multi-valued). */
function flatten(
  value: JsonValue,
  path: (string | number)[],
  visit: (path: JsonPath, value: JsonValue) => void,
): void {
  if (isJsonObject(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, [...path, key], visit);
    return;
  }
  if (path.length > 0) visit(path, value);
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
