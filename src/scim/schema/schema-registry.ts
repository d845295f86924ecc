/**
 * The schemas and resource types a deployment serves: the RFC 7643 core ones plus any custom
 * extension schema (`urn:...`) attached to a resource type. Definitions are checked on registration
 * so that a broken custom schema fails at start-up, never in the middle of a request, and each
 * resource type is compiled once into lower-cased lookup maps (see compiled-resource-type.ts).
 */
import { ScimError } from '../scim-error.js';
import {
  compileResourceType,
  type CompiledResourceType,
  type SchemaAttributeResolver,
} from './compiled-resource-type.js';
import {
  enterpriseUserSchema,
  groupResourceType,
  groupSchema,
  userResourceType,
  userSchema,
} from './core-schemas.js';
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from './schema-types.js';

const ATTRIBUTE_TYPES = new Set([
  'string',
  'boolean',
  'decimal',
  'integer',
  'dateTime',
  'binary',
  'reference',
  'complex',
]);
const MUTABILITIES = new Set(['readOnly', 'readWrite', 'immutable', 'writeOnly']);
const RETURNED = new Set(['always', 'never', 'default', 'request']);
const UNIQUENESS = new Set(['none', 'server', 'global']);
/** RFC 7643 §2.1 ATTRNAME, plus `$ref` which the RFC's own schemas use. */
const ATTRIBUTE_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;
/** Names every resource carries (RFC 7643 §3, §3.1); a schema may not redefine them. */
const RESERVED_NAMES = new Set(['schemas', 'id', 'externalId', 'meta'].map((n) => n.toLowerCase()));

/** Holds schemas and resource types, and hands out their compiled resolvers. */
export class SchemaRegistry {
  readonly #schemas = new Map<string, SchemaDefinition>();
  readonly #types = new Map<string, ResourceTypeDefinition>();
  readonly #compiled = new Map<string, CompiledResourceType>();

  /** A registry with User (+ EnterpriseUser extension) and Group, as RFC 7643 §4 defines them. */
  static withCoreSchemas(): SchemaRegistry {
    const registry = new SchemaRegistry();
    registry.registerSchema(userSchema);
    registry.registerSchema(groupSchema);
    registry.registerSchema(enterpriseUserSchema);
    registry.registerResourceType(userResourceType);
    registry.registerResourceType(groupResourceType);
    return registry;
  }

