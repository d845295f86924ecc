/**
 * Query parameters of a list request, from either form: the URL of GET /Users?filter=...
 * (RFC 7644 §3.4.2) or the body of POST /.search (§3.4.3, SearchRequest message).
 */
import type { JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { parseAttributeList, parseAttributeSelector, type AttributeSelector } from './attribute-list.js';
import { parseSortOrder, type SortOrder } from './sort-resources.js';

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

function stringList(value: JsonValue, parameter: string): AttributeSelector[] {
  if (!Array.isArray(value)) throw ScimError.invalidSyntax(`${parameter}: expected array of strings`);
  return value.map((item, i) => {
    if (typeof item !== 'string') throw ScimError.invalidSyntax(`${parameter}[${i}]: expected string`);
    return parseAttributeSelector(item.trim(), `${parameter}[${i}]`);
  });
}

function integer(value: JsonValue, parameter: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw ScimError.invalidSyntax(`${parameter}: expected integer`);
}

function string(value: JsonValue, parameter: string): string {
  if (typeof value === 'string') return value;
  throw ScimError.invalidSyntax(`${parameter}: expected string`);
}

/**
 * Parses a POST /.search body. The message structure is checked strictly (RFC 7644 §3.12
 * invalidSyntax for anything that does not fit the SearchRequest schema); the filter text itself is
 * parsed later by the filter parser.
 */
export function parseSearchRequest(body: unknown): SearchRequest {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('request body must be a JSON object');
  const out: SearchRequest = {};
  let hasSchema = false;
  for (const rawKey of Object.keys(body)) {
    const key = KEYS.get(rawKey.toLowerCase());
    const value = body[rawKey] as JsonValue;
    if (value === null) continue;
    switch (key) {
      case 'schemas':
        if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
          throw ScimError.invalidSyntax('schemas: expected array of strings');
        }
        hasSchema = value.some(
          (s) => typeof s === 'string' && s.toLowerCase() === SchemaUrn.searchRequest.toLowerCase(),
        );
        break;
      case 'attributes':
        out.attributes = stringList(value, 'attributes');
        break;
      case 'excludedAttributes':
        out.excludedAttributes = stringList(value, 'excludedAttributes');
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
        out.startIndex = integer(value, 'startIndex');
        break;
      case 'count':
        out.count = integer(value, 'count');
        break;
      default:
        throw ScimError.invalidSyntax(`${rawKey}: not a SearchRequest attribute`);
    }
  }
  if (!hasSchema) throw ScimError.invalidSyntax(`schemas: must include ${SchemaUrn.searchRequest}`);
  return out;
}

/**
 * Parses the same parameters from a URL query (GET on a resource endpoint). Parameter names are
 * matched case-insensitively; a repeated parameter is an error rather than a silent pick.
 */
export function parseQueryParameters(
  query: Readonly<Record<string, string | readonly string[] | undefined>>,
): SearchRequest {
  const out: SearchRequest = {};
  for (const rawKey of Object.keys(query)) {
    const raw = query[rawKey];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') throw ScimError.invalidValue(`${rawKey}: given more than once`);
    const key = KEYS.get(rawKey.toLowerCase());
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
        if (!/^\s*[+-]?\d{1,15}\s*$/.test(raw)) throw ScimError.invalidValue(`${key}: expected integer`);
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
