/**
 * Target attribute paths as the app's mappings write them (`userName`, `name.givenName`,
 * `emails[type eq "work"].value`, `urn:...:enterprise:2.0:User:department`), compiled once and used
 * to read, write and remove one value in a SCIM resource's JSON. Parsing is the SCIM core's PATCH
 * path parser, so a path means here what it means in a PATCH the connector sends.
 */
import { collectOperands, parsePatchPath, findKeyCaseInsensitive } from '../../scim/filter/index.js';
import { isCoreSchemaUri } from '../../scim/filter/index.js';
import { ScimError } from '../../scim/scim-error.js';
import { isJsonObject, type JsonObject, type JsonPrimitive, type JsonValue } from '../../shared/json.js';
import { ConnectorError } from '../spi/index.js';

export const ENTERPRISE_USER_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A compiled target path. */
export interface ScimPath {
  readonly text: string;
  /** The extension schema the attribute lives under; undefined for core attributes. */
  readonly urn?: string;
  readonly attribute: string;
  /** For `attr[type eq "work"].sub`: the fields that pick (and are written into) the entry. */
  readonly entry?: readonly (readonly [string, JsonPrimitive])[];
  readonly sub?: string;
  /** The enterprise manager, whose value is the manager's id in `{ value }`. */
  readonly isManager: boolean;
}

const compiled = new Map<string, ScimPath>();
const MAX_COMPILED = 4096;

/** Compiles a path; an unparsable one is the mapping's error, reported as schema_violation. */
export function compileScimPath(text: string): ScimPath {
  const known = compiled.get(text);
  if (known !== undefined) return known;
  const path = parse(text);
  // Paths come from app mappings, a few dozen; the bound only guards against a runaway caller.
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(text, path);
  return path;
}

function parse(text: string): ScimPath {
  let parsed;
  try {
    parsed = parsePatchPath(text);
  } catch (error) {
    const reason = error instanceof ScimError ? error.detail : String(error);
    throw new ConnectorError('schema_violation', `'${text}' is not a SCIM attribute path: ${reason}`);
  }
  let urn = parsed.attr.uri;
  let attribute = parsed.attr.name;
  let sub = parsed.valueFilter ? parsed.subAttr : parsed.attr.subAttr;
  // The parser splits `urn:...:2.0:User:manager.value` at the last colon; a dot after the
  // attribute name is a sub-attribute, a dot before it is part of the URN.
  if (urn !== undefined && !parsed.valueFilter && attribute.includes('.')) {
    const dot = attribute.indexOf('.');
    sub = attribute.slice(dot + 1);
    attribute = attribute.slice(0, dot);
  }
  if (urn !== undefined && isCoreSchemaUri(urn)) urn = undefined;
  let entry: [string, JsonPrimitive][] | undefined;
  if (parsed.valueFilter) {
    if (sub === undefined) {
      throw new ConnectorError('schema_violation', `'${text}': a value path needs a sub-attribute after ]`);
    }
    entry = [];
    for (const operand of collectOperands(parsed.valueFilter, 'and')) {
      if (operand.kind !== 'compare' || operand.op !== 'eq' || operand.path.subAttr !== undefined) {
        throw new ConnectorError(
          'schema_violation',
          `'${text}': the filter of a target path may only join 'attribute eq value' with 'and'`,
        );
      }
      entry.push([operand.path.name, operand.value]);
    }
  }
  const isManager =
    urn !== undefined &&
    urn.toLowerCase() === ENTERPRISE_USER_URN.toLowerCase() &&
    attribute.toLowerCase() === 'manager' &&
    (sub === undefined || sub.toLowerCase() === 'value');
  return {
    text,
    ...(urn !== undefined ? { urn } : {}),
    attribute,
    ...(entry ? { entry } : {}),
    ...(sub !== undefined && !isManager ? { sub } : {}),
    isManager,
  };
}

function get(object: JsonObject, name: string): JsonValue | undefined {
  const key = findKeyCaseInsensitive(object, name);
  return key === undefined ? undefined : object[key];
}

