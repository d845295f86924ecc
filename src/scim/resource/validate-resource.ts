/**
 * Validation and normalisation of a resource body (POST / PUT) against its resource type.
 *
 * The result is the stored form: canonical attribute names (RFC 7643 §2.1 names are
 * case-insensitive), extension attributes nested under their schema URN, no `schemas`, `id` or
 * `meta`, readOnly input dropped (RFC 7644 §3.3 / §3.5.1: the server ignores it), nulls and empty
 * values removed (RFC 7643 §2.5: they mean "unassigned").
 *
 * Choices made where the RFCs leave room, each kept deliberate:
 * - Unknown attributes and type mismatches are 400 invalidValue ("not compatible with the ...
 *   resource schema", RFC 7644 §3.12); only a body that is not a JSON object is invalidSyntax.
 * - canonicalValues are not enforced (RFC 7643 §2.4 says SHOULD): Entra ID and Okta send types
 *   such as "mobile" on emails or custom labels, and rejecting them would break provisioning.
 * - `schemas` must list the core schema and only schemas of this resource type; an extension whose
 *   attributes are present but whose URN is missing from `schemas` is accepted (clients forget it).
 * - Tolerance: a `schemas` entry naming a schema the registry does not know at all, and carrying no
 *   attributes, is ignored. Microsoft Entra ID's documented group creation lists
 *   `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group` next to the core
 *   Group schema with nothing under it; such an entry says nothing the server could act on. A
 *   registered schema of another resource type is still refused, and attributes under an unknown
 *   URN still fail as unknown attributes (before `schemas` is checked).
 * - Attributes may be sent as URN-prefixed flat keys (`urn:...:enterprise:2.0:User:employeeNumber`
 *   or `...:User:manager.value`), as Entra ID does; they are nested under their URN.
 * - A required attribute given as an empty or blank string counts as missing (`userName: ""`).
 * - Tolerance: boolean attributes given as the strings "true" / "false" (any case) are taken as
 *   booleans, as PATCH does for Entra ID (patch-tolerances.ts, T2).
 * - Tolerance: a singular complex attribute given as a one-element array (`"manager": [{...}]`),
 *   as Microsoft Entra ID sends the manager, is taken as that element; an array of any other
 *   length is invalidValue (patch-tolerances.ts, T11).
 * - Tolerance: an attribute the core schema lacks may be given without its URN at the top level
 *   (`"manager": {...}`) when exactly one extension of the resource type defines it; it is nested
 *   under that extension's URN (RFC 7644 §3.10 lets clients omit the URN when unambiguous;
 *   patch-tolerances.ts, T12).
 * - Length and count limits (resource-limits.ts) are 400 invalidValue naming the attribute.
 * - On replace, an attribute that is never returned (`password`) and that the body omits is kept:
 *   a client replacing what it has just read cannot send it back.
 * - On replace, an immutable attribute that is already set may not change (RFC 7644 §3.5.1); if the
 *   body omits it, the existing value is kept. Sub-attributes of multi-valued attributes (group
 *   members) are values identified by themselves, so adding or removing them is not a change.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import {
  lookupAttribute,
  lookupSub,
  type CompiledAttribute,
  type CompiledResourceType,
  type CompiledSchema,
} from '../schema/compiled-resource-type.js';
import type { SchemaRegistry } from '../schema/schema-registry.js';
import type { AttributeDefinition } from '../schema/schema-types.js';
import { coerceBooleanString, unwrapSingularComplex } from '../patch/patch-tolerances.js';
import {
  MAX_VALUES_PER_ATTRIBUTE,
  maxStringLength,
  maxValues,
  tooLongProblem,
  tooManyValuesMessage,
} from './resource-limits.js';
import { isBase64, isReference, isXsdDateTime } from './value-checks.js';

/** create: POST; replace: PUT (RFC 7644 §3.3, §3.5.1). */
export type ValidationMode = 'create' | 'replace';

/**
 * Validates `input` as a `resourceType` resource and returns its normalised attributes.
 * `existing` (the stored attributes, on replace) is used for immutability. Throws ScimError only.
 */
