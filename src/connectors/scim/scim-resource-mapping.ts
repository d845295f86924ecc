/**
 * Target attributes (keyed by the mappings' target paths) to a SCIM resource's JSON, and a SCIM
 * resource back to a `TargetObject` whose attributes are keyed the same way: every path the app has
 * written is read back under its own text, and everything else the target holds under its
 * canonical path (`name.givenName`, `emails[type eq "work"].value`, `urn:...:User:department`).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import type { ObjectType, TargetAttributes, TargetObject } from '../spi/index.js';
import { isNoValue } from '../spi/index.js';
import { compileScimPath, readPath, writePath, ENTERPRISE_USER_URN } from './scim-paths.js';
import type { ScimBehaviour } from './scim-profiles.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const MANAGER_KEY = `${ENTERPRISE_USER_URN}:manager`.toLowerCase();

/** Attributes that are never target attributes: protocol fields, membership, write-only values. */
const NOT_ATTRIBUTES = new Set(['schemas', 'id', 'meta', 'members', 'groups', 'password']);

/** The `schemas` of a resource: its core schema and every extension whose attributes it carries. */
function schemasOf(objectType: ObjectType, resource: JsonObject, behaviour: ScimBehaviour): string[] {
  const schemas = [objectType === 'User' ? USER_SCHEMA : GROUP_SCHEMA];
  for (const key of Object.keys(resource)) if (key.startsWith('urn:')) schemas.push(key);
  // Targets with their own extension want it named on every resource of the type it extends.
  for (const urn of behaviour.extensionUrns) {
    const extendsType = urn.split(':').at(-1)?.toLowerCase() === objectType.toLowerCase();
    if (extendsType && !schemas.some((s) => s.toLowerCase() === urn.toLowerCase())) schemas.push(urn);
  }
  return schemas;
}

/** A value as the target wants it: booleans become strings for targets that only take those. */
export function outgoingValue(value: JsonValue, behaviour: ScimBehaviour): JsonValue {
  if (!behaviour.booleansAsStrings) return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.map((item) => outgoingValue(item, behaviour));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = outgoingValue(item, behaviour);
    return out;
  }
  return value;
}

/** The member list of a resource, as SCIM wants it: `[{ value: id }]`. */
export function memberValues(ids: readonly string[]): JsonObject[] {
  return ids.map((value) => ({ value }));
}

/** Builds the SCIM JSON of a new or replaced resource from target attributes. */
export function toScimResource(
  objectType: ObjectType,
  attributes: TargetAttributes,
  behaviour: ScimBehaviour,
  enabled?: boolean,
): JsonObject {
  const resource: JsonObject = {};
  for (const [text, value] of Object.entries(attributes)) {
    if (isNoValue(value)) continue;
    if (objectType === 'Group' && text.toLowerCase() === 'members' && Array.isArray(value)) {
      resource.members = memberValues(value.filter((v): v is string => typeof v === 'string'));
      continue;
    }
    writePath(resource, compileScimPath(text), value);
  }
  if (objectType === 'User' && enabled !== undefined) resource.active = enabled;
  const body = outgoingValue(resource, behaviour) as JsonObject;
  return { schemas: schemasOf(objectType, body, behaviour), ...body };
}

/** The same resource as written back by PUT: the read resource with its server-owned parts dropped. */
export function forReplace(
  objectType: ObjectType,
  resource: JsonObject,
  behaviour: ScimBehaviour,
): JsonObject {
  const body: JsonObject = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'meta' || key === 'schemas' || (key === 'groups' && objectType === 'User')) continue;
    body[key] = value;
  }
  const out = outgoingValue(body, behaviour) as JsonObject;
  return { schemas: schemasOf(objectType, out, behaviour), ...out };
}

function isTrueString(value: JsonValue | undefined): boolean {
  return typeof value === 'string' && value.toLowerCase() === 'true';
}
function isFalseString(value: JsonValue | undefined): boolean {
  return typeof value === 'string' && value.toLowerCase() === 'false';
}

/** A value read from the target, with string booleans read as booleans where the target sends those. */
function incoming(value: JsonValue, stringBooleans: boolean): JsonValue {
  if (!stringBooleans) return value;
  if (isTrueString(value)) return true;
  if (isFalseString(value)) return false;
  return value;
}

/**
 * Every value of a resource under its canonical path. Multi-valued complex attributes are keyed by
 * their `type` (`emails[type eq "work"].value`); those without types are kept as arrays of values.
 */
export function flattenResource(resource: JsonObject, stringBooleans: boolean): TargetAttributes {
  const out: TargetAttributes = {};
  const put = (key: string, value: JsonValue) => {
    if (!isNoValue(value)) out[key] = incoming(value, stringBooleans);
  };
  const walk = (holder: JsonObject, prefix: string) => {
    for (const [name, value] of Object.entries(holder)) {
      if (prefix === '' && NOT_ATTRIBUTES.has(name)) continue;
      if (prefix === '' && name.startsWith('urn:') && isJsonObject(value)) {
        walk(value, `${name}:`);
        continue;
      }
      const key = `${prefix}${name}`;
      // Length first: lower-casing every key of every answer read is a copy of each.
      if (key.length === MANAGER_KEY.length && key.toLowerCase() === MANAGER_KEY) {
        put(key, isJsonObject(value) ? (value.value ?? null) : value);
      } else if (isJsonObject(value)) {
        for (const [sub, subValue] of Object.entries(value)) put(`${key}.${sub}`, subValue);
      } else if (Array.isArray(value) && value.some(isJsonObject)) {
        const typed = value.filter(
          (item): item is JsonObject => isJsonObject(item) && typeof item.type === 'string',
        );
        const untyped = value.filter((item) => !isJsonObject(item) || typeof item.type !== 'string');
        const seen = new Set<string>();
        for (const item of typed) {
          const type = item.type as string;
          if (seen.has(type.toLowerCase())) continue; // the first entry of a type is the one paths address
          seen.add(type.toLowerCase());
          for (const [sub, subValue] of Object.entries(item)) {
            if (sub !== 'type') put(`${key}[type eq ${JSON.stringify(type)}].${sub}`, subValue);
          }
        }
        if (untyped.length > 0) {
          put(
            key,
            untyped.map((item) => (isJsonObject(item) && 'value' in item ? item.value! : item)),
          );
        }
      } else {
        put(key, value);
      }
    }
  };
  walk(resource, '');
  return out;
}

/** A SCIM resource (already checked to have an id) as a target object, attributes under `paths` too. */
export function fromScimResource(
  objectType: ObjectType,
  resource: JsonObject,
  paths: Iterable<string>,
  behaviour: ScimBehaviour,
): TargetObject {
  const attributes = flattenResource(resource, behaviour.booleansAsStrings);
  for (const text of paths) {
    if (text in attributes) continue;
    const value = readPath(resource, compileScimPath(text));
    if (value !== undefined && !isNoValue(value))
      attributes[text] = incoming(value, behaviour.booleansAsStrings);
  }
  const object: TargetObject = { id: resource.id as string, objectType, attributes };
  if (objectType === 'User') {
    const active = resource.active;
    object.enabled = !(active === false || isFalseString(active));
  }
  if (objectType === 'Group' && Array.isArray(resource.members)) {
    object.members = resource.members.flatMap((member) =>
      isJsonObject(member) && typeof member.value === 'string' ? [member.value] : [],
    );
  }
  return object;
}
