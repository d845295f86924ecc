/**
 * The admin API's access rules over real sockets, on SQLite and (when PROVISIO_TEST_PG_URL is
 * set) PostgreSQL: each role against a route of each level, CSRF, the sign-in lockout with
 * Retry-After, idle expiry on an injected clock, the cookie's attributes, and the separation of
 * SCIM and admin credentials both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE_LIMITS } from '../../src/admin/access/login-throttle.js';
import {
  BACKENDS,
  call,
  postSession,
  sampleCalls,
  signIn,
  startAdminServer,
  type AdminHarness,
} from './admin-harness.js';

const PASSWORD = 'correct horse battery';
const MINUTE = 60_000;

/** A clock the test moves; the server reads it through ConsoleAccessSettings.now. */
function testClock(start = Date.parse('2026-12-07T06:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

describe.each(BACKENDS)('admin API access (%s)', (backend) => {
  const clock = testClock();
  let h: AdminHarness;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    h = await startAdminServer({ backend, settings: { now: clock.now, idleTimeoutMs: 30 * MINUTE } });
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      tokens[role] = await h.token(`${role}-token`, role);
      await h.addUser(`${role}-user`, role, PASSWORD);
    }
    tokens.scim = await h.token('scim-client', 'read-write', 'scim');
  });
  afterAll(async () => h?.close());

  it('lets each role call the routes of its level and below, and answers 403 above it', async () => {
    const expected = {
      viewer: { viewer: 200, operator: 403, admin: 403 },
      operator: { viewer: 200, operator: 200, admin: 403 },
      admin: { viewer: 200, operator: 200, admin: 200 },
    } as const;
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const session = await signIn(h.url, `${role}-user`, PASSWORD);
      for (const [kind, headers] of [
        ['token', { authorization: `Bearer ${tokens[role]}` }],
        ['session', { cookie: session.cookie, 'x-csrf-token': session.csrf }],
      ] as const) {
        const get = await call(h.url, 'GET', '/admin/v1/sample/viewer', headers);
        expect(get.status, `${kind} ${role} GET viewer`).toBe(expected[role].viewer);
        expect(get.body).toEqual({ actor: `${role}-${kind === 'token' ? 'token' : 'user'}`, role });
        const post = await call(h.url, 'POST', '/admin/v1/sample/operator', headers);
        expect(post.status, `${kind} ${role} POST operator`).toBe(expected[role].operator);
        for (const method of ['PUT', 'DELETE']) {
          const write = await call(h.url, method, '/admin/v1/sample/admin', headers);
          expect(write.status, `${kind} ${role} ${method} admin`).toBe(expected[role].admin);
          if (write.status === 403) {
            expect(write.type).toMatch(/^application\/problem\+json/);
            expect(write.body).toMatchObject({
              type: 'https://provisio.dev/problems/forbidden',
              status: 403,
            });
            expect(write.body.detail).toMatch(/needs the admin role/);
          }
        }
      }
    }
  });

  it('answers 401 without a credential and with a wrong or revoked token, with a Bearer challenge', async () => {
    const none = await call(h.url, 'GET', '/admin/v1/sample/viewer');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="provisio-admin"');
    expect(none.body.type).toBe('https://provisio.dev/problems/unauthorized');
    const wrong = await call(h.url, 'GET', '/admin/v1/sample/viewer', {
      authorization: `Bearer ${tokens.viewer!.slice(0, -2)}xx`,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const revoked = await h.token('short-lived', 'admin');
    await h.server.store.revokeToken('short-lived');
    expect(
      (await call(h.url, 'GET', '/admin/v1/sample/viewer', { authorization: `Bearer ${revoked}` })).status,
    ).toBe(401);
  });

  it('keeps SCIM and admin credentials apart, both ways', async () => {
    const scimOnAdmin = await call(h.url, 'GET', '/admin/v1/sample/viewer', {
      authorization: `Bearer ${tokens.scim}`,
    });
    expect(scimOnAdmin.status).toBe(403);
    expect(scimOnAdmin.type).toMatch(/^application\/problem\+json/);
    expect(scimOnAdmin.body.type).toBe('https://provisio.dev/problems/wrong-credential');

    const adminOnScim = await call(h.url, 'GET', '/scim/v2/Users', {
      authorization: `Bearer ${tokens.admin}`,
    });
    expect(adminOnScim.status).toBe(403);
    expect(adminOnScim.type).toMatch(/^application\/scim\+json/);
    expect(adminOnScim.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(adminOnScim.body.detail).toMatch(/admin API token/);
    const adminWriteOnScim = await call(
      h.url,
      'POST',
      '/scim/v2/Users',
      { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/scim+json' },
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'sneaky' },
    );
    expect(adminWriteOnScim.status).toBe(403);

    const session = await signIn(h.url, 'admin-user', PASSWORD);
    const cookieOnScim = await call(h.url, 'GET', '/scim/v2/Users', { cookie: session.cookie });
    expect(cookieOnScim.status).toBe(401);
    const listed = await call(h.url, 'GET', '/scim/v2/Users?filter=userName%20eq%20%22sneaky%22', {
      authorization: `Bearer ${tokens.scim}`,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.totalResults).toBe(0);
  });

  it('needs the CSRF token for every state-changing request made with the session', async () => {
    const session = await signIn(h.url, 'admin-user', PASSWORD);
    const before = sampleCalls.length;
    for (const [method, path] of [
      ['POST', '/admin/v1/sample/operator'],
      ['PUT', '/admin/v1/sample/admin'],
      ['DELETE', '/admin/v1/sample/admin'],
      ['DELETE', '/admin/v1/session'],
    ] as const) {
      const missing = await call(h.url, method, path, { cookie: session.cookie });
      expect(missing.status, `${method} ${path} without`).toBe(403);
      expect(missing.body.type).toBe('https://provisio.dev/problems/csrf');
      const wrong = await call(h.url, method, path, {
        cookie: session.cookie,
        'x-csrf-token': `${session.csrf}A`,
      });
      expect(wrong.status, `${method} ${path} wrong`).toBe(403);
      const other = await signIn(h.url, 'operator-user', PASSWORD);
      const foreign = await call(h.url, method, path, { cookie: session.cookie, 'x-csrf-token': other.csrf });
      expect(foreign.status, `${method} ${path} another session's token`).toBe(403);
    }
    expect(sampleCalls.length).toBe(before);
    // A read needs none; a write with the right one runs.
    expect((await call(h.url, 'GET', '/admin/v1/sample/viewer', { cookie: session.cookie })).status).toBe(
      200,
    );
    const right = await call(h.url, 'PUT', '/admin/v1/sample/admin', {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
    });
    expect(right.status).toBe(200);
    // A token needs none.
    expect(
      (await call(h.url, 'PUT', '/admin/v1/sample/admin', { authorization: `Bearer ${tokens.admin}` }))
        .status,
    ).toBe(200);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/ and, over plain HTTP, not Secure', async () => {
    const session = await signIn(h.url, 'viewer-user', PASSWORD);
    const attributes = session.setCookie.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes[0]).toMatch(/^provisio_session=[a-z0-9_-]{43}$/);
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('path=/');
    expect(attributes).not.toContain('secure');
  });

  it('answers the session, restarts its idle timer, signs out, and ends an idle session', async () => {
    const session = await signIn(h.url, 'operator-user', PASSWORD);
    const got = await call(h.url, 'GET', '/admin/v1/session', { cookie: session.cookie });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      user: { name: 'operator-user', role: 'operator' },
      csrfToken: session.csrf,
      idleTimeoutSeconds: 1800,
    });
    clock.advance(29 * MINUTE);
    expect((await call(h.url, 'GET', '/admin/v1/sample/viewer', { cookie: session.cookie })).status).toBe(
      200,
    );
    clock.advance(29 * MINUTE); // 58 minutes after sign-in, 29 after the last request
    expect((await call(h.url, 'GET', '/admin/v1/session', { cookie: session.cookie })).status).toBe(200);
    clock.advance(30 * MINUTE + 1000);
    const idle = await call(h.url, 'GET', '/admin/v1/sample/viewer', { cookie: session.cookie });
    expect(idle.status).toBe(401);
    expect(idle.body.detail).toMatch(/session has ended/);
    expect((await call(h.url, 'GET', '/admin/v1/session', { cookie: session.cookie })).status).toBe(401);

    const again = await signIn(h.url, 'operator-user', PASSWORD);
    const out = await call(h.url, 'DELETE', '/admin/v1/session', {
      cookie: again.cookie,
      'x-csrf-token': again.csrf,
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/provisio_session=;/);
    expect((await call(h.url, 'GET', '/admin/v1/sample/viewer', { cookie: again.cookie })).status).toBe(401);
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    const session = await signIn(h.url, 'viewer-user', PASSWORD);
    for (let elapsed = 0; elapsed < 12 * 60; elapsed += 20) {
      expect((await call(h.url, 'GET', '/admin/v1/sample/viewer', { cookie: session.cookie })).status).toBe(
        200,
      );
      clock.advance(20 * MINUTE);
    }
    expect((await call(h.url, 'GET', '/admin/v1/sample/viewer', { cookie: session.cookie })).status).toBe(
      401,
    );
  });

  it('answers the same 401 for an unknown user and a wrong password', async () => {
    const unknown = await postSession(h.url, 'nobody-here', PASSWORD);
    const wrong = await postSession(h.url, 'admin-user', `${PASSWORD}!`);
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await unknown.json(), await wrong.json()];
    expect(a).toEqual(b);
    expect(unknown.headers.get('set-cookie')).toBeNull();
  });

  it('locks a user name after 5 failures with 429 and Retry-After, until the lock ends', async () => {
    await h.addUser('lockme', 'viewer', PASSWORD);
    for (let i = 0; i < DEFAULT_THROTTLE_LIMITS.userFailures; i++) {
      expect((await postSession(h.url, 'lockme', `wrong password ${i}`)).status).toBe(401);
    }
    const locked = await postSession(h.url, 'lockme', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(((await locked.json()) as { type: string }).type).toBe(
      'https://provisio.dev/problems/rate-limited',
    );
    // Another user from the same address is not locked by it.
    expect((await postSession(h.url, 'viewer-user', PASSWORD)).status).toBe(200);
    clock.advance(10 * MINUTE);
    const later = await postSession(h.url, 'lockme', PASSWORD);
    expect(later.status).toBe(429);
    expect(Number(later.headers.get('retry-after'))).toBe(300);
    clock.advance(5 * MINUTE + 1000);
    expect((await postSession(h.url, 'lockme', PASSWORD)).status).toBe(200);
  });

  it('answers a malformed sign-in with a validation problem naming the field, and logs no secret', async () => {
    const answer = await call(
      h.url,
      'POST',
      '/admin/v1/session',
      {},
      { username: 'admin-user', password: 7 },
    );
    expect(answer.status).toBe(400);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answer.body.type).toBe('https://provisio.dev/problems/validation');
    expect(answer.body.errors).toEqual([{ path: 'password', message: expect.any(String) }]);
    const extra = await call(
      h.url,
      'POST',
      '/admin/v1/session',
      {},
      { username: 'a', password: 'b', role: 'admin' },
    );
    expect(extra.status).toBe(400);
    const query = await call(h.url, 'GET', '/admin/v1/audit?limit=0', {
      authorization: `Bearer ${tokens.viewer}`,
    });
    expect(query.status).toBe(400);
    expect(query.body.errors[0].path).toBe('querystring.limit');
  });

  it('puts Cache-Control: no-store and nosniff on every admin answer, refusals and 404s included', async () => {
    const answers = [
      await call(h.url, 'GET', '/admin/v1/sample/viewer', { authorization: `Bearer ${tokens.viewer}` }),
      await call(h.url, 'GET', '/admin/v1/sample/viewer'),
      await call(h.url, 'GET', '/admin/v1/no/such/route', { authorization: `Bearer ${tokens.viewer}` }),
      await call(h.url, 'GET', '/admin/v1/openapi.json'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 401, 404, 200]);
    for (const answer of answers) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(answers[2]!.body.type).toBe('https://provisio.dev/problems/not-found');
    // Unknown admin paths are told only to a signed-in caller, as on the SCIM side.
    expect((await call(h.url, 'GET', '/admin/v1/no/such/route')).status).toBe(401);
  });
});
