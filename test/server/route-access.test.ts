/**
 * The read-only decision is made on the route the router matched, never on the URL text: a
 * read-only token sent to every write route through odd request targets (a fragment, encoded
 * slashes, double slashes, dot segments, other letter case, a trailing slash) writes nothing, the
 * POST searches still answer it, and unmatched paths still require a token. Requests go over a
 * plain socket so that the request target reaches the server exactly as written here.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { SchemaRegistry } from '../../src/scim/schema/schema-registry.js';
import { issueToken } from '../../src/server/api-token.js';
import { buildServer } from '../../src/server/build-server.js';
import { rawRequest, type RawResponse } from './raw-http.js';
import {
  BACKENDS,
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  openTestStore,
  PATCH_SCHEMA,
  USER_SCHEMA,
} from './server-harness.js';

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** One registered route as fastify reported it. */
interface RouteSeen {
  readonly methods: readonly string[];
  readonly url: string;
  readonly access: string | undefined;
}

/** A request target that is a variant of `path` (relative to /scim/v2). */
interface Variant {
  readonly target: string;
  /** The router takes it to the same route as `path`, so only the access decision stops it. */
  readonly routed: boolean;
}

const upperFirstSegment = (path: string): string => path.replace(/^\/[A-Za-z]+/, (s) => s.toUpperCase());
const lowerFirstSegment = (path: string): string => path.replace(/^\/[A-Za-z]+/, (s) => s.toLowerCase());
const encodeFirstLetter = (path: string): string =>
  `/%${path.charCodeAt(1).toString(16).toUpperCase()}${path.slice(2)}`;

/** The odd targets for `path`; the ones the router maps to the route itself are marked routed. */
function variantsOf(path: string): Variant[] {
  const full = `/scim/v2${path}`;
  const routed = (target: string): Variant => ({ target, routed: true });
  const other = (target: string): Variant => ({ target, routed: false });
  return [
    routed(`${full}#/.search`),
    routed(`${full}?/.search`),
    routed(`${full}/`),
    routed(`${full}/#/.search`),
    routed(`${full}/?x=/.search`),
    routed(`/scim/v2${upperFirstSegment(path)}`),
    routed(`/SCIM/V2${upperFirstSegment(path)}#/.SEARCH`),
    routed(`/scim/v2${lowerFirstSegment(path)}`),
    routed(`/scim/v2${encodeFirstLetter(path)}`),
    other(`${full}%2F.search`),
    other(`${full}%2f.search`),
    other(`${full}%23/.search`),
    other(`${full};/.search`),
    other(`/scim/v2/${path}`),
    other(`/scim//v2${path}`),
    other(`/scim/v2/Groups/..${path}`),
    other(`/scim/v2/Users/..${path}`),
    other(`/scim/v2/.${path}`),
    other(`/scim/v2/./.${path}`),
    other(`${full}/.`),
    other(`${full}/..`),
    other(`${full}/../.search`),
    other(`http://127.0.0.1${full}#/.search`),
  ];
}

