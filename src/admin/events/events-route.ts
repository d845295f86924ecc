/**
 * `GET /events`: Server-Sent Events of the engine (cycles started over the API and by serve's
 * runner alike, in this process and, through the relay, in the other serve processes) and of
 * pauses and resumes, optionally of one app (`?app=`).
 */
import { z } from 'zod';
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';
import { problemResponses } from '../problem-schema.js';
import { appParams } from '../routes/route-support.js';
import { EventStream } from './event-stream.js';

export interface EventsRouteOptions {
  /** Least time between two progress events of one cycle (default 200 ms). */
  readonly progressIntervalMs?: number;
  /** Time between heartbeat comments (default 15 s). */
  readonly heartbeatMs?: number;
}

export function registerEventsRoute(
  api: AdminApi,
  services: AdminServices,
  options: EventsRouteOptions = {},
): void {
  api.get(
    '/events',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary:
          'Server-Sent Events: cycle start, progress and end, quarantine, held deletions, pause, resume',
        querystring: z.object({ app: appParams.shape.name.optional() }),
        produces: ['text/event-stream'],
        response: {
          200: z.string().describe('text/event-stream; see docs/admin-api.md for the events'),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const app = request.query.app;
      if (app !== undefined) await services.apps.get(app);
      reply.hijack();
      const stream = new EventStream(reply.raw, {
        ...(app !== undefined ? { app } : {}),
        progressIntervalMs: options.progressIntervalMs ?? 200,
        heartbeatMs: options.heartbeatMs ?? 15_000,
      });
      const unsubscribe = services.eventHub.subscribe(stream.push);
      const end = (): void => {
        unsubscribe();
        stream.close();
      };
      request.raw.on('close', end);
      reply.raw.on('close', end);
    },
  );
}
