/**
 * Index-based paging (RFC 7644 §3.4.2.4): 1-based `startIndex` (values below 1 mean 1), `count`
 * (negative means 0; 0 returns no resources, only totalResults), capped by the server maximum.
 */
import { ScimError } from '../scim-error.js';

/** Normalised paging parameters. */
export interface Paging {
  startIndex: number;
  count: number;
}

/** Server limits for paging. */
export interface PagingLimits {
  /** Used when the request gives no count. */
  defaultCount: number;
  /** The advertised filter.maxResults; larger counts are reduced to it. */
  maxCount: number;
}

function toInteger(value: unknown, parameter: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  throw ScimError.invalidValue(`${parameter}: expected integer, got ${JSON.stringify(value)}`);
}

/** Parses `startIndex` / `count` from query parameters (strings) or a search body (numbers). */
export function parsePaging(params: { startIndex?: unknown; count?: unknown }, limits: PagingLimits): Paging {
  const start = toInteger(params.startIndex, 'startIndex') ?? 1;
  const count = toInteger(params.count, 'count') ?? limits.defaultCount;
  return {
    startIndex: start < 1 ? 1 : start,
    count: Math.min(count < 0 ? 0 : count, limits.maxCount),
  };
}

/** A page of a result list with the numbers a ListResponse needs. */
export interface Page<T> {
  items: T[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
}

/** Cuts a page out of an in-memory result list. */
export function paginate<T>(items: readonly T[], paging: Paging): Page<T> {
  const from = paging.startIndex - 1;
  const page = paging.count <= 0 ? [] : items.slice(from, from + paging.count);
  return {
    items: page,
    totalResults: items.length,
    startIndex: paging.startIndex,
    itemsPerPage: page.length,
  };
}