export function validateResource(
  registry: SchemaRegistry,
  resourceType: string,
  input: unknown,
  mode: ValidationMode,
  existing?: JsonObject,
): JsonObject {
  const type = registry.compiled(resourceType);
  if (!isJsonObject(input)) throw ScimError.invalidSyntax('request body must be a JSON object');
  const out: JsonObject = {};
  let schemasValue: JsonValue | undefined;
  let schemasSeen = false;

  for (const key of Object.keys(input)) {
    const value = input[key] as JsonValue;
    const attribute = lookupAttribute(type.core, key);
    if (attribute) {
      setAttribute(out, attribute, value, attribute.name);
      continue;
    }
    if (key.length === 7 && key.toLowerCase() === 'schemas') {
      if (schemasSeen) throw ScimError.invalidValue('schemas: given more than once');
      schemasSeen = true;
      schemasValue = value;
      continue;
    }
    if (key.length > 4 && key.slice(0, 4).toLowerCase() === 'urn:') {
      const ext = type.resolver.schema(key);
      if (ext?.isExtension) {
        mergeExtension(out, ext, value);
        continue;
      }
      if (setFlatUrnKey(out, type, key, value)) continue;
    } else {
      // Tolerance: an extension attribute without its URN (see the header).
      const unqualified = type.resolver.attribute(undefined, key);
      const ext = unqualified?.resolved.isExtension
        ? type.resolver.schema(unqualified.resolved.schema)
        : undefined;
      if (unqualified && ext) {
        setAttribute(extensionTarget(out, ext), unqualified, value, `${ext.urn}:${unqualified.name}`);
        if (Object.keys(out[ext.urn] as JsonObject).length === 0) delete out[ext.urn];
        continue;
      }
    }
    throw ScimError.invalidValue(`${key}: unknown attribute of resource type ${type.definition.name}`);
  }

  checkSchemas(registry, type, schemasSeen, schemasValue);
  checkRequired(type, out);
  if (mode === 'replace' && existing) checkImmutable(type, out, existing);
  return out;
}

/** Validates one top-level attribute value into `target`, unless readOnly (then ignored). */
function setAttribute(
  target: JsonObject,
  attribute: CompiledAttribute,
  value: JsonValue,
  path: string,
): void {
  if (attribute.definition.mutability === 'readOnly') return;
  if (Object.hasOwn(target, attribute.name)) throw ScimError.invalidValue(`${path}: given more than once`);
  const normalised = checkAttribute(attribute, value, path);
  if (normalised !== undefined) target[attribute.name] = normalised;
}

function mergeExtension(out: JsonObject, ext: CompiledSchema, value: JsonValue): void {
  if (value === null) return;
  if (!isJsonObject(value)) throw ScimError.invalidValue(`${ext.urn}: expected object`);
  const target = extensionTarget(out, ext);
  for (const key of Object.keys(value)) {
    const attribute = lookupAttribute(ext, key);
    if (!attribute) throw ScimError.invalidValue(`${ext.urn}:${key}: unknown attribute of schema ${ext.urn}`);
    setAttribute(target, attribute, value[key] as JsonValue, `${ext.urn}:${attribute.name}`);
  }
  if (Object.keys(target).length === 0) delete out[ext.urn];
}

function extensionTarget(out: JsonObject, ext: CompiledSchema): JsonObject {
  const current = out[ext.urn];
  if (isJsonObject(current)) return current;
  const created: JsonObject = {};
  out[ext.urn] = created;
  return created;
}

