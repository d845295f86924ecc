/**
 * What the admin routes share: the calling actor for the audit log, the app name parameter, query
 * flags and the paging parameters of keyset-paged lists.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { APP_NAME_PATTERN } from '../../engine/apps/app-schema.js';
import { auditActor } from '../admin-route.js';
import { adminProblem } from '../admin-problem.js';

/** The audit log's actor of the request; the access hook has set it on every non-public route. */
export function actorOf(request: FastifyRequest): string {
  const actor = request.adminActor;
  if (actor === undefined) throw adminProblem(401, 'unauthorized', 'sign in or send an admin token');
  return auditActor(actor);
}

/** `{name}` in every `/apps/{name}/...` path: an app name as `apps apply` accepts it. */
export const appParams = z.object({
  name: z
    .string()
    .max(100, 'must be at most 100 characters')
    .regex(
      APP_NAME_PATTERN,
      'must start with a lower-case letter or digit and hold only a-z, 0-9, ., _ and -',
    ),
});

/** A query flag written `true` or `false` (also `1` / `0`). */
export const queryFlag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/**
 * `limit` and `cursor` of a list paged with a keyset cursor, to spread into a route's querystring
 * schema, so every such list names, bounds and describes them alike. `limit` runs from 1 to
 * `maxLimit` and is left out when absent (the route fills in `defaultLimit`, which the description
 * states); `cursor` is the previous page's nextCursor, in the form the route's `cursor` checks.
 */
export function keysetPageQuery(paging: {
  readonly defaultLimit: number;
  readonly maxLimit: number;
  readonly cursor: z.ZodString;
}) {
  return {
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(paging.maxLimit)
      .optional()
      .describe(`at most this many (default ${paging.defaultLimit})`),
    cursor: paging.cursor.optional().describe('nextCursor of the previous page'),
  };
}
