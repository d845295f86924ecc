/**
 * HTTP and store glue for list and search requests (RFC 7644 §3.4.2, §3.4.3). Parsing lives in the
 * SCIM core (query/search-request.ts, query/search-query.ts); this file picks the server's
 * tolerances and turns the result into the store's ListQuery.
 *
 * Tolerances (documented in docs/scim-server.md):
 * - filters: bare values (`externalId eq jyoung`, Entra ID's documentation) and Entra ID's
 *   `emails[type eq "work"].value eq "x"`, read as `emails[type eq "work" and value eq "x"]`;
 * - SearchRequest bodies: `schemas` may be omitted, numbers may be strings, unknown members are
 *   ignored (SEARCH_BODY_TOLERANCE).
 */
import type { ListQuery, ReadOptions } from '../directory/directory-store.js';
import type { ParseFilterOptions } from '../scim/filter/filter-parser.js';
import type { AttributeSelector } from '../scim/query/attribute-list.js';
import { compileSearchRequest, type PagingLimits, type SearchQuery } from '../scim/query/search-query.js';
import {
  parseProjectionParameters,
  parseQueryParameters,
  parseSearchRequest,
  SEARCH_BODY_TOLERANCE,
  type QueryParameters,
} from '../scim/query/search-request.js';

/** attributes / excludedAttributes as parsed selectors. */
export interface ProjectionRequest {
  readonly attributes?: readonly AttributeSelector[] | undefined;
  readonly excludedAttributes?: readonly AttributeSelector[] | undefined;
}

/** The filter tolerances this server accepts from clients (see the header). */
export const REQUEST_FILTER_OPTIONS: ParseFilterOptions = {
  allowBareValues: true,
  allowValuePathSubAttribute: true,
};

/** Reads a list request from the URL query of GET /Users, /Groups. */
export function listRequestFromQuery(query: unknown, limits: PagingLimits): SearchQuery {
  return compileSearchRequest(parseQueryParameters(asQuery(query)), {
    paging: limits,
    filter: REQUEST_FILTER_OPTIONS,
  });
}

/** Reads a POST .search body (RFC 7644 §3.4.3). */
export function listRequestFromBody(body: unknown, limits: PagingLimits): SearchQuery {
  return compileSearchRequest(parseSearchRequest(body, SEARCH_BODY_TOLERANCE), {
    paging: limits,
    filter: REQUEST_FILTER_OPTIONS,
  });
}

/** Reads attributes / excludedAttributes of a single-resource request from its URL query. */
export function projectionFromQuery(query: unknown): ProjectionRequest {
  return parseProjectionParameters(asQuery(query));
}

/** Fastify's query string parser gives strings, and arrays for repeated parameters. */
function asQuery(query: unknown): QueryParameters {
  return (query ?? {}) as QueryParameters;
}

/** True when `selectors` name the attribute `name` (lower case) itself, not a sub-attribute. */
function names(selectors: readonly AttributeSelector[] | undefined, name: string): boolean {
  if (selectors === undefined) return false;
  for (const s of selectors) if (s.subAttr === undefined && s.name.toLowerCase() === name) return true;
  return false;
}

/** True when `selectors` name the attribute `name` (lower case) or one of its sub-attributes. */
function selects(selectors: readonly AttributeSelector[] | undefined, name: string): boolean {
  if (selectors === undefined) return false;
  for (const s of selectors) if (s.name.toLowerCase() === name) return true;
  return false;
}

function wanted(projection: ProjectionRequest, name: string): boolean {
  if (names(projection.excludedAttributes, name)) return false;
  if (projection.attributes !== undefined) return selects(projection.attributes, name);
  return true;
}

/** What the store loads when the request names no attributes: everything. */
const READ_EVERYTHING: ReadOptions = Object.freeze({ includeMembers: true, includeGroups: true });

/**
 * What the store needs to load: members and a user's groups are the expensive parts, so they are
 * skipped when the response would drop them anyway (`excludedAttributes=members`, or an
 * `attributes` list that does not name them).
 */
export function readOptionsFor(projection: ProjectionRequest): ReadOptions {
  if (projection.attributes === undefined && projection.excludedAttributes === undefined) {
    return READ_EVERYTHING;
  }
  return { includeMembers: wanted(projection, 'members'), includeGroups: wanted(projection, 'groups') };
}

/** The store query of a list request (built by assignment: it runs on every list request). */
export function toListQuery(request: SearchQuery): ListQuery {
  const read = readOptionsFor(request);
  const query: { -readonly [K in keyof ListQuery]: ListQuery[K] } = {
    startIndex: request.startIndex,
    count: request.count,
    includeMembers: read.includeMembers,
    includeGroups: read.includeGroups,
  };
  if (request.filter) query.filter = request.filter;
  if (request.sortBy !== undefined) query.sortBy = request.sortBy;
  if (request.sortOrder) query.sortOrder = request.sortOrder;
  return query;
}
