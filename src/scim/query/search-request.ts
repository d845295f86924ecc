/**
 * Query parameters of a list request, from either form: the URL of GET /Users?filter=...
 * (RFC 7644 §3.4.2) or the body of POST /.search (§3.4.3, SearchRequest message). Both forms give
 * the same SearchRequest; search-query.ts then parses the filter and clamps the paging.
 *
 * The body is read strictly by default. {@link SEARCH_BODY_TOLERANCE} lists what a server may
 * choose to accept from clients in the wild, each flag documented below.
 */
import type { JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { parseAttributeList, parseAttributeSelector, type AttributeSelector } from './attribute-list.js';

/** `sortOrder` of RFC 7644 §3.4.2.3. */
export type SortOrder = 'ascending' | 'descending';

/** Parses `sortOrder` (case-insensitive); absent means ascending (RFC 7644 §3.4.2.3). */
export function parseSortOrder(text: string | undefined): SortOrder {
  if (text === undefined) return 'ascending';
  const lower = text.toLowerCase();
  if (lower === 'ascending' || lower === 'descending') return lower;
  throw ScimError.invalidValue(
    `sortOrder: expected "ascending" or "descending", got ${JSON.stringify(text)}`,
  );
}

/** The parsed parameters; paging is left raw here and clamped with parsePaging. */
export interface SearchRequest {
  attributes?: AttributeSelector[];
  excludedAttributes?: AttributeSelector[];
  filter?: string;
  sortBy?: string;
  sortOrder?: SortOrder;
  startIndex?: number;
  count?: number;
}

const KEYS = new Map(
  ['schemas', 'attributes', 'excludedAttributes', 'filter', 'sortBy', 'sortOrder', 'startIndex', 'count'].map(
    (k) => [k.toLowerCase(), k],
  ),
);

/** Tolerances of {@link parseSearchRequest}; all off by default. */
export interface SearchBodyTolerance {
  /** Accept a body without `schemas` (clients often omit it); a wrong `schemas` is still refused. */
  readonly allowMissingSchemas?: boolean;
  /**
   * Accept `startIndex` / `count` written as decimal strings (`"10"`) and `attributes` /
   * `excludedAttributes` as one comma-separated string, as in the URL form.
   */
  readonly allowQueryForms?: boolean;
  /** Ignore members that are not SearchRequest attributes instead of refusing the body. */
  readonly ignoreUnknownMembers?: boolean;
}

/** Every tolerance on: what a server facing real identity providers accepts. */
export const SEARCH_BODY_TOLERANCE: SearchBodyTolerance = {
  allowMissingSchemas: true,
  allowQueryForms: true,
  ignoreUnknownMembers: true,
};

const QUERY_INTEGER = /^\s*[+-]?\d{1,15}\s*$/;

function stringList(value: JsonValue, parameter: string, allowText: boolean): AttributeSelector[] {
  if (allowText && typeof value === 'string') return parseAttributeList(value, parameter);
  if (!Array.isArray(value)) throw ScimError.invalidSyntax(`${parameter}: expected array of strings`);
  return value.map((item, i) => {
    if (typeof item !== 'string') throw ScimError.invalidSyntax(`${parameter}[${i}]: expected string`);
    return parseAttributeSelector(item.trim(), `${parameter}[${i}]`);
  });
}

function integer(value: JsonValue, parameter: string, allowText: boolean): number {
  // Safe integers only: paging arithmetic on 1e300 would silently lose precision.
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (allowText && typeof value === 'string' && QUERY_INTEGER.test(value)) return Number(value.trim());
  throw ScimError.invalidSyntax(`${parameter}: expected integer`);
}

function string(value: JsonValue, parameter: string): string {
  if (typeof value === 'string') return value;
  throw ScimError.invalidSyntax(`${parameter}: expected string`);
}

/**
 * Parses a POST /.search body. The message structure is checked strictly (RFC 7644 §3.12
 * invalidSyntax for anything that does not fit the SearchRequest schema) unless `tolerance` relaxes
 * it; the filter text itself is parsed later (compileSearchRequest).
 */
export function parseSearchRequest(body: unknown, tolerance: SearchBodyTolerance = {}): SearchRequest {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('request body must be a JSON object');
  const text = tolerance.allowQueryForms ?? false;
  const out: SearchRequest = {};
  let hasSchema = false;
  let schemasSeen = false;
  for (const rawKey of Object.keys(body)) {
    const key = KEYS.get(rawKey.toLowerCase());
    const value = body[rawKey] as JsonValue;
    if (value === null) continue;
    switch (key) {
      case 'schemas':
        if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
          throw ScimError.invalidSyntax('schemas: expected array of strings');
        }
        schemasSeen = true;
        hasSchema = value.some(
          (s) => typeof s === 'string' && s.toLowerCase() === SchemaUrn.searchRequest.toLowerCase(),
        );
        break;
      case 'attributes':
        out.attributes = stringList(value, 'attributes', text);
        break;
      case 'excludedAttributes':
        out.excludedAttributes = stringList(value, 'excludedAttributes', text);
        break;
      case 'filter':
        out.filter = string(value, 'filter');
        break;
      case 'sortBy':
        out.sortBy = string(value, 'sortBy');
        break;
      case 'sortOrder':
        out.sortOrder = parseSortOrder(string(value, 'sortOrder'));
        break;
      case 'startIndex':
        out.startIndex = integer(value, 'startIndex', text);
        break;
      case 'count':
        out.count = integer(value, 'count', text);
        break;
      default:
        if (tolerance.ignoreUnknownMembers) break;
        throw ScimError.invalidSyntax(`${rawKey}: not a SearchRequest attribute`);
    }
  }
  if (!hasSchema && !(tolerance.allowMissingSchemas && !schemasSeen))
    throw ScimError.invalidSyntax(`schemas: must include ${SchemaUrn.searchRequest}`);
  return out;
}

