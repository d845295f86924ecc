/**
 * A resource type compiled for fast lookups: every attribute and sub-attribute keyed by its
 * lower-cased name (RFC 7643 §2.1: attribute names are case-insensitive), and the ResolvedAttribute
 * objects created once, so validation, filtering and projection never allocate to look a name up.
 */
import type {
  AttributeDefinition,
  AttributeResolver,
  ResolvedAttribute,
  ResourceTypeDefinition,
  SchemaDefinition,
} from './schema-types.js';
import { commonAttributes } from './core-schemas.js';
import { ScimError } from '../scim-error.js';

/** One attribute of a compiled resource type, with its sub-attributes. */
export interface CompiledAttribute {
  readonly definition: AttributeDefinition;
  /** The canonical (schema-defined) name. */
  readonly name: string;
  readonly resolved: ResolvedAttribute;
  /** Sub-attributes by lower-cased and by canonical name; empty unless complex. */
  readonly subAttributes: ReadonlyMap<string, CompiledSubAttribute>;
  /** Sub-attributes in schema order. */
  readonly subAttributeList: readonly CompiledSubAttribute[];
}

export interface CompiledSubAttribute {
  readonly definition: AttributeDefinition;
  readonly name: string;
  readonly resolved: ResolvedAttribute;
}

/** The attributes of one schema as they apply to a resource type. */
export interface CompiledSchema {
  readonly urn: string;
  readonly lowerUrn: string;
  readonly isExtension: boolean;
  /** For extensions: whether the resource type requires it (RFC 7643 §6 schemaExtensions.required). */
  readonly required: boolean;
  /** By lower-cased and by canonical name (iterate `attributeList`, not this map). */
  readonly attributes: ReadonlyMap<string, CompiledAttribute>;
  readonly attributeList: readonly CompiledAttribute[];
}

/** A resource type with its core schema, the common attributes and its extensions compiled. */
export interface CompiledResourceType {
  readonly definition: ResourceTypeDefinition;
  readonly core: CompiledSchema;
  /** Extensions in declaration order. */
  readonly extensions: readonly CompiledSchema[];
  /** Every schema of the type (core first) by lower-cased and by canonical URN. */
  readonly schemasByUrn: ReadonlyMap<string, CompiledSchema>;
  readonly resolver: SchemaAttributeResolver;
}

function compileAttribute(def: AttributeDefinition, schema: string, isExtension: boolean): CompiledAttribute {
  const resolved: ResolvedAttribute = Object.freeze({ schema, isExtension, attribute: def });
  const subAttributeList: CompiledSubAttribute[] = [];
  const subAttributes = new Map<string, CompiledSubAttribute>();
  for (const sub of def.subAttributes ?? []) {
    const compiled: CompiledSubAttribute = Object.freeze({
      definition: sub,
      name: sub.name,
      resolved: Object.freeze({ schema, isExtension, attribute: def, subAttribute: sub }),
    });
    subAttributeList.push(compiled);
    // Keyed by lower case and by canonical spelling: the exact spelling then hits without lower-casing.
    subAttributes.set(sub.name.toLowerCase(), compiled);
    subAttributes.set(sub.name, compiled);
  }
  return Object.freeze({ definition: def, name: def.name, resolved, subAttributes, subAttributeList });
}

function compileSchema(
  schema: SchemaDefinition,
  isExtension: boolean,
  required: boolean,
  extra: readonly AttributeDefinition[],
): CompiledSchema {
  const attributes = new Map<string, CompiledAttribute>();
  const attributeList: CompiledAttribute[] = [];
  for (const def of [...extra, ...schema.attributes]) {
    const compiled = compileAttribute(def, schema.id, isExtension);
    attributes.set(def.name.toLowerCase(), compiled);
    attributes.set(def.name, compiled);
    attributeList.push(compiled);
  }
  return Object.freeze({
    urn: schema.id,
    lowerUrn: schema.id.toLowerCase(),
    isExtension,
    required,
    attributes,
    attributeList,
  });
}

/** Compiles a resource type; `lookup` returns registered schemas by URN. */
export function compileResourceType(
  definition: ResourceTypeDefinition,
  lookup: (urn: string) => SchemaDefinition | undefined,
): CompiledResourceType {
  const coreDef = lookup(definition.schema);
  if (!coreDef)
    throw ScimError.invalidValue(`resource type ${definition.name}: unknown schema ${definition.schema}`);
  // The common attributes (RFC 7643 §3.1) resolve as part of the core schema.
  const core = compileSchema(coreDef, false, true, commonAttributes);
  const extensions: CompiledSchema[] = [];
  const schemasByUrn = new Map<string, CompiledSchema>([
    [core.lowerUrn, core],
    [core.urn, core],
  ]);
  for (const ext of definition.schemaExtensions) {
    const extDef = lookup(ext.schema);
    if (!extDef)
      throw ScimError.invalidValue(`resource type ${definition.name}: unknown schema ${ext.schema}`);
    const compiled = compileSchema(extDef, true, ext.required, []);
    extensions.push(compiled);
    schemasByUrn.set(compiled.lowerUrn, compiled);
    schemasByUrn.set(compiled.urn, compiled);
  }
  const partial = { definition, core, extensions, schemasByUrn };
  return Object.freeze({ ...partial, resolver: new SchemaAttributeResolver(partial) });
}

/** A parsed `[uri ":"] name ["." subAttr]` attribute reference. */
export interface AttributeReference {
  readonly uri?: string;
  readonly name: string;
  readonly subAttr?: string;
}

