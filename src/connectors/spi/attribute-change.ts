/**
 * Attribute changes: what an update carries. Each change names one target attribute with the value
 * the engine believes the target holds (`oldValue`) and the value it should hold (`newValue`), so a
 * partial-update target can send just the delta (and, for a multi-valued attribute, just the values
 * added and removed) and a replace-only target can rebuild the whole object from what it read.
 *
 * "No value" is one thing: a missing key, `null` and an empty array are equal (RFC 7643 §2.5), and
 * a change carries it as `null`. Multi-valued attributes are unordered (RFC 7643 §2.4), so arrays
 * compare as multisets.
 */
import type { JsonValue } from '../../shared/json.js';
import type { TargetAttributes } from './connector.js';

/** One attribute's change; `null` means no value (the attribute is added when old is null, removed when new is). */
export interface AttributeChange {
  attribute: string;
  oldValue: JsonValue | null;
  newValue: JsonValue | null;
}

/** True when a value means "no value": absent, null or an empty array. */
export function isNoValue(value: JsonValue | undefined): value is null | undefined | [] {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/**
 * A canonical text for a value: object keys sorted, array items sorted (multi-valued attributes are
 * unordered), no-value as `null`. Two values are the same exactly when their canonical texts are.
 */
export function canonicalValue(value: JsonValue | undefined): string {
  if (isNoValue(value)) return 'null';
  if (Array.isArray(value))
    return `[${value
      .map((item) => canonicalValue(item))
      .sort()
      .join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value)
      .filter((key) => !isNoValue(value[key]))
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalValue(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** True when two values are the same attribute value (no-value forms equal, arrays unordered). */
export function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return canonicalValue(a) === canonicalValue(b);
}

/** The changes that turn `before` into `after`, one per attribute whose value differs, sorted by attribute. */
export function diffAttributes(before: TargetAttributes, after: TargetAttributes): AttributeChange[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changes: AttributeChange[] = [];
  for (const attribute of [...names].sort()) {
    const oldValue = before[attribute];
    const newValue = after[attribute];
    if (sameValue(oldValue, newValue)) continue;
    changes.push({
      attribute,
      oldValue: isNoValue(oldValue) ? null : oldValue,
      newValue: isNoValue(newValue) ? null : newValue,
    });
  }
  return changes;
}

/**
 * The whole object after the changes: for replace-only targets, which read the object, apply the
 * changes and write it back. Attributes the changes do not name are kept as they are, so what the
 * engine does not map survives the replace. Returns a new object; `base` is not modified.
 */
export function applyAttributeChanges(
  base: TargetAttributes,
  changes: readonly AttributeChange[],
): TargetAttributes {
  const result: TargetAttributes = { ...base };
  for (const change of changes) {
    if (isNoValue(change.newValue)) delete result[change.attribute];
    else result[change.attribute] = change.newValue;
  }
  return result;
}

/**
 * The changes whose `oldValue` is not what `current` holds: the target drifted since the engine
 * last looked. A replace-only connector may refuse (or the engine re-plan) instead of overwriting
 * someone else's edit blindly.
 */
export function staleChanges(
  current: TargetAttributes,
  changes: readonly AttributeChange[],
): AttributeChange[] {
  return changes.filter((change) => !sameValue(current[change.attribute], change.oldValue));
}

/** The values a change adds to and removes from a multi-valued attribute (a scalar counts as one value). */
export interface ValueDelta {
  added: JsonValue[];
  removed: JsonValue[];
}

/**
 * A change as values added and removed, for targets that edit multi-valued attributes value by
 * value (LDAP modify add/delete, SCIM PATCH add/remove on `members`). Duplicates count: an old
 * `[a, a]` and a new `[a]` removes one `a`.
 */
export function valueDelta(change: AttributeChange): ValueDelta {
  const oldValues = asValues(change.oldValue);
  const newValues = asValues(change.newValue);
  return { added: multisetMinus(newValues, oldValues), removed: multisetMinus(oldValues, newValues) };
}

function asValues(value: JsonValue | null): JsonValue[] {
  if (isNoValue(value)) return [];
  return Array.isArray(value) ? value : [value];
}

function multisetMinus(from: JsonValue[], minus: JsonValue[]): JsonValue[] {
  const counts = new Map<string, number>();
  for (const value of minus) {
    const key = canonicalValue(value);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const result: JsonValue[] = [];
  for (const value of from) {
    const key = canonicalValue(value);
    const left = counts.get(key) ?? 0;
    if (left > 0) counts.set(key, left - 1);
    else result.push(value);
  }
  return result;
}

/**
 * What is wrong with a list of changes, as messages naming the change: an empty attribute name, an
 * attribute changed twice (the result would depend on order), a change whose old and new values are
 * the same. Empty when the list is well formed.
 */
export function checkAttributeChanges(changes: readonly AttributeChange[]): string[] {
  const issues: string[] = [];
  const seen = new Set<string>();
  changes.forEach((change, index) => {
    const where = `changes[${index}]`;
    if (typeof change.attribute !== 'string' || change.attribute === '') {
      issues.push(`${where}: attribute must be a non-empty string`);
      return;
    }
    if (seen.has(change.attribute)) issues.push(`${where}: attribute '${change.attribute}' is changed twice`);
    seen.add(change.attribute);
    if (sameValue(change.oldValue, change.newValue)) {
      issues.push(`${where}: attribute '${change.attribute}' has the same old and new value`);
    }
  });
  return issues;
}
