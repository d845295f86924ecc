/**
 * The admin API's registration rules and its OpenAPI document: a route without a schema or a
 * declared role stops the server from starting, and the document lists every admin route that
 * was registered (collected by a root onRoute hook, so no route can slip past unlisted), with the
 * security schemes and the role of each.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConsoleAccess } from '../../src/admin/access/console-access.js';
import { mountAdminApi, type AdminApiOptions } from '../../src/admin/admin-plugin.js';
import type { AdminApi } from '../../src/admin/admin-route.js';
import { createAdminServices, type AdminServices } from '../../src/admin/admin-services.js';
import { createBuiltinRegistry } from '../../src/connectors/builtin-kinds.js';
import type { ProvisioDatabase } from '../../src/engine/state/open-engine-state.js';
import { openProvisio } from '../../src/main.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { buildServer } from '../../src/server/build-server.js';
import { registerSampleRoutes } from './admin-harness.js';
import { adminOpenApiText, OPENAPI_DOCUMENT_PATH } from './support-openapi.js';

let dataDir: string;
let database: ProvisioDatabase;
let services: AdminServices;
let consoleAccess: ConsoleAccess;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'provisio-openapi-'));
  database = await openProvisio({ dataDir });
  consoleAccess = await ConsoleAccess.open(database);
  services = createAdminServices({ database, registry: createBuiltinRegistry(), dataDir });
});
afterAll(async () => {
  await services?.close();
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function server(moreRoutes?: AdminApiOptions['moreRoutes']): { app: FastifyInstance; routes: string[] } {
  const app = buildServer({ store: database.directory, registry: SchemaRegistry.withCoreSchemas() });
  const routes: string[] = [];
  // Root level: it sees every route of every plugin registered after it.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/admin/v1') || route.method === 'HEAD') return;
    for (const method of [route.method].flat()) routes.push(`${method.toLowerCase()} ${route.url}`);
  });
  mountAdminApi(app, {
    services,
    console: consoleAccess,
    version: '9.9.9',
    ...(moreRoutes ? { moreRoutes } : {}),
  });
  return { app, routes };
}

describe('admin route registration', () => {
  it('refuses to start with a route that has no schema', async () => {
    const { app } = server((api: AdminApi) => {
      api.get('/unchecked', { config: { adminRole: 'viewer' } }, async () => ({}));
    });
    await expect(app.ready()).rejects.toThrow(/admin route GET \/admin\/v1\/unchecked has no schema/);
    await app.close().catch(() => undefined);
  });

  it('refuses to start with a route that declares no role', async () => {
    const { app } = server((api: AdminApi) => {
      api.post('/roleless', { schema: { body: z.object({}) } }, async () => ({}));
    });
    await expect(app.ready()).rejects.toThrow(
      /admin route POST \/admin\/v1\/roleless declares no config.adminRole/,
    );
    await app.close().catch(() => undefined);
  });
});

describe('GET /admin/v1/openapi.json', () => {
  let app: FastifyInstance;
  let routes: string[];
  let doc: {
    openapi: string;
    info: { version: string };
    components: {
      securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }>;
    };
    paths: Record<
      string,
      Record<
        string,
        {
          security?: unknown[];
          'x-provisio-role'?: string;
          parameters?: { name: string; in: string }[];
          responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
        }
      >
    >;
  };
  type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; required?: string[] };
  const answer200 = (path: string): Schema =>
    doc.paths[path]!.get!.responses!['200']!.content!['application/json']!.schema!;

  beforeAll(async () => {
    ({ app, routes } = server(registerSampleRoutes));
    await app.ready();
    const answer = await app.inject({ method: 'GET', url: '/admin/v1/openapi.json' });
    expect(answer.statusCode).toBe(200);
    doc = answer.json();
  });
  afterAll(async () => app?.close());

  it('is OpenAPI 3.1 with the bearer, cookie and CSRF header schemes', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9');
    expect(doc.components.securitySchemes).toEqual({
      adminToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      consoleSession: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'provisio_session' }),
      csrfToken: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' }),
    });
  });

  it('lists every registered admin route', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    expect(routes.length).toBeGreaterThanOrEqual(8);
    expect([...new Set(listed)].sort()).toEqual([...new Set(routes)].sort());
  });

  it("states each operation's role and security: none for public ones, CSRF with the cookie for writes", () => {
    expect(doc.paths['/admin/v1/openapi.json']!.get!.security).toEqual([]);
    expect(doc.paths['/admin/v1/session']!.post!.security).toEqual([]);
    expect(doc.paths['/admin/v1/audit']!.get!['x-provisio-role']).toBe('viewer');
    expect(doc.paths['/admin/v1/audit']!.get!.security).toEqual([{ adminToken: [] }, { consoleSession: [] }]);
    expect(doc.paths['/admin/v1/apps/{name}/cycles']!.get!['x-provisio-role']).toBe('viewer');
    expect(doc.paths['/admin/v1/apps/{name}/logs/{id}']!.get!['x-provisio-role']).toBe('viewer');
    expect(doc.paths['/admin/v1/apps/{name}/logs']!.get!.parameters!.map((p) => p.name)).toContain('steps');
    const accounts = doc.paths['/admin/v1/apps/{name}/accounts']!.get!;
    expect(accounts['x-provisio-role']).toBe('viewer');
    expect(accounts.parameters!.map((p) => `${p.in} ${p.name}`).sort()).toEqual([
      'path name',
      'query count',
      'query cursor',
      'query search',
    ]);
    expect(doc.paths['/admin/v1/sample/admin']!.put!['x-provisio-role']).toBe('admin');
    expect(doc.paths['/admin/v1/sample/admin']!.put!.security).toEqual([
      { adminToken: [] },
      { consoleSession: [], csrfToken: [] },
    ]);
  });

  it('documents the cycle history: its page, its query and each cycle, and the recent cycles in the status', () => {
    const cycles = doc.paths['/admin/v1/apps/{name}/cycles']!.get!;
    expect(cycles.parameters!.map((p) => `${p.in} ${p.name}`).sort()).toEqual([
      'path name',
      'query cursor',
      'query limit',
    ]);
    const page = answer200('/admin/v1/apps/{name}/cycles');
    expect(Object.keys(page.properties!).sort()).toEqual(['app', 'cycles', 'nextCursor']);
    const cycle = page.properties!.cycles!.items!;
    expect(Object.keys(cycle.properties!)).toEqual(
      expect.arrayContaining(['id', 'kind', 'status', 'started', 'finished', 'durationMs', 'summary']),
    );
    expect(cycle.required).toEqual(expect.arrayContaining(['id', 'kind', 'status', 'started', 'summary']));
    const status = answer200('/admin/v1/apps/{name}/status');
    expect(status.properties!.recentCycles!.items).toEqual(cycle);
  });
});

describe('docs/admin-api.openapi.json', () => {
  it('is the document the server answers (after an API change: npm run docs:openapi)', async () => {
    expect(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8')).toBe(await adminOpenApiText());
  });
});
