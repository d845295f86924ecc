/**
 * The test target's PATCH (RFC 7644 §3.5.2), written apart from Provisio's own so that the two do
 * not share a mistake: add, replace and remove on plain, complex, extension and value-filter paths,
 * and members. The strict mode refuses Entra's forms; the result is checked by the store's write
 * checks before it replaces the resource.
 */
import { matchesValueFilter, parsePatchPath, collectOperands } from '../../../src/scim/filter/index.js';
import type { PatchPath } from '../../../src/scim/filter/filter-ast.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../../src/shared/json.js';
import { invalidSyntax, invalidValue, noTarget } from './target-errors.js';
import type { TargetProfile } from './target-profile.js';

const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function keyOf(object: JsonObject, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

function sameValue(a: JsonValue, b: JsonValue): boolean {
  if (isJsonObject(a) && isJsonObject(b) && 'value' in a && 'value' in b) return a.value === b.value;
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Located {
  holder: JsonObject;
  key: string;
  path: PatchPath;
}

function locate(resource: JsonObject, text: string): Located {
  let path: PatchPath;
  try {
    path = parsePatchPath(text);
  } catch (error) {
    throw invalidSyntax(`bad path '${text}': ${(error as Error).message}`);
  }
  let holder = resource;
  if (path.attr.uri !== undefined && !/core:2\.0:(user|group)$/iu.test(path.attr.uri)) {
    const urnKey = keyOf(resource, path.attr.uri) ?? path.attr.uri;
    if (!isJsonObject(resource[urnKey])) resource[urnKey] = {};
    holder = resource[urnKey] as JsonObject;
  }
  return { holder, key: keyOf(holder, path.attr.name) ?? path.attr.name, path };
}

/** Applies a PatchOp body to a copy of `resource`; answers the copy. */
export function applyTargetPatch(resource: JsonObject, body: unknown, profile: TargetProfile): JsonObject {
  if (!isJsonObject(body) || !Array.isArray(body.schemas) || !body.schemas.includes(PATCH_SCHEMA)) {
    throw invalidSyntax('a PATCH body must be a PatchOp message');
  }
  if (!Array.isArray(body.Operations) || body.Operations.length === 0)
    throw invalidSyntax('Operations required');
  const draft = structuredClone(resource);
  for (const operation of body.Operations) {
    if (!isJsonObject(operation) || typeof operation.op !== 'string')
      throw invalidSyntax('each operation needs op');
    const op = operation.op.toLowerCase();
    const value = operation.value;
    if (typeof operation.path !== 'string') {
      if (op === 'remove' || !isJsonObject(value))
        throw noTarget('a path-less operation needs an object value');
      for (const [name, item] of Object.entries(value)) draft[keyOf(draft, name) ?? name] = item;
      continue;
    }
    const { holder, key, path } = locate(draft, operation.path);
    const isMembers = key.toLowerCase() === 'members';
    if (isMembers && profile.membersByReplaceOnly && op !== 'replace') {
      throw invalidSyntax('members can only be replaced as a whole');
    }
    if (op === 'add') add(holder, key, path, value, profile);
    else if (op === 'replace') replace(holder, key, path, value);
    else if (op === 'remove') remove(holder, key, path, value, profile, isMembers);
    else throw invalidSyntax(`unknown op '${operation.op}'`);
  }
  return draft;
}

function entriesMatching(list: JsonValue[], path: PatchPath): JsonObject[] {
  return list.filter(
    (item): item is JsonObject =>
      isJsonObject(item) && matchesValueFilter(path.valueFilter!, item, undefined),
  );
}

function add(
  holder: JsonObject,
  key: string,
  path: PatchPath,
  value: JsonValue | undefined,
  profile: TargetProfile,
) {
  if (value === undefined) throw invalidValue('add needs a value');
  if (path.valueFilter !== undefined) {
    const list = Array.isArray(holder[key]) ? (holder[key] as JsonValue[]) : [];
    const matching = entriesMatching(list, path);
    if (matching.length === 0) {
      if (!profile.entraForms) throw noTarget(`no value matches ${path.attr.name}[...]`);
      // Entra's add through a filter that matches nothing: the entry is created from the filter.
      const entry: JsonObject = {};
      for (const operand of collectOperands(path.valueFilter, 'and')) {
        if (operand.kind === 'compare') entry[operand.path.name] = operand.value;
      }
      entry[path.subAttr!] = value;
      holder[key] = [...list, entry];
      return;
    }
    for (const entry of matching) entry[path.subAttr ?? 'value'] = value;
    return;
  }
  if (path.attr.subAttr !== undefined) {
    const parent = isJsonObject(holder[key]) ? (holder[key] as JsonObject) : {};
    parent[path.attr.subAttr] = value;
    holder[key] = parent;
    return;
  }
  if (Array.isArray(value) || Array.isArray(holder[key])) {
    const list = Array.isArray(holder[key]) ? [...(holder[key] as JsonValue[])] : [];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!list.some((present) => sameValue(present, item))) list.push(item);
    }
    holder[key] = list;
    return;
  }
  holder[key] = value;
}

function replace(holder: JsonObject, key: string, path: PatchPath, value: JsonValue | undefined) {
  if (value === undefined) throw invalidValue('replace needs a value');
  if (path.valueFilter !== undefined) {
    const list = Array.isArray(holder[key]) ? (holder[key] as JsonValue[]) : [];
    const matching = entriesMatching(list, path);
    if (matching.length === 0) throw noTarget(`no value matches the filter of ${path.attr.name}`);
    for (const entry of matching) {
      if (path.subAttr !== undefined) entry[path.subAttr] = value;
      else if (isJsonObject(value)) Object.assign(entry, value);
    }
    return;
  }
  if (path.attr.subAttr !== undefined) {
    const parent = isJsonObject(holder[key]) ? (holder[key] as JsonObject) : {};
    parent[path.attr.subAttr] = value;
    holder[key] = parent;
    return;
  }
  holder[key] = value;
}

function remove(
  holder: JsonObject,
  key: string,
  path: PatchPath,
  value: JsonValue | undefined,
  profile: TargetProfile,
  isMembers: boolean,
) {
  if (path.valueFilter !== undefined) {
    const list = Array.isArray(holder[key]) ? (holder[key] as JsonValue[]) : [];
    const matching = new Set(entriesMatching(list, path));
    if (matching.size === 0 && !profile.entraForms)
      throw noTarget(`no value matches the filter of ${path.attr.name}`);
    if (path.subAttr !== undefined) {
      for (const entry of matching) delete entry[path.subAttr];
    } else {
      holder[key] = list.filter((item) => !matching.has(item as JsonObject));
    }
    return;
  }
  if (path.attr.subAttr !== undefined) {
    const parent = holder[key];
    if (isJsonObject(parent)) delete parent[path.attr.subAttr];
    return;
  }
  if (isMembers && value !== undefined) {
    // Entra removes members by a value array; RFC 7644 would remove them all and ignore the value.
    if (!profile.entraForms) throw invalidSyntax('remove takes no value; name the member in the path');
    const gone = Array.isArray(value) ? value : [value];
    const list = Array.isArray(holder[key]) ? (holder[key] as JsonValue[]) : [];
    holder[key] = list.filter((item) => !gone.some((g) => sameValue(g, item)));
    return;
  }
  delete holder[key];
}
