/**
 * Turns a stored resource into what a client sees: `schemas`, `id`, attributes, `meta` with
 * `location` and `version` (RFC 7643 §3.1), shaped by `attributes` / `excludedAttributes`.
 */
import type { StoredResource } from '../directory/directory-store.js';
import type { JsonObject } from '../shared/json.js';
import type { Projection } from '../scim/query/project-resource.js';
import { toScimRepresentation, weakEtag } from '../scim/resource/to-scim-representation.js';
import type { SchemaRegistry } from '../scim/schema/schema-registry.js';

/** The URL of one resource, e.g. `https://host/scim/v2/Users/<id>`. */
export function resourceLocation(registry: SchemaRegistry, baseUrl: string, stored: StoredResource): string {
  const endpoint = registry.resourceType(stored.resourceType)?.endpoint ?? `/${stored.resourceType}s`;
  return `${baseUrl}${endpoint}/${encodeURIComponent(stored.id)}`;
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
    attributes: stored.attributes,
    meta: {
      created: stored.created,
      lastModified: stored.lastModified,
      version: stored.version,
      location: resourceLocation(registry, baseUrl, stored),
    },
  });
  return projection ? projection.apply(full) : full;
}
