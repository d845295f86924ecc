/**
 * /Users and /Groups (RFC 7644 §3.2–§3.6): list, search, get, create, replace, patch, delete.
 * Every single-resource response carries a weak ETag and honours attributes / excludedAttributes,
 * PATCH included (Entra ID sends `excludedAttributes=members` on group PATCHes).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceKind, StoredResource } from '../directory/directory-store.js';
import { compileProjection, type Projection } from '../scim/query/project-resource.js';
import { buildListResponse } from '../scim/query/list-response.js';
import type { SchemaRegistry } from '../scim/schema/schema-registry.js';
import type { AttributeSelector } from '../scim/query/attribute-list.js';
import { conditionMatches, parseEtagCondition } from './etag-preconditions.js';
import type { SearchQuery } from '../scim/query/search-query.js';
import {
  listRequestFromBody,
  listRequestFromQuery,
  projectionFromQuery,
  readOptionsFor,
  toListQuery,
  type ProjectionRequest,
} from './list-request.js';
import {
  createResource,
  deleteResource,
  patchResource,
  replaceResource,
  requireResource,
  writeCondition,
  type ResourceContext,
} from './resource-operations.js';
import { etagOf, representResource, resourceLocation } from './resource-representation.js';
import { READ_ROUTE } from './route-access.js';
import { scimBaseUrl, sendResource, sendScim } from './scim-reply.js';
import type { ServerOptions } from './server-options.js';
import { BoundedCache, type BoundedCacheLimits } from '../shared/bounded-cache.js';

type IdParams = { Params: { id: string } };

/** The resource kinds the store holds, in the order root searches return them. */
export const RESOURCE_KINDS: readonly ResourceKind[] = ['User', 'Group'];

/**
 * Distinct attribute lists kept compiled per resource type; real clients send a handful of short
 * ones. The key length bounds what a cached projection holds (it keeps the URNs it names), so
 * hand-made lists of a thousand long entries are compiled per request instead of held.
 */
export const PROJECTION_CACHE_LIMITS: BoundedCacheLimits = {
  maxEntries: 256,
  maxKeyLength: 4096,
  maxTotalKeyLength: 256 * 1024,
};
/** Keyed by the resolver, which the registry replaces when a resource type changes (attachExtension). */
const projectionCache = new WeakMap<object, BoundedCache<Projection>>();

/** The projection cache of `registry`'s `kind` (for tests: its size stays bounded). */
export function projectionCacheOf(
  registry: SchemaRegistry,
  kind: ResourceKind,
): BoundedCache<Projection> | undefined {
  return projectionCache.get(registry.resolver(kind));
}

function selectorKey(selectors: readonly AttributeSelector[] | undefined): string {
  if (selectors === undefined) return '';
  let key = '';
  for (const s of selectors) key += `${s.text}\u0000`;
  return key;
}

/**
 * The response projection of a request, or undefined when it asks for the default attributes.
 * Compiled once per distinct attribute list and resource type (Entra ID sends
 * `excludedAttributes=members` on every group request), in a cache bounded by count and key size.
 */
export function projectionFor(
  registry: SchemaRegistry,
  kind: ResourceKind,
  request: ProjectionRequest,
): Projection | undefined {
  if (request.attributes === undefined && request.excludedAttributes === undefined) return undefined;
  const resolver = registry.resolver(kind);
  let cache = projectionCache.get(resolver);
  if (cache === undefined) {
    cache = new BoundedCache(PROJECTION_CACHE_LIMITS);
    projectionCache.set(resolver, cache);
  }
  const key = `${selectorKey(request.attributes)}\u0001${selectorKey(request.excludedAttributes)}`;
  let projection = cache.get(key);
  if (projection === undefined) {
    projection = compileProjection(resolver, request);
    cache.set(key, projection);
  }
  return projection;
}