/**
 * The AttributeResolver of one resource type. Lookups try the exact (canonical) spelling first and
 * only lower-case the name on a miss, so well-formed requests cost one map lookup per name.
 */
export class SchemaAttributeResolver implements AttributeResolver {
  readonly #core: CompiledSchema;
  readonly #extensions: readonly CompiledSchema[];
  readonly #schemasByUrn: ReadonlyMap<string, CompiledSchema>;
  /**
   * Unqualified names of extension attributes that the core schema does not define, by lower-cased
   * and canonical name; `null` when more than one extension defines the name.
   */
  readonly #extensionNames = new Map<string, CompiledAttribute | null>();

  constructor(type: Pick<CompiledResourceType, 'core' | 'extensions' | 'schemasByUrn'>) {
    this.#core = type.core;
    this.#extensions = type.extensions;
    this.#schemasByUrn = type.schemasByUrn;
    const seen = new Map<string, CompiledAttribute | null>();
    for (const ext of type.extensions) {
      for (const attribute of ext.attributeList) {
        const lower = attribute.name.toLowerCase();
        if (lookupAttribute(type.core, lower)) continue;
        seen.set(lower, seen.has(lower) ? null : attribute);
      }
    }
    for (const [lower, attribute] of seen) {
      this.#extensionNames.set(lower, attribute);
      if (attribute) this.#extensionNames.set(attribute.name, attribute);
    }
  }

  /** The schema of this resource type with the given URN (case-insensitive). */
  schema(uri: string): CompiledSchema | undefined {
    return this.#schemasByUrn.get(uri) ?? this.#schemasByUrn.get(uri.toLowerCase());
  }

  /**
   * The top-level attribute `name` of the schema `uri`; without `uri`, of the core schema, else of
   * the one extension that defines it. RFC 7644 §3.10 lets clients leave out the URN of an
   * extension attribute when the name is unambiguous (Entra sends PATCH path `manager`); a name
   * two extensions define resolves to nothing (see {@link ambiguousSchemas}).
   */
  attribute(uri: string | undefined, name: string): CompiledAttribute | undefined {
    if (uri !== undefined) {
      const schema = this.schema(uri);
      return schema ? lookupAttribute(schema, name) : undefined;
    }
    const found = lookupAttribute(this.#core, name);
    if (found) return found;
    if (this.#extensionNames.size === 0) return undefined;
    return this.#extensionNames.get(name) ?? this.#extensionNames.get(name.toLowerCase()) ?? undefined;
  }

  /** The URNs of the extensions that all define the unqualified `name`, when there are several. */
  ambiguousSchemas(name: string): readonly string[] {
    if (this.#extensionNames.get(name.toLowerCase()) !== null) return [];
    const lower = name.toLowerCase();
    return this.#extensions.filter((ext) => ext.attributes.has(lower)).map((ext) => ext.urn);
  }

  resolve(uri: string | undefined, name: string, subAttr?: string): ResolvedAttribute | undefined {
    const top = this.attribute(uri, name);
    if (!top) return undefined;
    if (subAttr === undefined) return top.resolved;
    return lookupSub(top, subAttr)?.resolved;
  }

  /**
   * Resolves a full path as text: `name`, `name.sub`, or URN-qualified
   * (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`, and core attributes
   * qualified by the core URN). Undefined when nothing matches.
   */
  resolvePath(path: string): ResolvedAttribute | undefined {
    const ref = this.splitPath(path);
    return ref ? this.resolve(ref.uri, ref.name, ref.subAttr) : undefined;
  }

  /**
   * Splits a path into URN, attribute and sub-attribute by matching the URNs this type knows, so
   * the dots inside `...:2.0:User` are never mistaken for a sub-attribute separator.
   */
  splitPath(path: string): AttributeReference | undefined {
    let uri: string | undefined;
    let rest = path;
    if (
      path.length > 4 &&
      (path.charCodeAt(0) | 32) === 117 /* u */ &&
      path.slice(0, 4).toLowerCase() === 'urn:'
    ) {
      const lower = path.toLowerCase();
      let match: CompiledSchema | undefined;
      for (const schema of this.#schemasByUrn.values()) {
        if (
          lower.length > schema.lowerUrn.length + 1 &&
          lower.startsWith(schema.lowerUrn) &&
          lower.charCodeAt(schema.lowerUrn.length) === 58 /* : */ &&
          (!match || schema.lowerUrn.length > match.lowerUrn.length)
        ) {
          match = schema;
        }
      }
      if (!match) return undefined;
      uri = match.urn;
      rest = path.slice(match.lowerUrn.length + 1);
    }
    const dot = rest.indexOf('.');
    if (dot < 0) return uri === undefined ? { name: rest } : { uri, name: rest };
    const name = rest.slice(0, dot);
    const subAttr = rest.slice(dot + 1);
    return uri === undefined ? { name, subAttr } : { uri, name, subAttr };
  }
}

/** Case-insensitive attribute lookup in one compiled schema. */
export function lookupAttribute(schema: CompiledSchema, name: string): CompiledAttribute | undefined {
  return schema.attributes.get(name) ?? schema.attributes.get(name.toLowerCase());
}

/** Case-insensitive sub-attribute lookup. */
export function lookupSub(attribute: CompiledAttribute, name: string): CompiledSubAttribute | undefined {
  return attribute.subAttributes.get(name) ?? attribute.subAttributes.get(name.toLowerCase());
}
