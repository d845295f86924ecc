/**
 * What operators do with an app: its live status, a cycle now (`sync`, as `provisio sync` with
 * `--restart` / `--reset`), pause and resume, preview, provision one user, reconcile and approve
 * held deletions — each through the engine service or the app control the CLI and serve use.
 */
import { z } from 'zod';
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';
import { problemResponses } from '../problem-schema.js';
import {
  holdSchema,
  holdView,
  logEntrySchema,
  logEntryView,
  plannedItemSchema,
  plannedItemView,
  previewSchema,
  previewView,
  reconcileSchema,
  reconcileView,
} from '../../engine/cycle/report-views.js';
import { appStatusSchema, statusJson } from './app-views.js';
import { cycleJson, cycleSchema, RECENT_CYCLES } from './cycle-views.js';
import { invalid } from './route-problems.js';
import { actorOf, appParams, queryFlag } from './route-support.js';

export function registerAppRunRoutes(api: AdminApi, services: AdminServices): void {
  const { apps, control, engine } = services;

  api.get(
    '/apps/:name/status',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary:
          'The app now: running, idle, paused, quarantined or held; progress, last and next cycle, the last cycles',
        params: appParams,
        response: {
          200: appStatusSchema.extend({
            recentCycles: z
              .array(cycleSchema)
              .describe(`the last ${RECENT_CYCLES} cycles, newest first (more on /apps/{name}/cycles)`),
          }),
          ...problemResponses(404),
        },
      },
    },
    async (request) => {
      const app = await apps.get(request.params.name);
      const [live, recent] = await Promise.all([
        control.status(app),
        services.engineState.listCycles(app.id, RECENT_CYCLES),
      ]);
      return { ...statusJson(live), recentCycles: recent.map(cycleJson) };
    },
  );

  api.post(
    '/apps/:name/sync',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: 'Start a cycle now; answers its id at once (follow it on /events or /status)',
        params: appParams,
        querystring: z.object({
          restart: queryFlag.describe('first clear the watermark, escrows and quarantine (links kept)'),
          reset: queryFlag.describe('like restart, and also forget every link to target accounts'),
        }),
        response: { 202: z.object({ cycleId: z.string() }), ...problemResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { restart, reset } = request.query;
      if (restart && reset) {
        throw invalid('restart and reset cannot be combined (reset includes restart)', [
          { path: 'querystring.reset', message: 'cannot be combined with restart' },
        ]);
      }
      const app = await apps.get(request.params.name);
      const started = await control.startCycle(app, { restart, reset, actor: actorOf(request) });
      return reply.code(202).send({ cycleId: started.cycleId });
    },
  );

  const pauseSchema = z.object({
    paused: z.boolean(),
    since: z.string().optional().describe('when it was paused (ISO 8601)'),
    actor: z.string().optional().describe('who paused it'),
  });

  api.post(
    '/apps/:name/pause',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: 'Pause the app in every serve process; its running cycle stops after the current operation',
        params: appParams,
        response: { 200: pauseSchema, ...problemResponses(404) },
      },
    },
    async (request) => {
      const pause = await control.pause(await apps.get(request.params.name), actorOf(request));
      return { paused: true, since: pause.since.toISOString(), actor: pause.actor };
    },
  );

  api.post(
    '/apps/:name/resume',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: 'Resume a paused app (resuming one that is not paused changes nothing)',
        params: appParams,
        response: { 200: pauseSchema, ...problemResponses(404) },
      },
    },
    async (request) => {
      await control.resume(await apps.get(request.params.name), actorOf(request));
      return { paused: false };
    },
  );

  api.post(
    '/apps/:name/preview',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: 'What a cycle would do now, the target untouched',
        params: appParams,
        response: { 200: previewSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => {
      const report = await engine.preview((await apps.get(request.params.name)).definition.name, {
        signal: AbortSignal.timeout(10 * 60_000),
      });
      return previewView(report, plannedItemView);
    },
  );

  api.post(
    '/apps/:name/provision',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: 'One user through the whole pipeline now, every step; dryRun plans only',
        params: appParams,
        body: z.object({
          user: z.string().min(1).max(1000).describe('the directory id or userName'),
          dryRun: z.boolean().default(false),
        }),
        response: {
          200: z.object({
            app: z.string(),
            dryRun: z.boolean(),
            item: plannedItemSchema,
            entries: z.array(logEntrySchema.extend({ id: z.number().optional() })),
          }),
          ...problemResponses(400, 404, 409),
        },
      },
    },
    async (request) => {
      const app = await apps.get(request.params.name);
      const report = await engine.provisionUser(app.definition.name, request.body.user, {
        dryRun: request.body.dryRun,
      });
      return {
        app: report.app,
        dryRun: report.dryRun,
        item: plannedItemView(report.item),
        entries: report.entries.map((entry) => logEntryView(entry)),
      };
    },
  );

  api.post(
    '/apps/:name/reconcile',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: "The target's accounts against what the mappings give; fix=true converges drift and missing",
        params: appParams,
        querystring: z.object({ fix: queryFlag }),
        response: { 200: reconcileSchema, ...problemResponses(404, 409) },
      },
    },
    async (request) => {
      const app = await apps.get(request.params.name);
      const report = await engine.reconcile(app.definition.name, {
        fix: request.query.fix,
        signal: AbortSignal.timeout(30 * 60_000),
      });
      return reconcileView(report, plannedItemView);
    },
  );

  api.post(
    '/apps/:name/approve-deletes',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: "Let the held cycle's deprovisions through on the next cycle",
        params: appParams,
        response: { 200: z.object({ hold: holdSchema }), ...problemResponses(404, 409) },
      },
    },
    async (request) => {
      const app = await apps.get(request.params.name);
      const hold = await engine.approveDeletes(app.definition.name, actorOf(request));
      return { hold: holdView(hold) };
    },
  );
}
