/**
 * The SCIM operations on one resource (RFC 7644 §3.3–§3.6), independent of HTTP so that the
 * resource routes and /Bulk share them. Validation happens before any write, so a rejected request
 * never reaches the store; the store itself is all-or-nothing.
 */
import type {
  DirectoryStore,
  ReadOptions,
  ResourceKind,
  StoredResource,
  WriteOptions,
} from '../directory/directory-store.js';
import { hashPassword, withHashedPassword } from '../directory/resources/user-password.js';
import { parsePatchRequest } from '../scim/patch/parse-patch-request.js';
import { findKey } from '../scim/patch/patch-draft.js';
import type { PatchOperation } from '../scim/patch/patch-types.js';
import { validateResource } from '../scim/resource/validate-resource.js';
import { ScimError } from '../scim/scim-error.js';
import type { SchemaRegistry } from '../scim/schema/schema-registry.js';
import { isJsonObject } from '../shared/json.js';
import {
  conditionMatches,
  ifMatchVersion,
  parseEtagCondition,
  type EtagCondition,
} from './etag-preconditions.js';

/** What each operation needs. */
export interface ResourceContext {
  readonly store: DirectoryStore;
  readonly registry: SchemaRegistry;
}

/**
 * Store write options for an If-Match condition. `current` is the stored version; it is needed only
 * for a list of several tags, to pick the one the store must check.
 */
function writeOptions(ifMatch: EtagCondition | undefined, current?: number): WriteOptions {
  const version = ifMatchVersion(ifMatch, current);
  return version === undefined ? {} : { ifMatchVersion: version };
}

/** For If-Match lists of several tags the current version must be read first. */
async function resolveWriteOptions(
  ctx: ResourceContext,
  kind: ResourceKind,
  id: string,
  ifMatch: EtagCondition | undefined,
): Promise<WriteOptions> {
  if (ifMatch?.kind === 'versions' && ifMatch.versions.length > 1) {
    const current = await requireResource(ctx, kind, id, { includeMembers: false, includeGroups: false });
    return writeOptions(ifMatch, current.version);
  }
  return writeOptions(ifMatch);
}

/**
 * The If-Match condition a write runs under, from its If-Match and If-None-Match headers. Without
 * If-None-Match that is If-Match as sent. With it (RFC 9110 §13.1.2: a write whose If-None-Match
 * names the current version, or is `*` for an existing resource, fails with 412), the current
 * version is read and checked, and the write is then made conditional on that version, so that a
 * change in between also fails with 412 instead of slipping past the check.
 */
export async function writeCondition(
  ctx: ResourceContext,
  kind: ResourceKind,
  id: string,
  headers: { readonly 'if-match'?: string | string[]; readonly 'if-none-match'?: string | string[] },
): Promise<EtagCondition | undefined> {
  const ifMatch = parseEtagCondition(headers['if-match'], 'If-Match');
  const ifNoneMatch = parseEtagCondition(headers['if-none-match'], 'If-None-Match');
  if (ifNoneMatch === undefined) return ifMatch;
  const { version } = await requireResource(ctx, kind, id, { includeMembers: false, includeGroups: false });
  if (conditionMatches(ifNoneMatch, version)) {
    throw ScimError.preconditionFailed('If-None-Match: the current version matches');
  }
  if (ifMatch !== undefined && !conditionMatches(ifMatch, version)) {
    throw ScimError.preconditionFailed('If-Match: no listed entity tag matches the current version');
  }
  return { kind: 'versions', versions: [version] };
}

/** Reads a resource or throws 404. */
export async function requireResource(
  ctx: ResourceContext,
  kind: ResourceKind,
  id: string,
  options: ReadOptions,
): Promise<StoredResource> {
  const stored = await ctx.store.get(kind, id, options);
  if (!stored) throw ScimError.notFound(`${kind} "${id}" not found`);
  return stored;
}

/** POST (RFC 7644 §3.3). */
export async function createResource(
  ctx: ResourceContext,
  kind: ResourceKind,
  body: unknown,
): Promise<StoredResource> {
  const attributes = validateResource(ctx.registry, kind, body, 'create');
  return ctx.store.create(kind, kind === 'User' ? await withHashedPassword(attributes) : attributes);
}

