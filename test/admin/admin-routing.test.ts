/**
 * The role decision is made on the route the router matched, never on the URL text: a viewer
 * credential (token, and session with its CSRF token) sent to every admin write route through odd
 * request targets (a fragment, a query, a trailing slash, other letter case, encoded letters and
 * slashes, double slashes, dot segments) never reaches a handler. The write routes are read from
 * the OpenAPI document, so every route registered on the admin API is covered, whoever added it.
 * Requests go over a plain socket so the target reaches the server exactly as written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../server/raw-http.js';
import { sampleCalls, signIn, startAdminServer, type AdminHarness } from './admin-harness.js';

const PASSWORD = 'correct horse battery';

interface Operation {
  readonly method: string;
  /** The path with each parameter filled in. */
  readonly path: string;
  readonly role: string;
}

/** `/a/b/c` with its first letter after the prefix percent-encoded. */
function encodeLetter(path: string): string {
  const at = '/admin/v1/'.length;
  return `${path.slice(0, at)}%${path.charCodeAt(at).toString(16).toUpperCase()}${path.slice(at + 1)}`;
}

/** The odd targets for a path; `routed` marks those the router maps to the route itself. */
function variantsOf(path: string): { target: string; routed: boolean }[] {
  const segments = path.split('/');
  const last = segments.pop()!;
  const parent = segments.join('/');
  return [
    { target: `${path}#/session`, routed: true },
    { target: `${path}?then=/session`, routed: true },
    { target: `${path}/`, routed: true },
    { target: path.toUpperCase(), routed: true },
    { target: encodeLetter(path), routed: true },
    { target: `${parent}%2F${last}`, routed: false },
    { target: path.replace('/admin/v1/', '/admin/v1//'), routed: false },
    { target: `${parent}/../${segments.at(-1)}/${last}`, routed: false },
    { target: path.replace('/admin/v1/', '/admin/v1/./'), routed: false },
  ];
}

let h: AdminHarness;
let writes: Operation[];

beforeAll(async () => {
  h = await startAdminServer();
  await h.addUser('vera', 'viewer', PASSWORD);
  const doc = (await (await fetch(`${h.url}/admin/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { 'x-provisio-role': string }>>;
  };
  writes = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(
        ([method, op]) =>
          ['post', 'put', 'patch', 'delete'].includes(method) &&
          op['x-provisio-role'] !== 'viewer' &&
          op['x-provisio-role'] !== 'public',
      )
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path: path.replace(/\{[^}]+\}/g, 'x'),
        role: op['x-provisio-role'],
      })),
  );
});
afterAll(async () => h?.close());

describe('admin routes judged by the matched route', () => {
  it('finds the write routes in the OpenAPI document, samples included', () => {
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual(
      expect.arrayContaining([
        'POST /admin/v1/sample/operator',
        'PUT /admin/v1/sample/admin',
        'DELETE /admin/v1/sample/admin',
      ]),
    );
  });

  it('never runs a write route for a viewer, whatever the request target', async () => {
    const token = await h.token('viewer-token', 'viewer');
    const session = await signIn(h.url, 'vera', PASSWORD);
    const credentials = {
      token: { authorization: `Bearer ${token}` },
      session: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    };
    const before = sampleCalls.length;
    const seen: string[] = [];
    for (const write of writes) {
      for (const variant of variantsOf(write.path)) {
        for (const [kind, headers] of Object.entries(credentials)) {
          const answer = await rawRequest(
            h.port,
            write.method,
            variant.target,
            { ...headers, 'content-type': 'application/json' },
            '{}',
          );
          const label = `${kind} ${write.method} ${variant.target} -> ${answer.status}`;
          seen.push(label);
          expect(answer.status < 200 || answer.status >= 300, label).toBe(true);
          if (variant.routed) expect(answer.status, label).toBe(403);
          else expect([400, 403, 404], label).toContain(answer.status);
          expect(answer.headers['content-type'], label).toMatch(/^application\/problem\+json/);
        }
      }
    }
    expect(sampleCalls.length).toBe(before);
    expect(seen.length).toBeGreaterThanOrEqual(3 * 9 * 2);
  });

  it('still runs the same targets for a caller with the role', async () => {
    const token = await h.token('admin-token', 'admin');
    const before = sampleCalls.length;
    for (const target of variantsOf('/admin/v1/sample/admin').filter((v) => v.routed)) {
      const answer = await rawRequest(h.port, 'PUT', target.target, { authorization: `Bearer ${token}` });
      expect(answer.status, target.target).toBe(200);
    }
    expect(sampleCalls.length).toBe(before + 5);
  });
});

describe('a path the router cannot decode', () => {
  const MALFORMED = ['/admin/v1/apps/%zz/status', '/admin/v1/apps/a%E0%A4%A/status', '/ADMIN/V1/apps/%/logs'];

  it('answers problem details under /admin/v1, to an admin credential only', async () => {
    const token = await h.token('framework-reader', 'viewer');
    const session = await signIn(h.url, 'vera', PASSWORD);
    for (const target of MALFORMED) {
      const credentials: Record<string, string>[] = [
        { authorization: `Bearer ${token}` },
        { cookie: session.cookie },
      ];
      for (const headers of credentials) {
        const answer = await rawRequest(h.port, 'GET', target, headers);
        expect(answer.status, target).toBe(400);
        expect(answer.headers['content-type'], target).toMatch(/^application\/problem\+json/);
        expect(answer.body).toMatchObject({
          type: 'https://provisio.dev/problems/bad-request',
          title: 'Bad request',
          status: 400,
        });
        expect(answer.body.schemas, target).toBeUndefined();
      }
      const anonymous = await rawRequest(h.port, 'GET', target);
      expect(anonymous.status, target).toBe(401);
      expect(anonymous.headers['content-type'], target).toMatch(/^application\/problem\+json/);
      expect(anonymous.headers['www-authenticate'], target).toMatch(/^Bearer realm="provisio-admin"/);
      const scimToken = await h.token(`framework-scim-${MALFORMED.indexOf(target)}`, 'read-only', 'scim');
      const wrong = await rawRequest(h.port, 'GET', target, { authorization: `Bearer ${scimToken}` });
      expect(wrong.status, target).toBe(403);
      expect(wrong.body.type, target).toBe('https://provisio.dev/problems/wrong-credential');
    }
  });

  it('keeps the SCIM error under /scim/v2', async () => {
    const scimToken = await h.token('framework-scim-client', 'read-only', 'scim');
    const answer = await rawRequest(h.port, 'GET', '/scim/v2/Users/%zz', {
      authorization: `Bearer ${scimToken}`,
    });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(answer.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });
});
