/**
 * Runs the operations of a BulkRequest (RFC 7644 §3.7) against the store. Everything protocol-side
 * comes from the SCIM core: the request is parsed by parseBulkRequest, ordered by
 * planBulkOperations (a POST defining a `bulkId` runs before the operations referring to it;
 * references to undefined bulkIds are 400 invalidValue, reference cycles 409 naming the cycle,
 * RFC 7644 §3.7.1), and references are substituted by BulkIdResolver (an operation referring to a
 * POST that failed is 409, §3.7.3). This file only executes each operation with the store.
 *
 * Results are reported in execution order; an operation the plan rejected is reported at its place
 * in request order. Once `failOnErrors` errors have occurred the remaining operations are skipped
 * (§3.7.3). The atomicity choice for failOnErrors is the caller's (see bulk-route.ts).
 */
import type { ResourceKind, StoredResource } from '../directory/directory-store.js';
import { BulkIdResolver } from '../scim/bulk/bulk-id-resolver.js';
import { planBulkOperations } from '../scim/bulk/bulk-plan.js';
import { shouldStopBulk, type BulkOperation, type BulkRequest } from '../scim/bulk/bulk-request.js';
import { bulkErrorResult, type BulkOperationResult } from '../scim/bulk/bulk-response.js';
import { StoreBusyError } from '../directory/store-busy-error.js';
import { isScimError, ScimError } from '../scim/scim-error.js';
import { parseEtagCondition } from './etag-preconditions.js';
import {
  createResource,
  deleteResource,
  patchResource,
  replaceResource,
  type ResourceContext,
} from './resource-operations.js';
import { etagOf, resourceLocation } from './resource-representation.js';

/** What executeBulk reports. */
export interface BulkOutcome {
  readonly results: BulkOperationResult[];
  readonly errors: number;
  /** True when failOnErrors stopped processing. */
  readonly stopped: boolean;
}

/** Logs a 5xx from one operation; 4xx are the client's and are only reported back. */
export type BulkErrorLogger = (error: unknown, operation: BulkOperation) => void;

interface Target {
  readonly kind: ResourceKind;
  readonly id: string;
}

/** The resource kind and id of a resolved path (`/Users` or `/Users/{id}`, checked by the parser). */
function targetOf(ctx: ResourceContext, operation: BulkOperation, path: string): Target {
  const [, endpoint = '', rawId = ''] = path.split('/');
  const type = ctx.registry.resourceTypeByEndpoint(`/${endpoint}`);
  if (!type || (type.name !== 'User' && type.name !== 'Group')) {
    throw ScimError.invalidPath(`Operations[${operation.index}].path: no resource endpoint "/${endpoint}"`);
  }
  try {
    return { kind: type.name, id: decodeURIComponent(rawId) };
  } catch {
    throw ScimError.invalidPath(`Operations[${operation.index}].path: bad percent-encoding in the id`);
  }
}

async function runOne(
  ctx: ResourceContext,
  baseUrl: string,
  operation: BulkOperation,
  resolver: BulkIdResolver,
): Promise<BulkOperationResult> {
  const { path, data } = resolver.resolve(operation);
  const target = targetOf(ctx, operation, path);
  const ifMatch = parseEtagCondition(operation.version, `Operations[${operation.index}].version`);
  const base = {
    method: operation.method,
    ...(operation.bulkId !== undefined ? { bulkId: operation.bulkId } : {}),
  };
  const done = (status: number, stored: StoredResource): BulkOperationResult => ({
    ...base,
    location: resourceLocation(ctx.registry, baseUrl, stored),
    version: etagOf(stored),
    status,
  });
  switch (operation.method) {
    case 'POST': {
      const stored = await createResource(ctx, target.kind, data);
      if (operation.bulkId !== undefined) resolver.recordCreated(operation.bulkId, stored.id);
      return done(201, stored);
    }
    case 'PUT':
      return done(200, await replaceResource(ctx, target.kind, target.id, data, ifMatch));
    case 'PATCH':
      return done(
        200,
        await patchResource(ctx, target.kind, target.id, data, ifMatch, {
          includeMembers: false,
          includeGroups: false,
        }),
      );
    case 'DELETE':
      await deleteResource(ctx, target.kind, target.id, ifMatch);
      return { ...base, location: `${baseUrl}${path}`, status: 204 };
  }
}

/** The SCIM error to report for a failed operation; anything else is logged and becomes a 500. */
function asScimError(error: unknown, operation: BulkOperation, logError: BulkErrorLogger): ScimError {
  if (isScimError(error)) {
    if (error.status >= 500) logError(error, operation);
    return error;
  }
  // The database stayed locked by another process: the operation wrote nothing and may be retried.
  if (error instanceof StoreBusyError) return new ScimError({ status: 503 }, error.message);
  logError(error, operation);
  return ScimError.internal('internal server error');
}

/**
 * The operations in the order they are reported: the plan's execution order, with each rejected
 * operation placed before the first planned one that follows it in the request.
 */
function reportOrder(
  operations: readonly BulkOperation[],
  order: readonly BulkOperation[],
  rejected: ReadonlyMap<number, ScimError>,
): BulkOperation[] {
  const pending = operations.filter((op) => rejected.has(op.index));
  const out: BulkOperation[] = [];
  let next = 0;
  for (const op of order) {
    while (next < pending.length && pending[next]!.index < op.index) out.push(pending[next++]!);
    out.push(op);
  }
  while (next < pending.length) out.push(pending[next++]!);
  return out;
}

/** Executes `request` with `ctx.store`; never throws for an operation's own error. */
export async function executeBulk(
  ctx: ResourceContext,
  baseUrl: string,
  request: BulkRequest,
  logError: BulkErrorLogger,
): Promise<BulkOutcome> {
  const plan = planBulkOperations(request.operations);
  const resolver = new BulkIdResolver();
  const results: BulkOperationResult[] = [];
  let errors = 0;
  for (const operation of reportOrder(request.operations, plan.order, plan.rejected)) {
    let result: BulkOperationResult;
    const planned = plan.rejected.get(operation.index);
    if (planned !== undefined) {
      result = bulkErrorResult(operation, planned);
    } else {
      try {
        result = await runOne(ctx, baseUrl, operation, resolver);
      } catch (error) {
        result = bulkErrorResult(operation, asScimError(error, operation, logError));
      }
    }
    results.push(result);
    if (result.error === undefined) continue;
    if (operation.method === 'POST' && operation.bulkId !== undefined) {
      resolver.recordFailed(operation.bulkId, operation.index);
    }
    errors += 1;
    if (shouldStopBulk(errors, request.failOnErrors)) return { results, errors, stopped: true };
  }
  return { results, errors, stopped: false };
}
