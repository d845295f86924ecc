/**
 * Target attribute paths compiled into writers that build the nested JSON a connector sends:
 * `userName`, `name.givenName`, `urn:...:enterprise:2.0:User:manager` (under its URN key), and
 * value-filter paths such as `emails[type eq "work"].value`, which write into the entry of the
 * multi-valued attribute whose filter attributes match, creating it with them (`type: "work"`).
 * Paths are parsed once, with the SCIM core's PATCH path parser (RFC 7644 §3.5.2).
 */
import type { JsonObject, JsonPrimitive, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { Filter } from '../../scim/filter/filter-ast.js';
import { parsePatchPath } from '../../scim/filter/filter-parser.js';
import { collectOperands } from '../../scim/filter/filter-compiler.js';
import { ScimError } from '../../scim/scim-error.js';
import type { AttributeResolver } from '../../scim/schema/schema-types.js';

/** A compiled target path. */
export interface TargetPath {
  /** The path as written in the mapping. */
  readonly text: string;
  /** The URN key the attribute nests under, or undefined for core attributes. */
  readonly urn?: string;
  readonly attribute: string;
  /** For `[filter]` paths: the fields that identify (and are written into) the entry. */
  readonly entry?: readonly (readonly [string, JsonPrimitive])[];
  /** The sub-attribute written (`givenName` of `name.givenName`, `value` of `emails[...].value`). */
  readonly sub?: string;
  /** Lower-cased identity of what the path writes, for duplicate and overlap checks. */
  readonly key: string;
  /** Lower-cased identity of the top-level attribute (with URN). */
  readonly topKey: string;
}

/** Parses a target path; throws Error with a message for the administrator. */
export function compileTargetPath(text: string): TargetPath {
  if (typeof text !== 'string' || text.trim() === '') throw new Error('a target attribute path is required');
  let parsed;
  try {
    parsed = parsePatchPath(text);
  } catch (error) {
    if (error instanceof ScimError) throw new Error(error.message);
    throw error;
  }
  let urn = parsed.attr.uri;
  let attribute = parsed.attr.name;
  let sub = parsed.valueFilter ? parsed.subAttr : parsed.attr.subAttr;
  // `urn:...:User:manager.value`: the parser split at the last ':'; a dot in what precedes the
  // attribute name is part of the URN (`...:2.0:User`), one after it a sub-attribute.
  if (urn !== undefined && !parsed.valueFilter && attribute.includes('.')) {
    const dot = attribute.indexOf('.');
    sub = attribute.slice(dot + 1);
    attribute = attribute.slice(0, dot);
  }
  if (urn !== undefined && /^urn:ietf:params:scim:schemas:core:2\.0:(user|group)$/iu.test(urn))
    urn = undefined;
  let entry: [string, JsonPrimitive][] | undefined;
  if (parsed.valueFilter) {
    if (sub === undefined) {
      throw new Error(
        `'${text}': a value-filter path needs a sub-attribute after the filter, e.g. ${attribute}[type eq "work"].value`,
      );
    }
    entry = entryFields(parsed.valueFilter, text);
  }
  const topKey = `${urn === undefined ? '' : `${urn.toLowerCase()}:`}${attribute.toLowerCase()}`;
  const entryKey = entry
    ? `[${entry.map(([k, v]) => `${k.toLowerCase()}=${JSON.stringify(v)}`).join(',')}]`
    : '';
  const key = `${topKey}${entryKey}${sub === undefined ? '' : `.${sub.toLowerCase()}`}`;
  return {
    text,
    ...(urn !== undefined ? { urn } : {}),
    attribute,
    ...(entry ? { entry } : {}),
    ...(sub !== undefined ? { sub } : {}),
    key,
    topKey,
  };
}

/** `type eq "work" and primary eq true` -> [["type","work"],["primary",true]]; nothing else identifies an entry. */
function entryFields(filter: Filter, text: string): [string, JsonPrimitive][] {
  const fields: [string, JsonPrimitive][] = [];
  for (const operand of collectOperands(filter, 'and')) {
    if (
      operand.kind !== 'compare' ||
      operand.op !== 'eq' ||
      operand.path.uri !== undefined ||
      operand.path.subAttr !== undefined ||
      operand.value === null
    ) {
      throw new Error(
        `'${text}': a target filter names the entry to write, so it may only join 'attribute eq value' with 'and'`,
      );
    }
    fields.push([operand.path.name, operand.value]);
  }
  return fields;
}

/** The SCIM type of the attribute a path writes, when the target's schema knows it. */
export type TargetType = 'boolean' | 'integer' | 'decimal' | undefined;

/**
 * The type of the attribute `path` writes according to `resolver` (the target's schema), so string
 * results of expressions ("True", "42") can be sent as the JSON type the schema declares, as Entra
 * converts them to the target attribute's type.
 */
export function targetTypeOf(path: TargetPath, resolver: AttributeResolver | undefined): TargetType {
  if (!resolver) return undefined;
  const resolved = resolver.resolve(path.urn, path.attribute, path.sub);
  const type = (resolved?.subAttribute ?? resolved?.attribute)?.type;
  return type === 'boolean' || type === 'integer' || type === 'decimal' ? type : undefined;
}

/** Converts a string to the target type when it spells one ("true", "False", "42"); anything else passes. */
export function coerceToTargetType(value: JsonValue, type: TargetType): JsonValue {
  if (typeof value !== 'string' || type === undefined) return value;
  if (type === 'boolean') {
    const lower = value.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : value;
  }
  const trimmed = value.trim();
  if (trimmed === '') return value;
  const number = Number(trimmed);
  if (!Number.isFinite(number)) return value;
  return type === 'integer' && !Number.isSafeInteger(number) ? value : number;
}

/** Writes `value` at `path` into `target`, creating containers and entries as needed. */
export function writeTargetValue(target: JsonObject, path: TargetPath, value: JsonValue): void {
  // The common shapes first: a core attribute, and a core complex attribute's sub-attribute.
  if (path.urn === undefined && path.entry === undefined) {
    if (path.sub === undefined) {
      target[path.attribute] = value;
      return;
    }
    const parent = target[path.attribute];
    if (isJsonObject(parent)) parent[path.sub] = value;
    else target[path.attribute] = { [path.sub]: value };
    return;
  }
  let container: JsonObject = target;
  if (path.urn !== undefined) {
    const existing = target[path.urn];
    if (isJsonObject(existing)) container = existing;
    else target[path.urn] = container = {};
  }
  if (path.entry) {
    let list = container[path.attribute];
    if (!Array.isArray(list)) container[path.attribute] = list = [];
    let entry = findEntry(list, path.entry);
    if (!entry) {
      entry = {};
      for (let f = 0; f < path.entry.length; f++) entry[path.entry[f]![0]] = path.entry[f]![1];
      list.push(entry);
    }
    entry[path.sub!] = value;
    return;
  }
  if (path.sub !== undefined) {
    let parent = container[path.attribute];
    if (!isJsonObject(parent)) container[path.attribute] = parent = {};
    parent[path.sub] = value;
    return;
  }
  container[path.attribute] = value;
}

function findEntry(
  list: JsonValue[],
  fields: readonly (readonly [string, JsonPrimitive])[],
): JsonObject | undefined {
  // Index loops: this runs for every value-filter target of every object.
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    let all = true;
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f]!;
      if (item[field[0]] !== field[1]) {
        all = false;
        break;
      }
    }
    if (all) return item;
  }
  return undefined;
}