/** Runs a list request against one resource type and builds the ListResponse. */
export async function listResources(
  ctx: ResourceContext,
  kind: ResourceKind,
  list: SearchQuery,
  baseUrl: string,
) {
  const result = await ctx.store.list(kind, toListQuery(list));
  const projection = projectionFor(ctx.registry, kind, list);
  const resources = result.resources.map((r) => representResource(ctx.registry, baseUrl, r, projection));
  return buildListResponse(resources, result.totalResults, list.startIndex, resources.length);
}

/** Registers the routes of one resource kind at its endpoint (e.g. "/Users"). */
export function registerResourceRoutes(
  app: FastifyInstance,
  ctx: ResourceContext,
  options: ServerOptions,
  kind: ResourceKind,
  endpoint: string,
): void {
  const { registry } = ctx;

  /** Sends `stored` shaped as the request asked, with its ETag, and its Location when created. */
  const answer = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: 200 | 201,
    stored: StoredResource,
    projection: ProjectionRequest,
  ): FastifyReply => {
    const baseUrl = scimBaseUrl(request, options);
    const body = representResource(registry, baseUrl, stored, projectionFor(registry, kind, projection));
    const location = status === 201 ? resourceLocation(registry, baseUrl, stored) : undefined;
    return sendResource(reply, status, stored, body, location);
  };

  // Reads declare READ_ROUTE; the writes declare nothing and so are closed to read-only tokens.
  app.get(endpoint, { config: READ_ROUTE }, async (request, reply) => {
    const list = listRequestFromQuery(request.query, options, registry.compiled(kind));
    return sendScim(reply, 200, await listResources(ctx, kind, list, scimBaseUrl(request, options)));
  });

  // RFC 7644 §3.4.3: the same query as a POST body, keeping filters out of URLs and logs.
  app.post(`${endpoint}/.search`, { config: READ_ROUTE }, async (request, reply) => {
    const list = listRequestFromBody(request.body, options, registry.compiled(kind));
    return sendScim(reply, 200, await listResources(ctx, kind, list, scimBaseUrl(request, options)));
  });

  app.get<IdParams>(`${endpoint}/:id`, { config: READ_ROUTE }, async (request, reply) => {
    const projection = projectionFromQuery(request.query, registry.compiled(kind));
    const ifNoneMatch = parseEtagCondition(request.headers['if-none-match'], 'If-None-Match');
    const stored = await requireResource(ctx, kind, request.params.id, readOptionsFor(projection));
    if (ifNoneMatch && conditionMatches(ifNoneMatch, stored.version)) {
      // RFC 7644 §3.14 / RFC 9110 §15.4.5: unchanged, no body.
      return reply.code(304).header('etag', etagOf(stored)).send();
    }
    return answer(request, reply, 200, stored, projection);
  });

  app.post(endpoint, async (request, reply) => {
    const projection = projectionFromQuery(request.query);
    const stored = await createResource(ctx, kind, request.body);
    return answer(request, reply, 201, stored, projection);
  });

  app.put<IdParams>(`${endpoint}/:id`, async (request, reply) => {
    const projection = projectionFromQuery(request.query);
    const ifMatch = await writeCondition(ctx, kind, request.params.id, request.headers);
    const stored = await replaceResource(ctx, kind, request.params.id, request.body, ifMatch);
    return answer(request, reply, 200, stored, projection);
  });

  app.patch<IdParams>(`${endpoint}/:id`, async (request, reply) => {
    const projection = projectionFromQuery(request.query);
    const ifMatch = await writeCondition(ctx, kind, request.params.id, request.headers);
    const stored = await patchResource(
      ctx,
      kind,
      request.params.id,
      request.body,
      ifMatch,
      readOptionsFor(projection),
    );
    // RFC 7644 §3.5.2 allows 204; 200 with the resource is what Entra ID and Okta expect.
    return answer(request, reply, 200, stored, projection);
  });

  app.delete<IdParams>(`${endpoint}/:id`, async (request, reply) => {
    const ifMatch = await writeCondition(ctx, kind, request.params.id, request.headers);
    await deleteResource(ctx, kind, request.params.id, ifMatch);
    return reply.code(204).send();
  });
}
