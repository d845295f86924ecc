/**
 * What every admin API route (`/admin/v1/...`) shares: the three roles, who is calling, and what a
 * route declares. A route is registered on the `AdminApi` instance with a zod `schema` (the one
 * source for request validation and the OpenAPI document) and `config.adminRole`, the least role
 * that may call it; the access hook decides from that declaration, on the route that matched.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

export const ADMIN_ROLES = ['viewer', 'operator', 'admin'] as const;

/**
 * `viewer` reads; `operator` also runs things (sync, preview, provision, approve, assign);
 * `admin` also changes configuration and credentials.
 */
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** The least role a route needs, or `public` for the few that run before sign-in. */
export type AdminRouteAccess = AdminRole | 'public';

/** Who is calling: an admin API token or a signed-in console user. */
export interface AdminActor {
  readonly kind: 'token' | 'session';
  /** The token's or the console user's name: what the audit log records as the actor. */
  readonly name: string;
  readonly role: AdminRole;
}

/** Whether a caller holding `held` may call a route that needs `needed`. */
export function roleAllows(held: AdminRole, needed: AdminRole): boolean {
  return ADMIN_ROLES.indexOf(held) >= ADMIN_ROLES.indexOf(needed);
}

/** The audit log's actor text for a caller, e.g. `admin-token:terraform` or `console:alice`. */
export function auditActor(actor: AdminActor): string {
  return `${actor.kind === 'token' ? 'admin-token' : 'console'}:${actor.name}`;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every admin route; a route without it is refused at registration. */
    adminRole?: AdminRouteAccess;
  }
  interface FastifyRequest {
    /** Set by the access hook before the handler of any non-public admin route runs. */
    adminActor?: AdminActor;
  }
}

/** The encapsulated fastify instance the admin routes are registered on (prefix `/admin/v1`). */
export type AdminApi = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
