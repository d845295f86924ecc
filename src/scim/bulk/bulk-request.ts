/**
 * The BulkRequest message (RFC 7644 §3.7): checked against the advertised limits (§3.7.4: 413
 * tooMany), each operation validated with its index named, and the `bulkId:` references of each
 * operation collected once so planning and resolution never walk the data again.
 */
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import { ScimError } from '../scim-error.js';
import { SchemaUrn } from '../schema/schema-types.js';

export const BulkMethod = { post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE' } as const;
export type BulkMethod = (typeof BulkMethod)[keyof typeof BulkMethod];

/** One validated operation. */
export interface BulkOperation {
  /** Position in the request's Operations array. */
  readonly index: number;
  readonly method: BulkMethod;
  /** `/Users` for POST, `/Users/{id}` otherwise; `{id}` may be a `bulkId:` reference. */
  readonly path: string;
  readonly bulkId?: string;
  readonly version?: string;
  readonly data?: JsonObject;
  /** The bulkIds this operation references (in `path` or anywhere in `data`), without duplicates. */
  readonly references: readonly string[];
}

export interface BulkRequest {
  /** Stop after this many errors (RFC 7644 §3.7.3); undefined means never stop early. */
  readonly failOnErrors?: number;
  readonly operations: readonly BulkOperation[];
}

/** What the server advertises in ServiceProviderConfig.bulk. */
export interface BulkLimits {
  maxOperations: number;
  maxPayloadSize?: number;
  /** Size of the request body in bytes, when the caller knows it; otherwise it is computed. */
  payloadSize?: number;
}

/** The prefix of a bulkId reference (RFC 7644 §3.7.2). */
export const BULK_ID_PREFIX = 'bulkId:';
/** Nesting deeper than this in operation data is refused (a resource is at most 3 levels deep). */
const MAX_DATA_DEPTH = 32;
const METHODS = new Set<string>(Object.values(BulkMethod));
const OPERATION_KEYS = new Map(
  ['method', 'path', 'bulkId', 'version', 'data'].map((k) => [k.toLowerCase(), k]),
);

/** Parses and validates a POST /Bulk body. Throws ScimError (400, or 413 tooMany over the limits). */
export function parseBulkRequest(body: unknown, limits: BulkLimits): BulkRequest {
  if (limits.maxPayloadSize !== undefined) {
    const size = limits.payloadSize ?? payloadBytes(body);
    if (size > limits.maxPayloadSize) {
      throw ScimError.tooMany(
        `The size of the bulk operation exceeds the maxPayloadSize (${limits.maxPayloadSize}).`,
      );
    }
  }
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('request body must be a JSON object');
  let schemas: JsonValue | undefined;
  let operations: JsonValue | undefined;
  let failOnErrors: JsonValue | undefined;
  for (const key of Object.keys(body)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas') schemas = body[key];
    else if (lower === 'operations') operations = body[key];
    else if (lower === 'failonerrors') failOnErrors = body[key];
  }
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SchemaUrn.bulkRequest.toLowerCase())
  ) {
    throw ScimError.invalidSyntax(`schemas: must include ${SchemaUrn.bulkRequest}`);
  }
  if (!Array.isArray(operations)) throw ScimError.invalidSyntax('Operations: expected array');
  if (operations.length > limits.maxOperations) {
    throw ScimError.tooMany(
      `The number of operations (${operations.length}) exceeds the maxOperations (${limits.maxOperations}).`,
    );
  }
  if (failOnErrors !== undefined && failOnErrors !== null) {
    if (typeof failOnErrors !== 'number' || !Number.isInteger(failOnErrors) || failOnErrors < 1) {
      throw ScimError.invalidSyntax('failOnErrors: expected an integer of at least 1');
    }
  }
  const seenBulkIds = new Map<string, number>();
  const parsed = operations.map((op, index) => parseOperation(op as JsonValue, index, seenBulkIds));
  return typeof failOnErrors === 'number' ? { failOnErrors, operations: parsed } : { operations: parsed };
}

