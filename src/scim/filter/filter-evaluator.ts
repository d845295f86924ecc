/**
 * Evaluates filters against in-memory resources (RFC 7644 §3.4.2.2). Each filter is compiled once
 * per resolver (see filter-compiler.ts for the semantics) and the closure is cached on the AST
 * object, so evaluating one parsed filter over many resources costs one compilation.
 */
import type { AttributeResolver, ResolvedAttribute } from '../schema/schema-types.js';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type { Filter } from './filter-ast.js';
import {
  compileFilter,
  compileValueFilter,
  type FilterPredicate,
  type ValuePredicate,
} from './filter-compiler.js';

const withoutResolver = new WeakMap<Filter, FilterPredicate>();
const byResolver = new WeakMap<AttributeResolver, WeakMap<Filter, FilterPredicate>>();
const valueFiltersWithoutAttribute = new WeakMap<Filter, ValuePredicate>();
// Resolvers hand out one ResolvedAttribute object per attribute, so it keys the cache well.
const valueFiltersByAttribute = new WeakMap<ResolvedAttribute, WeakMap<Filter, ValuePredicate>>();

/** True when `resource` matches `filter`. `resolver` supplies caseExact and types (see compileFilter). */
export function evaluateFilter(filter: Filter, resource: JsonObject, resolver?: AttributeResolver): boolean {
  return compiledFor(filter, resolver)(resource);
}

/**
 * True when one value of a multi-valued attribute matches the inner filter of a value path, e.g.
 * `type eq "work"` of `emails[type eq "work"]` applied to `{ "type": "work", "value": "..." }`.
 * `attribute` gives the sub-attribute definitions (caseExact, types); PATCH uses this to pick the
 * values a path with a value filter targets (RFC 7644 §3.5.2).
 */
export function matchesValueFilter(
  filter: Filter,
  value: JsonValue,
  attribute: ResolvedAttribute | undefined,
): boolean {
  let cache = valueFiltersWithoutAttribute;
  if (attribute !== undefined) {
    let perAttribute = valueFiltersByAttribute.get(attribute);
    if (perAttribute === undefined) {
      perAttribute = new WeakMap();
      valueFiltersByAttribute.set(attribute, perAttribute);
    }
    cache = perAttribute;
  }
  let predicate = cache.get(filter);
  if (predicate === undefined) {
    predicate = compileValueFilter(filter, attribute);
    cache.set(filter, predicate);
  }
  return predicate(value);
}

function compiledFor(filter: Filter, resolver: AttributeResolver | undefined): FilterPredicate {
  let cache = withoutResolver;
  if (resolver !== undefined) {
    let perResolver = byResolver.get(resolver);
    if (perResolver === undefined) {
      perResolver = new WeakMap();
      byResolver.set(resolver, perResolver);
    }
    cache = perResolver;
  }
  let predicate = cache.get(filter);
  if (predicate === undefined) {
    predicate = compileFilter(filter, resolver);
    cache.set(filter, predicate);
  }
  return predicate;
}