function sameField(a: JsonValue | undefined, b: JsonPrimitive): boolean {
  // SCIM `type` values and most canonical values compare case-insensitively (RFC 7643 §2.4).
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function entryIndex(list: JsonValue[], fields: readonly (readonly [string, JsonPrimitive])[]): number {
  return list.findIndex(
    (item) => isJsonObject(item) && fields.every(([name, value]) => sameField(get(item, name), value)),
  );
}

/** The container the path's attribute lives in: the resource, or its extension object. */
function container(resource: JsonObject, path: ScimPath, create: boolean): JsonObject | undefined {
  if (path.urn === undefined) return resource;
  const key = findKeyCaseInsensitive(resource, path.urn);
  const existing = key === undefined ? undefined : resource[key];
  if (isJsonObject(existing)) return existing;
  if (!create) return undefined;
  const made: JsonObject = {};
  resource[path.urn] = made;
  return made;
}

/** The value at `path` in `resource`, or undefined. */
export function readPath(resource: JsonObject, path: ScimPath): JsonValue | undefined {
  const holder = container(resource, path, false);
  if (holder === undefined) return undefined;
  const value = get(holder, path.attribute);
  if (path.isManager) return isJsonObject(value) ? get(value, 'value') : value;
  if (path.entry !== undefined) {
    if (!Array.isArray(value)) return undefined;
    const index = entryIndex(value, path.entry);
    const item = index < 0 ? undefined : value[index];
    return isJsonObject(item) ? get(item, path.sub!) : undefined;
  }
  if (path.sub !== undefined) return isJsonObject(value) ? get(value, path.sub) : undefined;
  return value;
}

/** Writes `value` at `path`, creating the extension object, complex value or entry as needed. */
export function writePath(resource: JsonObject, path: ScimPath, value: JsonValue): void {
  const holder = container(resource, path, true)!;
  const key = findKeyCaseInsensitive(holder, path.attribute) ?? path.attribute;
  if (path.isManager) {
    holder[key] = { value };
    return;
  }
  if (path.entry !== undefined) {
    let list = holder[key];
    if (!Array.isArray(list)) holder[key] = list = [];
    const index = entryIndex(list, path.entry);
    let item = index < 0 ? undefined : list[index];
    if (!isJsonObject(item)) {
      item = Object.fromEntries(path.entry) as JsonObject;
      list.push(item);
    }
    item[findKeyCaseInsensitive(item, path.sub!) ?? path.sub!] = value;
    return;
  }
  if (path.sub !== undefined) {
    const parent = holder[key];
    if (isJsonObject(parent)) parent[findKeyCaseInsensitive(parent, path.sub) ?? path.sub] = value;
    else holder[key] = { [path.sub]: value };
    return;
  }
  holder[key] = value;
}

/** Removes the value at `path`, and the entry or complex value it leaves empty. */
export function removePath(resource: JsonObject, path: ScimPath): void {
  const holder = container(resource, path, false);
  if (holder === undefined) return;
  const key = findKeyCaseInsensitive(holder, path.attribute);
  if (key === undefined) return;
  if (path.entry !== undefined) {
    const list = holder[key];
    if (!Array.isArray(list)) return;
    const index = entryIndex(list, path.entry);
    const item = list[index];
    if (!isJsonObject(item)) return;
    const sub = findKeyCaseInsensitive(item, path.sub!);
    if (sub !== undefined) delete item[sub];
    const identifying = new Set(path.entry.map(([name]) => name.toLowerCase()));
    if (Object.keys(item).every((name) => identifying.has(name.toLowerCase()) || name === 'primary'))
      list.splice(index, 1);
    if (list.length === 0) delete holder[key];
    return;
  }
  if (path.sub !== undefined) {
    const parent = holder[key];
    if (!isJsonObject(parent)) return;
    const sub = findKeyCaseInsensitive(parent, path.sub);
    if (sub !== undefined) delete parent[sub];
    if (Object.keys(parent).length === 0) delete holder[key];
    return;
  }
  delete holder[key];
}

/** Whether `resource` holds the entry a value-filter path addresses (`emails[type eq "work"]`). */
export function hasEntry(resource: JsonObject, path: ScimPath): boolean {
  if (path.entry === undefined) return false;
  const holder = container(resource, path, false);
  const list = holder === undefined ? undefined : get(holder, path.attribute);
  return Array.isArray(list) && entryIndex(list, path.entry) >= 0;
}
