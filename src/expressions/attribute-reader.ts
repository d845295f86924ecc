import type { ExprValue, ScalarValue, SourceAttributes } from './value.js';

/** Reads one attribute from a source object, as an expression value. */
export type AttributeReader = (attributes: SourceAttributes) => ExprValue;

/**
 * Builds the reader for `[name]`, doing the name work once at compile time.
 *
 * Lookup order: the exact key (the fast path: mappings usually spell names as the source does), then
 * the key case-insensitively, then, for `[manager.displayName]` and
 * `[urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber]`, a walk into the
 * containing attribute (SCIM keeps extension attributes under their schema URN, and complex
 * attributes as objects). Absent means null.
 */
export function compileAttributeReader(name: string): AttributeReader {
  const lower = name.toLowerCase();
  const path = splitPath(name);
  // `[constructor]` must not find Object.prototype.constructor.
  const inherited = name in Object.prototype;
  const slow = (attributes: SourceAttributes): ExprValue => {
    let raw = findCaseInsensitive(attributes, name.length, lower);
    if (raw === undefined && path) raw = walk(attributes, path);
    return toExprValue(raw);
  };
  if (inherited) {
    return (attributes) =>
      Object.hasOwn(attributes, name) ? toExprValue(attributes[name]) : slow(attributes);
  }
  return (attributes) => {
    const raw = attributes[name];
    // Fast path: an exact-case hit on a string, the bulk of all reads.
    if (typeof raw === 'string') return raw;
    return raw === undefined ? slow(attributes) : toExprValue(raw);
  };
}

function findCaseInsensitive(attributes: SourceAttributes, length: number, lower: string): unknown {
  for (const key in attributes) {
    if (key.length === length && key.toLowerCase() === lower && Object.hasOwn(attributes, key)) {
      return attributes[key];
    }
  }
  return undefined;
}

/** `urn:...:User:employeeNumber` -> [`urn:...:User`, `employeeNumber`]; `manager.displayName` -> two segments. */
function splitPath(name: string): { segment: string; lower: string }[] | undefined {
  const segments: string[] = [];
  let rest = name;
  if (name.toLowerCase().startsWith('urn:')) {
    const colon = name.lastIndexOf(':');
    segments.push(name.slice(0, colon));
    rest = name.slice(colon + 1);
  }
  segments.push(...rest.split('.'));
  if (segments.length < 2 || segments.some((segment) => segment === '')) return undefined;
  return segments.map((segment) => ({ segment, lower: segment.toLowerCase() }));
}

function walk(attributes: SourceAttributes, path: readonly { segment: string; lower: string }[]): unknown {
  let current: unknown = attributes;
  for (const { segment, lower } of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    const record = current as SourceAttributes;
    let next: unknown = Object.hasOwn(record, segment) ? record[segment] : undefined;
    if (next === undefined) next = findCaseInsensitive(record, segment.length, lower);
    current = next;
  }
  return current;
}

/**
 * Turns whatever a source object holds into an expression value. Strings, numbers and booleans pass
 * through; undefined and null are "no value"; a Date becomes its ISO 8601 text; a complex value with
 * a `value` member (a SCIM reference or multi-valued entry such as `manager` or `emails`) stands for
 * that member; any other object becomes its JSON text. Arrays of scalars pass through unchanged.
 */
export function toExprValue(raw: unknown): ExprValue {
  switch (typeof raw) {
    case 'string':
    case 'number':
    case 'boolean':
      return raw;
    case 'undefined':
      return null;
    case 'bigint':
      return Number(raw);
    case 'object':
      if (raw === null) return null;
      if (Array.isArray(raw)) return allScalar(raw) ? (raw as readonly ScalarValue[]) : raw.map(toExprValue);
      if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw.toISOString();
      if ('value' in raw) return toExprValue((raw as { value: unknown }).value);
      return jsonText(raw);
    default:
      return null;
  }
}

function allScalar(values: readonly unknown[]): boolean {
  for (const value of values) {
    const type = typeof value;
    if (value !== null && type !== 'string' && type !== 'number' && type !== 'boolean') return false;
  }
  return true;
}

function jsonText(raw: object): string | null {
  try {
    return JSON.stringify(raw) ?? null;
  } catch {
    // Cyclic or otherwise unserialisable: there is no faithful text for it.
    return null;
  }
}
