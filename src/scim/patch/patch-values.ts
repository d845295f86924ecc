/**
 * Type checks and normalisation of PATCH values against attribute definitions (RFC 7643 §2.3):
 * canonical sub-attribute names, string booleans converted (tolerance T2), read-only
 * sub-attributes dropped (RFC 7643 §7: values a client sends for them are ignored).
 */
import type { AttributeDefinition } from '../schema/schema-types.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { maxStringLength, tooLongMessage } from '../resource/resource-limits.js';
import { coerceBooleanString } from './patch-tolerances.js';

// xsd:dateTime as RFC 7643 §2.3.5 requires; the Date.parse check below rejects month 13 and the like.
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Finds a sub-attribute definition by name, case-insensitively (RFC 7643 §2.1). */
export function findSubAttribute(def: AttributeDefinition, name: string): AttributeDefinition | undefined {
  const subs = def.subAttributes;
  if (subs === undefined) return undefined;
  for (const sub of subs) if (sub.name === name) return sub;
  const lower = name.toLowerCase();
  for (const sub of subs) if (sub.name.toLowerCase() === lower) return sub;
  return undefined;
}

function describe(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * One value of `def` (a single-valued attribute, or one element of a multi-valued one): checked
 * against the type and the length limits (resource-limits.ts) and returned in canonical form.
 * `parent` is the complex attribute when `def` is a sub-attribute. Throws invalidValue /
 * invalidPath naming `where`.
 */
export function normaliseSingleValue(
  def: AttributeDefinition,
  value: JsonValue,
  where: string,
  parent?: AttributeDefinition,
): JsonValue {
  switch (def.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value === 'string') {
        const limit = maxStringLength(def, parent);
        if (value.length > limit) throw ScimError.invalidValue(tooLongMessage(where, value.length, limit));
        return value;
      }
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const coerced = coerceBooleanString(value);
        if (coerced !== undefined) return coerced;
      }
      break;
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      break;
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      break;
    case 'dateTime':
      if (typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))) {
        return value;
      }
      break;
    case 'complex':
      if (isJsonObject(value)) return normaliseComplex(def, value, where);
      // Tolerance T10: a bare value for a complex attribute with a "value" sub-attribute.
      if (value !== null && typeof value !== 'object') {
        const valueSub = findSubAttribute(def, 'value');
        if (valueSub !== undefined) {
          return { value: normaliseSingleValue(valueSub, value, `${where}.value`, def) };
        }
      }
      break;
  }
  throw ScimError.invalidValue(`${where}: expected ${def.type}, got ${describe(value)}`);
}

/**
 * A complex value with canonical sub-attribute names. Null sub-attributes mean unassigned
 * (RFC 7643 §2.5) and are left out; read-only ones are ignored; unknown ones are an invalidPath.
 */
export function normaliseComplex(def: AttributeDefinition, value: JsonObject, where: string): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    const sub = findSubAttribute(def, key);
    if (sub === undefined) {
      throw ScimError.invalidPath(`${where}: unknown sub-attribute "${key}" of "${def.name}"`);
    }
    const raw = value[key] as JsonValue;
    if (raw === null || sub.mutability === 'readOnly') continue;
    const subWhere = `${where}.${sub.name}`;
    if (sub.multiValued) {
      out[sub.name] = normaliseMultiValue(sub, raw, subWhere, def);
    } else {
      out[sub.name] = normaliseSingleValue(sub, raw, subWhere, def);
    }
  }
  return out;
}

/**
 * The values of a multi-valued attribute. A lone value is wrapped in an array (tolerance T9);
 * null elements are an invalidValue.
 */
export function normaliseMultiValue(
  def: AttributeDefinition,
  value: JsonValue,
  where: string,
  parent?: AttributeDefinition,
): JsonValue[] {
  const items = Array.isArray(value) ? value : [value];
  const out: JsonValue[] = new Array<JsonValue>(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as JsonValue;
    if (item === null) throw ScimError.invalidValue(`${where}[${i}]: null is not a value`);
    out[i] = normaliseSingleValue(def, item, `${where}[${i}]`, parent);
  }
  return out;
}

/**
 * A value for `def` as a whole: multi-valued attributes give an array, others a single value.
 * `parent` is the complex attribute when `def` is a sub-attribute.
 */
export function normaliseAttributeValue(
  def: AttributeDefinition,
  value: JsonValue,
  where: string,
  parent?: AttributeDefinition,
): JsonValue {
  return def.multiValued
    ? normaliseMultiValue(def, value, where, parent)
    : normaliseSingleValue(def, value, where, parent);
}

/**
 * How many of `values` say `"primary": true`; RFC 7643 §2.4 allows at most one among the values
 * of a multi-valued attribute.
 */
export function countPrimary(values: readonly JsonValue[]): number {
  let count = 0;
  for (const v of values) if (isJsonObject(v) && v['primary'] === true) count++;
  return count;
}
