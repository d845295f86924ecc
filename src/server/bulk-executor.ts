/**
 * Runs the operations of a BulkRequest (RFC 7644 §3.7) against the store.
 *
 * Order: operations run in request order, except that one referring to a `bulkId:` not yet
 * created waits until the POST that defines it has run (§3.7.2 lets the service provider reorder).
 * A reference to a bulkId that no POST defines, or whose POST failed, fails that operation; a
 * cycle of references (each waiting on another) fails every operation in it.
 *
 * Errors: each operation's error is reported in its own result; once `failOnErrors` errors have
 * occurred the remaining operations are skipped (§3.7.3). The atomicity choice for failOnErrors
 * is the caller's (see bulk-route.ts).
 */
import type { ResourceKind, StoredResource } from '../directory/directory-store.js';
import {
  BULK_ID_PREFIX,
  shouldStopBulk,
  type BulkOperation,
  type BulkRequest,
} from '../scim/bulk/bulk-request.js';
import { ScimError } from '../scim/scim-error.js';
import type { JsonObject, JsonValue } from '../shared/json.js';
import { parseEtagCondition } from './etag-preconditions.js';
import { errorBody, toErrorResponse } from './error-response.js';
import {
  createResource,
  deleteResource,
  patchResource,
  replaceResource,
  type ResourceContext,
} from './resource-operations.js';
import { resourceLocation } from './resource-representation.js';

/** One entry of the BulkResponse `Operations` (RFC 7644 §3.7.3); status is a string there. */
export interface BulkOperationResult {
  readonly index: number;
  readonly method: string;
  readonly bulkId?: string;
  readonly location?: string;
  readonly version?: string;
  readonly status: string;
  readonly response?: JsonObject;
}

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
  readonly id: string | undefined;
}

function targetOf(
  ctx: ResourceContext,
  operation: BulkOperation,
  created: ReadonlyMap<string, string>,
): Target {
  const [, endpoint, rawId] = operation.path.split('/');
  const type = ctx.registry.resourceTypeByEndpoint(`/${endpoint ?? ''}`);
  if (!type || (type.name !== 'User' && type.name !== 'Group')) {
    throw ScimError.invalidPath(
      `Operations[${operation.index}].path: no resource endpoint "/${endpoint ?? ''}"`,
    );
  }
  let id = rawId === undefined ? undefined : decodeURIComponent(rawId);
  if (id?.startsWith(BULK_ID_PREFIX)) id = created.get(id.slice(BULK_ID_PREFIX.length));
  return { kind: type.name, id };
}

/** Replaces every `bulkId:x` string by the id created for x (RFC 7644 §3.7.2). */
function resolveReferences(value: JsonValue, created: ReadonlyMap<string, string>): JsonValue {
  if (typeof value === 'string') {
    if (!value.startsWith(BULK_ID_PREFIX)) return value;
    return created.get(value.slice(BULK_ID_PREFIX.length)) ?? value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, created));
  if (value !== null && typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveReferences(v, created);
    return out;
  }
  return value;
}

async function runOne(
  ctx: ResourceContext,
  baseUrl: string,
  operation: BulkOperation,
  created: Map<string, string>,
): Promise<BulkOperationResult> {
  const target = targetOf(ctx, operation, created);
  const data = operation.data === undefined ? undefined : resolveReferences(operation.data, created);
  const ifMatch = parseEtagCondition(operation.version, `Operations[${operation.index}].version`);
  const base = {
    index: operation.index,
    method: operation.method,
    ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
  };
  const done = (status: number, stored: StoredResource): BulkOperationResult => ({
    ...base,
    location: resourceLocation(ctx.registry, baseUrl, stored),
    version: `W/"${stored.version}"`,
    status: String(status),
  });
  const id = target.id ?? '';
  switch (operation.method) {
    case 'POST': {
      const stored = await createResource(ctx, target.kind, data);
      if (operation.bulkId !== undefined) created.set(operation.bulkId, stored.id);
      return done(201, stored);
    }
    case 'PUT':
      return done(200, await replaceResource(ctx, target.kind, id, data, ifMatch));
    case 'PATCH':
      return done(
        200,
        await patchResource(ctx, target.kind, id, data, ifMatch, {
          includeMembers: false,
          includeGroups: false,
        }),
      );
    case 'DELETE':
      await deleteResource(ctx, target.kind, id, ifMatch);
      return { ...base, location: `${baseUrl}${operation.path}`, status: '204' };
  }
}

function failure(operation: BulkOperation, error: unknown): BulkOperationResult {
  const response = toErrorResponse(error);
  return {
    index: operation.index,
    method: operation.method,
    ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
    status: String(response.status),
    response: errorBody(response) as unknown as JsonObject,
  };
}

/** Executes `request` with `ctx.store`; never throws for an operation's own error. */
export async function executeBulk(
  ctx: ResourceContext,
  baseUrl: string,
  request: BulkRequest,
  logError: BulkErrorLogger,
): Promise<BulkOutcome> {
  const declared = new Set(
    request.operations.filter((o) => o.method === 'POST' && o.bulkId).map((o) => o.bulkId!),
  );
  const created = new Map<string, string>();
  const failedBulkIds = new Set<string>();
  const results: BulkOperationResult[] = [];
  let pending = [...request.operations];
  let errors = 0;
  let stopped = false;

  const record = (operation: BulkOperation, result: BulkOperationResult): void => {
    results.push(result);
    if (Number(result.status) >= 400) {
      errors += 1;
      if (operation.method === 'POST' && operation.bulkId) failedBulkIds.add(operation.bulkId);
      if (shouldStopBulk(errors, request.failOnErrors)) stopped = true;
    }
  };

  while (pending.length > 0 && !stopped) {
    const waiting: BulkOperation[] = [];
    let progressed = false;
    for (const operation of pending) {
      if (stopped) break;
      const unresolved = operation.references.filter((r) => !created.has(r));
      const broken = unresolved.find((r) => !declared.has(r) || failedBulkIds.has(r));
      if (broken !== undefined) {
        const why = declared.has(broken) ? 'whose operation failed' : 'that no POST operation defines';
        record(
          operation,
          failure(
            operation,
            ScimError.invalidValue(`Operations[${operation.index}]: refers to bulkId "${broken}" ${why}`),
          ),
        );
        progressed = true;
        continue;
      }
      if (unresolved.length > 0) {
        waiting.push(operation);
        continue;
      }
      progressed = true;
      try {
        record(operation, await runOne(ctx, baseUrl, operation, created));
      } catch (error) {
        if (toErrorResponse(error).status >= 500) logError(error, operation);
        record(operation, failure(operation, error));
      }
    }
    if (!progressed) {
      // Every remaining operation waits on another: a reference cycle.
      for (const operation of waiting) {
        if (stopped) break;
        record(
          operation,
          failure(
            operation,
            ScimError.invalidValue(`Operations[${operation.index}]: circular bulkId references`),
          ),
        );
      }
      break;
    }
    pending = waiting;
  }
  return { results, errors, stopped };
}
