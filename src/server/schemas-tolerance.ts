/**
 * Tolerance for `schemas` entries the server does not know. Microsoft Entra ID's documented group
 * creation lists `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group` next to
 * the core Group schema, with no attributes under it. Such an entry, naming a schema that is not
 * registered at all and carrying no attributes, says nothing the server could act on, so it is
 * dropped before validation. A registered schema of another resource type, or an unknown URN that
 * does carry attributes, still fails validation as before.
 */
import type { SchemaRegistry } from '../scim/schema/schema-registry.js';
import { isJsonObject } from '../shared/json.js';

/** Returns `body` with unknown, attribute-less `schemas` entries removed (a copy; the input is kept). */
export function dropUnknownSchemaUrns(registry: SchemaRegistry, body: unknown): unknown {
  if (!isJsonObject(body)) return body;
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  if (key === undefined) return body;
  const schemas = body[key];
  if (!Array.isArray(schemas)) return body;
  const keys = new Set(Object.keys(body).map((k) => k.toLowerCase()));
  const kept = schemas.filter(
    (s) =>
      typeof s !== 'string' ||
      registry.schema(s) !== undefined ||
      keys.has(s.toLowerCase()) ||
      [...keys].some((k) => k.startsWith(`${s.toLowerCase()}:`)),
  );
  if (kept.length === schemas.length) return body;
  return { ...body, [key]: kept };
}
