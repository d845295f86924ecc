import type { JsonObject } from '../../shared/json.js';
import { SchemaUrn } from '../schema/schema-types.js';

/** RFC 7644 §3.4.2 ListResponse body. */
export interface ListResponse {
  schemas: [typeof SchemaUrn.listResponse];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: JsonObject[];
}

/**
 * Builds the RFC 7644 §3.4.2 ListResponse. `Resources` is always present (an empty array when the
 * page is empty), which every client we know of accepts and some require.
 */
export function buildListResponse(
  resources: JsonObject[],
  totalResults: number,
  startIndex = 1,
  itemsPerPage: number = resources.length,
): ListResponse {
  return {
    schemas: [SchemaUrn.listResponse],
    totalResults,
    startIndex,
    itemsPerPage,
    Resources: resources,
  };
}
