/**
 * Selection of the values a PATCH value filter (`emails[type eq "work"]`) targets. The filter is
 * compiled once per filter AST and attribute, so selecting among a group's 10,000 members costs
 * one predicate call per member, and a path repeated across requests (the path cache hands out the
 * same AST) is compiled only once.
 */
import type { Filter } from '../filter/filter-ast.js';
import { compileValueFilter } from '../filter/filter-compiler.js';
import type { ResolvedAttribute } from '../schema/schema-types.js';
import type { JsonValue } from '../../shared/json.js';

type ValuePredicate = (value: JsonValue) => boolean;

const compiled = new WeakMap<Filter, WeakMap<ResolvedAttribute, ValuePredicate>>();

/** A predicate testing one value of `attribute` against the inner filter of a value path. */
export function valueMatcher(filter: Filter, attribute: ResolvedAttribute): ValuePredicate {
  let byAttribute = compiled.get(filter);
  if (byAttribute === undefined) {
    byAttribute = new WeakMap();
    compiled.set(filter, byAttribute);
  }
  let predicate = byAttribute.get(attribute);
  if (predicate === undefined) {
    predicate = compileValueFilter(filter, attribute);
    byAttribute.set(attribute, predicate);
  }
  return predicate;
}
