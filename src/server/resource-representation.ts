/**
 * Turns a stored resource into what a client sees: `schemas`, `id`, attributes, `meta` with
 * `location` and `version` (RFC 7643 §3.1), shaped by `attributes` / `excludedAttributes`.
 */
import type { StoredResource } from '../directory/directory-store.js';
import type { JsonObject, JsonValue } from '../shared/json.js';
import { isJsonObject } from '../shared/json.js';
import type { Projection } from '../scim/query/project-resource.js';
import { toScimRepresentation, weakEtag } from '../scim/resource/to-scim-representation.js';
import type { SchemaRegistry } from '../scim/schema/schema-registry.js';

/** The URL of one resource, e.g. `https://host/scim/v2/Users/<id>`. */
export function resourceLocation(registry: SchemaRegistry, baseUrl: string, stored: StoredResource): string {
  return locationOf(registry, baseUrl, stored.resourceType, stored.id);
}

function locationOf(registry: SchemaRegistry, baseUrl: string, resourceType: string, id: string): string {
  const endpoint = registry.resourceType(resourceType)?.endpoint ?? `/${resourceType}s`;
  return `${baseUrl}${endpoint}/${encodeURIComponent(id)}`;
}

/**
 * `members` and `groups` with `$ref`, the URI of the resource each value names (RFC 7643 §4.2,
 * §4.1.2). The store keeps ids only; the URI depends on the address the server is reached at.
 */
function withReferences(registry: SchemaRegistry, baseUrl: string, stored: StoredResource): JsonObject {
  const { members, groups } = stored.attributes;
  if (!Array.isArray(members) && !Array.isArray(groups)) return stored.attributes;
  const attributes: JsonObject = { ...stored.attributes };
  if (Array.isArray(members)) attributes.members = referenced(members, (entry) => entry.type);
  if (Array.isArray(groups)) attributes.groups = referenced(groups, () => 'Group');
  return attributes;

  function referenced(
    values: JsonValue[],
    typeOf: (entry: JsonObject) => JsonValue | undefined,
  ): JsonValue[] {
    return values.map((entry) => {
      if (!isJsonObject(entry) || typeof entry.value !== 'string') return entry;
      const type = typeOf(entry);
      if (type !== 'User' && type !== 'Group') return entry;
      const { value, ...rest } = entry;
      return { value, $ref: locationOf(registry, baseUrl, type, value), ...rest };
    });
  }
}

/** The weak ETag of a stored resource (RFC 7644 §3.14). */
export function etagOf(stored: StoredResource): string {
  return weakEtag(stored.version);
}

/** The full representation, projected when a projection is given. */
export function representResource(
  registry: SchemaRegistry,
  baseUrl: string,
  stored: StoredResource,
  projection?: Projection,
): JsonObject {
  const full = toScimRepresentation(registry, stored.resourceType, {
    id: stored.id,
    attributes: withReferences(registry, baseUrl, stored),
    meta: {
      created: stored.created,
      lastModified: stored.lastModified,
      version: stored.version,
      location: resourceLocation(registry, baseUrl, stored),
    },
  });
  return projection ? projection.apply(full) : full;
}