/**
 * Parses the same parameters from a URL query (GET on a resource endpoint). Parameter names are
 * matched case-insensitively; a repeated parameter is an error rather than a silent pick.
 */
export function parseQueryParameters(query: QueryParameters): SearchRequest {
  return readQuery(query, false);
}

/**
 * Reads only `attributes` / `excludedAttributes` from a URL query: the parameters that apply to
 * single-resource requests (RFC 7644 §3.4.2.5, §3.9); list parameters there are ignored.
 */
export function parseProjectionParameters(
  query: QueryParameters,
): Pick<SearchRequest, 'attributes' | 'excludedAttributes'> {
  return readQuery(query, true);
}

/** A URL query as HTTP frameworks hand it over: a repeated parameter is an array. */
export type QueryParameters = Readonly<Record<string, string | readonly string[] | undefined>>;

function readQuery(query: QueryParameters, projectionOnly: boolean): SearchRequest {
  const out: SearchRequest = {};
  for (const rawKey of Object.keys(query)) {
    const raw = query[rawKey];
    if (raw === undefined) continue;
    const key = KEYS.get(rawKey.toLowerCase());
    if (projectionOnly && key !== 'attributes' && key !== 'excludedAttributes') continue;
    if (typeof raw !== 'string') throw ScimError.invalidValue(`${rawKey}: given more than once`);
    switch (key) {
      case 'attributes':
        out.attributes = parseAttributeList(raw, 'attributes');
        break;
      case 'excludedAttributes':
        out.excludedAttributes = parseAttributeList(raw, 'excludedAttributes');
        break;
      case 'filter':
        out.filter = raw;
        break;
      case 'sortBy':
        out.sortBy = raw;
        break;
      case 'sortOrder':
        out.sortOrder = parseSortOrder(raw);
        break;
      case 'startIndex':
      case 'count': {
        if (!QUERY_INTEGER.test(raw)) throw ScimError.invalidValue(`${key}: expected integer`);
        out[key] = Number(raw.trim());
        break;
      }
      default:
        // Unknown query parameters are not SCIM's business (e.g. cache busters); ignore them.
        break;
    }
  }
  return out;
}
