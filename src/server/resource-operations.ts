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
import { parsePatchRequest } from '../scim/patch/parse-patch-request.js';
import { validateResource } from '../scim/resource/validate-resource.js';
import { ScimError } from '../scim/scim-error.js';
import type { SchemaRegistry } from '../scim/schema/schema-registry.js';
import { SchemaUrn } from '../scim/schema/schema-types.js';
import { isJsonObject } from '../shared/json.js';
import { ifMatchVersion, type EtagCondition } from './etag-preconditions.js';

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
  return ctx.store.create(kind, attributes);
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
  return ctx.store.replace(kind, id, attributes, writeOptions(ifMatch, existing.version));
}

/**
 * PATCH (RFC 7644 §3.5.2). The PatchOp message is checked here so that a malformed one is a 400
 * before the store is touched; the raw operations then go to the store, which applies them
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
  parsePatchRequest(body);
  const operations = operationsOf(body);
  const options = await resolveWriteOptions(ctx, kind, id, ifMatch);
  return ctx.store.patch(kind, id, operations, { ...options, ...read });
}

/** The `Operations` array of a PatchOp body already accepted by parsePatchRequest. */
function operationsOf(body: unknown): { op: string; path?: string; value?: unknown }[] {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('PATCH body must be a JSON object');
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations');
  const operations = key === undefined ? undefined : body[key];
  if (!Array.isArray(operations)) {
    throw ScimError.invalidSyntax(`PATCH body: "Operations" must be an array (${SchemaUrn.patchOp})`);
  }
  return operations.map((operation) => {
    if (!isJsonObject(operation))
      throw ScimError.invalidSyntax('PATCH body: each operation must be an object');
    const out: { op: string; path?: string; value?: unknown } = { op: '' };
    for (const [k, v] of Object.entries(operation)) {
      const lower = k.toLowerCase();
      if (lower === 'op' && typeof v === 'string') out.op = v;
      else if (lower === 'path' && typeof v === 'string') out.path = v;
      else if (lower === 'value') out.value = v;
    }
    return out;
  });
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