/** `urn:...:User:employeeNumber`, `urn:...:User:manager.value`, `urn:...:core:2.0:User:userName`. */
function setFlatUrnKey(out: JsonObject, type: CompiledResourceType, key: string, value: JsonValue): boolean {
  const ref = type.resolver.splitPath(key);
  if (!ref || ref.uri === undefined) return false;
  const schema = type.resolver.schema(ref.uri);
  if (!schema) return false;
  const attribute = lookupAttribute(schema, ref.name);
  if (!attribute) return false;
  const target = schema.isExtension ? extensionTarget(out, schema) : out;
  const path = `${schema.urn}:${attribute.name}`;
  if (ref.subAttr === undefined) {
    setAttribute(target, attribute, value, path);
  } else {
    const sub = lookupSub(attribute, ref.subAttr);
    if (!sub || attribute.definition.multiValued) return false;
    if (attribute.definition.mutability !== 'readOnly' && sub.definition.mutability !== 'readOnly') {
      const subPath = `${path}.${sub.name}`;
      const current = target[attribute.name];
      const holder: JsonObject = isJsonObject(current) ? current : {};
      if (Object.hasOwn(holder, sub.name)) throw ScimError.invalidValue(`${subPath}: given more than once`);
      const normalised = checkPrimitiveOrList(sub.definition, value, subPath, attribute.definition);
      if (normalised !== undefined) {
        holder[sub.name] = normalised;
        target[attribute.name] = holder;
      }
    }
  }
  if (schema.isExtension && Object.keys(target).length === 0) delete out[schema.urn];
  return true;
}

/**
 * The path of a value in error messages, e.g. `emails[1].primary`. Built only when an error is
 * thrown: validation of a valid body allocates no path strings.
 */
function where(path: string, index: number, sub?: string): string {
  const base = index < 0 ? path : `${path}[${index}]`;
  return sub === undefined ? base : `${base}.${sub}`;
}

/** Checks a value against a top-level attribute; undefined means "unassigned". */
function checkAttribute(attribute: CompiledAttribute, value: JsonValue, path: string): JsonValue | undefined {
  if (value === null) return undefined;
  const def = attribute.definition;
  if (!def.multiValued) {
    if (def.type === 'complex') {
      const single = unwrapSingularComplex(def, value, path);
      return single === null ? undefined : checkComplex(attribute, single, path, -1);
    }
    const coerced = coerceBoolean(def, value);
    const problem = typeProblem(def, coerced, undefined);
    if (problem !== undefined) throw ScimError.invalidValue(`${path}: ${problem}`);
    return coerced;
  }
  if (!Array.isArray(value)) throw ScimError.invalidValue(`${path}: expected array`);
  const limit = maxValues(def, attribute.resolved.schema);
  if (value.length > limit) throw ScimError.invalidValue(tooManyValuesMessage(path, value.length, limit));
  const result: JsonValue[] = [];
  let primaries = 0;
  for (let i = 0; i < value.length; i++) {
    const item = value[i] as JsonValue;
    if (item === null) continue;
    if (def.type === 'complex') {
      const checked = checkComplex(attribute, item, path, i);
      if (checked === undefined) continue;
      if (checked.primary === true) primaries++;
      result.push(checked);
    } else {
      const coerced = coerceBoolean(def, item);
      const problem = typeProblem(def, coerced, undefined);
      if (problem !== undefined) throw ScimError.invalidValue(`${where(path, i)}: ${problem}`);
      result.push(coerced);
    }
  }
  // RFC 7643 §2.4: the primary value "true" MUST appear no more than once.
  if (primaries > 1) throw ScimError.invalidValue(`${path}: more than one value has primary true`);
  return result.length === 0 ? undefined : result;
}

function checkComplex(
  attribute: CompiledAttribute,
  value: JsonValue,
  path: string,
  index: number,
): JsonObject | undefined {
  if (!isJsonObject(value)) throw ScimError.invalidValue(`${where(path, index)}: expected object`);
  const out: JsonObject = {};
  let empty = true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const sub = lookupSub(attribute, key);
    if (!sub) {
      throw ScimError.invalidValue(`${where(path, index, key)}: unknown sub-attribute of ${attribute.name}`);
    }
    if (Object.hasOwn(out, sub.name)) {
      throw ScimError.invalidValue(`${where(path, index, sub.name)}: given more than once`);
    }
    if (sub.definition.mutability === 'readOnly') continue;
    const item = value[key] as JsonValue;
    if (item === null) continue;
    let checked: JsonValue | undefined = item;
    if (sub.definition.multiValued) {
      checked = checkPrimitiveOrList(
        sub.definition,
        item,
        where(path, index, sub.name),
        attribute.definition,
      );
    } else {
      checked = coerceBoolean(sub.definition, item);
      const problem = typeProblem(sub.definition, checked, attribute.definition);
      if (problem !== undefined) throw ScimError.invalidValue(`${where(path, index, sub.name)}: ${problem}`);
    }
    if (checked !== undefined) {
      out[sub.name] = checked;
      empty = false;
    }
  }
  if (empty) return undefined;
  for (const sub of attribute.subAttributeList) {
    if (sub.definition.required && sub.definition.mutability !== 'readOnly' && isMissing(out[sub.name])) {
      throw ScimError.invalidValue(`${where(path, index, sub.name)}: required`);
    }
  }
  return out;
}

