/**
 * The console's sign-in: `POST /session` (user name and password -> session cookie and CSRF
 * token), `GET /session` (the signed-in user, idle timer restarted), `DELETE /session` (sign-out).
 */
import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleAccess } from './access/console-access.js';
import type { ConsoleSession } from './access/console-sessions.js';
import { MAX_PASSWORD_LENGTH } from './access/console-users.js';
import { SESSION_COOKIE } from './admin-access-hook.js';
import { adminProblem } from './admin-problem.js';
import type { AdminApi } from './admin-route.js';
import { ADMIN_ROLES } from './admin-route.js';
import { problemResponses } from './problem-schema.js';

const signInBody = z
  .object({
    username: z.string().min(1).max(200).describe('The console user name'),
    password: z
      .string()
      .min(1)
      .max(MAX_PASSWORD_LENGTH)
      .describe('The password; never logged or stored in clear'),
  })
  .strict();

const sessionBody = z.object({
  user: z.object({ name: z.string(), role: z.enum(ADMIN_ROLES) }),
  csrfToken: z.string().describe('Send as X-CSRF-Token on every POST, PUT, PATCH and DELETE'),
  idleTimeoutSeconds: z.number().int().describe('The session ends after this long without a request'),
});

type SessionBody = z.infer<typeof sessionBody>;

function bodyOf(session: ConsoleSession, access: ConsoleAccess): SessionBody {
  return {
    user: { name: session.userName, role: session.role },
    csrfToken: session.csrfToken,
    idleTimeoutSeconds: access.idleTimeoutSeconds,
  };
}

/** HttpOnly and SameSite=Strict always; Secure when the request came over TLS. */
function cookieOptions(request: FastifyRequest) {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https' } as const;
}

function clearCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

export function registerSessionRoutes(api: AdminApi, access: ConsoleAccess): void {
  api.post(
    '/session',
    {
      // Public: it is how a session starts. SameSite=Strict keeps other sites from posting it
      // with a victim's cookies, and it needs none.
      config: { adminRole: 'public' },
      schema: {
        summary: 'Sign in to the console',
        tags: ['access'],
        body: signInBody,
        response: { 200: sessionBody, ...problemResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const result = await access.signIn(request.body.username, request.body.password, request.ip);
      if (result.outcome === 'locked') {
        request.log.info(
          { retryAfterSeconds: result.retryAfterSeconds },
          'console sign-in refused: locked out',
        );
        throw adminProblem(429, 'rate-limited', 'too many failed sign-ins; try again later', {
          headers: { 'retry-after': String(result.retryAfterSeconds) },
        });
      }
      if (result.outcome === 'denied') throw adminProblem(401, 'unauthorized', 'wrong user name or password');
      request.log.info({ user: result.session.userName }, 'console user signed in');
      void reply.setCookie(SESSION_COOKIE, result.sessionId, cookieOptions(request));
      return bodyOf(result.session, access);
    },
  );

  api.get(
    '/session',
    {
      // The session is checked here, not by the access hook: a token has no session to show.
      config: { adminRole: 'public' },
      schema: {
        summary: 'The signed-in console user; restarts the idle timer',
        tags: ['access'],
        response: { 200: sessionBody, ...problemResponses(401) },
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      const session = cookie === undefined ? undefined : await access.resume(cookie, { fresh: true });
      if (session === undefined) {
        if (cookie !== undefined) clearCookie(request, reply);
        throw adminProblem(401, 'unauthorized', 'not signed in');
      }
      return bodyOf(session, access);
    },
  );

  api.delete(
    '/session',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: 'Sign out: the session ends at once',
        tags: ['access'],
        response: { 204: z.null().describe('Signed out'), ...problemResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      const ended = cookie !== undefined && (await access.signOut(cookie, request.ip));
      clearCookie(request, reply);
      if (ended && request.adminActor?.kind === 'session') {
        request.log.info({ user: request.adminActor.name }, 'console user signed out');
      }
      return reply.code(204).send(null);
    },
  );
}
