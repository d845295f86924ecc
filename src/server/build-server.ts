/**
 * The fastify application: SCIM 2.0 under /scim/v2, behind bearer tokens, and /healthz. Built
 * without listening, so tests, benchmarks and main.ts decide where it listens.
 */
import fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { DirectoryStore } from '../directory/directory-store.js';
import type { SchemaRegistry } from '../scim/schema/schema-registry.js';
import { BearerAuthenticator } from './bearer-auth.js';
import { registerBulkRoute } from './bulk-route.js';
import { registerDiscoveryRoutes } from './discovery-routes.js';
import { registerErrorHandling, sendFrameworkError } from './error-response.js';
import { registerMeRoute } from './me-route.js';
import { RouteMethods } from './method-not-allowed.js';
import { registerResourceRoutes, RESOURCE_KINDS } from './resource-routes.js';
import { registerRootSearchRoute } from './root-search-route.js';
import { registerScimContentTypes } from './scim-media.js';
import { resolveServerOptions, SCIM_BASE_PATH, type ServerOptionsInput } from './server-options.js';

/** What the server is built from. */
export interface BuildServerInput {
  readonly store: DirectoryStore;
  readonly registry: SchemaRegistry;
  readonly options?: ServerOptionsInput;
}

/** Header paths pino must never write (tokens). */
export const REDACTED_LOG_PATHS = ['req.headers.authorization', 'req.headers.cookie'] as const;

function isBulkRequest(request: FastifyRequest): boolean {
  return (request.url.split('?')[0] ?? '') === `${SCIM_BASE_PATH}/Bulk`;
}

/** Builds the application; the caller calls `listen` (or `inject`) and `close`. */
export function buildServer(input: BuildServerInput): FastifyInstance {
  const options = resolveServerOptions(input.options);
  const logger =
    options.logger && typeof options.logger === 'object'
      ? { ...options.logger, redact: [...REDACTED_LOG_PATHS] }
      : options.logger === true
        ? { redact: [...REDACTED_LOG_PATHS] }
        : false;
  const app = fastify({
    logger,
    logController: new LogController({ disableRequestLogging: !options.requestLogging }),
    bodyLimit: options.bodyLimit,
    // The resource ids we issue are UUIDs; a long path or id is a client error, not a lookup.
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: sendFrameworkError,
  });
  registerScimContentTypes(app, options.maxJsonDepth);
  registerErrorHandling(app, isBulkRequest);

  app.get('/healthz', async (_request, reply) => reply.code(200).send({ status: 'ok' }));

  const ctx = { store: input.store, registry: input.registry };
  const authenticator = options.authenticate
    ? new BearerAuthenticator(input.store, { cacheMs: options.tokenCacheMs })
    : undefined;

  void app.register(
    async (scim) => {
      if (authenticator) {
        scim.addHook('onRequest', async (request) => {
          await authenticator.authenticate(request);
        });
      }
      const routes = new RouteMethods(scim);
      for (const kind of RESOURCE_KINDS) {
        const endpoint = input.registry.resourceType(kind)?.endpoint ?? `/${kind}s`;
        registerResourceRoutes(scim, ctx, options, kind, endpoint);
      }
      registerRootSearchRoute(scim, ctx, options);
      registerDiscoveryRoutes(scim, input.registry, options);
      registerBulkRoute(scim, ctx, options);
      registerMeRoute(scim);
      routes.registerMethodNotAllowed(scim);
    },
    { prefix: SCIM_BASE_PATH },
  );
  return app;
}
