/**
 * Case-insensitive attribute access on in-memory resources (RFC 7643 §2.1: attribute names are
 * case-insensitive) and resolution of URN-qualified paths (RFC 7644 §3.10: extension attributes
 * live under their schema URN key; core attributes may carry the core schema URN as a prefix).
 */
import type { AttributeResolver, ResolvedAttribute } from '../schema/schema-types.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import type { AttrPath } from './filter-ast.js';

const CORE_SCHEMA_PREFIX = 'urn:ietf:params:scim:schemas:core:';

/**
 * The key of `obj` that equals `name` ignoring case, or undefined. An exact match wins; only own
 * properties count, so `constructor` or `__proto__` never resolve to inherited members.
 */
export function findKeyCaseInsensitive(obj: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const lower = name.toLowerCase();
  for (const key in obj) {
    if (key.length === name.length && key.toLowerCase() === lower && Object.hasOwn(obj, key)) return key;
  }
  // Lower-casing can change the length of a few non-ASCII characters; compare those fully.
  for (const key in obj) {
    if (key.length !== name.length && key.toLowerCase() === lower && Object.hasOwn(obj, key)) return key;
  }
  return undefined;
}

/** `obj[name]` with `name` matched case-insensitively; undefined when absent. */
export function getAttributeCaseInsensitive(obj: JsonObject, name: string): JsonValue | undefined {
  if (Object.hasOwn(obj, name)) return obj[name];
  const key = findKeyCaseInsensitive(obj, name);
  return key === undefined ? undefined : obj[key];
}

/** True when `uri` names a schema of the RFC 7643 core (`urn:ietf:params:scim:schemas:core:...`). */
export function isCoreSchemaUri(uri: string): boolean {
  return (
    uri.length >= CORE_SCHEMA_PREFIX.length &&
    uri.slice(0, CORE_SCHEMA_PREFIX.length).toLowerCase() === CORE_SCHEMA_PREFIX
  );
}

/**
 * The object holding the attribute that `path` names: the resource itself for core attributes, or
 * the extension object under its URN key. With a resolver, an unqualified name that the resolver
 * places in an extension is looked up there too (RFC 7644 §3.10 lets clients omit the URN when the
 * name is unambiguous). Without a resolver, a URN that is a key of the resource is an extension, a
 * core-schema URN qualifies a top-level attribute, and any other URN finds nothing.
 */
export function attributeContainer(
  resource: JsonObject,
  path: Pick<AttrPath, 'uri' | 'name'>,
  resolved?: ResolvedAttribute,
): JsonObject | undefined {
  if (path.uri === undefined) {
    if (resolved?.isExtension) {
      const ext = getAttributeCaseInsensitive(resource, resolved.schema);
      return isJsonObject(ext) ? ext : undefined;
    }
    return resource;
  }
  const ext = getAttributeCaseInsensitive(resource, path.uri);
  if (isJsonObject(ext)) return ext;
  const isCore = resolved === undefined ? isCoreSchemaUri(path.uri) : !resolved.isExtension;
  return isCore ? resource : undefined;
}

/**
 * The value at `path` in `resource`: the attribute, or for `name.subAttr` the sub-attribute (an
 * array of the sub-attribute's values when the attribute is multi-valued). Undefined when absent,
 * including when no value of a multi-valued attribute has the sub-attribute.
 */
export function getAttrPathValue(
  resource: JsonObject,
  path: Pick<AttrPath, 'uri' | 'name' | 'subAttr'>,
  resolver?: AttributeResolver,
): JsonValue | undefined {
  const resolved = resolver?.resolve(path.uri, path.name, path.subAttr);
  const container = attributeContainer(resource, path, resolved);
  if (container === undefined) return undefined;
  const top = getAttributeCaseInsensitive(container, path.name);
  if (path.subAttr === undefined || top === undefined) return top;
  if (isJsonObject(top)) return getAttributeCaseInsensitive(top, path.subAttr);
  if (!Array.isArray(top)) return undefined;
  const values: JsonValue[] = [];
  for (const element of top) {
    if (!isJsonObject(element)) continue;
    const value = getAttributeCaseInsensitive(element, path.subAttr);
    if (value === undefined) continue;
    if (Array.isArray(value)) values.push(...value);
    else values.push(value);
  }
  return values.length > 0 ? values : undefined;
}
