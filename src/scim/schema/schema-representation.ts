/**
 * The discovery representations of RFC 7643 §6 (ResourceType) and §7 (Schema), served at
 * /ResourceTypes and /Schemas (RFC 7644 §4), with meta.resourceType and meta.location.
 */
import type { JsonObject } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { buildListResponse, type ListResponse } from '../query/list-response.js';
import type { SchemaRegistry } from './schema-registry.js';
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from './schema-types.js';
import { SchemaUrn } from './schema-types.js';

/** Removes a trailing slash so `${base}/Schemas` never doubles it. */
function trimBase(baseUrl: string): string {
  return baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
}

function attributeRepresentation(a: AttributeDefinition): JsonObject {
  const out: JsonObject = {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
  };
  if (a.canonicalValues) out.canonicalValues = [...a.canonicalValues];
  if (a.referenceTypes) out.referenceTypes = [...a.referenceTypes];
  if (a.subAttributes) out.subAttributes = a.subAttributes.map(attributeRepresentation);
  return out;
}

/** RFC 7643 §7: one schema as served at /Schemas/{id}. */
export function schemaRepresentation(def: SchemaDefinition, baseUrl: string): JsonObject {
  return {
    schemas: [SchemaUrn.schema],
    id: def.id,
    name: def.name,
    description: def.description,
    attributes: def.attributes.map(attributeRepresentation),
    meta: { resourceType: 'Schema', location: `${trimBase(baseUrl)}/Schemas/${def.id}` },
  };
}

/** RFC 7643 §6: one resource type as served at /ResourceTypes/{id}. */
export function resourceTypeRepresentation(def: ResourceTypeDefinition, baseUrl: string): JsonObject {
  const out: JsonObject = {
    schemas: [SchemaUrn.resourceType],
    id: def.id,
    name: def.name,
    endpoint: def.endpoint,
    description: def.description,
    schema: def.schema,
  };
  if (def.schemaExtensions.length > 0) {
    out.schemaExtensions = def.schemaExtensions.map((e) => ({ schema: e.schema, required: e.required }));
  }
  out.meta = { resourceType: 'ResourceType', location: `${trimBase(baseUrl)}/ResourceTypes/${def.id}` };
  return out;
}

/** GET /Schemas: every registered schema in a ListResponse (RFC 7644 §4). */
export function listSchemas(registry: SchemaRegistry, baseUrl: string): ListResponse {
  const all = registry.schemas().map((s) => schemaRepresentation(s, baseUrl));
  return buildListResponse(all, all.length, 1, all.length);
}

/** GET /Schemas/{id}; throws ScimError 404 for an unknown URN. */
export function getSchema(registry: SchemaRegistry, id: string, baseUrl: string): JsonObject {
  const def = registry.schema(id);
  if (!def) throw ScimError.notFound(`schema ${id} not found`);
  return schemaRepresentation(def, baseUrl);
}

/** GET /ResourceTypes: every registered resource type in a ListResponse (RFC 7644 §4). */
export function listResourceTypes(registry: SchemaRegistry, baseUrl: string): ListResponse {
  const all = registry.resourceTypes().map((t) => resourceTypeRepresentation(t, baseUrl));
  return buildListResponse(all, all.length, 1, all.length);
}

/** GET /ResourceTypes/{id}, by id or name (case-insensitive); throws ScimError 404 when unknown. */
export function getResourceType(registry: SchemaRegistry, id: string, baseUrl: string): JsonObject {
  const wanted = id.toLowerCase();
  const def =
    registry.resourceType(id) ?? registry.resourceTypes().find((t) => t.id.toLowerCase() === wanted);
  if (!def) throw ScimError.notFound(`resource type ${id} not found`);
  return resourceTypeRepresentation(def, baseUrl);
}
