/**
 * A SearchRequest made ready to run (RFC 7644 §3.4.2): the filter parsed into its AST, `sortBy`
 * checked as an attribute path, paging clamped (§3.4.2.4), empty parameters dropped. The same
 * result comes from a URL query and from a SearchRequest body, so list endpoints and `/.search`
 * cannot drift apart.
 */
import type { Filter } from '../filter/filter-ast.js';
import { parseAttrPath, parseFilter, type ParseFilterOptions } from '../filter/filter-parser.js';
import type { AttributeSelector } from './attribute-list.js';
import { ScimError } from '../scim-error.js';
import type { SearchRequest, SortOrder } from './search-request.js';

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

/** Server limits for index-based paging (RFC 7644 §3.4.2.4). */
export interface PagingLimits {
  /** Used when the request gives no count. */
  defaultCount: number;
  /** The advertised filter.maxResults; larger counts are reduced to it. */
  maxCount: number;
}

/** Normalised paging parameters. */
export interface Paging {
  startIndex: number;
  count: number;
}

function toInteger(value: unknown, parameter: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  throw ScimError.invalidValue(`${parameter}: expected integer, got ${JSON.stringify(value)}`);
}

/**
 * Parses `startIndex` / `count` (RFC 7644 §3.4.2.4): 1-based `startIndex` (values below 1 mean 1),
 * `count` (negative means 0; 0 returns no resources, only totalResults), capped by the server
 * maximum. Accepts query parameters (strings) or a search body (numbers).
 */
export function parsePaging(params: { startIndex?: unknown; count?: unknown }, limits: PagingLimits): Paging {
  const start = toInteger(params.startIndex, 'startIndex') ?? 1;
  const count = toInteger(params.count, 'count') ?? limits.defaultCount;
  return {
    startIndex: start < 1 ? 1 : start,
    count: Math.min(count < 0 ? 0 : count, limits.maxCount),
  };
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
