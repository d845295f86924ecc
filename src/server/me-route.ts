/**
 * `/Me` (RFC 7644 §3.11): the resource of the authenticated subject. Provisio's bearer tokens
 * authenticate provisioning clients (an identity provider, an HR tool, a script), not users of
 * the directory, so there is no subject to alias. The RFC asks a provider without `/Me` to answer
 * 501 Not Implemented rather than 404, which would read as a path that does not exist.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from './error-response.js';
import { METHODS } from './method-not-allowed.js';
import { READ_ROUTE } from './route-access.js';

const DETAIL =
  '/Me is not implemented: API tokens authenticate provisioning clients, not directory users (RFC 7644 §3.11); use /Users/{id}';

/**
 * Answers every method on `/Me` and below with 501, after authentication and before the body. The
 * route only refuses, so it is `read`: a read-only token gets the same 501.
 */
export function registerMeRoute(app: FastifyInstance): void {
  for (const url of ['/Me', '/Me/*']) {
    app.route({
      method: [...METHODS],
      url,
      config: READ_ROUTE,
      onRequest: async () => {
        throw new HttpError({ status: 501, detail: DETAIL });
      },
      handler: async () => undefined,
    });
  }
}