/** A (rare) multi-valued or flat-key sub-attribute value; the path is already built. */
function checkPrimitiveOrList(
  def: AttributeDefinition,
  value: JsonValue,
  path: string,
  parent: AttributeDefinition,
): JsonValue | undefined {
  if (value === null) return undefined;
  if (!def.multiValued) {
    const coerced = coerceBoolean(def, value);
    const problem = typeProblem(def, coerced, parent);
    if (problem !== undefined) throw ScimError.invalidValue(`${path}: ${problem}`);
    return coerced;
  }
  if (!Array.isArray(value)) throw ScimError.invalidValue(`${path}: expected array`);
  if (value.length > MAX_VALUES_PER_ATTRIBUTE) {
    throw ScimError.invalidValue(tooManyValuesMessage(path, value.length, MAX_VALUES_PER_ATTRIBUTE));
  }
  const out: JsonValue[] = [];
  for (let i = 0; i < value.length; i++) {
    const item = value[i] as JsonValue;
    if (item === null) continue;
    const coerced = coerceBoolean(def, item);
    const problem = typeProblem(def, coerced, parent);
    if (problem !== undefined) throw ScimError.invalidValue(`${where(path, i)}: ${problem}`);
    out.push(coerced);
  }
  return out.length === 0 ? undefined : out;
}

/**
 * RFC 7643 §2.3: the JSON shape of each data type, and the length limits (resource-limits.ts);
 * returns what is wrong, or undefined. `parent` is the complex attribute of a sub-attribute.
 */
function typeProblem(
  def: AttributeDefinition,
  value: JsonValue,
  parent: AttributeDefinition | undefined,
): string | undefined {
  if (typeof value === 'string') {
    const limit = maxStringLength(def, parent);
    if (value.length > limit) return tooLongProblem(value.length, limit);
  }
  switch (def.type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'expected string';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : 'expected integer';
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected decimal';
    case 'dateTime':
      return typeof value === 'string' && isXsdDateTime(value)
        ? undefined
        : 'expected dateTime (xsd:dateTime, e.g. 2008-01-23T04:56:22Z)';
    case 'binary':
      return typeof value === 'string' && isBase64(value) ? undefined : 'expected binary (base64)';
    case 'reference':
      return typeof value === 'string' && isReference(value) ? undefined : 'expected reference (URI)';
    case 'complex':
      // Sub-attributes cannot be complex (the registry refuses such schemas); kept for exhaustiveness.
      return 'nested complex values are not allowed';
  }
}

function checkSchemas(
  registry: SchemaRegistry,
  type: CompiledResourceType,
  seen: boolean,
  value: JsonValue | undefined,
): void {
  const core = type.core.urn;
  if (!seen || value === null) throw ScimError.invalidValue(`schemas: required, must include ${core}`);
  if (!Array.isArray(value)) throw ScimError.invalidValue('schemas: expected array of strings');
  let hasCore = false;
  for (let i = 0; i < value.length; i++) {
    const urn = value[i];
    if (typeof urn !== 'string') throw ScimError.invalidValue(`schemas[${i}]: expected string`);
    const schema = type.resolver.schema(urn);
    if (!schema) {
      // The unknown-URN tolerance (see the header): every attribute key was checked above, so an
      // unregistered URN here carries no attributes.
      if (registry.schema(urn) === undefined) continue;
      throw ScimError.invalidValue(
        `schemas[${i}]: ${urn} is not a schema of resource type ${type.definition.name}`,
      );
    }
    if (schema === type.core) hasCore = true;
  }
  if (!hasCore) throw ScimError.invalidValue(`schemas: must include ${core}`);
}

