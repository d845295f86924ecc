/**
 * The BulkResponse message (RFC 7644 §3.7.3): one entry per executed operation with the status as
 * a string, and for failures the error body of §3.12 in `response`.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import type { ScimError } from '../scim-error.js';
import { SchemaUrn } from '../schema/schema-types.js';
import type { BulkMethod, BulkOperation } from './bulk-request.js';

/** The outcome of one operation. */
export interface BulkOperationResult {
  method: BulkMethod;
  bulkId?: string;
  version?: string;
  location?: string;
  status: number;
  /** Body for a successful operation, when the server chooses to return it. */
  response?: JsonValue;
  /** Set for a failed operation; becomes the `response` and the status. */
  error?: ScimError;
}

/** A failed result for `op`. */
export function bulkErrorResult(
  op: Pick<BulkOperation, 'method' | 'bulkId'>,
  error: ScimError,
): BulkOperationResult {
  return op.bulkId === undefined
    ? { method: op.method, status: error.status, error }
    : { method: op.method, bulkId: op.bulkId, status: error.status, error };
}

/** Builds the response body from the results, in the order given. */
export function buildBulkResponse(results: readonly BulkOperationResult[]): JsonObject {
  return {
    schemas: [SchemaUrn.bulkResponse],
    Operations: results.map((r) => {
      const out: JsonObject = {};
      if (r.location !== undefined) out.location = r.location;
      out.method = r.method;
      if (r.bulkId !== undefined) out.bulkId = r.bulkId;
      if (r.version !== undefined) out.version = r.version;
      if (r.error) {
        out.status = String(r.error.status);
        out.response = r.error.toBody() as unknown as JsonObject;
      } else {
        out.status = String(r.status);
        if (r.response !== undefined) out.response = r.response;
      }
      return out;
    }),
  };
}
