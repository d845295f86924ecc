/**
 * Application of PATCH operations to a resource (RFC 7644 §3.5.2). All-or-nothing: operations are
 * applied in order to a structurally shared draft, and the draft is returned only when every
 * operation succeeded; the caller's resource is never modified.
 */
import { printPatchPath } from '../filter/filter-printer.js';
import type { PatchPath } from '../filter/filter-ast.js';
import type { AttributeResolver } from '../schema/schema-types.js';
import { ScimError, isScimError, type ScimErrorShape } from '../scim-error.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { jsonEqual } from './json-equal.js';
import { PatchDraft, findKey, readAttribute } from './patch-draft.js';
import { applyToTarget } from './patch-operations.js';
import { resolveTarget, tryResolveTarget, type PatchTarget } from './patch-target.js';
import { splitValueKey } from './patch-tolerances.js';
import type { ApplyPatchOptions, PatchOperation, PatchOpName, PatchResult } from './patch-types.js';

/**
 * Applies `operations` in order to a copy of `resource`.
 * @returns the patched resource (sharing unchanged parts with the input) and the changed
 *   top-level attributes.
 * @throws ScimError (400 with scimType invalidPath, invalidValue, noTarget or mutability); the
 *   input is then untouched and no partial result exists.
 */
export function applyPatch(
  resource: JsonObject,
  operations: readonly PatchOperation[],
  options: ApplyPatchOptions,
): PatchResult {
  const draft = new PatchDraft(resource);
  operations.forEach((operation, i) => {
    try {
      applyOperation(draft, operation, options.resolver);
    } catch (error) {
      if (isScimError(error)) {
        const shape = { status: error.status, scimType: error.scimType } as ScimErrorShape;
        throw new ScimError(shape, `Operations[${i}]: ${error.detail}`);
      }
      // Nothing but ScimError leaves the SCIM core; a failure here is a defect, reported as such.
      throw ScimError.internal(`Operations[${i}]: ${error instanceof Error ? error.message : 'failed'}`);
    }
  });
  return { resource: draft.root, changedAttributes: draft.changed() };
}

function applyOperation(draft: PatchDraft, operation: PatchOperation, resolver: AttributeResolver): void {
  const { op, path, value } = operation;
  if (path === undefined) {
    if (op === 'remove') throw ScimError.noTarget('"remove" requires a "path"');
    applyPathless(draft, op, value, resolver);
    return;
  }
  const label = labelOf(path);
  const target = tryResolveTarget(resolver, refOf(path), label);
  if (target !== undefined) {
    applyToTarget(draft, op, target, value);
    return;
  }
  // A path naming a whole extension schema (`urn:...:enterprise:2.0:User`): its value holds
  // that schema's attributes. The parser splits such a URN at its last colon.
  if (path.attr.uri !== undefined && path.attr.subAttr === undefined && path.valueFilter === undefined) {
    const urn = `${path.attr.uri}:${path.attr.name}`;
    if (op === 'remove') {
      removeExtension(draft, urn, resolver, label);
      return;
    }
    if (isJsonObject(value)) {
      applyExtensionObject(draft, op, urn, value, resolver, label);
      return;
    }
  }
  throw ScimError.invalidPath(`"${label}": unknown attribute`);
}

const labels = new WeakMap<PatchPath, string>();

/** The path as text for error details; cached because cached paths recur across requests. */
function labelOf(path: PatchPath): string {
  let label = labels.get(path);
  if (label === undefined) {
    label = printPatchPath(path);
    labels.set(path, label);
  }
  return label;
}

function refOf(path: PatchPath): {
  uri?: string | undefined;
  name: string;
  subAttr?: string | undefined;
  filter?: PatchPath['valueFilter'];
} {
  return {
    uri: path.attr.uri,
    name: path.attr.name,
    subAttr: path.attr.subAttr ?? path.subAttr,
    filter: path.valueFilter,
  };
}

/**
 * RFC 7644 §3.5.2.1/§3.5.2.3 without a path: the value is an object of attributes, each added or
 * replaced in turn. Tolerances T3/T4: keys may be dotted or URN-qualified attribute paths.
 */
function applyPathless(
  draft: PatchDraft,
  op: Exclude<PatchOpName, 'remove'>,
  value: JsonValue | undefined,
  resolver: AttributeResolver,
): void {
  if (!isJsonObject(value)) {
    throw ScimError.invalidValue(`"${op}" without a path needs an object of attributes as its value`);
  }
  for (const key of Object.keys(value)) {
    // `schemas` follows from the attributes present; the resource keeps its own.
    if (key.toLowerCase() === 'schemas') continue;
    const item = value[key] as JsonValue;
    const ref = splitValueKey(key);
    const target = tryResolveTarget(resolver, ref, key);
    if (target !== undefined) {
      applyPathlessAttribute(draft, op, target, item);
      continue;
    }
    if (ref.uri !== undefined && isJsonObject(item)) {
      applyExtensionObject(draft, op, key, item, resolver, key);
      continue;
    }
    throw ScimError.invalidPath(`"${key}": unknown attribute`);
  }
}

/** Tolerance T8: a read-only attribute echoed with its current value is skipped, not an error. */
function applyPathlessAttribute(
  draft: PatchDraft,
  op: PatchOpName,
  target: PatchTarget,
  item: JsonValue,
): void {
  if (target.attr.mutability === 'readOnly' && target.sub === undefined) {
    const currentValue = readAttribute(draft.container(target.resolved, false), target.attr.name);
    if (jsonEqual(currentValue, item)) return;
  }
  applyToTarget(draft, op, target, item);
}

/** The attributes of one extension, given as an object under its URN. */
function applyExtensionObject(
  draft: PatchDraft,
  op: Exclude<PatchOpName, 'remove'>,
  urn: string,
  value: JsonObject,
  resolver: AttributeResolver,
  label: string,
): void {
  for (const key of Object.keys(value)) {
    const ref = splitValueKey(key);
    if (ref.uri !== undefined) throw ScimError.invalidPath(`"${label}.${key}": unknown attribute`);
    const target = resolveTarget(
      resolver,
      { uri: urn, name: ref.name, subAttr: ref.subAttr },
      `${urn}:${key}`,
    );
    if (!target.resolved.isExtension) throw ScimError.invalidPath(`"${label}": not an extension schema`);
    applyPathlessAttribute(draft, op, target, value[key] as JsonValue);
  }
}

/** `remove` of a whole extension: each of its attributes is removed under the usual rules. */
function removeExtension(draft: PatchDraft, urn: string, resolver: AttributeResolver, label: string): void {
  const key = findKey(draft.root, urn);
  const container = key === undefined ? undefined : draft.root[key];
  if (!isJsonObject(container)) return;
  for (const name of Object.keys(container)) {
    const target = resolveTarget(resolver, { uri: urn, name }, `${label}:${name}`);
    applyToTarget(draft, 'remove', target, undefined);
  }
}
