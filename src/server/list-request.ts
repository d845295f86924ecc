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
 *
 * Given the resource type(s) a request runs against, the filter is normalised for it (literals
 * typed by the schema, `active eq "true"`) and every name in filter, sortBy, attributes and
 * excludedAttributes is checked (query/query-names.ts), before the store is asked anything. The
 * store receives the normalised filter in the ListQuery.
 */
import type { ListQuery, ReadOptions } from '../directory/directory-store.js';
import type { ParseFilterOptions } from '../scim/filter/filter-parser.js';
import type { AttributeSelector } from '../scim/query/attribute-list.js';
import {
  checkFilterNames,
  checkSelectorNames,
  checkSortByName,
  normaliseFilterFor,
} from '../scim/query/query-names.js';
import { compileSearchRequest, type PagingLimits, type SearchQuery } from '../scim/query/search-query.js';
import type { CompiledResourceType } from '../scim/schema/compiled-resource-type.js';
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

/** The resource type a request runs against, or the several of a root search. */
export type QueryTypes = CompiledResourceType | readonly CompiledResourceType[];

/**
 * Reads a list request from the URL query of GET /Users, /Groups; with `types`, checks its names
 * and normalises its filter (see the header).
 */
export function listRequestFromQuery(query: unknown, limits: PagingLimits, types?: QueryTypes): SearchQuery {
  const request = compileSearchRequest(parseQueryParameters(asQuery(query)), {
    paging: limits,
    filter: REQUEST_FILTER_OPTIONS,
  });
  return types === undefined ? request : checkedQuery(request, types);
}

/** Reads a POST .search body (RFC 7644 §3.4.3); `types` as for listRequestFromQuery. */
export function listRequestFromBody(body: unknown, limits: PagingLimits, types?: QueryTypes): SearchQuery {
  const request = compileSearchRequest(parseSearchRequest(body, SEARCH_BODY_TOLERANCE), {
    paging: limits,
    filter: REQUEST_FILTER_OPTIONS,
  });
  return types === undefined ? request : checkedQuery(request, types);
}

/**
 * Reads attributes / excludedAttributes of a single-resource request from its URL query; with
 * `type`, a name the type does not define is a 400. Writes pass no type: a typo in the response
 * shaping of a write is not worth refusing a change the client needs made.
 */
export function projectionFromQuery(query: unknown, type?: CompiledResourceType): ProjectionRequest {
  const projection = parseProjectionParameters(asQuery(query));
  if (type !== undefined) {
    checkSelectorNames(projection.attributes, 'attributes', [type]);
    checkSelectorNames(projection.excludedAttributes, 'excludedAttributes', [type]);
  }
  return projection;
}

function checkedQuery(request: SearchQuery, types: QueryTypes): SearchQuery {
  const list: readonly CompiledResourceType[] = Array.isArray(types)
    ? types
    : [types as CompiledResourceType];
  if (request.sortBy !== undefined) checkSortByName(request.sortBy, list);
  checkSelectorNames(request.attributes, 'attributes', list);
  checkSelectorNames(request.excludedAttributes, 'excludedAttributes', list);
  if (request.filter === undefined) return request;
  const filter = checkFilterNames(request.filter, list);
  return filter === request.filter ? request : { ...request, filter };
}

/** Fastify's query string parser gives strings, and arrays for repeated parameters. */
function asQuery(query: unknown): QueryParameters {
  return (query ?? {}) as QueryParameters;
}

/**
 * True when `selectors` name the attribute `name` (lower case) itself: not a sub-attribute, and
 * not only the values a filter matches (`excludedAttributes=groups[type eq "direct"]` still
 * returns the other groups).
 */
function names(selectors: readonly AttributeSelector[] | undefined, name: string): boolean {
  if (selectors === undefined) return false;
  for (const s of selectors) {
    if (s.subAttr === undefined && s.filter === undefined && s.name.toLowerCase() === name) return true;
  }
  return false;
}

/**
 * True when `selectors` name the attribute `name` (lower case), one of its sub-attributes or some
 * of its values (`groups[type eq "direct"]`).
 */
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

/**
 * The store query of a list request (built by assignment: it runs on every list request). `type`
 * is given by a search over several types, whose filter is normalised here for each of them.
 */
export function toListQuery(request: SearchQuery, type?: CompiledResourceType): ListQuery {
  const read = readOptionsFor(request);
  const query: { -readonly [K in keyof ListQuery]: ListQuery[K] } = {
    startIndex: request.startIndex,
    count: request.count,
    includeMembers: read.includeMembers,
    includeGroups: read.includeGroups,
  };
  if (request.filter) query.filter = type ? normaliseFilterFor(request.filter, type) : request.filter;
  if (request.sortBy !== undefined) query.sortBy = request.sortBy;
  if (request.sortOrder) query.sortOrder = request.sortOrder;
  return query;
}
