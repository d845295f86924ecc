/**
 * `/apps`, `/apps/{name}` (GET, PUT, DELETE) and `/apps/{name}/test-connection`: the apps as
 * `provisio apps list|export|apply|delete` manage them, through the same AppsService. A PUT takes
 * the YAML `apps apply` takes (`application/yaml`) or its JSON form; credentials are write-only,
 * so a credential the PUT leaves out (or sends back as `{ "set": true }`) keeps its stored value.
 */
import { z } from 'zod';
import { AppFileError, MAX_APP_FILE_BYTES } from '../../engine/apps/load-app-file.js';
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';
import { appDetailJson, appDetailSchema, appSummarySchema, summaryJson } from './app-views.js';
import { problemSchema } from '../problem-schema.js';
import { appFileProblem } from './route-problems.js';
import { actorOf, appParams } from './route-support.js';

/** The media types a PUT of YAML may be sent as. */
export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

const applyResultSchema = z.object({
  status: z.enum(['created', 'updated', 'unchanged']),
  changed: z.array(z.string()).describe('the sections that changed, e.g. `settings`, `objects.User`'),
  fullSyncRequired: z.boolean(),
  app: appDetailSchema,
});

export function registerAppsRoutes(api: AdminApi, services: AdminServices): void {
  // YAML arrives as text; the apps service parses it with positions, so issues name line and column.
  api.addContentTypeParser(
    YAML_TYPES,
    { parseAs: 'string', bodyLimit: MAX_APP_FILE_BYTES },
    (_req, body, done) => done(null, body),
  );

  api.get(
    '/apps',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: 'Every app with its state, last cycle and counts',
        response: { 200: z.object({ apps: z.array(appSummarySchema) }) },
      },
    },
    async () => {
      const apps = await services.apps.list();
      const rows = await Promise.all(
        apps.map(async (app) => summaryJson(app, await services.control.status(app))),
      );
      return { apps: rows };
    },
  );

  api.get(
    '/apps/:name',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: 'One app: its definition, credentials shown only as set',
        params: appParams,
        response: { 200: appDetailSchema, 404: problemSchema },
      },
    },
    async (request) => appDetailJson(await services.apps.get(request.params.name)),
  );

  api.put(
    '/apps/:name',
    {
      config: { adminRole: 'admin' },
      bodyLimit: MAX_APP_FILE_BYTES,
      schema: {
        summary: 'Create or replace an app from the YAML `apps apply` takes, or its JSON form',
        params: appParams,
        body: z.union([z.string(), z.record(z.string(), z.unknown())]),
        response: { 200: applyResultSchema, 201: applyResultSchema, 400: problemSchema },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const body = request.body;
      const yaml = typeof body === 'string';
      const text = yaml ? body : JSON.stringify(withoutShownCredentials(body), null, 2);
      try {
        const result = await services.apps.applyText(
          text,
          { name: yaml ? `${name}.yaml` : 'request body', expectedName: name },
          actorOf(request),
        );
        reply.code(result.status === 'created' ? 201 : 200);
        return {
          status: result.status,
          changed: [...result.changed],
          fullSyncRequired: result.fullSyncRequired,
          app: appDetailJson(result.app),
        };
      } catch (error) {
        // Positions in JSON we re-serialised would point into our text, not the caller's.
        // Positions in JSON the server re-serialised would point into its text, not the caller's.
        if (error instanceof AppFileError) throw appFileProblem(error, yaml);
        throw error;
      }
    },
  );

  api.delete(
    '/apps/:name',
    {
      config: { adminRole: 'admin' },
      schema: {
        summary: 'Delete an app, its engine state and its assignments',
        params: appParams,
        response: {
          200: z.object({ deleted: z.literal(true), assignmentsRemoved: z.number() }),
          404: problemSchema,
        },
      },
    },
    async (request) => {
      const { assignmentsRemoved } = await services.apps.delete(request.params.name, actorOf(request));
      return { deleted: true as const, assignmentsRemoved };
    },
  );

  api.post(
    '/apps/:name/test-connection',
    {
      config: { adminRole: 'operator' },
      schema: {
        summary: "Open the app's connector and test its connection; failures in the connector's words",
        params: appParams,
        response: {
          200: z.union([
            z.object({ ok: z.literal(true) }),
            z.object({ ok: z.literal(false), code: z.string(), message: z.string() }),
          ]),
          404: problemSchema,
        },
      },
    },
    async (request) => services.apps.testConnection(request.params.name),
  );
}

/** A credential sent back as the GET showed it (`{ "set": true }`) means "keep it": drop it. */
function withoutShownCredentials(body: Record<string, unknown>): Record<string, unknown> {
  const connector = body.connector;
  if (typeof connector !== 'object' || connector === null || Array.isArray(connector)) return body;
  const credentials = (connector as Record<string, unknown>).credentials;
  if (typeof credentials !== 'object' || credentials === null || Array.isArray(credentials)) return body;
  const kept = Object.fromEntries(
    Object.entries(credentials).filter(
      ([, value]) => !(typeof value === 'object' && value !== null && 'set' in value),
    ),
  );
  return { ...body, connector: { ...connector, credentials: kept } };
}
