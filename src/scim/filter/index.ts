/** SCIM filters and paths (RFC 7644 §3.4.2.2, §3.5.2): parse, print, check, evaluate. */
export type * from './filter-ast.js';
export { parseFilter, parsePatchPath, parseAttrPath, FILTER_LIMITS } from './filter-parser.js';
export type { ParseFilterOptions, ParsePathOptions } from './filter-parser.js';
export { printFilter, printAttrPath, printPatchPath, printLiteral } from './filter-printer.js';
export { evaluateFilter, matchesValueFilter } from './filter-evaluator.js';
export { compileFilter, compileValueFilter, collectOperands } from './filter-compiler.js';
export type { FilterPredicate, ValuePredicate } from './filter-compiler.js';
export { checkFilter } from './filter-check.js';
export {
  getAttributeCaseInsensitive,
  findKeyCaseInsensitive,
  attributeContainer,
  getAttrPathValue,
  isCoreSchemaUri,
} from './attribute-lookup.js';
export { isPresentValue, parseDateTime } from './filter-values.js';
