/**
 * 405 Method Not Allowed for SCIM paths that exist but not with the request's method (RFC 9110
 * §15.5.6: the response carries `Allow` listing the methods the path supports). Without this,
 * fastify would answer `POST /Users/{id}` or `DELETE /Schemas` with a 404, which tells the client
 * the path does not exist when it does.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { HttpError } from './error-response.js';
import { READ_ROUTE } from './route-access.js';

/** The methods a SCIM client may try (RFC 7644 §3.2 and OPTIONS). */
export const METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Records the methods of each route added to `app` (paths relative to its prefix). */
export class RouteMethods {
  readonly #byPath = new Map<string, Set<string>>();
  #sealed = false;

  /** Starts recording; call before registering the routes. */
  constructor(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      if (this.#sealed) return;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      let set = this.#byPath.get(route.routePath);
      if (!set) this.#byPath.set(route.routePath, (set = new Set()));
      for (const method of methods) set.add(method.toUpperCase());
    });
  }

  /**
   * Adds, for every recorded path, a route for the other methods that answers 405 with `Allow`.
   * The check runs in onRequest, after authentication and before the body is read, so a wrong
   * method is reported as such rather than as a body error. The route only refuses, so it is
   * `read`: a read-only token is told the truth (405 and Allow) rather than 403.
   */
  registerMethodNotAllowed(app: FastifyInstance): void {
    this.#sealed = true;
    for (const [path, methods] of this.#byPath) {
      const missing = METHODS.filter((m) => !methods.has(m));
      if (missing.length === 0) continue;
      const allow = METHODS.filter((m) => methods.has(m)).join(', ');
      app.route({
        method: missing,
        url: path,
        config: READ_ROUTE,
        onRequest: async (request) => {
          throw new HttpError({
            status: 405,
            detail: `method ${request.method} is not supported on this path; allowed: ${allow}`,
            headers: { allow },
          });
        },
        handler: async () => undefined,
      });
    }
  }
}
