/**
 * `/apps/{name}/assignments`: who an app provisions when its scope is `assigned`, and in which app
 * role — the same AppsService calls as `provisio assign`, `unassign` and `assignments`.
 */
import { z } from 'zod';
import type { NamedAssignment } from '../../engine/apps/apps-service.js';
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';
import { problemResponses } from '../problem-schema.js';
import { notFound } from './route-problems.js';
import { actorOf, appParams } from './route-support.js';

const assignmentSchema = z.object({
  principalType: z.enum(['User', 'Group']),
  principalId: z.string(),
  principalName: z.string().optional(),
  role: z.string(),
  created: z.string(),
});

const principal = {
  principalType: z.enum(['User', 'Group']),
  principal: z.string().min(1).max(1000).describe('the id, or a userName (User) / displayName (Group)'),
  role: z.string().min(1).max(200).optional(),
};

function assignmentJson(a: NamedAssignment): z.infer<typeof assignmentSchema> {
  return {
    principalType: a.principalType,
    principalId: a.principalId,
    ...(a.principalName !== undefined ? { principalName: a.principalName } : {}),
    role: a.role,
    created: a.created.toISOString(),
  };
}

export function registerAssignmentRoutes(api: AdminApi, services: AdminServices): void {
  const { apps } = services;

  api.get(
    '/apps/:name/assignments',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: "The app's assignments with the names of their users and groups",
        params: appParams,
        response: { 200: z.object({ assignments: z.array(assignmentSchema) }), ...problemResponses(404) },
      },
    },
    async (request) => ({
      assignments: (await apps.listAssignments(request.params.name)).map(assignmentJson),
    }),
  );

  api.post(
    '/apps/:name/assignments',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: "Assign a user or group in a role (the app's default role when none is given)",
        params: appParams,
        body: z.object(principal),
        response: { 201: assignmentSchema, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { principalType, principal: ref, role } = request.body;
      const made = await apps.assign(
        request.params.name,
        { type: principalType, ref },
        role,
        actorOf(request),
      );
      return reply.code(201).send(assignmentJson(made));
    },
  );

  api.delete(
    '/apps/:name/assignments',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: 'Remove an assignment in one role, or in every role when none is given',
        params: appParams,
        querystring: z.object(principal),
        response: { 200: z.object({ removed: z.literal(true) }), ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const { principalType, principal: ref, role } = request.query;
      const removed = await apps.unassign(
        request.params.name,
        { type: principalType, ref },
        role,
        actorOf(request),
      );
      if (!removed) throw notFound(`no such assignment of '${ref}' to '${request.params.name}'`);
      return { removed: true as const };
    },
  );
}
