/**
 * Merge rules for multi-valued attributes (RFC 7644 §3.5.2.1–3.5.2.2, RFC 7643 §2.4). Written for
 * large attributes (a group's members): each function makes one pass over the existing values,
 * comparing a cheap key (the `value` sub-attribute, or the value itself) and comparing deeply only
 * values whose key matches.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { jsonContains } from './json-equal.js';

/** A cheap identity for a value: its `value` sub-attribute, or the primitive itself. */
function keyOf(item: JsonValue): JsonValue | undefined {
  if (isJsonObject(item)) {
    const v = item['value'];
    return v === undefined || typeof v === 'object' ? undefined : v;
  }
  return typeof item === 'object' ? undefined : item;
}

/** Index of existing values by key, built only when many values are looked up. */
class ValueIndex {
  private readonly byKey = new Map<JsonValue, JsonValue[]>();
  private readonly keyless: JsonValue[] = [];

  constructor(values: readonly JsonValue[]) {
    for (const v of values) this.insert(v);
  }

  insert(v: JsonValue): void {
    const key = keyOf(v);
    if (key === undefined) {
      this.keyless.push(v);
      return;
    }
    const bucket = this.byKey.get(key);
    if (bucket === undefined) this.byKey.set(key, [v]);
    else bucket.push(v);
  }

  /** True when a held value already contains everything `candidate` says. */
  covers(candidate: JsonValue, byValue: boolean): boolean {
    const key = keyOf(candidate);
    if (key !== undefined) {
      const bucket = this.byKey.get(key);
      return bucket !== undefined && (byValue || bucket.some((v) => jsonContains(v, candidate)));
    }
    for (const bucket of this.byKey.values()) if (bucket.some((v) => jsonContains(v, candidate))) return true;
    return this.keyless.some((v) => jsonContains(v, candidate));
  }
}

/** Linear scan for few candidates: cheaper than building an index over thousands of values. */
function coveredByScan(values: readonly JsonValue[], candidate: JsonValue, byValue: boolean): boolean {
  const key = keyOf(candidate);
  if (key === undefined) return values.some((v) => jsonContains(v, candidate));
  // The hot loop of "add one member to a large group": a property read and a compare per value.
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i] as JsonValue;
    const k = typeof v === 'object' && v !== null && !Array.isArray(v) ? v['value'] : v;
    if (k === key && (byValue || jsonContains(v, candidate))) return true;
  }
  return false;
}

const SCAN_LIMIT = 4;

/**
 * RFC 7644 §3.5.2.1: the additions that are not already present. A value is already present when
 * an existing value holds every sub-attribute it names with the same value (so adding
 * `{"value":"id"}` to a member stored as `{"value":"id","display":"x"}` changes nothing).
 * Duplicates inside `additions` collapse to their first occurrence.
 *
 * With `byValue` (the attribute's `value` sub-attribute is an immutable identifier, as in a group's
 * members), a value with the same `value` is the same value whatever else it carries: a member
 * cannot be listed twice because a client sent its `display` once and omitted it once.
 */
export function newValuesOnly(
  existing: readonly JsonValue[],
  additions: readonly JsonValue[],
  byValue = false,
): JsonValue[] {
  const fresh: JsonValue[] = [];
  if (additions.length <= SCAN_LIMIT) {
    for (const add of additions) {
      if (!coveredByScan(existing, add, byValue) && !coveredByScan(fresh, add, byValue)) fresh.push(add);
    }
    return fresh;
  }
  const index = new ValueIndex(existing);
  for (const add of additions) {
    if (index.covers(add, byValue)) continue;
    fresh.push(add);
    index.insert(add);
  }
  return fresh;
}

/**
 * Tolerance T5: the values left after removing every value that contains one of `listed`
 * (`[{"value":"id"}]` removes that member however much else it holds). Undefined when nothing
 * matched, so the caller can skip the copy. `byValue` as in newValuesOnly.
 */
export function withoutListedValues(
  existing: readonly JsonValue[],
  listed: readonly JsonValue[],
  byValue = false,
): JsonValue[] | undefined {
  const keyed = new Map<JsonValue, JsonValue[]>();
  const keyless: JsonValue[] = [];
  for (const item of listed) {
    const key = keyOf(item);
    if (key === undefined) keyless.push(item);
    else keyed.set(key, [...(keyed.get(key) ?? []), item]);
  }
  const kept: JsonValue[] = [];
  let removed = false;
  for (const v of existing) {
    const key = keyOf(v);
    const candidates = key === undefined ? undefined : keyed.get(key);
    const hit =
      (candidates !== undefined && (byValue || candidates.some((c) => jsonContains(v, c)))) ||
      (keyless.length > 0 && keyless.some((c) => jsonContains(v, c)));
    if (hit) removed = true;
    else kept.push(v);
  }
  return removed ? kept : undefined;
}

/**
 * RFC 7643 §2.4: after `chosen` (indexes into `values`) were written, at most one value may say
 * `primary: true`. More than one among the written values is the client's error (invalidValue);
 * one written primary clears the flag on every other value. `values` must be writable; the
 * elements it clears are replaced by copies, never modified.
 */
export function enforceSinglePrimary(values: JsonValue[], chosen: ReadonlySet<number>, where: string): void {
  let winner = -1;
  for (const i of chosen) {
    const v = values[i];
    if (isJsonObject(v) && v['primary'] === true) {
      if (winner >= 0) throw ScimError.invalidValue(`${where}: more than one value has "primary": true`);
      winner = i;
    }
  }
  if (winner < 0) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i !== winner && isJsonObject(v) && v['primary'] === true) {
      const cleared: JsonObject = { ...v, primary: false };
      values[i] = cleared;
    }
  }
}
