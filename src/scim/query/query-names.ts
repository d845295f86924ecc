/**
 * Name checks for the parameters of a query (RFC 7644 §3.4.2): `filter`, `sortBy`, `attributes`
 * and `excludedAttributes` may only name attributes that a schema of the resource type defines.
 * A typo used to pass silently (`filter=usrName eq "x"` matched nothing, `sortBy=usrName` was
 * ignored, `attributes=nosuch` returned only `id`); it is now a 400 naming it, with a did-you-mean.
 * Filters answer invalidFilter (RFC 7644 §3.4.2.2), the other parameters invalidValue.
 *
 * A query over several resource types (POST /.search at the root) accepts a name that at least
 * one of them defines, and a filter that is valid for at least one of them.
 */
import type { Filter } from '../filter/filter-ast.js';
import { parseAttrPath } from '../filter/filter-parser.js';
import { normaliseFilter, normaliseValueFilter } from '../filter/filter-normalise.js';
import { unknownAttributeProblem } from '../schema/attribute-names.js';
import type { CompiledResourceType } from '../schema/compiled-resource-type.js';
import { ScimError, isScimError } from '../scim-error.js';
import type { AttributeSelector } from './attribute-list.js';

/**
 * `filter` normalised for the one type in `types` (filter-normalise.ts), or, for several types,
 * checked to be valid for at least one of them and returned as parsed: each type then normalises
 * it for itself with {@link normaliseFilterFor}.
 */
export function checkFilterNames(filter: Filter, types: readonly CompiledResourceType[]): Filter {
  if (types.length === 1) return normaliseFilter(filter, types[0] as CompiledResourceType);
  let first: unknown;
  for (const type of types) {
    try {
      normaliseFilter(filter, type);
      return filter;
    } catch (error) {
      if (!isScimError(error)) throw error;
      first ??= error;
    }
  }
  throw first;
}

/** `filter` normalised for `type`, leaving names `type` does not define as written. */
export function normaliseFilterFor(filter: Filter, type: CompiledResourceType): Filter {
  return normaliseFilter(filter, type, { unknown: 'keep' });
}

/** Throws invalidValue unless some type in `types` defines the attribute `sortBy` names. */
export function checkSortByName(sortBy: string, types: readonly CompiledResourceType[]): void {
  const path = parseAttrPath(sortBy.trim());
  let problem: string | undefined;
  for (const type of types) {
    const found = unknownAttributeProblem(type, path);
    if (found === undefined) return;
    problem ??= found;
  }
  if (problem !== undefined) throw ScimError.invalidValue(`sortBy: ${problem}`);
}

/** Throws invalidValue unless every selector names something a type in `types` defines. */
export function checkSelectorNames(
  selectors: readonly AttributeSelector[] | undefined,
  parameter: string,
  types: readonly CompiledResourceType[],
): void {
  if (selectors === undefined) return;
  for (const selector of selectors) {
    let problem: string | undefined;
    for (const type of types) {
      const found = selectorProblem(selector, type);
      if (found === undefined) {
        problem = undefined;
        break;
      }
      problem ??= found;
    }
    if (problem !== undefined) throw ScimError.invalidValue(`${parameter}: ${problem}`);
  }
}

function selectorProblem(selector: AttributeSelector, type: CompiledResourceType): string | undefined {
  // A bare schema URN selects that whole schema; the list parser split it at its last colon.
  if (selector.uri !== undefined && selector.subAttr === undefined && selector.filter === undefined) {
    if (type.resolver.schema(`${selector.uri}:${selector.name}`) !== undefined) return undefined;
  }
  const problem = unknownAttributeProblem(type, selector);
  if (problem !== undefined || selector.filter === undefined) return problem;
  const attribute = type.resolver.attribute(selector.uri, selector.name);
  if (attribute === undefined) return undefined;
  try {
    normaliseValueFilter(selector.filter, attribute);
    return undefined;
  } catch (error) {
    if (isScimError(error)) return `"${selector.text}": ${error.detail}`;
    throw error;
  }
}
