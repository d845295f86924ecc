/**
 * add / replace / remove against one resolved target (RFC 7644 §3.5.2.1–3.5.2.3), writing into a
 * PatchDraft. Every function checks mutability (RFC 7643 §2.2) and types before it writes.
 */
import type { AttributeDefinition } from '../schema/schema-types.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { jsonEqual } from './json-equal.js';
import { enforceSinglePrimary, newValuesOnly, withoutListedValues } from './multi-valued-merge.js';
import { findKey, readAttribute, type PatchDraft } from './patch-draft.js';
import type { PatchTarget } from './patch-target.js';
import { isGroupMembers, maxValues, tooManyValuesMessage } from '../resource/resource-limits.js';
import { unwrapSingularComplex, valueFromEqualityFilter } from './patch-tolerances.js';
import type { PatchOpName } from './patch-types.js';
import {
  countPrimary,
  findSubAttribute,
  normaliseAttributeValue,
  normaliseComplex,
  normaliseMultiValue,
  normaliseSingleValue,
} from './patch-values.js';
import { valueMatcher } from './value-filter-match.js';

/** Applies one operation to `target`. `value` is undefined only for remove. */
export function applyToTarget(
  draft: PatchDraft,
  op: PatchOpName,
  target: PatchTarget,
  value: JsonValue | undefined,
): void {
  if (target.attr.mutability === 'readOnly') {
    throw ScimError.mutability(`"${target.label}": "${target.attr.name}" is read-only`);
  }
  if (target.sub?.mutability === 'readOnly') {
    throw ScimError.mutability(`"${target.label}": "${target.attr.name}.${target.sub.name}" is read-only`);
  }
  const changed =
    target.filter !== undefined || (target.sub !== undefined && target.attr.multiValued)
      ? applyToValues(draft, op, target, value)
      : target.sub !== undefined
        ? applyToSubAttribute(draft, op, target, value)
        : applyToAttribute(draft, op, target, value);
  if (changed) draft.markChanged(target.changeKey);
}

function current(draft: PatchDraft, t: PatchTarget): JsonValue | undefined {
  const value = readAttribute(draft.container(t.resolved, false), t.attr.name);
  return value === null ? undefined : value;
}

function hasPrimary(def: AttributeDefinition): boolean {
  return findSubAttribute(def, 'primary') !== undefined;
}

/** True when values are identified by an immutable `value` sub-attribute (group members). */
function identifiedByValue(def: AttributeDefinition): boolean {
  return findSubAttribute(def, 'value')?.mutability === 'immutable';
}

/**
 * The bound on the values of one multi-valued attribute (resource-limits.ts): `total` is how many
 * it holds afterwards, `added` how many this operation brought; group members are bounded per
 * request, so only what is added counts for them.
 */
function checkValueCount(t: PatchTarget, total: number, added = total): void {
  const count = isGroupMembers(t.attr, t.resolved.schema) ? added : total;
  const limit = maxValues(t.attr, t.resolved.schema);
  if (count > limit) throw ScimError.invalidValue(tooManyValuesMessage(`"${t.label}"`, count, limit));
}

/** Sets the whole attribute; false when the value is unchanged. */
function setWhole(draft: PatchDraft, t: PatchTarget, next: JsonValue): boolean {
  const before = current(draft, t);
  if (before !== undefined && jsonEqual(before, next)) return false;
  if (t.attr.mutability === 'immutable' && before !== undefined) {
    throw ScimError.mutability(`"${t.label}": "${t.attr.name}" is immutable and already has a value`);
  }
  draft.write(draft.container(t.resolved, true) as JsonObject, t.attr.name, next);
  return true;
}

/** Unassigns the whole attribute. RFC 7644 §3.5.2: a required or immutable one cannot be. */
function eraseWhole(draft: PatchDraft, t: PatchTarget): boolean {
  if (current(draft, t) === undefined) return false;
  if (t.attr.required) {
    throw ScimError.mutability(`"${t.label}": "${t.attr.name}" is required and cannot be removed`);
  }
  if (t.attr.mutability === 'immutable') {
    throw ScimError.mutability(`"${t.label}": "${t.attr.name}" is immutable`);
  }
  draft.erase(draft.container(t.resolved, true) as JsonObject, t.attr.name);
  draft.pruneExtension(t.resolved);
  return true;
}

/** Immutable sub-attributes that `next` would change in `before` (RFC 7643 §2.2). */
function checkImmutableSubs(t: PatchTarget, before: JsonObject, next: JsonObject): void {
  for (const sub of t.attr.subAttributes ?? []) {
    if (sub.mutability !== 'immutable') continue;
    const old = readAttribute(before, sub.name);
    if (old === undefined || old === null) continue;
    if (!jsonEqual(old, readAttribute(next, sub.name))) {
      throw ScimError.mutability(`"${t.label}": "${t.attr.name}.${sub.name}" is immutable`);
    }
  }
}