describe.each(BACKENDS)('access by matched route (%s)', (backend) => {
  let app: FastifyInstance;
  let store: DirectoryStore;
  let cleanup: () => Promise<void>;
  let port: number;
  let readWrite: Record<string, string>;
  let readOnly: Record<string, string>;
  let userId: string;
  let groupId: string;
  const routes: RouteSeen[] = [];

  /** Everything a write could change: both resource types, the members, the change feed. */
  const snapshot = async () => ({
    users: await store.list('User', { startIndex: 1, count: 1000 }),
    groups: await store.list('Group', { startIndex: 1, count: 1000 }),
    changes: await store.readChanges(0, 10_000),
  });

  const send = (
    method: string,
    target: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<RawResponse> =>
    rawRequest(
      port,
      method,
      target,
      body === undefined ? headers : { ...headers, 'content-type': 'application/scim+json' },
      body === undefined ? '' : JSON.stringify(body),
    );

  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore(backend));
    app = buildServer({ store, registry: SchemaRegistry.withCoreSchemas() });
    // The SCIM routes are registered when the app starts, so this sees every one of them.
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      routes.push({ methods, url: route.url, access: route.config?.access });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    readWrite = { authorization: `Bearer ${(await issueToken(store, 'writer', 'read-write')).token}` };
    readOnly = { authorization: `Bearer ${(await issueToken(store, 'reader', 'read-only')).token}` };
    const user = await send('POST', '/scim/v2/Users', readWrite, {
      schemas: [USER_SCHEMA],
      userName: 'Mixed.Case@example.com',
    });
    expect(user.status).toBe(201);
    userId = user.body.id;
    const group = await send('POST', '/scim/v2/Groups', readWrite, {
      schemas: [GROUP_SCHEMA],
      displayName: 'staff',
      members: [{ value: userId }],
    });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  });
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  /** Every write route with a body that would succeed, against the resources created above. */
  const writeRoutes = (): { method: string; path: string; route: string; body?: unknown }[] => [
    {
      method: 'POST',
      path: '/Users',
      route: '/Users',
      body: { schemas: [USER_SCHEMA], userName: 'intruder@example.com' },
    },
    {
      method: 'POST',
      path: '/Groups',
      route: '/Groups',
      body: { schemas: [GROUP_SCHEMA], displayName: 'intruders' },
    },
    {
      method: 'PUT',
      path: `/Users/${userId}`,
      route: '/Users/:id',
      body: { schemas: [USER_SCHEMA], userName: 'renamed@example.com' },
    },
    {
      method: 'PATCH',
      path: `/Users/${userId}`,
      route: '/Users/:id',
      body: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] },
    },
    { method: 'DELETE', path: `/Users/${userId}`, route: '/Users/:id' },
    {
      method: 'PUT',
      path: `/Groups/${groupId}`,
      route: '/Groups/:id',
      body: { schemas: [GROUP_SCHEMA], displayName: 'renamed', members: [] },
    },
    {
      method: 'PATCH',
      path: `/Groups/${groupId}`,
      route: '/Groups/:id',
      body: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: 'members' }] },
    },
    { method: 'DELETE', path: `/Groups/${groupId}`, route: '/Groups/:id' },
    {
      method: 'POST',
      path: '/Bulk',
      route: '/Bulk',
      body: {
        schemas: [BULK_SCHEMA],
        Operations: [
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'u',
            data: { schemas: [USER_SCHEMA], userName: 'bulk@x' },
          },
          { method: 'DELETE', path: `/Users/${userId}` },
        ],
      },
    },
  ];

  it('every route that is not declared read-only is one of the write routes tested here', () => {
    const writes = routes
      .filter((r) => r.access !== 'read' && r.url.startsWith('/scim/v2'))
      .flatMap((r) => r.methods.map((m) => `${m} ${r.url.slice('/scim/v2'.length)}`))
      .sort();
    const tested = [...new Set(writeRoutes().map((w) => `${w.method} ${w.route}`))].sort();
    expect(writes).toEqual(tested);
    // Only /healthz, registered before this hook, is public.
    expect(routes.filter((r) => r.access === 'public')).toEqual([]);
  });

  it('every route open to a read-only token only reads, or refuses whatever it is sent', async () => {
    const before = await snapshot();
    for (const route of routes.filter((r) => r.access === 'read')) {
      for (const method of route.methods) {
        const reads =
          method === 'GET' || method === 'HEAD' || (method === 'POST' && route.url.endsWith('/.search'));
        if (reads) continue;
        const target = route.url.replace(':id', userId).replace('*', 'x');
        const r = await send(method, target, readWrite, { schemas: [USER_SCHEMA], userName: 'refused@x' });
        expect([405, 501], `${method} ${target}`).toContain(r.status);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a read-only token gets 403 or another 4xx from every write route through every odd target, and nothing changes', async () => {
    const before = await snapshot();
    expect(before.users.totalResults).toBe(1);
    let checked = 0;
    for (const write of writeRoutes()) {
      for (const variant of variantsOf(write.path)) {
        const what = `${write.method} ${variant.target}`;
        const r = await send(write.method, variant.target, readOnly, write.body);
        expect(r.body?.schemas, what).toEqual([ERROR_SCHEMA]);
        if (variant.routed) {
          expect(r.status, what).toBe(403);
          expect(r.body.detail, what).toBe('token "reader" is read-only');
        } else {
          expect([400, 403, 404, 405], what).toContain(r.status);
        }
        checked++;
      }
    }
    expect(checked).toBe(writeRoutes().length * variantsOf('/Users').length);
    expect(await snapshot()).toEqual(before);
  });

  it('without a token every variant, matched or not, is 401 and tells nothing else', async () => {
    for (const write of writeRoutes()) {
      for (const variant of variantsOf(write.path)) {
        const r = await send(write.method, variant.target, {}, write.body);
        expect(r.status, `${write.method} ${variant.target}`).toBe(401);
        expect(r.headers['www-authenticate']).toBe('Bearer realm="provisio"');
        expect(r.headers.allow).toBeUndefined();
      }
    }
  });

  it('unmatched paths and router errors need a token; with one they are a SCIM 404 or 400', async () => {
    const unknown = [
      ['GET', '/scim/v2/Nope'],
      ['POST', '/scim/v2/Nope'],
      ['GET', '/scim/v2/Users/x/y'],
      ['DELETE', '/SCIM/V2/Users/x/y'],
      ['GET', '/scim/v2'],
      ['GET', '/scim/v2/'],
      ['GET', '/'],
      ['POST', '/healthz'],
      ['GET', `/scim/v2/Users/${'x'.repeat(300)}`],
      ['GET', '/scim/v2/Users/%E0%A4%A'],
    ] as const;
    for (const [method, target] of unknown) {
      // A body that does not parse: the token is checked before the body is read.
      const anonymous = await rawRequest(
        port,
        method,
        target,
        { 'content-type': 'application/scim+json' },
        '{',
      );
      expect(anonymous.status, `${method} ${target}`).toBe(401);
      expect(anonymous.body.schemas).toEqual([ERROR_SCHEMA]);
      for (const token of [readOnly, readWrite]) {
        const r = await send(method, target, token, method === 'POST' ? {} : undefined);
        expect([400, 404], `${method} ${target}`).toContain(r.status);
        expect(r.body.schemas).toEqual([ERROR_SCHEMA]);
        expect(r.body.status).toBe(String(r.status));
      }
    }
  });

  it('the POST searches still answer a read-only token, through their own variants too', async () => {
    const searches = [
      ['/scim/v2/Users/.search', 1],
      ['/scim/v2/Groups/.search', 1],
      ['/scim/v2/.search', 2],
      ['/scim/v2/USERS/.SEARCH', 1],
      ['/scim/v2/users/.search/', 1],
      ['/scim/v2/Groups/.search#x', 1],
      ['/scim/v2/.SEARCH/', 2],
      ['/scim/v2/Users/%2Esearch', 1],
    ] as const;
    for (const [target, total] of searches) {
      const r = await send('POST', target, readOnly, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      });
      expect(r.status, target).toBe(200);
      expect(r.body.schemas).toEqual([LIST_SCHEMA]);
      expect(r.body.totalResults, target).toBe(total);
    }
    // GET and HEAD stay open to it, through the same variants.
    for (const target of [
      '/scim/v2/Users',
      '/scim/v2/users/',
      `/scim/v2/GROUPS/${groupId}`,
      '/scim/v2/schemas',
    ]) {
      expect((await send('GET', target, readOnly)).status, target).toBe(200);
      expect((await send('HEAD', target, readOnly)).status, target).toBe(200);
    }
  });

  it('the routed variants do reach the write handlers: a read-write token writes through them', async () => {
    // This is what makes the 403s above meaningful: the same targets are the create and Bulk routes.
    let n = 0;
    for (const variant of variantsOf('/Users').filter((v) => v.routed)) {
      const r = await send('POST', variant.target, readWrite, {
        schemas: [USER_SCHEMA],
        userName: `variant-${n++}@example.com`,
      });
      expect(r.status, variant.target).toBe(201);
    }
    for (const variant of variantsOf('/Bulk').filter((v) => v.routed)) {
      const r = await send('POST', variant.target, readWrite, {
        schemas: [BULK_SCHEMA],
        Operations: [
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'b',
            data: { schemas: [USER_SCHEMA], userName: `bulk-${n++}@x` },
          },
        ],
      });
      expect(r.status, `${variant.target}: ${r.text}`).toBe(200);
      expect(r.body.Operations[0].status, variant.target).toBe('201');
    }
    const routedCount = variantsOf('/Users').filter((v) => v.routed).length;
    expect((await store.list('User', { startIndex: 1, count: 1 })).totalResults).toBe(1 + 2 * routedCount);
    // The others reach no handler at all, whatever the token.
    const before = await snapshot();
    for (const variant of variantsOf('/Users').filter((v) => !v.routed)) {
      const r = await send('POST', variant.target, readWrite, {
        schemas: [USER_SCHEMA],
        userName: 'other@x',
      });
      expect([400, 404, 405], variant.target).toContain(r.status);
    }
    expect(await snapshot()).toEqual(before);
  });
});
