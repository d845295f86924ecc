/**
 * What a PATCH operation addresses, resolved against the schema: the top-level attribute, an
 * optional sub-attribute and an optional value filter (RFC 7644 §3.5.2 path grammar).
 */
import type { Filter } from '../filter/filter-ast.js';
import type { AttributeDefinition, AttributeResolver, ResolvedAttribute } from '../schema/schema-types.js';
import { ScimError } from '../scim-error.js';
import { findSubAttribute } from './patch-values.js';

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
  return { resolved, attr, sub, filter: ref.filter, label, changeKey };
}

/** Like tryResolveTarget, with an unknown attribute reported as invalidPath. */
export function resolveTarget(resolver: AttributeResolver, ref: TargetRef, label: string): PatchTarget {
  const target = tryResolveTarget(resolver, ref, label);
  if (target === undefined) throw ScimError.invalidPath(`"${label}": unknown attribute`);
  return target;
}