function parseOperation(value: JsonValue, index: number, seenBulkIds: Map<string, number>): BulkOperation {
  const where = `Operations[${index}]`;
  if (!isJsonObject(value)) throw ScimError.invalidSyntax(`${where}: expected object`);
  const fields: Partial<Record<'method' | 'path' | 'bulkId' | 'version' | 'data', JsonValue>> = {};
  for (const key of Object.keys(value)) {
    const canonical = OPERATION_KEYS.get(key.toLowerCase()) as keyof typeof fields | undefined;
    // Response-only members (location, status, response) are ignored rather than refused.
    if (canonical) fields[canonical] = value[key] as JsonValue;
  }
  const methodText = fields.method;
  if (typeof methodText !== 'string' || !METHODS.has(methodText.toUpperCase())) {
    throw ScimError.invalidSyntax(`${where}.method: expected POST, PUT, PATCH or DELETE`);
  }
  const method = methodText.toUpperCase() as BulkMethod;
  const path = fields.path;
  if (typeof path !== 'string') throw ScimError.invalidSyntax(`${where}.path: expected string`);
  const segments = path.split('/');
  // "/Users" -> ["", "Users"]; "/Users/123" -> ["", "Users", "123"].
  const wanted = method === 'POST' ? 2 : 3;
  if (segments[0] !== '' || segments.length !== wanted || segments.slice(1).some((s) => s.length === 0)) {
    throw ScimError.invalidValue(
      method === 'POST'
        ? `${where}.path: POST needs a resource endpoint such as "/Users", got ${JSON.stringify(path)}`
        : `${where}.path: ${method} needs a resource path such as "/Users/{id}", got ${JSON.stringify(path)}`,
    );
  }
  const bulkId = optionalString(fields.bulkId, `${where}.bulkId`);
  if (method === 'POST' && bulkId === undefined)
    throw ScimError.invalidValue(`${where}.bulkId: required for POST`);
  if (bulkId !== undefined) {
    if (bulkId.length === 0) throw ScimError.invalidValue(`${where}.bulkId: must not be empty`);
    const previous = seenBulkIds.get(bulkId);
    if (previous !== undefined && method === 'POST') {
      throw ScimError.invalidValue(`${where}.bulkId: "${bulkId}" is already used by Operations[${previous}]`);
    }
    if (method === 'POST') seenBulkIds.set(bulkId, index);
  }
  const version = optionalString(fields.version, `${where}.version`);
  const data = fields.data;
  const references = new Set<string>();
  const idSegment = segments[2];
  if (idSegment?.startsWith(BULK_ID_PREFIX)) references.add(idSegment.slice(BULK_ID_PREFIX.length));
  const op: { -readonly [K in keyof BulkOperation]: BulkOperation[K] } = {
    index,
    method,
    path,
    references: [],
  };
  if (bulkId !== undefined) op.bulkId = bulkId;
  if (version !== undefined) op.version = version;
  if (method !== 'DELETE') {
    if (!isJsonObject(data)) throw ScimError.invalidSyntax(`${where}.data: expected object for ${method}`);
    collectReferences(data, references, `${where}.data`);
    op.data = data;
  }
  op.references = [...references];
  return op;
}

/** UTF-8 size of the body as JSON; a value JSON cannot encode (too deep, cyclic) is refused. */
function payloadBytes(body: unknown): number {
  try {
    return new TextEncoder().encode(JSON.stringify(body) ?? '').length;
  } catch {
    throw ScimError.invalidSyntax('request body cannot be measured: not encodable as JSON');
  }
}

function optionalString(value: JsonValue | undefined, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw ScimError.invalidSyntax(`${where}: expected string`);
  return value;
}

/** Walks `data` without recursion, collecting `bulkId:x` string values and bounding the depth. */
function collectReferences(data: JsonObject, into: Set<string>, where: string): void {
  const stack: { value: JsonValue; depth: number }[] = [{ value: data, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.startsWith(BULK_ID_PREFIX) && value.length > BULK_ID_PREFIX.length)
        into.add(value.slice(BULK_ID_PREFIX.length));
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DATA_DEPTH)
      throw ScimError.invalidValue(`${where}: nested more than ${MAX_DATA_DEPTH} levels deep`);
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
}

/** RFC 7644 §3.7.3: true once `errors` reaches failOnErrors and the remaining operations must be skipped. */
export function shouldStopBulk(errors: number, failOnErrors: number | undefined): boolean {
  return failOnErrors !== undefined && errors >= failOnErrors;
}
