/**
 * `GET /admin/v1/audit` over the engine state's audit log: newest first, filtered by actor, app
 * and time, paged with a keyset cursor that neither repeats nor skips an entry when new ones are
 * written between pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, call, postSession, signIn, startAdminServer, type AdminHarness } from './admin-harness.js';

describe.each(BACKENDS)('GET /admin/v1/audit (%s)', (backend) => {
  let h: AdminHarness;
  let auth: Record<string, string>;
  const base = Date.parse('2026-12-01T00:00:00Z');

  beforeAll(async () => {
    h = await startAdminServer({ backend });
    auth = { authorization: `Bearer ${await h.token('reader', 'viewer')}` };
    await h.withDatabase(async (database) => {
      for (let i = 0; i < 12; i++) {
        await database.engineState.appendAudit({
          at: new Date(base + i * 3_600_000),
          actor: i % 3 === 0 ? 'console:alice' : 'admin-token:ci',
          action: 'apply',
          app: i % 2 === 0 ? 'crm' : 'hr',
          after: { n: i },
        });
      }
    });
  });
  afterAll(async () => h?.close());

  type Page = {
    entries: { id: number; at: string; actor: string; app?: string; after?: { n: number } }[];
    nextCursor?: string;
  };
  const get = async (query: string): Promise<Page> => {
    const answer = await call(h.url, 'GET', `/admin/v1/audit${query}`, auth);
    expect(answer.status, answer.text).toBe(200);
    return answer.body as Page;
  };

  it('lists newest first and filters by actor, app, since and until', async () => {
    const all = await get('');
    expect(all.entries.map((e) => e.after?.n)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(all.nextCursor).toBeUndefined();
    expect((await get('?actor=console:alice')).entries.map((e) => e.after?.n)).toEqual([9, 6, 3, 0]);
    expect((await get('?app=hr&actor=admin-token:ci')).entries.map((e) => e.after?.n)).toEqual([11, 7, 5, 1]);
    const since = new Date(base + 8 * 3_600_000).toISOString();
    const until = new Date(base + 10 * 3_600_000).toISOString();
    expect((await get(`?since=${since}&until=${until}`)).entries.map((e) => e.after?.n)).toEqual([10, 9, 8]);
  });

  it('pages with a cursor that is stable while new entries arrive', async () => {
    const first = await get('?limit=5');
    expect(first.entries.map((e) => e.after?.n)).toEqual([11, 10, 9, 8, 7]);
    await h.withDatabase((database) =>
      database.engineState.appendAudit({
        at: new Date(),
        actor: 'console:bob',
        action: 'delete',
        app: 'crm',
      }),
    );
    const second = await get(`?limit=5&cursor=${first.nextCursor}`);
    expect(second.entries.map((e) => e.after?.n)).toEqual([6, 5, 4, 3, 2]);
    const third = await get(`?limit=5&cursor=${second.nextCursor}`);
    expect(third.entries.map((e) => e.after?.n)).toEqual([1, 0]);
    expect(third.nextCursor).toBeUndefined();
  });

  it('refuses bad parameters by name, and callers without a credential', async () => {
    for (const query of ['?since=yesterday', '?cursor=abc', '?limit=5000', '?colour=red']) {
      const answer = await call(h.url, 'GET', `/admin/v1/audit${query}`, auth);
      expect(answer.status, query).toBe(400);
      expect(answer.body.errors.length, query).toBeGreaterThan(0);
    }
    expect((await call(h.url, 'GET', '/admin/v1/audit')).status).toBe(401);
  });
});

describe.each(BACKENDS)('sign-in, sign-out and lockouts in the audit log (%s)', (backend) => {
  const PASSWORD = 'correct horse battery';
  let h: AdminHarness;
  let auth: Record<string, string>;

  beforeAll(async () => {
    h = await startAdminServer({
      backend,
      settings: { throttle: { userFailures: 2, addressFailures: 50, windowMs: 60_000, lockMs: 60_000 } },
    });
    auth = { authorization: `Bearer ${await h.token('auditor', 'viewer')}` };
    await h.addUser('sally', 'operator', PASSWORD);
  });
  afterAll(async () => h?.close());

  type Entry = { actor: string; action: string; after?: Record<string, unknown>; before?: unknown };
  const sessionEntries = async (): Promise<Entry[]> => {
    const answer = await call(h.url, 'GET', '/admin/v1/audit?limit=1000', auth);
    expect(answer.status, answer.text).toBe(200);
    return (answer.body.entries as Entry[]).filter((e) => e.action.startsWith('session.')).reverse();
  };

  it('records a sign-in and a sign-out with the actor, the address and the outcome, never the password', async () => {
    const session = await signIn(h.url, 'sally', PASSWORD);
    const out = await call(h.url, 'DELETE', '/admin/v1/session', {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
    });
    expect(out.status).toBe(204);
    // Signing out again with the ended cookie ends nothing and records nothing.
    const again = await call(h.url, 'DELETE', '/admin/v1/session', {
      cookie: session.cookie,
      'x-csrf-token': session.csrf,
    });
    expect(again.status).toBe(401);
    expect(await sessionEntries()).toEqual([
      expect.objectContaining({
        actor: 'console:sally',
        action: 'session.sign-in',
        after: { address: '127.0.0.1', role: 'operator' },
      }),
      expect.objectContaining({
        actor: 'console:sally',
        action: 'session.sign-out',
        after: { address: '127.0.0.1' },
      }),
    ]);
  });

  it('records each refused sign-in and the lockout it causes, not the attempts refused while locked', async () => {
    const before = (await sessionEntries()).length;
    for (const password of ['wrong one', 'wrong two']) {
      expect((await postSession(h.url, 'sally', password)).status).toBe(401);
    }
    expect((await postSession(h.url, 'sally', PASSWORD)).status).toBe(429);
    expect((await postSession(h.url, 'sally', 'wrong three')).status).toBe(429);
    expect((await postSession(h.url, 'nobody', 'a guess')).status).toBe(401);
    const entries = (await sessionEntries()).slice(before);
    expect(entries.map((e) => `${e.actor} ${e.action}`)).toEqual([
      'console:sally session.sign-in-denied',
      'console:sally session.sign-in-denied',
      'console:sally session.lockout',
      'console:nobody session.sign-in-denied',
    ]);
    expect(entries[2]!.after).toMatchObject({ address: '127.0.0.1', locked: ['user'] });
    expect(Date.parse(String(entries[2]!.after!.until))).toBeGreaterThan(Date.now());
    const text = JSON.stringify(await call(h.url, 'GET', '/admin/v1/audit?limit=1000', auth));
    for (const secret of [PASSWORD, 'wrong one', 'wrong two', 'wrong three', 'a guess']) {
      expect(text).not.toContain(secret);
    }
  });

  it('lists them by actor like any other entry', async () => {
    const answer = await call(h.url, 'GET', '/admin/v1/audit?actor=console:nobody', auth);
    expect(answer.body.entries.map((e: Entry) => e.action)).toEqual(['session.sign-in-denied']);
  });
});
