/**
 * A request under /admin/v1 that fastify's router refuses before any route or hook runs (a
 * malformed %-escape, an over-long parameter) is answered like the rest of the admin API: RFC
 * 9457 problem details, and, like its not-found answer, only to a caller with an admin credential
 * (anyone else learns only that they must sign in). The composition root registers this with the
 * server; SCIM's own answer stays for /scim/v2.
 */
import { fastifyCookie } from '@fastify/cookie';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { adminActorFor, SESSION_COOKIE, type AccessDeps } from './admin-access-hook.js';
import { sendProblem } from './admin-problem.js';
import { toProblem } from './admin-errors.js';

export type AdminFrameworkErrorHandler = (
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
) => void;

export function adminFrameworkErrorHandler(deps: AccessDeps): AdminFrameworkErrorHandler {
  return (error, request, reply) => {
    // No hook has run, so the cookie plugin has not parsed the header yet.
    const header = request.headers.cookie;
    const cookie = header === undefined ? undefined : fastifyCookie.parse(header)[SESSION_COOKIE];
    adminActorFor(deps, request, cookie, 'viewer').then(
      () => {
        const problem = toProblem(error);
        request.log.info({ status: problem.status, detail: problem.detail }, 'admin request rejected');
        void sendProblem(reply, problem);
      },
      (refusal: unknown) => {
        const problem = toProblem(refusal);
        if (problem.status >= 500) request.log.error({ err: refusal }, 'admin request failed');
        void sendProblem(reply, problem);
      },
    );
  };
}
