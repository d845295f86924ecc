/**
 * What a PATCH operation addresses, resolved against the schema: the top-level attribute, an
 * optional sub-attribute and an optional value filter (RFC 7644 §3.5.2 path grammar).
 */
import type { Filter } from '../filter/filter-ast.js';
import type { AttributeDefinition, AttributeResolver, ResolvedAttribute } from '../schema/schema-types.js';
import { normaliseValueFilter } from '../filter/filter-normalise.js';
import { SchemaAttributeResolver, type CompiledAttribute } from '../schema/compiled-resource-type.js';
import { ScimError, isScimError } from '../scim-error.js';
import { findSubAttribute } from './patch-values.js';

/** Normalised value filters per attribute; parsed paths are cached, so their filters recur. */
const normalisedFilters = new WeakMap<CompiledAttribute, WeakMap<Filter, Filter>>();

/**
 * A path's value filter checked against the attribute's sub-attributes and with its literals typed
 * (filter-normalise.ts): `emails[tpye eq "work"]` is an invalidPath naming `tpye` rather than a
 * filter that matches nothing, and `emails[primary eq "true"]` matches the primary email.
 */
function normalisedFilter(
  resolver: AttributeResolver,
  ref: TargetRef,
  filter: Filter,
  label: string,
): Filter {
  if (!(resolver instanceof SchemaAttributeResolver)) return filter;
  const attribute = resolver.attribute(ref.uri, ref.name);
  if (attribute === undefined) return filter;
  let cache = normalisedFilters.get(attribute);
  if (cache === undefined) {
    cache = new WeakMap();
    normalisedFilters.set(attribute, cache);
  }
  let normalised = cache.get(filter);
  if (normalised === undefined) {
    try {
      normalised = normaliseValueFilter(filter, attribute);
    } catch (error) {
      if (isScimError(error)) throw ScimError.invalidPath(`"${label}": ${error.detail}`);
      throw error;
    }
    cache.set(filter, normalised);
  }
  return normalised;
}

/** A resolved operation target. */
export interface PatchTarget {
  /** Resolution of the top-level attribute. */
  readonly resolved: ResolvedAttribute;
  readonly attr: AttributeDefinition;
  /** The sub-attribute named after the attribute or after the value filter. */
  readonly sub?: AttributeDefinition | undefined;
  /** The value filter of a valuePath. */
  readonly filter?: Filter | undefined;
  /** The path as the client wrote it, for error details. */
  readonly label: string;
  /** The name reported in changedAttributes: canonical, URN-qualified for extension attributes. */
  readonly changeKey: string;
}

/** The parts of a path to resolve. */
export interface TargetRef {
  readonly uri?: string | undefined;
  readonly name: string;
  readonly subAttr?: string | undefined;
  readonly filter?: Filter | undefined;
}

/**
 * Resolves `ref`, or returns undefined when its top-level attribute is unknown (callers decide
 * whether that is an invalidPath or something else, such as a whole extension).
 * Throws invalidPath for an unknown sub-attribute, a sub-attribute of a simple attribute, or a
 * value filter on a single-valued attribute.
 */
export function tryResolveTarget(
  resolver: AttributeResolver,
  ref: TargetRef,
  label: string,
): PatchTarget | undefined {
  const resolved = resolver.resolve(ref.uri, ref.name);
  if (resolved === undefined) return undefined;
  const attr = resolved.attribute;
  let sub: AttributeDefinition | undefined;
  if (ref.subAttr !== undefined) {
    if (attr.type !== 'complex') {
      throw ScimError.invalidPath(`"${label}": "${attr.name}" has no sub-attributes`);
    }
    sub = findSubAttribute(attr, ref.subAttr);
    if (sub === undefined) {
      throw ScimError.invalidPath(`"${label}": unknown sub-attribute "${ref.subAttr}" of "${attr.name}"`);
    }
  }
  if (ref.filter !== undefined && !attr.multiValued) {
    throw ScimError.invalidPath(
      `"${label}": a value filter needs a multi-valued attribute, "${attr.name}" is not`,
    );
  }
  const changeKey = resolved.isExtension ? `${resolved.schema}:${attr.name}` : attr.name;
  const filter = ref.filter === undefined ? undefined : normalisedFilter(resolver, ref, ref.filter, label);
  return { resolved, attr, sub, filter, label, changeKey };
}

/** Like tryResolveTarget, with an unknown attribute reported as invalidPath. */
export function resolveTarget(resolver: AttributeResolver, ref: TargetRef, label: string): PatchTarget {
  const target = tryResolveTarget(resolver, ref, label);
  if (target === undefined) throw ScimError.invalidPath(`"${label}": unknown attribute`);
  return target;
}
