/**
 * The cycle history over the admin API against a real SCIM target: `GET /apps/{name}/cycles`
 * newest first with kind, start, duration, counts and outcome from the engine's state, paged with
 * a keyset cursor that holds while new cycles start; `recentCycles` in the status; bad
 * parameters refused by name; viewers may read it, a SCIM token may not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL } from '../directory/store-harness.js';
import { eventually, startRoutesServer, type Body, type RoutesHarness } from './routes-harness.js';

const dialects: { name: string; postgresUrl?: string }[] = [{ name: 'SQLite' }];
if (TEST_PG_URL !== undefined && TEST_PG_URL !== '')
  dialects.push({ name: 'PostgreSQL', postgresUrl: TEST_PG_URL });
else describe.skip('admin cycle routes on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => undefined);

for (const dialect of dialects) {
  describe(`GET /apps/{name}/cycles (${dialect.name})`, () => {
    let h: RoutesHarness;
    const cycleIds: string[] = [];

    /** Starts a cycle over the API and waits for its row to end and the app to be idle; answers its id. */
    async function runCycle(query = ''): Promise<string> {
      const sync = await h.call('POST', `/apps/crm/sync${query}`, { role: 'operator' });
      expect(sync.status, sync.text).toBe(202);
      const id = String(sync.json.cycleId);
      await eventually(async () => {
        const page = await h.call('GET', '/apps/crm/cycles?limit=50', { role: 'viewer' });
        const row = (page.json.cycles as Body[]).find((c) => c.id === id);
        if (row === undefined || row.status === 'running') return undefined;
        const status = await h.call('GET', '/apps/crm/status', { role: 'viewer' });
        return status.json.state === 'idle' ? true : undefined;
      }, 20_000);
      return id;
    }

    beforeAll(async () => {
      h = await startRoutesServer({
        engine: false,
        ...(dialect.postgresUrl !== undefined ? { postgresUrl: dialect.postgresUrl } : {}),
      });
      for (let i = 0; i < 4; i++) await h.createUser(`cycler${i}@example.com`);
      const put = await h.call('PUT', '/apps/crm', { body: h.appYaml('crm'), type: 'application/yaml' });
      expect(put.status, put.text).toBe(201);
      cycleIds.push(await runCycle()); // initial: creates the four
      await h.createUser('cycler4@example.com');
      cycleIds.push(await runCycle()); // incremental: creates one
      cycleIds.push(await runCycle()); // incremental: nothing to do
    }, 90_000);
    afterAll(async () => h?.close());

    it('lists the cycles newest first with kind, times, duration, counts and outcome', async () => {
      const page = await h.call('GET', '/apps/crm/cycles', { role: 'viewer' });
      expect(page.status, page.text).toBe(200);
      expect(page.json.app).toBe('crm');
      expect(page.json.nextCursor).toBeUndefined();
      const cycles = page.json.cycles as Body[];
      expect(cycles.map((c) => c.id)).toEqual([...cycleIds].reverse());
      const [third, second, first] = cycles;
      expect(first).toMatchObject({ kind: 'initial', status: 'completed' });
      expect(first.summary).toMatchObject({ create: 4, success: 4, failure: 0 });
      expect(second).toMatchObject({ kind: 'incremental', status: 'completed' });
      expect(second.summary).toMatchObject({ create: 1, success: 1 });
      expect(third.summary).toMatchObject({ create: 0, update: 0, success: 0 });
      for (const cycle of cycles) {
        expect(Date.parse(cycle.finished) - Date.parse(cycle.started)).toBe(cycle.durationMs);
        expect(cycle.durationMs).toBeGreaterThanOrEqual(0);
        expect(Object.values(cycle.summary).every((n) => typeof n === 'number')).toBe(true);
      }
      expect(Date.parse(third.started)).toBeGreaterThanOrEqual(Date.parse(second.started));
    });

    it('pages with a cursor that neither repeats nor skips while a new cycle starts', async () => {
      const first = await h.call('GET', '/apps/crm/cycles?limit=2', { role: 'viewer' });
      expect(first.json.cycles.map((c: Body) => c.id)).toEqual([cycleIds[2], cycleIds[1]]);
      expect(typeof first.json.nextCursor).toBe('string');
      const newer = await runCycle();
      const second = await h.call('GET', `/apps/crm/cycles?limit=2&cursor=${first.json.nextCursor}`, {
        role: 'viewer',
      });
      expect(second.status, second.text).toBe(200);
      expect(second.json.cycles.map((c: Body) => c.id)).toEqual([cycleIds[0]]);
      expect(second.json.nextCursor).toBeUndefined();
      const fresh = await h.call('GET', '/apps/crm/cycles?limit=1', { role: 'viewer' });
      expect(fresh.json.cycles.map((c: Body) => c.id)).toEqual([newer]);
      cycleIds.push(newer);
    });

    it('carries the last cycles in the status too', async () => {
      const status = await h.call('GET', '/apps/crm/status', { role: 'viewer' });
      expect(status.status, status.text).toBe(200);
      const listed = await h.call('GET', '/apps/crm/cycles?limit=10', { role: 'viewer' });
      expect(status.json.recentCycles).toEqual(listed.json.cycles);
      expect(status.json.recentCycles[0].id).toBe(status.json.lastCycle.id);
    });

    it('refuses bad parameters by name, an unknown app, and a SCIM token', async () => {
      for (const [query, path] of [
        ['?cursor=not-ours', 'querystring.cursor'],
        [`?cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`, 'querystring.cursor'],
        ['?limit=0', 'querystring.limit'],
        ['?limit=500', 'querystring.limit'],
        ['?limit=two', 'querystring.limit'],
      ] as const) {
        const answer = await h.call('GET', `/apps/crm/cycles${query}`, { role: 'viewer' });
        expect(answer.status, query).toBe(400);
        expect(answer.type, query).toMatch(/^application\/problem\+json/);
        expect(
          answer.json.errors.map((e: Body) => e.path),
          query,
        ).toContain(path);
      }
      expect((await h.call('GET', '/apps/crm/cycles?colour=red', { role: 'viewer' })).status).toBe(400);
      const missing = await h.call('GET', '/apps/nope/cycles', { role: 'viewer' });
      expect(missing.status).toBe(404);
      expect(missing.json.type).toBe('https://provisio.dev/problems/not-found');
      const scim = await fetch(`${h.url}/admin/v1/apps/crm/cycles`, {
        headers: { authorization: `Bearer ${h.tokens.scim}` },
      });
      expect(scim.status).toBe(403);
      const anonymous = await fetch(`${h.url}/admin/v1/apps/crm/cycles`);
      expect(anonymous.status).toBe(401);
    });

    it('is a read: a viewer token cannot change it with another method', async () => {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const answer = await h.call(method, '/apps/crm/cycles', { role: 'viewer' });
        expect([403, 404, 405], method).toContain(answer.status);
      }
      const page = await h.call('GET', '/apps/crm/cycles?limit=50', { role: 'viewer' });
      expect(page.json.cycles).toHaveLength(cycleIds.length);
    });
  });
}
