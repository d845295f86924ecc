/**
 * The admin API: an encapsulated fastify instance under `/admin/v1` with the zod type provider,
 * its own access hook, problem-details errors, security headers and OpenAPI document. The SCIM
 * API beside it never sees its cookies or its credentials: each refuses the other's tokens, and
 * cookies are parsed only here.
 *
 * Every route registered on it (here or by routes/index.ts) must declare a zod `schema` and
 * `config.adminRole`; one that does not is refused at registration, so a route cannot ship without
 * validation, documentation and an access decision.
 */
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ConsoleAccess } from './access/console-access.js';
import { AdminTokens } from './access/admin-tokens.js';
import { registerAccessHook, type AccessDeps } from './admin-access-hook.js';
import { adminFrameworkErrorHandler, type AdminFrameworkErrorHandler } from './admin-framework-errors.js';
import { registerAdminErrorHandling } from './admin-errors.js';
import { registerOpenApi, registerOpenApiRoute } from './admin-openapi.js';
import { ADMIN_ROLES, type AdminApi } from './admin-route.js';
import type { AdminServices } from './admin-services.js';
import { registerAuditRoute } from './audit-route.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerAdminRoutes } from './routes/index.js';

/** Where the admin API is mounted. */
export const ADMIN_BASE_PATH = '/admin/v1';

export interface AdminApiOptions {
  readonly services: AdminServices;
  readonly console: ConsoleAccess;
  /** The version the OpenAPI document states (package.json's). */
  readonly version: string;
  /** More routes, registered after the built-in ones under the same rules (tests add samples of each role). */
  readonly moreRoutes?: (api: AdminApi) => void;
}

/** Throws when a route lacks what every admin route must declare; marks it as the admin API's. */
function checkRoute(route: {
  method: string | string[];
  url: string;
  schema?: unknown;
  config?: object;
}): void {
  const name = `${Array.isArray(route.method) ? route.method.join(',') : route.method} ${route.url}`;
  if (route.schema === undefined || route.schema === null) {
    throw new Error(`admin route ${name} has no schema: every admin route declares a zod schema`);
  }
  const config = (route.config ?? {}) as { adminRole?: unknown };
  if (config.adminRole !== 'public' && !(ADMIN_ROLES as readonly unknown[]).includes(config.adminRole)) {
    throw new Error(`admin route ${name} declares no config.adminRole (public, viewer, operator or admin)`);
  }
  // The SCIM side's bearer check leaves it alone (server/route-access.ts).
  route.config = { ...config, access: 'admin-api' };
}

async function adminApi(api: AdminApi, options: AdminApiOptions): Promise<void> {
  api.setValidatorCompiler(validatorCompiler);
  api.setSerializerCompiler(serializerCompiler);
  api.addHook('onRoute', checkRoute);
  await api.register(fastifyCookie);
  await registerOpenApi(api, options.version);
  // First, so every answer carries them, refusals included: nothing of the admin API is cached,
  // and no answer is sniffed into another type.
  api.addHook('onRequest', async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    void reply.header('x-content-type-options', 'nosniff');
  });
  registerAccessHook(api, accessDeps(options));
  registerAdminErrorHandling(api);

  registerOpenApiRoute(api);
  registerSessionRoutes(api, options.console);
  registerAuditRoute(api, options.services.engineState);
  registerAdminRoutes(api, options.services);
  options.moreRoutes?.(api);
}

function accessDeps(options: AdminApiOptions): AccessDeps {
  return { tokens: new AdminTokens(options.services.directory), console: options.console };
}

/**
 * Mounts the admin API on the server under `/admin/v1`. Call before `listen` or `ready`. Answers
 * the handler for the router's errors under the prefix (admin-framework-errors.ts), which the
 * server's owner installs, as fastify takes those only when the server is made.
 */
export function mountAdminApi(app: FastifyInstance, options: AdminApiOptions): AdminFrameworkErrorHandler {
  void app.register(async (instance) => adminApi(instance.withTypeProvider<ZodTypeProvider>(), options), {
    prefix: ADMIN_BASE_PATH,
  });
  return adminFrameworkErrorHandler(accessDeps(options));
}