  /** Adds a schema; throws ScimError invalidValue naming the offending attribute if it is malformed. */
  registerSchema(def: SchemaDefinition): void {
    if (typeof def.id !== 'string' || !/^urn:[^\s]+$/i.test(def.id)) {
      throw ScimError.invalidValue(`schema id must be a URN (urn:...), got ${JSON.stringify(def.id)}`);
    }
    const key = def.id.toLowerCase();
    if (this.#schemas.has(key)) throw ScimError.invalidValue(`schema ${def.id} is already registered`);
    checkAttributes(def.id, def.attributes, false);
    this.#schemas.set(key, def);
  }

  /** Adds a resource type whose core schema and extensions are already registered. */
  registerResourceType(def: ResourceTypeDefinition): void {
    const key = def.name.toLowerCase();
    if (this.#types.has(key)) throw ScimError.invalidValue(`resource type ${def.name} is already registered`);
    if (!def.endpoint.startsWith('/')) {
      throw ScimError.invalidValue(`resource type ${def.name}: endpoint must start with "/"`);
    }
    // Compiling checks that every schema exists.
    const compiled = compileResourceType(def, (urn) => this.schema(urn));
    const seen = new Set<string>();
    for (const schema of [compiled.core, ...compiled.extensions]) {
      if (seen.has(schema.lowerUrn))
        throw ScimError.invalidValue(`resource type ${def.name}: schema ${schema.urn} listed twice`);
      seen.add(schema.lowerUrn);
    }
    this.#types.set(key, def);
    this.#compiled.set(key, compiled);
  }

  /**
   * Attaches a registered extension schema to a registered resource type (RFC 7643 §6
   * schemaExtensions), e.g. a deployment's `urn:example:params:scim:schemas:extension:acme:2.0:User`.
   */
  attachExtension(resourceTypeName: string, schemaUrn: string, required = false): void {
    const key = resourceTypeName.toLowerCase();
    const type = this.#types.get(key);
    if (!type) throw ScimError.invalidValue(`unknown resource type ${resourceTypeName}`);
    const schema = this.schema(schemaUrn);
    if (!schema) throw ScimError.invalidValue(`unknown schema ${schemaUrn}`);
    const updated: ResourceTypeDefinition = {
      ...type,
      schemaExtensions: [...type.schemaExtensions, { schema: schema.id, required }],
    };
    this.#types.delete(key);
    this.#compiled.delete(key);
    try {
      this.registerResourceType(updated);
    } catch (error) {
      this.registerResourceType(type);
      throw error;
    }
  }

  /** The resource type by name (case-insensitive), e.g. "User". */
  resourceType(name: string): ResourceTypeDefinition | undefined {
    return this.#types.get(name.toLowerCase());
  }

  /** The resource type served at an endpoint such as "/Users" (case-insensitive). */
  resourceTypeByEndpoint(endpoint: string): ResourceTypeDefinition | undefined {
    const wanted = endpoint.toLowerCase();
    for (const type of this.#types.values()) if (type.endpoint.toLowerCase() === wanted) return type;
    return undefined;
  }

  /** The schema by URN (case-insensitive). */
  schema(id: string): SchemaDefinition | undefined {
    return this.#schemas.get(id.toLowerCase());
  }

  /** Every registered schema, in registration order. */
  schemas(): readonly SchemaDefinition[] {
    return [...this.#schemas.values()];
  }

  /** Every registered resource type, in registration order. */
  resourceTypes(): readonly ResourceTypeDefinition[] {
    return [...this.#types.values()];
  }

  /** The compiled form used by validation and projection; throws ScimError 404 for unknown types. */
  compiled(resourceTypeName: string): CompiledResourceType {
    const compiled = this.#compiled.get(resourceTypeName.toLowerCase());
    if (!compiled) throw ScimError.notFound(`unknown resource type ${resourceTypeName}`);
    return compiled;
  }

  /** The attribute resolver of a resource type (created once per registration, then shared). */
  resolver(resourceTypeName: string): SchemaAttributeResolver {
    return this.compiled(resourceTypeName).resolver;
  }
}

function checkAttributes(
  schemaId: string,
  attributes: readonly AttributeDefinition[],
  isSub: boolean,
  parent = '',
): void {
  if (!Array.isArray(attributes))
    throw ScimError.invalidValue(`schema ${schemaId}: attributes must be an array`);
  const names = new Set<string>();
  for (const a of attributes) {
    const path = parent ? `${parent}.${String(a.name)}` : String(a.name);
    const where = `schema ${schemaId}: attribute ${path}`;
    if (typeof a.name !== 'string' || !ATTRIBUTE_NAME.test(a.name))
      throw ScimError.invalidValue(`${where}: invalid name`);
    const lower = a.name.toLowerCase();
    if (names.has(lower))
      throw ScimError.invalidValue(`${where}: defined twice (names are case-insensitive)`);
    if (!isSub && RESERVED_NAMES.has(lower))
      throw ScimError.invalidValue(`${where}: reserved common attribute name`);
    names.add(lower);
    if (!ATTRIBUTE_TYPES.has(a.type))
      throw ScimError.invalidValue(`${where}: invalid type ${String(a.type)}`);
    if (!MUTABILITIES.has(a.mutability)) throw ScimError.invalidValue(`${where}: invalid mutability`);
    if (!RETURNED.has(a.returned)) throw ScimError.invalidValue(`${where}: invalid returned`);
    if (!UNIQUENESS.has(a.uniqueness)) throw ScimError.invalidValue(`${where}: invalid uniqueness`);
    for (const flag of ['multiValued', 'required', 'caseExact'] as const) {
      if (typeof a[flag] !== 'boolean') throw ScimError.invalidValue(`${where}: ${flag} must be a boolean`);
    }
    if (a.type === 'complex') {
      // RFC 7643 §2.3.8: a complex attribute has sub-attributes, which may not be complex themselves.
      if (isSub) throw ScimError.invalidValue(`${where}: sub-attributes cannot be complex`);
      if (!a.subAttributes || a.subAttributes.length === 0) {
        throw ScimError.invalidValue(`${where}: complex attribute needs subAttributes`);
      }
      checkAttributes(schemaId, a.subAttributes, true, path);
    } else if (a.subAttributes && a.subAttributes.length > 0) {
      throw ScimError.invalidValue(`${where}: only complex attributes have subAttributes`);
    }
  }
}
