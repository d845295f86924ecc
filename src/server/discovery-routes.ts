/**
 * Discovery endpoints (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes and /Schemas, built
 * from the registry and the server options so they advertise exactly what is implemented.
 */
import type { FastifyInstance } from 'fastify';
import { buildServiceProviderConfig } from '../scim/schema/service-provider-config.js';
import {
  getResourceType,
  getSchema,
  listResourceTypes,
  listSchemas,
} from '../scim/schema/schema-representation.js';
import type { SchemaRegistry } from '../scim/schema/schema-registry.js';
import { READ_ROUTE } from './route-access.js';
import { scimBaseUrl, sendScim } from './scim-reply.js';
import type { ServerOptions } from './server-options.js';

type IdParams = { Params: { id: string } };

/** Registers the discovery routes. */
export function registerDiscoveryRoutes(
  app: FastifyInstance,
  registry: SchemaRegistry,
  options: ServerOptions,
): void {
  const read = { config: READ_ROUTE };
  app.get('/ServiceProviderConfig', read, async (request, reply) => {
    const body = buildServiceProviderConfig({
      baseUrl: scimBaseUrl(request, options),
      patch: true,
      bulk: { maxOperations: options.bulk.maxOperations, maxPayloadSize: options.bulk.maxPayloadSize },
      filter: { maxResults: options.maxCount },
      // A user's password can be changed by PATCH and PUT (stored as a scrypt hash, user-password.ts).
      changePassword: true,
      sort: true,
      etag: true,
    });
    return sendScim(reply, 200, body);
  });
  app.get('/ResourceTypes', read, async (request, reply) =>
    sendScim(reply, 200, listResourceTypes(registry, scimBaseUrl(request, options))),
  );
  app.get<IdParams>('/ResourceTypes/:id', read, async (request, reply) =>
    sendScim(reply, 200, getResourceType(registry, request.params.id, scimBaseUrl(request, options))),
  );
  app.get('/Schemas', read, async (request, reply) =>
    sendScim(reply, 200, listSchemas(registry, scimBaseUrl(request, options))),
  );
  app.get<IdParams>('/Schemas/:id', read, async (request, reply) =>
    sendScim(reply, 200, getSchema(registry, request.params.id, scimBaseUrl(request, options))),
  );
}
