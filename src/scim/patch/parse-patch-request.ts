/**
 * Validation of the PatchOp request message (RFC 7644 §3.5.2) into typed operations. Schema-level
 * checks (does the attribute exist, is the value of the right type) need the resource type and
 * happen in applyPatch.
 */
import { parsePatchPathCached } from './patch-path-cache.js';
import { SchemaUrn } from '../schema/schema-types.js';
import { ScimError } from '../scim-error.js';
import { isJsonObject, type JsonValue } from '../../shared/json.js';
import { MAX_MEMBERS_PER_REQUEST } from '../resource/resource-limits.js';
import { normaliseOpName } from './patch-tolerances.js';
import { PatchOpName, type PatchOperation } from './patch-types.js';

/**
 * More operations than any identity provider sends in one request (Entra batches group members
 * in tens); a bound keeps a hostile body from costing unbounded work.
 */
export const MAX_PATCH_OPERATIONS = 10_000;

/** Keys of the PatchOp message, matched case-insensitively like attribute names (RFC 7643 §2.1). */
function member(body: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(body, name)) return body[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(body)) if (key.toLowerCase() === lower) return body[key];
  return undefined;
}

function isJsonValue(value: unknown, depth = 0): value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((v) => isJsonValue(v, depth + 1));
}

/**
 * Validates a PATCH request body and returns its operations with lower-case op names (tolerance T1)
 * and parsed paths.
 *
 * Errors (all 400): invalidSyntax when the message structure is wrong (missing PatchOp schema, no
 * Operations, an unknown op); invalidPath when a path is not a string or does not parse;
 * invalidValue when add/replace lacks its value; noTarget when remove has no path (RFC 7644 §3.5.2.2).
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('PATCH body must be a JSON object');
  const schemas = member(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SchemaUrn.patchOp.toLowerCase())
  ) {
    throw ScimError.invalidSyntax(`PATCH body: "schemas" must contain "${SchemaUrn.patchOp}"`);
  }
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimError.invalidSyntax('PATCH body: "Operations" must be a non-empty array');
  }
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw ScimError.invalidSyntax(`PATCH body: more than ${MAX_PATCH_OPERATIONS} operations`);
  }
  const parsed = operations.map((raw: unknown, i) => parseOperation(raw, `Operations[${i}]`));
  checkMemberCount(parsed);
  return parsed;
}

/**
 * At most MAX_MEMBERS_PER_REQUEST member values set, added or removed per request, counted over
 * every operation on `members` (by path, or as a key of a path-less value). The store writes
 * members as rows without building the group, so the bound is checked here, on the message.
 */
function checkMemberCount(operations: readonly PatchOperation[]): void {
  let count = 0;
  for (const operation of operations) {
    const { path, value } = operation;
    if (path !== undefined) {
      if (path.attr.name.toLowerCase() === 'members') count += Array.isArray(value) ? value.length : 1;
    } else if (isJsonObject(value)) {
      for (const key of Object.keys(value)) {
        if (key.toLowerCase() !== 'members') continue;
        const members = value[key];
        count += Array.isArray(members) ? members.length : 1;
      }
    }
  }
  if (count > MAX_MEMBERS_PER_REQUEST) {
    throw ScimError.invalidValue(
      `members: ${count} values set, added or removed in one request, more than the limit of ${MAX_MEMBERS_PER_REQUEST}`,
    );
  }
}

function parseOperation(raw: unknown, where: string): PatchOperation {
  if (!isJsonObject(raw)) throw ScimError.invalidSyntax(`${where}: an operation must be a JSON object`);
  const opRaw = member(raw, 'op');
  if (typeof opRaw !== 'string') throw ScimError.invalidSyntax(`${where}: "op" must be a string`);
  const op = normaliseOpName(opRaw);
  if (op === undefined) {
    throw ScimError.invalidSyntax(`${where}: unknown op "${opRaw}"; expected add, remove or replace`);
  }
  const pathRaw = member(raw, 'path');
  let path: PatchOperation['path'];
  if (pathRaw !== undefined && pathRaw !== null) {
    if (typeof pathRaw !== 'string') throw ScimError.invalidPath(`${where}: "path" must be a string`);
    // An empty path is how some clients say "no path"; RFC 7644 reads an absent path as the resource.
    if (pathRaw.trim() !== '') {
      try {
        path = parsePatchPathCached(pathRaw);
      } catch (error) {
        const detail = error instanceof ScimError ? error.detail : 'malformed path';
        throw ScimError.invalidPath(`${where}: ${detail}`);
      }
    }
  }
  const hasValue = Object.keys(raw).some((k) => k.toLowerCase() === 'value');
  const value = member(raw, 'value');
  if (op !== PatchOpName.remove && (!hasValue || value === undefined)) {
    throw ScimError.invalidValue(`${where}: "${op}" requires a "value"`);
  }
  // RFC 7644 §3.5.2.2: remove without a path fails with noTarget.
  if (op === PatchOpName.remove && path === undefined) {
    throw ScimError.noTarget(`${where}: "remove" requires a "path"`);
  }
  const out: PatchOperation = { op };
  if (path !== undefined) out.path = path;
  if (value !== undefined) {
    if (!isJsonValue(value)) throw ScimError.invalidValue(`${where}: "value" is not JSON`);
    out.value = value;
  }
  return out;
}
