/**
 * `GET /admin/v1/audit` over the engine state's audit log: newest first, filtered by actor, app
 * and time, paged with a keyset cursor that neither repeats nor skips an entry when new ones are
 * written between pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, call, startAdminServer, type AdminHarness } from './admin-harness.js';

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
