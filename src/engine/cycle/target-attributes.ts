/**
 * What a connector receives: attributes keyed by the mapping's target path exactly as written
 * (`userName`, `name.givenName`, `emails[type eq "work"].value`), not mapObject's nested JSON. This
 * module reads each mapping's value back out of the nested object by its compiled path, and turns
 * `$sourceRef` markers into the referenced objects' target ids.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { TargetAttributes } from '../../connectors/spi/connector.js';
import type { TargetPath } from '../mapping/target-path.js';
import { compileTargetPath } from '../mapping/target-path.js';
import type { SourceReference } from '../source/source-object.js';
import { isSourceReference } from '../source/source-object.js';

/** The target paths of one object mapping, compiled once. */
export interface FlatTargetPaths {
  readonly paths: readonly TargetPath[];
}

/** Compiles the mapping's target paths (already validated when the mapping compiled). */
export function compileFlatPaths(targets: readonly string[]): FlatTargetPaths {
  return { paths: targets.map((text) => compileTargetPath(text)) };
}

/**
 * The mapped object as connector attributes. A path whose mapping did not flow (apply on create
 * only during an update, IgnoreFlowIfNullOrEmpty) is absent; a `null` value means "clear".
 */
export function flattenTarget(target: JsonObject, flat: FlatTargetPaths): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const path of flat.paths) {
    const value = readTargetValue(target, path);
    if (value !== undefined) out[path.text] = value;
  }
  return out;
}

/** The value `writeTargetValue` put at `path`, or undefined when nothing was written there. */
export function readTargetValue(target: JsonObject, path: TargetPath): JsonValue | undefined {
  let container: JsonValue | undefined = target;
  if (path.urn !== undefined) container = target[path.urn];
  if (!isJsonObject(container)) return undefined;
  if (path.entry !== undefined) {
    const list = container[path.attribute];
    if (!Array.isArray(list)) return undefined;
    for (const item of list) {
      if (!isJsonObject(item)) continue;
      if (path.entry.every(([field, value]) => item[field] === value)) return item[path.sub!];
    }
    return undefined;
  }
  const value = container[path.attribute];
  if (path.sub === undefined) return value;
  return isJsonObject(value) ? value[path.sub] : undefined;
}

/** What the engine knows of a referenced object's account: its target id and name, if it has one. */
export interface ResolvedReference {
  readonly targetId: string;
  readonly targetName?: string;
}

/** Looks up references; undefined when the referenced object has no (active) account yet. */
export type ReferenceLookup = (ref: SourceReference['$sourceRef']) => ResolvedReference | undefined;

/** A reference that could not be resolved yet: the object waits for it (PendingReference). */
export interface UnresolvedReference {
  readonly referencedType: 'User' | 'Group';
  readonly referencedId: string;
}

/** Every reference marker inside a flattened object, for loading their links in one query. */
export function collectReferences(
  attributes: Record<string, JsonValue>,
  paths: readonly string[],
): SourceReference['$sourceRef'][] {
  const refs: SourceReference['$sourceRef'][] = [];
  for (const path of paths) {
    const value = attributes[path];
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) if (isSourceReference(item)) refs.push(item.$sourceRef);
  }
  return refs;
}

/**
 * Replaces reference markers with target ids (or names, when `byName`). A single reference that
 * cannot be resolved becomes `null` (the attribute is sent once the referenced object exists); an
 * unresolved item of a list is left out. Either way it is reported as unresolved.
 */
export function resolveReferences(
  attributes: Record<string, JsonValue>,
  paths: readonly string[],
  lookup: ReferenceLookup,
  unresolved: UnresolvedReference[],
  byName = false,
): TargetAttributes {
  const out: TargetAttributes = { ...attributes };
  for (const path of paths) {
    const value = attributes[path];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      const ids: string[] = [];
      for (const item of value) {
        const id = isSourceReference(item)
          ? resolveOne(item, lookup, unresolved, byName)
          : typeof item === 'string'
            ? item
            : undefined;
        if (id !== undefined) ids.push(id);
      }
      out[path] = [...new Set(ids)].sort();
    } else if (isSourceReference(value)) {
      out[path] = resolveOne(value, lookup, unresolved, byName) ?? null;
    }
  }
  return out;
}

/** One reference's target id (or name), or undefined, reported as unresolved, when it has none yet. */
function resolveOne(
  value: SourceReference,
  lookup: ReferenceLookup,
  unresolved: UnresolvedReference[],
  byName: boolean,
): string | undefined {
  const ref = value.$sourceRef;
  const found = lookup(ref);
  if (found === undefined) {
    unresolved.push({ referencedType: ref.resourceType, referencedId: ref.id });
    return undefined;
  }
  return byName ? (found.targetName ?? found.targetId) : found.targetId;
}

/** The attributes without no-values: what a create sends. */
export function withoutNulls(attributes: TargetAttributes): TargetAttributes {
  const out: TargetAttributes = {};
  // Keys, not entries: no pair array per attribute of every object of a cycle.
  for (const key of Object.keys(attributes)) {
    const value = attributes[key]!;
    if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out;
}
