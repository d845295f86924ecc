/**
 * Structural equality of JSON values, used for duplicate detection and change tracking.
 */
import type { JsonValue } from '../../shared/json.js';

/** True when two JSON values have the same structure and primitives (object key order ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const key of aKeys) {
    if (!Object.hasOwn(b, key) || !jsonEqual(a[key], b[key])) return false;
  }
  return true;
}

/**
 * True when every attribute of `part` is present in `whole` with an equal value: adding `part`
 * to a multi-valued attribute that already holds `whole` adds nothing (RFC 7644 §3.5.2.1).
 */
export function jsonContains(whole: JsonValue, part: JsonValue): boolean {
  if (typeof part !== 'object' || part === null || Array.isArray(part)) return jsonEqual(whole, part);
  if (typeof whole !== 'object' || whole === null || Array.isArray(whole)) return false;
  for (const key of Object.keys(part)) {
    if (!Object.hasOwn(whole, key) || !jsonEqual(whole[key], part[key])) return false;
  }
  return true;
}