/** `before` with `patch`'s sub-attributes written over it (canonical names win). */
function mergeComplex(t: PatchTarget, before: JsonObject, patch: JsonObject): JsonObject {
  const merged: JsonObject = { ...before };
  for (const key of Object.keys(patch)) {
    const existing = findKey(merged, key);
    if (existing !== undefined && existing !== key) delete merged[existing];
    merged[key] = patch[key] as JsonValue;
  }
  checkImmutableSubs(t, before, merged);
  return merged;
}

function asArray(value: JsonValue | undefined): readonly JsonValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** No sub-attribute, no filter: the attribute as a whole. */
function applyToAttribute(
  draft: PatchDraft,
  op: PatchOpName,
  t: PatchTarget,
  value: JsonValue | undefined,
): boolean {
  const { attr } = t;
  if (op === 'remove') {
    // Tolerance T5: remove with a value list removes only those values.
    if (value !== undefined && value !== null && attr.multiValued) {
      const listed = normaliseMultiValue(attr, value, t.label);
      const kept = withoutListedValues(asArray(current(draft, t)), listed, identifiedByValue(attr));
      if (kept === undefined) return false;
      if (attr.mutability === 'immutable')
        throw ScimError.mutability(`"${t.label}": "${attr.name}" is immutable`);
      if (kept.length === 0) return eraseWhole(draft, t);
      draft.write(draft.container(t.resolved, true) as JsonObject, attr.name, draft.adopt(kept));
      return true;
    }
    return eraseWhole(draft, t);
  }
  // RFC 7643 §2.5: null means unassigned.
  if (value === undefined || value === null) {
    if (op === 'add') throw ScimError.invalidValue(`"${t.label}": add needs a value, got null`);
    return eraseWhole(draft, t);
  }
  const before = current(draft, t);
  if (attr.multiValued) {
    const values = normaliseMultiValue(attr, value, t.label);
    if (op === 'replace') {
      // RFC 7644 §3.5.2.3: without a filter, all values are replaced.
      if (countPrimary(values) > 1) {
        throw ScimError.invalidValue(`"${t.label}": more than one value has "primary": true`);
      }
      checkValueCount(t, values.length);
      return values.length === 0 ? eraseWhole(draft, t) : setWhole(draft, t, draft.adopt(values));
    }
    // RFC 7644 §3.5.2.1: add appends, skipping values already present.
    const existing = asArray(before);
    const fresh = newValuesOnly(existing, values, identifiedByValue(attr));
    if (fresh.length === 0) return false;
    if (attr.mutability === 'immutable' && existing.length > 0) {
      throw ScimError.mutability(`"${t.label}": "${attr.name}" is immutable and already has values`);
    }
    const next = Array.isArray(before) ? draft.own(before) : draft.adopt(existing.slice());
    const start = next.length;
    for (const v of fresh) next.push(v);
    checkValueCount(t, next.length, fresh.length);
    if (hasPrimary(attr)) {
      const chosen = new Set<number>();
      for (let i = start; i < next.length; i++) chosen.add(i);
      enforceSinglePrimary(next, chosen, t.label);
    }
    draft.write(draft.container(t.resolved, true) as JsonObject, attr.name, next);
    return true;
  }
  // Tolerance T11: a singular complex value sent as a one-element array.
  const normalised = normaliseSingleValue(attr, unwrapSingularComplex(attr, value, t.label), t.label);
  // RFC 7644 §3.5.2.1/§3.5.2.3: a complex value merges its sub-attributes into the existing ones.
  if (isJsonObject(normalised) && isJsonObject(before)) {
    return setWhole(draft, t, mergeComplex(t, before, normalised));
  }
  return setWhole(draft, t, normalised);
}

/** `name.givenName`: a sub-attribute of a single-valued complex attribute. */
function applyToSubAttribute(
  draft: PatchDraft,
  op: PatchOpName,
  t: PatchTarget,
  value: JsonValue | undefined,
): boolean {
  const sub = t.sub as AttributeDefinition;
  const beforeRaw = current(draft, t);
  const before = isJsonObject(beforeRaw) ? beforeRaw : {};
  if (op === 'remove' || value === null || value === undefined) {
    if (op === 'add') throw ScimError.invalidValue(`"${t.label}": add needs a value, got null`);
    const key = findKey(before, sub.name);
    if (key === undefined || before[key] === null) return false;
    if (sub.required || sub.mutability === 'immutable') {
      throw ScimError.mutability(`"${t.label}": "${t.attr.name}.${sub.name}" cannot be removed`);
    }
    const next = { ...before };
    delete next[key];
    return Object.keys(next).length === 0 ? eraseWhole(draft, t) : setWhole(draft, t, next);
  }
  const normalised = normaliseAttributeValue(sub, value, t.label, t.attr);
  return setWhole(draft, t, mergeComplex(t, before, { [sub.name]: normalised }));
}