/** PUT (RFC 7644 §3.5.1): immutable attributes are checked against the stored ones. */
export async function replaceResource(
  ctx: ResourceContext,
  kind: ResourceKind,
  id: string,
  body: unknown,
  ifMatch: EtagCondition | undefined,
): Promise<StoredResource> {
  const existing = await requireResource(ctx, kind, id, { includeMembers: false, includeGroups: false });
  const attributes = validateResource(ctx.registry, kind, body, 'replace', existing.attributes);
  // A replace that omits members clears them (RFC 7644 §3.5.1), so `"members": []` or `null`,
  // which validation drops as unassigned (RFC 7643 §2.5), needs no case of its own.
  return ctx.store.replace(
    kind,
    id,
    kind === 'User' ? await withHashedPassword(attributes) : attributes,
    writeOptions(ifMatch, existing.version),
  );
}

/**
 * PATCH (RFC 7644 §3.5.2). The PatchOp message is checked here so that a malformed one is a 400
 * before the store is touched; the operations then go to the store, which applies them
 * all-or-nothing (member changes as row inserts and deletes).
 */
export async function patchResource(
  ctx: ResourceContext,
  kind: ResourceKind,
  id: string,
  body: unknown,
  ifMatch: EtagCondition | undefined,
  read: ReadOptions,
): Promise<StoredResource> {
  const parsed = storeOperations(body, parsePatchRequest(body));
  const operations = kind === 'User' ? await hashPasswordValues(parsed) : parsed;
  const options = await resolveWriteOptions(ctx, kind, id, ifMatch);
  return ctx.store.patch(kind, id, operations, { ...options, ...read });
}

/** The operation form the store takes: the op name, the path as written, the value. */
type StoreOperation = { op: string; path?: string; value?: unknown };

/**
 * The store's operations from a body parsePatchRequest accepted: op names and values come from the
 * parsed operations (no second validation pass); only each path is taken as written, since the
 * store parses paths itself.
 */
function storeOperations(body: unknown, parsed: readonly PatchOperation[]): StoreOperation[] {
  const raw = rawOperations(body);
  const out: StoreOperation[] = new Array<StoreOperation>(parsed.length);
  for (let i = 0; i < parsed.length; i++) {
    const operation = parsed[i]!;
    const entry: StoreOperation = { op: operation.op };
    const path = rawPath(raw[i]);
    if (path !== undefined) entry.path = path;
    if (operation.value !== undefined) entry.value = operation.value;
    out[i] = entry;
  }
  return out;
}

/** A PATCH path naming a user's password, with or without the core schema URN. */
const PASSWORD_PATH = /^(urn:ietf:params:scim:schemas:core:2\.0:user:)?password$/i;

/**
 * Operations with any new password hashed here, in the thread pool, before the write is queued:
 * the store would otherwise hash it on the event loop (user-password.ts).
 */
async function hashPasswordValues(operations: StoreOperation[]): Promise<StoreOperation[]> {
  for (const operation of operations) {
    const { path, value } = operation;
    if (path !== undefined && PASSWORD_PATH.test(path) && typeof value === 'string') {
      operation.value = await hashPassword(value);
    } else if (path === undefined && isJsonObject(value)) {
      operation.value = await withHashedPassword(value);
    }
  }
  return operations;
}

/** The `Operations` array of an accepted PatchOp body (its key matched case-insensitively). */
function rawOperations(body: unknown): readonly unknown[] {
  if (!isJsonObject(body)) return [];
  const key = findKey(body, 'Operations');
  const value = key === undefined ? undefined : body[key];
  return Array.isArray(value) ? value : [];
}

/** The `path` member of one raw operation as written, when it is a string. */
function rawPath(operation: unknown): string | undefined {
  if (!isJsonObject(operation)) return undefined;
  // The same member parsePatchRequest read: `path` itself, else the first case-insensitive match.
  const key = findKey(operation, 'path');
  const value = key === undefined ? undefined : operation[key];
  return typeof value === 'string' ? value : undefined;
}

/** DELETE (RFC 7644 §3.6). */
export async function deleteResource(
  ctx: ResourceContext,
  kind: ResourceKind,
  id: string,
  ifMatch: EtagCondition | undefined,
): Promise<void> {
  const options = await resolveWriteOptions(ctx, kind, id, ifMatch);
  await ctx.store.delete(kind, id, options);
}
