/**
 * The parameters of a list or search request (RFC 7644 §3.4.2, §3.4.3), read from a query string
 * or a SearchRequest body into the store's ListQuery plus the response projection.
 *
 * Tolerances and choices:
 * - filters are parsed with the tolerances of filter-tolerance.ts (bare values, Entra ID's
 *   `emails[type eq "work"].value eq "x"`);
 * - startIndex below 1 is read as 1 and a negative count as 0 (RFC 7644 §3.4.2.4); a count above
 *   the maximum returns the maximum, which `itemsPerPage` shows;
 * - numeric parameters given as strings in a SearchRequest body are accepted.
 */
import type { ListQuery, ReadOptions } from '../directory/directory-store.js';
import type { Filter } from '../scim/filter/filter-ast.js';
import { parseAttrPath } from '../scim/filter/filter-parser.js';
import { parseAttributeList, type AttributeSelector } from '../scim/query/attribute-list.js';
import { ScimError } from '../scim/scim-error.js';
import { SchemaUrn } from '../scim/schema/schema-types.js';
import { isJsonObject } from '../shared/json.js';
import { parseRequestFilter } from './filter-tolerance.js';

/** attributes / excludedAttributes as parsed selectors. */
export interface ProjectionRequest {
  readonly attributes?: readonly AttributeSelector[];
  readonly excludedAttributes?: readonly AttributeSelector[];
}

/** A parsed list request. */
export interface ListRequest {
  readonly filter?: Filter;
  readonly sortBy?: string;
  readonly sortOrder?: 'ascending' | 'descending';
  readonly startIndex: number;
  readonly count: number;
  readonly projection: ProjectionRequest;
}

/** Paging limits from the server options. */
export interface PagingLimits {
  readonly defaultCount: number;
  readonly maxCount: number;
}

type Raw = Record<string, unknown>;

/** One parameter, matched case-insensitively (clients vary: `startindex`, `Count`). */
function param(source: Raw, name: string): unknown {
  if (Object.hasOwn(source, name)) return source[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(source)) if (key.toLowerCase() === lower) return source[key];
  return undefined;
}

function stringParam(source: Raw, name: string): string | undefined {
  const value = param(source, name);
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw ScimError.invalidValue(`${name}: given more than once`);
  if (typeof value !== 'string') throw ScimError.invalidValue(`${name}: must be a string`);
  return value;
}

function integerParam(source: Raw, name: string): number | undefined {
  const value = param(source, name);
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw ScimError.invalidValue(`${name}: given more than once`);
  const number = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw ScimError.invalidValue(`${name}: must be an integer, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** attributes given as `a,b` (query) or `["a","b"]` (SearchRequest body). */
function attributeListParam(source: Raw, name: string): readonly AttributeSelector[] | undefined {
  const value = param(source, name);
  if (value === undefined) return undefined;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) text = value.join(',');
  else throw ScimError.invalidValue(`${name}: must be a comma-separated string or an array of strings`);
  const list = parseAttributeList(text, name);
  return list.length > 0 ? list : undefined;
}

/** Reads attributes / excludedAttributes (for single-resource requests as well as lists). */
export function parseProjectionRequest(source: Raw): ProjectionRequest {
  const attributes = attributeListParam(source, 'attributes');
  const excludedAttributes = attributeListParam(source, 'excludedAttributes');
  return {
    ...(attributes ? { attributes } : {}),
    ...(excludedAttributes ? { excludedAttributes } : {}),
  };
}

/** Reads a list request from query parameters or a SearchRequest body. */
export function parseListRequest(source: Raw, limits: PagingLimits): ListRequest {
  const filterText = stringParam(source, 'filter');
  let filter: Filter | undefined;
  if (filterText !== undefined && filterText.trim().length > 0) {
    filter = parseRequestFilter(filterText);
  }
  const sortBy = stringParam(source, 'sortBy');
  if (sortBy !== undefined) parseAttrPath(sortBy);
  const sortOrderText = stringParam(source, 'sortOrder');
  let sortOrder: 'ascending' | 'descending' | undefined;
  if (sortOrderText !== undefined) {
    const lower = sortOrderText.toLowerCase();
    if (lower !== 'ascending' && lower !== 'descending') {
      throw ScimError.invalidValue(
        `sortOrder: must be "ascending" or "descending", got ${JSON.stringify(sortOrderText)}`,
      );
    }
    sortOrder = lower;
  }
  const startIndex = Math.max(1, integerParam(source, 'startIndex') ?? 1);
  const count = Math.min(limits.maxCount, Math.max(0, integerParam(source, 'count') ?? limits.defaultCount));
  return {
    ...(filter ? { filter } : {}),
    ...(sortBy !== undefined && sortBy.length > 0 ? { sortBy } : {}),
    ...(sortOrder ? { sortOrder } : {}),
    startIndex,
    count,
    projection: parseProjectionRequest(source),
  };
}

/** Reads a POST .search body (RFC 7644 §3.4.3). */
export function parseSearchRequest(body: unknown, limits: PagingLimits): ListRequest {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('SearchRequest body must be a JSON object');
  const schemas = param(body, 'schemas');
  // Missing `schemas` is tolerated; a wrong one is an error, since it says the body is something else.
  if (
    schemas !== undefined &&
    !(
      Array.isArray(schemas) &&
      schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SchemaUrn.searchRequest.toLowerCase())
    )
  ) {
    throw ScimError.invalidSyntax(`SearchRequest body: "schemas" must contain "${SchemaUrn.searchRequest}"`);
  }
  return parseListRequest(body, limits);
}

function names(selectors: readonly AttributeSelector[] | undefined, name: string): boolean {
  return selectors?.some((s) => s.name.toLowerCase() === name && s.subAttr === undefined) ?? false;
}

function selects(selectors: readonly AttributeSelector[] | undefined, name: string): boolean {
  return selectors?.some((s) => s.name.toLowerCase() === name) ?? false;
}

/**
 * What the store needs to load: members and a user's groups are the expensive parts, so they are
 * skipped when the response would drop them anyway (`excludedAttributes=members`, or an
 * `attributes` list that does not name them).
 */
export function readOptionsFor(projection: ProjectionRequest): ReadOptions {
  const wanted = (name: string): boolean => {
    if (names(projection.excludedAttributes, name)) return false;
    if (projection.attributes !== undefined) return selects(projection.attributes, name);
    return true;
  };
  return { includeMembers: wanted('members'), includeGroups: wanted('groups') };
}

/** The store query of a list request. */
export function toListQuery(request: ListRequest): ListQuery {
  return {
    ...(request.filter ? { filter: request.filter } : {}),
    ...(request.sortBy !== undefined ? { sortBy: request.sortBy } : {}),
    ...(request.sortOrder ? { sortOrder: request.sortOrder } : {}),
    startIndex: request.startIndex,
    count: request.count,
    ...readOptionsFor(request.projection),
  };
}
