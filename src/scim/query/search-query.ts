/**
 * A SearchRequest made ready to run (RFC 7644 §3.4.2): the filter parsed into its AST, `sortBy`
 * checked as an attribute path, paging clamped (§3.4.2.4), empty parameters dropped. The same
 * result comes from a URL query and from a SearchRequest body, so list endpoints and `/.search`
 * cannot drift apart.
 */
import type { Filter } from '../filter/filter-ast.js';
import { parseAttrPath, parseFilter, type ParseFilterOptions } from '../filter/filter-parser.js';
import type { AttributeSelector } from './attribute-list.js';
import { parsePaging, type PagingLimits } from './paging.js';
import type { SearchRequest } from './search-request.js';
import type { SortOrder } from './sort-resources.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The parameters of one list request, validated and normalised. */
export interface SearchQuery {
  readonly filter?: Filter;
  readonly sortBy?: string;
  readonly sortOrder?: SortOrder;
  /** 1-based, at least 1. */
  readonly startIndex: number;
  /** Between 0 and the server maximum. */
  readonly count: number;
  readonly attributes?: readonly AttributeSelector[];
  readonly excludedAttributes?: readonly AttributeSelector[];
}

/** How to compile: paging limits and the filter parser's tolerances. */
export interface SearchQueryOptions {
  readonly paging: PagingLimits;
  readonly filter?: ParseFilterOptions;
}

/**
 * Compiles a parsed SearchRequest. A blank `filter` or `sortBy` means none (some clients send
 * `filter=` with nothing after it).
 * @throws ScimError 400 invalidFilter for a bad filter, invalidPath for a bad sortBy.
 */
export function compileSearchRequest(request: SearchRequest, options: SearchQueryOptions): SearchQuery {
  const filter =
    request.filter !== undefined && request.filter.trim().length > 0
      ? parseFilter(request.filter, options.filter)
      : undefined;
  const sortBy =
    request.sortBy !== undefined && request.sortBy.trim().length > 0 ? request.sortBy : undefined;
  if (sortBy !== undefined) parseAttrPath(sortBy);
  const { startIndex, count } = parsePaging(request, options.paging);
  // Built by assignment rather than conditional spreads: this runs on every list request, and
  // spreading throwaway objects costs more than the filter parse itself.
  const out: Mutable<SearchQuery> = { startIndex, count };
  if (filter) out.filter = filter;
  if (sortBy !== undefined) out.sortBy = sortBy;
  if (request.sortOrder) out.sortOrder = request.sortOrder;
  if (request.attributes?.length) out.attributes = request.attributes;
  if (request.excludedAttributes?.length) out.excludedAttributes = request.excludedAttributes;
  return out;
}
