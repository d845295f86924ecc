/**
 * Hostile input over a real socket: bodies nested too deep and bodies over the limit get SCIM
 * errors (400 invalidSyntax naming the depth limit, 413), never a 5xx; and the caches keyed by
 * request text stay within their bounds however many huge, distinct keys arrive.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { patchPathCache, PATCH_PATH_CACHE_LIMITS } from '../../src/scim/patch/patch-path-cache.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { issueToken } from '../../src/server/api-token.js';
import { buildServer } from '../../src/server/build-server.js';
import { PROJECTION_CACHE_LIMITS, projectionCacheOf } from '../../src/server/resource-routes.js';
import { SERVER_DEFAULTS } from '../../src/server/server-options.js';
import {
  BACKENDS,
  ERROR_SCHEMA,
  PATCH_SCHEMA,
  USER_SCHEMA,
  openTestStore,
  send,
  type ScimResponse,
} from './server-harness.js';

const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** Sends `body` in several chunks without Content-Length, so the server learns its size late. */
function sendChunked(url: string, token: string, body: Buffer): Promise<ScimResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: new Headers(res.headers as Record<string, string>),
            body: JSON.parse(text),
            text,
          });
        });
      },
    );
    // The server may answer and close while the rest is still being written.
    req.on('error', (error) => reject(error));
    for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024));
    req.end();
  });
}