/**
 * A value filter (`emails[type eq "work"]`, optionally `.value` after it) or a sub-attribute of a
 * multi-valued attribute without a filter (`emails.type`, which addresses every value).
 */
function applyToValues(
  draft: PatchDraft,
  op: PatchOpName,
  t: PatchTarget,
  value: JsonValue | undefined,
): boolean {
  const before = current(draft, t);
  const values = asArray(before);
  const matches: number[] = [];
  const matcher = t.filter === undefined ? undefined : valueMatcher(t.filter, t.resolved);
  for (let i = 0; i < values.length; i++) {
    if (matcher === undefined || matcher(values[i] as JsonValue)) matches.push(i);
  }
  if (op === 'remove' || ((value === null || value === undefined) && t.sub !== undefined)) {
    if (op === 'add') throw ScimError.invalidValue(`"${t.label}": add needs a value, got null`);
    return removeFromValues(draft, t, values, matches);
  }
  if (value === null || value === undefined) {
    throw ScimError.invalidValue(`"${t.label}": ${op} needs a value, got null`);
  }
  // The replacement for each match: a sub-attribute value, or one whole value of the attribute.
  const sub = t.sub;
  const single = Array.isArray(value) && value.length === 1 ? (value[0] as JsonValue) : value;
  const patch: JsonObject | JsonValue = sub
    ? { [sub.name]: normaliseAttributeValue(sub, value, t.label, t.attr) }
    : normaliseSingleValue(t.attr, single, t.label);
  if (matches.length === 0) {
    // RFC 7644 §3.5.2.3: replace through a filter that matches nothing is noTarget.
    // Tolerance T6: add creates the value the filter describes.
    const seed = op === 'add' && t.filter !== undefined ? valueFromEqualityFilter(t.filter) : undefined;
    if (seed === undefined || !isJsonObject(patch)) {
      throw ScimError.noTarget(`"${t.label}": no value matches the filter`);
    }
    const created = mergeComplex(t, normaliseComplex(t.attr, seed, t.label), patch);
    const next = Array.isArray(before) ? draft.own(before) : draft.adopt(values.slice());
    next.push(created);
    checkValueCount(t, next.length, 1);
    if (hasPrimary(t.attr)) enforceSinglePrimary(next, new Set([next.length - 1]), t.label);
    draft.write(draft.container(t.resolved, true) as JsonObject, t.attr.name, next);
    return true;
  }
  // Work out every replacement before copying anything: an unchanged request copies nothing.
  const updates: [number, JsonValue][] = [];
  for (const i of matches) {
    const old = values[i] as JsonValue;
    let updated: JsonValue;
    if (isJsonObject(old) && isJsonObject(patch)) {
      // add merges into the matched value; replace without a sub-attribute swaps it whole.
      updated = sub || op === 'add' ? mergeComplex(t, old, patch) : patch;
      if (!sub && op === 'replace') checkImmutableSubs(t, old, updated as JsonObject);
    } else {
      if (sub) throw ScimError.invalidPath(`"${t.label}": the matched value is not complex`);
      updated = patch;
    }
    if (!jsonEqual(old, updated)) updates.push([i, updated]);
  }
  if (updates.length === 0) return false;
  const next = Array.isArray(before) ? draft.own(before) : draft.adopt(values.slice());
  for (const [i, updated] of updates) next[i] = updated;
  if (hasPrimary(t.attr)) enforceSinglePrimary(next, new Set(matches), t.label);
  draft.write(draft.container(t.resolved, true) as JsonObject, t.attr.name, next);
  return true;
}

/** RFC 7644 §3.5.2.2: remove the matched values, or the sub-attribute from each of them. */
function removeFromValues(
  draft: PatchDraft,
  t: PatchTarget,
  values: readonly JsonValue[],
  matches: number[],
): boolean {
  if (matches.length === 0) return false;
  const sub = t.sub;
  if (sub === undefined) {
    if (t.attr.mutability === 'immutable')
      throw ScimError.mutability(`"${t.label}": "${t.attr.name}" is immutable`);
    const drop = new Set(matches);
    const kept = values.filter((_, i) => !drop.has(i));
    if (kept.length === 0) return eraseWhole(draft, t);
    draft.write(draft.container(t.resolved, true) as JsonObject, t.attr.name, draft.adopt(kept));
    return true;
  }
  const next = draft.own(values as JsonValue[]);
  let changed = false;
  for (const i of matches) {
    const old = next[i];
    if (!isJsonObject(old)) continue;
    const key = findKey(old, sub.name);
    if (key === undefined) continue;
    if (sub.required || sub.mutability === 'immutable') {
      throw ScimError.mutability(`"${t.label}": "${t.attr.name}.${sub.name}" cannot be removed`);
    }
    const updated = { ...old };
    delete updated[key];
    next[i] = updated;
    changed = true;
  }
  if (changed) draft.write(draft.container(t.resolved, true) as JsonObject, t.attr.name, next);
  return changed;
}
