/**
 * Who may call an admin route, decided in one onRequest hook from what the matched route declares
 * (`config.adminRole`), never from the URL text: fastify has routed before the first hook runs, so
 * `/admin/v1//apps/x/`, `%2F` escapes or a `#fragment` cannot make a write route look like a read.
 *
 * A caller is either an admin token (`Authorization: Bearer`; no CSRF token needed, a browser
 * never sends it on its own) or a console session (the cookie, which a browser does send on its
 * own: so every state-changing request with it must also carry `X-CSRF-Token`).
 */
import type { FastifyRequest } from 'fastify';
import type { ConsoleAccess } from './access/console-access.js';
import type { AdminTokens } from './access/admin-tokens.js';
import { csrfTokenMatches } from './access/console-sessions.js';
import { adminProblem } from './admin-problem.js';
import type { AdminActor, AdminApi, AdminRole } from './admin-route.js';
import { roleAllows } from './admin-route.js';

/** The console's session cookie. */
export const SESSION_COOKIE = 'provisio_session';

/** The header a session's state-changing requests carry. */
export const CSRF_HEADER = 'x-csrf-token';

const AUTH_REALM = 'provisio-admin';

/** Methods that change state: with a session they need the CSRF token. */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AccessDeps {
  readonly tokens: AdminTokens;
  readonly console: ConsoleAccess;
}

function unauthorized(detail: string, presented: boolean) {
  const challenge = presented
    ? `Bearer realm="${AUTH_REALM}", error="invalid_token"`
    : `Bearer realm="${AUTH_REALM}"`;
  return adminProblem(401, 'unauthorized', detail, { headers: { 'www-authenticate': challenge } });
}

/** The caller a bearer header names, or a thrown 401 / 403 problem. */
async function tokenActor(deps: AccessDeps, header: string, request: FastifyRequest): Promise<AdminActor> {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized('the Authorization header must be "Bearer <admin token>"', true);
  const checked = await deps.tokens.check(match[1]!, (error) =>
    request.log.warn({ err: error }, 'could not record admin token use'),
  );
  if (checked.outcome === 'scim-token') {
    throw adminProblem(
      403,
      'wrong-credential',
      `token "${checked.name}" is a SCIM token; the admin API needs an admin token`,
    );
  }
  if (checked.outcome === 'invalid') throw unauthorized('invalid or revoked admin token', true);
  return checked.actor;
}

/** The caller the session cookie names, its CSRF token checked for a state-changing request. */
async function sessionActor(deps: AccessDeps, cookie: string, request: FastifyRequest): Promise<AdminActor> {
  const session = await deps.console.resume(cookie);
  if (session === undefined) throw unauthorized('the console session has ended: sign in again', false);
  if (UNSAFE_METHODS.has(request.method)) {
    const presented = request.headers[CSRF_HEADER];
    if (!csrfTokenMatches(typeof presented === 'string' ? presented : undefined, session.csrfToken)) {
      throw adminProblem(
        403,
        'csrf',
        `a ${request.method} with the console session needs the X-CSRF-Token header the sign-in answered with`,
      );
    }
  }
  return { kind: 'session', name: session.userName, role: session.role };
}

/** The role the matched route needs; a route that declares none (impossible past onRoute) needs admin. */
function neededRole(request: FastifyRequest): AdminRole | 'public' {
  return request.routeOptions.config.adminRole ?? 'admin';
}

/**
 * Who is calling, judged against `needed`: the bearer token first, else the session cookie (its
 * CSRF token checked for a state-changing method). Throws the 401 / 403 problem otherwise.
 */
export async function adminActorFor(
  deps: AccessDeps,
  request: FastifyRequest,
  cookie: string | undefined,
  needed: AdminRole,
): Promise<AdminActor> {
  const header = request.headers.authorization;
  let actor: AdminActor;
  if (header !== undefined && header.length > 0) actor = await tokenActor(deps, header, request);
  else if (cookie !== undefined && cookie.length > 0) actor = await sessionActor(deps, cookie, request);
  else throw unauthorized('sign in to the console or send an admin bearer token', false);
  if (!roleAllows(actor.role, needed)) {
    throw adminProblem(
      403,
      'forbidden',
      `this needs the ${needed} role; ${actor.kind === 'token' ? 'token' : 'user'} "${actor.name}" is ${actor.role}`,
    );
  }
  return actor;
}

/** Adds the access hook to the admin API instance (it runs for its not-found handler too). */
export function registerAccessHook(api: AdminApi, deps: AccessDeps): void {
  api.addHook('onRequest', async (request) => {
    const needed = neededRole(request);
    if (needed === 'public') return;
    request.adminActor = await adminActorFor(deps, request, request.cookies[SESSION_COOKIE], needed);
  });
}
