/**
 * The fastify application: SCIM 2.0 under /scim/v2, behind bearer tokens, and /healthz. Built
 * without listening, so tests, benchmarks and main.ts decide where it listens.
 *
 * Authentication runs in one onRequest hook for every route and for the not-found handler, so an
 * unknown path under /scim/v2 is reported only to a client with a token. fastify has routed by the
 * time onRequest runs; the hook reads what the matched route declares (route-access.ts), never
 * the URL text.
 */
import fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { DirectoryStore } from '../directory/directory-store.js';
import type { SchemaRegistry } from '../scim/schema/schema-registry.js';
import { BearerAuthenticator } from './bearer-auth.js';
import { registerBulkRoute } from './bulk-route.js';
import { registerDiscoveryRoutes } from './discovery-routes.js';
import { registerErrorHandling, sendError, sendFrameworkError, toErrorResponse } from './error-response.js';
import { frameworkErrorDelegates } from './framework-errors.js';
import { REDACTED_LOG_PATHS, serializeRequest } from './log-redaction.js';
import { registerMeRoute } from './me-route.js';
import { RouteMethods } from './method-not-allowed.js';
import { registerResourceRoutes, RESOURCE_KINDS } from './resource-routes.js';
import { registerRootSearchRoute } from './root-search-route.js';
import { PUBLIC_ROUTE, routeAccess } from './route-access.js';
import { registerScimContentTypes } from './scim-media.js';
import { resolveServerOptions, SCIM_BASE_PATH, type ServerOptionsInput } from './server-options.js';

/** What the server is built from. */
export interface BuildServerInput {
  readonly store: DirectoryStore;
  readonly registry: SchemaRegistry;
  readonly options?: ServerOptionsInput;
}

const BULK_ROUTE_URL = `${SCIM_BASE_PATH}/Bulk`;

/** The route that matched, not the URL text: `/bulk/` and `/Bulk#x` reach it too. */
function isBulkRoute(request: FastifyRequest): boolean {
  return request.routeOptions.url === BULK_ROUTE_URL;
}

/** Builds the application; the caller calls `listen` (or `inject`) and `close`. */
export function buildServer(input: BuildServerInput): FastifyInstance {
  const options = resolveServerOptions(input.options);
  const given = options.logger && typeof options.logger === 'object' ? options.logger : undefined;
  // The caller's pino options, with credentials kept out of headers and URLs.
  const logger =
    given !== undefined || options.logger === true
      ? {
          ...given,
          redact: [...REDACTED_LOG_PATHS],
          serializers: { ...given?.serializers, req: serializeRequest },
        }
      : false;
  const authenticator = options.authenticate
    ? new BearerAuthenticator(input.store, { cacheMs: options.tokenCacheMs })
    : undefined;
  const delegates = frameworkErrorDelegates();
  const app = fastify({
    logger,
    trustProxy: options.trustProxy === undefined ? false : [...options.trustProxy],
    logController: new LogController({ disableRequestLogging: !options.requestLogging }),
    bodyLimit: options.bodyLimit,
    routerOptions: {
      // The resource ids we issue are UUIDs; a long path or id is a client error, not a lookup.
      maxParamLength: 200,
      // Entra ID, Okta and Microsoft's SCIM reference clients send `/Users/` and `/users`. Both
      // apply to the path only: parameters (resource ids, schema URNs) keep the case they were
      // sent in, and the route's registered url stays the one the access decision reads.
      ignoreTrailingSlash: true,
      caseSensitive: false,
    },
    frameworkErrors: (error, request, reply) => {
      const delegate = delegates.find(request.url);
      if (delegate !== undefined) delegate(error, request, reply);
      else if (authenticator) authenticateFrameworkError(authenticator, error, request, reply);
      else sendFrameworkError(error, request, reply);
    },
  });
  delegates.bind(app);
  registerScimContentTypes(app, options.maxJsonDepth);
  registerErrorHandling(app, isBulkRoute);

  if (authenticator) {
    // Root level, so it runs for the not-found handler too. Routes that declare nothing are
    // write routes (route-access.ts): a route added later is closed to read-only tokens by default.
    app.addHook('onRequest', async (request) => {
      const access = routeAccess(request);
      if (access !== 'public' && access !== 'admin-api') await authenticator.authenticate(request, access);
    });
  }

  app.get('/healthz', { config: PUBLIC_ROUTE }, async (_request, reply) =>
    reply.code(200).send({ status: 'ok' }),
  );

  const ctx = { store: input.store, registry: input.registry };

  void app.register(
    async (scim) => {
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

/**
 * fastify's router errors (a bad percent-encoding, an over-long id) are answered before any hook
 * runs; they too are reported only to a client with a token. They never reach a handler, so they
 * count as `read`.
 */
function authenticateFrameworkError(
  authenticator: BearerAuthenticator,
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  authenticator.authenticate(request, 'read').then(
    () => sendFrameworkError(error, request, reply),
    (authError: unknown) => {
      const response = toErrorResponse(authError);
      if (response.status >= 500) request.log.error({ err: authError }, 'request failed');
      else request.log.info({ status: response.status, detail: response.detail }, 'request rejected');
      void sendError(reply, response);
    },
  );
}
