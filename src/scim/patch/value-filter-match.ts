/**
 * Selection of the values a PATCH value filter (`emails[type eq "work"]`) targets. The filter is
 * compiled once per operation, so selecting among a group's 10,000 members costs one predicate
 * call per member rather than one filter walk per member.
 */
import type { Filter } from '../filter/filter-ast.js';
import { compileValueFilter } from '../filter/filter-compiler.js';
import type { ResolvedAttribute } from '../schema/schema-types.js';
import type { JsonValue } from '../../shared/json.js';

/** A predicate testing one value of `attribute` against the inner filter of a value path. */
export function valueMatcher(filter: Filter, attribute: ResolvedAttribute): (value: JsonValue) => boolean {
  return compileValueFilter(filter, attribute);
}
