/**
 * `/directory/users` and `/directory/groups`: the directory as the console reads it (viewer), in
 * the SCIM shape the SCIM API answers, filtered with a SCIM filter and paged by startIndex/count.
 * Reads only; writes go through the SCIM API.
 */
import { z } from 'zod';
import type { ResourceKind, StoredResource } from '../../directory/directory-store.js';
import { parseFilter } from '../../scim/filter/filter-parser.js';
import { normaliseFilterFor } from '../../scim/query/query-names.js';
import { toScimRepresentation } from '../../scim/resource/to-scim-representation.js';
import { SchemaRegistry } from '../../scim/schema/schema-registry.js';
import { isScimError } from '../../scim/scim-error.js';
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';
import { problemResponses } from '../problem-schema.js';
import { invalid, notFound } from './route-problems.js';

const MAX_COUNT = 200;

const listQuery = z.object({
  filter: z.string().max(10_000).optional().describe('a SCIM filter, e.g. userName sw "a"'),
  startIndex: z.coerce.number().int().min(1).default(1),
  count: z.coerce.number().int().min(0).max(MAX_COUNT).default(50),
});

const resourceSchema = z.record(z.string(), z.unknown()).describe('a SCIM resource');

const listSchema = z.object({
  totalResults: z.number(),
  startIndex: z.number(),
  itemsPerPage: z.number(),
  Resources: z.array(resourceSchema),
});

export function registerDirectoryRoutes(api: AdminApi, services: AdminServices): void {
  const registry = SchemaRegistry.withCoreSchemas();
  const represent = (stored: StoredResource) =>
    toScimRepresentation(registry, stored.resourceType, {
      id: stored.id,
      attributes: stored.attributes,
      meta: { created: stored.created, lastModified: stored.lastModified, version: stored.version },
    });

  for (const [kind, path] of [
    ['User', 'users'],
    ['Group', 'groups'],
  ] as const satisfies readonly (readonly [ResourceKind, string])[]) {
    // The console lists; members of a large group are read on the group's own page.
    const read = { includeMembers: false, includeGroups: false };
    api.get(
      `/directory/${path}`,
      {
        config: { adminRole: 'viewer' },
        schema: {
          summary: `Directory ${path}, SCIM-shaped, filtered and paged`,
          querystring: listQuery,
          response: { 200: listSchema, ...problemResponses(400) },
        },
      },
      async (request) => {
        const { filter, startIndex, count } = request.query;
        let parsed;
        try {
          parsed =
            filter === undefined || filter.trim() === ''
              ? undefined
              : normaliseFilterFor(
                  parseFilter(filter, { allowBareValues: true, allowValuePathSubAttribute: true }),
                  registry.compiled(kind),
                );
        } catch (error) {
          if (!isScimError(error)) throw error;
          throw invalid(`the filter is invalid: ${error.detail}`, [
            { path: 'querystring.filter', message: error.detail },
          ]);
        }
        const result = await services.directory.list(kind, {
          ...(parsed !== undefined ? { filter: parsed } : {}),
          startIndex,
          count,
          ...read,
        });
        return {
          totalResults: result.totalResults,
          startIndex,
          itemsPerPage: result.resources.length,
          Resources: result.resources.map(represent),
        };
      },
    );
    api.get(
      `/directory/${path}/:id`,
      {
        config: { adminRole: 'viewer' },
        schema: {
          summary: `One directory ${kind.toLowerCase()}, SCIM-shaped (with ${kind === 'User' ? 'groups' : 'members'})`,
          params: z.object({ id: z.string().min(1).max(1000) }),
          response: { 200: resourceSchema, ...problemResponses(404) },
        },
      },
      async (request) => {
        const stored = await services.directory.get(kind, request.params.id, {
          includeMembers: kind === 'Group',
          includeGroups: kind === 'User',
        });
        if (stored === undefined) throw notFound(`no ${kind.toLowerCase()} with id '${request.params.id}'`);
        return represent(stored);
      },
    );
  }
}
