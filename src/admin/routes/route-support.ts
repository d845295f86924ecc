/** What the application routes share: the calling actor for the audit log, the app name parameter. */
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