describe.each(BACKENDS)('hostile input (%s)', (backend) => {
  let app: FastifyInstance;
  let store: DirectoryStore;
  let cleanup: () => Promise<void>;
  let registry: SchemaRegistry;
  let base: string;
  let token: string;
  let userId: string;

  const scim = (method: string, path: string, body?: string) =>
    send(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      ...(body !== undefined ? { body } : {}),
    });

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(backend));
    registry = SchemaRegistry.withCoreSchemas();
    app = buildServer({ store, registry });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/scim/v2`;
    token = (await issueToken(store, 'test', 'read-write')).token;
    const created = await scim(
      'POST',
      '/Users',
      JSON.stringify({ schemas: [USER_SCHEMA], userName: 'target' }),
    );
    userId = created.body.id;
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const expectScimError = (response: ScimResponse, status: number, scimType?: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/scim+json');
    expect(response.body.schemas).toEqual([ERROR_SCHEMA]);
    expect(response.body.status).toBe(String(status));
    if (scimType !== undefined) expect(response.body.scimType).toBe(scimType);
  };

  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it.each([
    [
      'POST /Users',
      'POST',
      '/Users',
      (d: string) => `{"schemas":["${USER_SCHEMA}"],"userName":"x","x":${d}}`,
    ],
    [
      'PATCH /Users/{id}',
      'PATCH',
      '/Users/{id}',
      (d: string) =>
        `{"schemas":["${PATCH_SCHEMA}"],"Operations":[{"op":"add","path":"title","value":${d}}]}`,
    ],
    [
      'POST /Users/.search',
      'POST',
      '/Users/.search',
      (d: string) => `{"schemas":["${SEARCH_SCHEMA}"],"x":${d}}`,
    ],
    [
      'POST /Bulk',
      'POST',
      '/Bulk',
      (d: string) =>
        `{"schemas":["${BULK_SCHEMA}"],"Operations":[{"method":"POST","bulkId":"b","path":"/Users","data":${d}}]}`,
    ],
  ])(
    'answers a deeply nested body on %s with 400 invalidSyntax naming the limit',
    async (_name, method, path, body) => {
      const response = await scim(method, path.replace('{id}', userId), body(deep(200_000)));
      expectScimError(response, 400, 'invalidSyntax');
      expect(response.body.detail).toContain(`more than ${SERVER_DEFAULTS.maxJsonDepth} levels deep`);
    },
  );

  it('accepts a body nested as deep as the limit allows (and judges it by its content)', async () => {
    // Two levels for the body and the array, the rest inside: not a valid title, but parsed.
    const response = await scim(
      'POST',
      '/Users',
      `{"schemas":["${USER_SCHEMA}"],"userName":"y","title":${deep(SERVER_DEFAULTS.maxJsonDepth - 1)}}`,
    );
    expectScimError(response, 400, 'invalidValue');
  });

  it('answers a body over the limit with 413 and a SCIM error, with and without Content-Length', async () => {
    const body = Buffer.from(
      JSON.stringify({
        schemas: [USER_SCHEMA],
        userName: 'big',
        displayName: 'x'.repeat(SERVER_DEFAULTS.bodyLimit),
      }),
    );
    expectScimError(await scim('POST', '/Users', body.toString()), 413);
    expectScimError(await sendChunked(`${base}/Users`, token, body), 413);
    const bulk = `{"schemas":["${BULK_SCHEMA}"],"Operations":[],"x":"${'y'.repeat(SERVER_DEFAULTS.bulkMaxPayloadSize)}"}`;
    expectScimError(await scim('POST', '/Bulk', bulk), 413, 'tooMany');
    // The server is still there and answers normally.
    expect((await scim('GET', `/Users/${userId}`)).status).toBe(200);
  });

  it('keeps the projection cache within its bounds under many long, distinct attribute lists', async () => {
    // Names must exist (an unknown one is a 400); value filters make them long and distinct.
    // Lists far over the key limit are compiled per request and not kept.
    for (let i = 0; i < 10; i++) {
      const attributes = Array.from(
        { length: 100 },
        (_, n) => `emails[value eq "${i}:${n}:${'x'.repeat(200)}"]`,
      );
      const response = await scim(
        'POST',
        '/Users/.search',
        JSON.stringify({ schemas: [SEARCH_SCHEMA], attributes }),
      );
      expect(response.status).toBe(200);
    }
    // Lists just under it are kept, more of them than the total key length allows.
    const perKey = PROJECTION_CACHE_LIMITS.maxKeyLength - 40;
    for (let i = 0; i < (2 * PROJECTION_CACHE_LIMITS.maxTotalKeyLength) / perKey; i++) {
      const attributes = [`emails[value eq "${i}:${'z'.repeat(perKey - 20)}"]`];
      const response = await scim(
        'POST',
        '/Users/.search',
        JSON.stringify({ schemas: [SEARCH_SCHEMA], attributes }),
      );
      expect(response.status).toBe(200);
    }
    const cache = projectionCacheOf(registry, 'User');
    expect(cache).toBeDefined();
    expect(cache!.size).toBeGreaterThan(0);
    expect(cache!.totalKeyLength).toBeLessThanOrEqual(PROJECTION_CACHE_LIMITS.maxTotalKeyLength);
    expect(cache!.size).toBeLessThanOrEqual(PROJECTION_CACHE_LIMITS.maxEntries);
  });

  it('keeps the PATCH path cache within its bounds under many long, distinct paths', async () => {
    for (let i = 0; i < 20; i++) {
      const Operations = Array.from({ length: 100 }, (_, n) => ({
        op: 'remove',
        path: `emails[value eq "${i}-${n}-${'v'.repeat(PATCH_PATH_CACHE_LIMITS.maxKeyLength - 40)}"].type`,
      }));
      const response = await scim(
        'PATCH',
        `/Users/${userId}`,
        JSON.stringify({ schemas: [PATCH_SCHEMA], Operations }),
      );
      expect(response.status).toBeLessThan(500);
    }
    expect(patchPathCache.size).toBeGreaterThan(0);
    expect(patchPathCache.totalKeyLength).toBeLessThanOrEqual(PATCH_PATH_CACHE_LIMITS.maxTotalKeyLength);
    expect(patchPathCache.size).toBeLessThanOrEqual(PATCH_PATH_CACHE_LIMITS.maxEntries);
  });
});

describe('the maxJsonDepth option', () => {
  it('sets the depth a body may nest, and refuses anything but a positive integer', async () => {
    const { store, cleanup } = await openTestStore('sqlite');
    const app = buildServer({
      store,
      registry: SchemaRegistry.withCoreSchemas(),
      options: { authenticate: false, maxJsonDepth: 3 },
    });
    try {
      const post = (body: unknown) =>
        app.inject({
          method: 'POST',
          url: '/scim/v2/Users',
          headers: { 'content-type': 'application/scim+json' },
          payload: JSON.stringify(body),
        });
      // Body, emails array, email object: three levels.
      const three = await post({
        schemas: [USER_SCHEMA],
        userName: 'three',
        emails: [{ value: 'a@example.com' }],
      });
      expect(three.statusCode).toBe(201);
      const four = await post({
        schemas: [USER_SCHEMA],
        userName: 'four',
        emails: [{ value: ['a@example.com'] }],
      });
      expect(four.statusCode).toBe(400);
      expect(four.json()).toMatchObject({ scimType: 'invalidSyntax', status: '400' });
      expect(four.json().detail).toContain('more than 3 levels deep');
    } finally {
      await app.close();
      await cleanup();
    }
    expect(() =>
      buildServer({ store, registry: SchemaRegistry.withCoreSchemas(), options: { maxJsonDepth: 0 } }),
    ).toThrow(/maxJsonDepth/);
  });
});
