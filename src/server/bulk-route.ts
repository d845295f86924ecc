/**
 * POST /Bulk (RFC 7644 §3.7).
 *
 * Atomicity choice: with `failOnErrors`, the whole request runs in one store transaction, and when
 * the error limit is reached everything is rolled back, so a failed bulk leaves no trace. The
 * response then reports the failing operations with their errors and every operation that had
 * succeeded with status 424 (Failed Dependency) and no location: none of it was kept. Without
 * `failOnErrors` each operation commits on its own, as the RFC describes.
 *
 * Limits (§3.7.4): a body over maxPayloadSize is refused while reading it (413 tooMany), and more
 * than maxOperations operations is 413 tooMany as well.
 */
import type { FastifyInstance } from 'fastify';
import { parseBulkRequest } from '../scim/bulk/bulk-request.js';
import { buildBulkResponse, type BulkOperationResult } from '../scim/bulk/bulk-response.js';
import { executeBulk, type BulkOutcome } from './bulk-executor.js';
import { errorBody } from './error-response.js';
import type { ResourceContext } from './resource-operations.js';
import { scimBaseUrl, sendScim } from './scim-reply.js';
import type { ServerOptions } from './server-options.js';

/** Thrown inside the transaction to roll it back once failOnErrors is reached. */
class BulkRollback extends Error {
  constructor(readonly outcome: BulkOutcome) {
    super('bulk request rolled back');
  }
}

/** The results of a rolled-back request: what had succeeded becomes 424, since none of it was kept. */
function rolledBack(outcome: BulkOutcome, failOnErrors: number): BulkOperationResult[] {
  return outcome.results.map((result) => {
    if (result.error !== undefined) return result;
    // 424 Failed Dependency is no SCIM error status, so the body is built here rather than as a ScimError.
    const response = errorBody({
      status: 424,
      detail: `not applied: the bulk request reached failOnErrors (${failOnErrors}) and was rolled back`,
    });
    return {
      method: result.method,
      ...(result.bulkId !== undefined ? { bulkId: result.bulkId } : {}),
      status: 424,
      response: { ...response },
    };
  });
}

/** Registers POST /Bulk. */
export function registerBulkRoute(app: FastifyInstance, ctx: ResourceContext, options: ServerOptions): void {
  app.post('/Bulk', { bodyLimit: options.bulk.maxPayloadSize }, async (request, reply) => {
    const length = Number(request.headers['content-length']);
    const bulk = parseBulkRequest(request.body, {
      maxOperations: options.bulk.maxOperations,
      maxPayloadSize: options.bulk.maxPayloadSize,
      ...(Number.isFinite(length) && length > 0 ? { payloadSize: length } : {}),
    });
    const baseUrl = scimBaseUrl(request, options);
    const logError = (error: unknown): void => request.log.error({ err: error }, 'bulk operation failed');
    let results: BulkOperationResult[];
    if (bulk.failOnErrors === undefined) {
      results = (await executeBulk(ctx, baseUrl, bulk, logError)).results;
    } else {
      const failOnErrors = bulk.failOnErrors;
      try {
        const outcome = await ctx.store.transaction(async (store) => {
          const inner = await executeBulk({ store, registry: ctx.registry }, baseUrl, bulk, logError);
          if (inner.stopped) throw new BulkRollback(inner);
          return inner;
        });
        results = outcome.results;
      } catch (error) {
        if (!(error instanceof BulkRollback)) throw error;
        results = rolledBack(error.outcome, failOnErrors);
      }
    }
    return sendScim(reply, 200, buildBulkResponse(results));
  });
}
