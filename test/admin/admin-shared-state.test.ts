/**
 * Sessions and the sign-in throttle live in the database, so two server processes on one
 * database (what `serve --workers N` runs) agree: a session started on one works on the other,
 * sign-out on one ends it on both, and failures counted on either lock the name on both. The
 * per-address limit is tested here too, with limits small enough to reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  call,
  postSession,
  signIn,
  startAdminServer,
  testStorage,
  type AdminHarness,
  type TestStorage,
} from './admin-harness.js';

const PASSWORD = 'correct horse battery';

describe.each(BACKENDS)('two servers on one database (%s)', (backend) => {
  let storage: TestStorage;
  let a: AdminHarness;
  let b: AdminHarness;

  beforeAll(async () => {
    storage = testStorage(backend);
    a = await startAdminServer({ storage });
    b = await startAdminServer({ storage });
    await a.addUser('wanda', 'operator', PASSWORD);
    await a.addUser('lock', 'viewer', PASSWORD);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await storage?.drop();
  });

  it('shares sessions: started on one, used and ended on the other', async () => {
    const session = await signIn(a.url, 'wanda', PASSWORD);
    const onB = await call(b.url, 'GET', '/admin/v1/session', { cookie: session.cookie });
    expect(onB.status).toBe(200);
    expect(onB.body.csrfToken).toBe(session.csrf);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
    expect((await call(b.url, 'POST', '/admin/v1/sample/operator', headers)).status).toBe(200);
    expect((await call(b.url, 'DELETE', '/admin/v1/session', headers)).status).toBe(204);
    expect((await call(a.url, 'GET', '/admin/v1/sample/viewer', { cookie: session.cookie })).status).toBe(
      401,
    );
  });

  it('counts failed sign-ins across both', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await postSession(i % 2 === 0 ? a.url : b.url, 'lock', `nope ${i}`)).status).toBe(401);
    }
    expect((await postSession(a.url, 'lock', PASSWORD)).status).toBe(429);
    expect((await postSession(b.url, 'lock', PASSWORD)).status).toBe(429);
  });
});

describe('the per-address limit', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminServer({
      settings: { throttle: { userFailures: 100, addressFailures: 3, windowMs: 60_000, lockMs: 60_000 } },
    });
    await h.addUser('ada', 'viewer', PASSWORD);
  });
  afterAll(async () => h?.close());

  it('locks a client address that fails with many names, for every name', async () => {
    for (const name of ['x1', 'x2', 'x3'])
      expect((await postSession(h.url, name, 'guess guess guess')).status).toBe(401);
    const locked = await postSession(h.url, 'ada', PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(55);
  });
});