function checkRequired(type: CompiledResourceType, out: JsonObject): void {
  checkRequiredIn(type.core, out, '');
  for (const ext of type.extensions) {
    const data = out[ext.urn];
    if (data === undefined) {
      if (ext.required) throw ScimError.invalidValue(`${ext.urn}: required extension missing`);
      continue;
    }
    checkRequiredIn(ext, data as JsonObject, `${ext.urn}:`);
  }
}

function checkRequiredIn(schema: CompiledSchema, data: JsonObject, prefix: string): void {
  for (const attribute of schema.attributeList) {
    const def = attribute.definition;
    if (def.required && def.mutability !== 'readOnly' && isMissing(data[attribute.name])) {
      throw ScimError.invalidValue(`${prefix}${attribute.name}: required, and not empty or blank`);
    }
  }
}

/**
 * A required value that is absent, or a string with nothing but white space: `userName: ""` names
 * nobody, and `pr` filters do not count an empty string as present (RFC 7644 §3.4.2.2).
 */
function isMissing(value: JsonValue | undefined): boolean {
  return value === undefined || (typeof value === 'string' && value.trim() === '');
}

/**
 * Tolerance: a boolean attribute given as the string "true" or "false" (any case), as some
 * clients send them in POST and PUT bodies just as Entra ID does in PATCH, is taken as the boolean.
 */
function coerceBoolean(def: AttributeDefinition, value: JsonValue): JsonValue {
  if (def.type !== 'boolean' || typeof value !== 'string') return value;
  return coerceBooleanString(value) ?? value;
}

function checkImmutable(type: CompiledResourceType, out: JsonObject, existing: JsonObject): void {
  checkImmutableIn(type.core, out, existing, '');
  for (const ext of type.extensions) {
    const before = existing[ext.urn];
    if (!isJsonObject(before)) continue;
    const after = out[ext.urn];
    const target = isJsonObject(after) ? after : {};
    checkImmutableIn(ext, target, before, `${ext.urn}:`);
    if (after === undefined && Object.keys(target).length > 0) out[ext.urn] = target;
  }
}

function checkImmutableIn(
  schema: CompiledSchema,
  out: JsonObject,
  existing: JsonObject,
  prefix: string,
): void {
  for (const attribute of schema.attributeList) {
    const def = attribute.definition;
    const before = existing[attribute.name];
    if (before === undefined || before === null) continue;
    if (def.mutability === 'immutable') {
      const after = out[attribute.name];
      if (after === undefined) out[attribute.name] = before;
      else if (!jsonEqual(before, after)) {
        throw ScimError.mutability(`${prefix}${attribute.name}: immutable attribute cannot be changed`);
      }
    } else if (def.returned === 'never') {
      // A client cannot read it back (a password), so a PUT built from a GET never carries it:
      // omitted, it is kept. PATCH `remove` clears it.
      if (out[attribute.name] === undefined) out[attribute.name] = before;
    } else if (def.type === 'complex' && !def.multiValued && isJsonObject(before)) {
      for (const sub of attribute.subAttributeList) {
        if (sub.definition.mutability !== 'immutable') continue;
        const subBefore = before[sub.name];
        if (subBefore === undefined || subBefore === null) continue;
        const current = out[attribute.name];
        const holder: JsonObject = isJsonObject(current) ? current : {};
        const subAfter = holder[sub.name];
        if (subAfter === undefined) {
          holder[sub.name] = subBefore;
          out[attribute.name] = holder;
        } else if (!jsonEqual(subBefore, subAfter)) {
          throw ScimError.mutability(
            `${prefix}${attribute.name}.${sub.name}: immutable attribute cannot be changed`,
          );
        }
      }
    }
  }
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] as JsonValue, b[i] as JsonValue)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(b, k) || !jsonEqual(a[k] as JsonValue, b[k] as JsonValue)) return false;
  }
  return true;
}
