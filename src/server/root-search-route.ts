/**
 * POST /.search at the SCIM root (RFC 7644 §3.4.3): one query over every resource type. Results
 * are Users then Groups; startIndex and count page over that concatenation, and sortBy orders
 * within each type (a sort across types with different schemas has no agreed meaning).
 */
import type { FastifyInstance } from 'fastify';
import type { JsonObject } from '../shared/json.js';
import { buildListResponse } from '../scim/query/list-response.js';
import { listRequestFromBody, toListQuery } from './list-request.js';
import type { ResourceContext } from './resource-operations.js';
import { representResource } from './resource-representation.js';
import { projectionFor, RESOURCE_KINDS } from './resource-routes.js';
import { READ_ROUTE } from './route-access.js';
import { scimBaseUrl, sendScim } from './scim-reply.js';
import type { ServerOptions } from './server-options.js';

/** Registers POST /.search. */
export function registerRootSearchRoute(
  app: FastifyInstance,
  ctx: ResourceContext,
  options: ServerOptions,
): void {
  app.post('/.search', { config: READ_ROUTE }, async (request, reply) => {
    const types = RESOURCE_KINDS.map((kind) => ctx.registry.compiled(kind));
    const list = listRequestFromBody(request.body, options, types);
    const baseUrl = scimBaseUrl(request, options);
    const resources: JsonObject[] = [];
    let total = 0;
    for (const kind of RESOURCE_KINDS) {
      const remaining = list.count - resources.length;
      const startIndex = Math.max(1, list.startIndex - total);
      const result = await ctx.store.list(
        kind,
        toListQuery({ ...list, startIndex, count: remaining }, ctx.registry.compiled(kind)),
      );
      const projection = projectionFor(ctx.registry, kind, list);
      for (const stored of result.resources)
        resources.push(representResource(ctx.registry, baseUrl, stored, projection));
      total += result.totalResults;
    }
    return sendScim(reply, 200, buildListResponse(resources, total, list.startIndex, resources.length));
  });
}
