/**
 * What a route may do, declared where the route is registered (`config: READ_ROUTE`) and read
 * from the route fastify matched, never from the request URL. The URL a client sends and the path
 * the router takes are not the same string: the router stops at `?` and `#`, decodes percent
 * escapes, ignores a trailing slash and letter case. An access decision made on the URL text could
 * therefore call `POST /Users#/.search` a search while the router runs the create handler.
 */
import type { FastifyRequest } from 'fastify';

/**
 * - `public`: no token needed (`/healthz`);
 * - `read`: a read-only token may call it: it never writes (GET, HEAD, the POST searches of
 *   RFC 7644 §3.4.3, and routes that only refuse, such as 405 and `/Me`'s 501);
 * - `write`: everything else. A route that declares nothing is a write route;
 * - `admin-api`: a route of the admin API (/admin/v1), which authenticates its own callers (admin
 *   tokens, console sessions); SCIM's bearer check does not run for it. The admin API sets it on
 *   each of its routes when they are registered.
 */
export type RouteAccess = 'public' | 'read' | 'write' | 'admin-api';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; see RouteAccess. Absent means `write`. */
    access?: RouteAccess;
  }
}

/** Route config of a route that never writes. */
export const READ_ROUTE = { access: 'read' } as const;

/** Route config of a route that needs no token. */
export const PUBLIC_ROUTE = { access: 'public' } as const;

/**
 * The access of the route that `request` was routed to: one property of the matched route's
 * config (fastify routes before the first hook runs, so it is known in onRequest). The not-found
 * handler (no route matched, so no route url) only answers 404 and counts as `read`: a read-only
 * token learns that a path does not exist, as it would from a GET, and still needs a valid token
 * to learn it.
 */
export function routeAccess(request: FastifyRequest): RouteAccess {
  const config = request.routeOptions.config;
  return config.access ?? (config.url === undefined ? 'read' : 'write');
}
