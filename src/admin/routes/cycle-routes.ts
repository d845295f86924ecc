/**
 * `GET /apps/{name}/cycles`: the app's cycles, newest first, from the engine's state (the same
 * rows `provisio cycles` prints), paged with a keyset cursor so cycles that start meanwhile
 * neither repeat nor push any out of the next page.
 */
import { z } from 'zod';
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';
import { problemResponses } from '../problem-schema.js';
import { cycleCursor, cycleJson, cycleSchema, readCycleCursor } from './cycle-views.js';
import { invalid } from './route-problems.js';
import { appParams, keysetPageQuery } from './route-support.js';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;

export function registerCycleRoutes(api: AdminApi, services: AdminServices): void {
  api.get(
    '/apps/:name/cycles',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary:
          "The app's cycles, newest first: kind, start, duration, counts per action and result, outcome",
        params: appParams,
        querystring: z
          .object(
            keysetPageQuery({
              defaultLimit: DEFAULT_LIMIT,
              maxLimit: MAX_LIMIT,
              cursor: z.string().min(1).max(400),
            }),
          )
          .strict(),
        response: {
          200: z.object({
            app: z.string(),
            cycles: z.array(cycleSchema),
            nextCursor: z.string().optional().describe('present when more cycles follow'),
          }),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { limit = DEFAULT_LIMIT, cursor } = request.query;
      const before = cursor === undefined ? undefined : readCycleCursor(cursor);
      if (cursor !== undefined && before === undefined) {
        throw invalid('querystring.cursor: not a cursor this API answered', [
          { path: 'querystring.cursor', message: 'a cursor is the nextCursor of a previous page' },
        ]);
      }
      const app = await services.apps.get(request.params.name);
      // One more than asked: whether another page follows is known, not guessed.
      const rows = await services.engineState.listCycles(app.id, limit + 1, before);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        app: app.definition.name,
        cycles: page.map(cycleJson),
        ...(rows.length > limit && last !== undefined ? { nextCursor: cycleCursor(last) } : {}),
      };
    },
  );
}
