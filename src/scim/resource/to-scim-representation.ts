/**
 * Assembles the representation a client sees (RFC 7643 §3): `schemas`, `id`, the stored
 * attributes, and `meta` (§3.1). Attributes returned "never" (password) are left out here already,
 * so a response can never leak them even when no projection runs.
 */
import type { JsonObject } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { SchemaRegistry } from '../schema/schema-registry.js';

/** What the store holds about a resource besides its attributes. */
export interface StoredResource {
  id: string;
  /** Normalised attributes as returned by validateResource (or PATCH). */
  attributes: JsonObject;
  meta: {
    created: string | Date;
    lastModified: string | Date;
    /** The opaque version; sent as a weak ETag `W/"<version>"` (RFC 7644 §3.14). */
    version?: string | number;
    /** Absolute URL of the resource. */
    location?: string;
  };
}

/**
 * The last Date formatted, by epoch milliseconds. `created` and `lastModified` are often the same
 * instant, and resources created together (a bulk import, one batch) share it, so a list page of
 * 100 users formats one or a few distinct instants instead of 200 (toISOString is a native call).
 */
let lastEpochMs = Number.NaN;
let lastIso = '';

function isoDate(value: string | Date): string {
  if (typeof value === 'string') return value;
  const ms = value.getTime();
  if (ms === lastEpochMs) return lastIso;
  // An invalid Date has NaN here, never equal, and toISOString throws as before.
  const iso = value.toISOString();
  lastEpochMs = ms;
  lastIso = iso;
  return iso;
}

/** `W/"v"` for a bare version; an already quoted entity tag is kept as it is. */
export function weakEtag(version: string | number): string {
  const text = String(version);
  if (text.startsWith('W/"') || text.startsWith('"')) return text;
  return `W/"${text}"`;
}

/** Builds the full SCIM representation of a stored resource of `resourceType`. */
export function toScimRepresentation(
  registry: SchemaRegistry,
  resourceType: string,
  resource: StoredResource,
): JsonObject {
  const type = registry.compiled(resourceType);
  const schemas: string[] = [type.core.urn];
  for (const ext of type.extensions) {
    if (isJsonObject(resource.attributes[ext.urn])) schemas.push(ext.urn);
  }
  const out: JsonObject = { schemas, id: resource.id };
  for (const key of Object.keys(resource.attributes)) {
    if (key === 'id' || key === 'meta' || key === 'schemas') continue;
    const value = resource.attributes[key];
    if (value === undefined) continue;
    const attribute = type.core.attributes.get(key);
    if (attribute?.definition.returned === 'never') continue;
    const ext = attribute ? undefined : type.resolver.schema(key);
    if (ext?.isExtension && isJsonObject(value)) {
      out[key] = withoutNeverReturned(value, ext.attributeList);
    } else {
      out[key] = value;
    }
  }
  const meta: JsonObject = {
    resourceType: type.definition.name,
    created: isoDate(resource.meta.created),
    lastModified: isoDate(resource.meta.lastModified),
  };
  if (resource.meta.location !== undefined) meta.location = resource.meta.location;
  if (resource.meta.version !== undefined) meta.version = weakEtag(resource.meta.version);
  out.meta = meta;
  return out;
}

function withoutNeverReturned(
  value: JsonObject,
  attributes: readonly { name: string; definition: { returned: string } }[],
): JsonObject {
  let hidden: Set<string> | undefined;
  for (const a of attributes) {
    if (a.definition.returned === 'never' && Object.hasOwn(value, a.name)) (hidden ??= new Set()).add(a.name);
  }
  if (!hidden) return value;
  const out: JsonObject = {};
  for (const k of Object.keys(value)) if (!hidden.has(k)) out[k] = value[k]!;
  return out;
}
