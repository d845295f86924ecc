/**
 * Running apps over the admin API against a real SCIM target, with serve's engine running: sync
 * (202 with the cycle id, 409 while one runs), status, pause and resume honoured by the runner,
 * Server-Sent Events of a cycle's start, progress and end, preview, provision with its steps, logs
 * with filters and keyset cursors (JSON and NDJSON), accounts, reconcile, approve-deletes,
 * assignments, expression evaluation and directory reads; and the role every route needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL } from '../directory/store-harness.js';
import { eventually, startRoutesServer, type Body, type RoutesHarness } from './routes-harness.js';
import { openSseStream } from '../support/sse-stream.js';

const dialects: { name: string; postgresUrl?: string }[] = [{ name: 'SQLite' }];
if (TEST_PG_URL !== undefined && TEST_PG_URL !== '')
  dialects.push({ name: 'PostgreSQL', postgresUrl: TEST_PG_URL });
else describe.skip('admin run routes on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => undefined);

/** POST sync, retrying while the runner's own cycle (a definition change, a wake-up) runs. */
async function syncWhenFree(
  h: RoutesHarness,
  query = '',
): Promise<{ status: number; json: Body; text: string }> {
  for (let tries = 0; ; tries++) {
    const answer = await h.call('POST', `/apps/crm/sync${query}`, { role: 'operator' });
    if (answer.status !== 409 || tries > 100) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const dialect of dialects) {
  describe(`admin run routes (${dialect.name})`, () => {
    let h: RoutesHarness;
    const users: string[] = [];
    beforeAll(async () => {
      h = await startRoutesServer(
        dialect.postgresUrl !== undefined ? { postgresUrl: dialect.postgresUrl } : {},
      );
      for (let i = 0; i < 30; i++) users.push(await h.createUser(`user${i}@example.com`));
      const put = await h.call('PUT', '/apps/crm', { body: h.appYaml('crm'), type: 'application/yaml' });
      expect(put.status).toBe(201);
      // serve's runner runs a first cycle at once; wait for it so the tests start from a linked app.
      await eventually(async () => {
        const s = await h.call('GET', '/apps/crm/status');
        return s.json.linked === 30 && s.json.state === 'idle' ? true : undefined;
      });
    }, 60_000);
    afterAll(async () => h?.close());

    it('answers the status of an idle app with its last cycle and next run', async () => {
      // The runner may still run its follow-up cycle (the first one cleared fullSyncRequired).
      const status = await eventually(async () => {
        const answer = await h.call('GET', '/apps/crm/status', { role: 'viewer' });
        return answer.json.state === 'idle' ? answer : undefined;
      });
      expect(status.status).toBe(200);
      expect(status.json).toMatchObject({
        app: 'crm',
        state: 'idle',
        linked: 30,
        escrows: 0,
        lastCycle: { status: 'completed', summary: expect.objectContaining({ failure: 0 }) },
      });
      expect(Date.parse(status.json.nextCycle)).toBeGreaterThan(Date.now());
      expect(h.target.resources('User')).toHaveLength(30);
    });

    it('starts a cycle with a 202 and streams its start, progress and end over SSE', async () => {
      let cycleId = '';
      let startedAt = 0;
      const stream = await openSseStream(`${h.url}/admin/v1/events?app=crm`, {
        authorization: `Bearer ${h.tokens.viewer}`,
      });
      try {
        const sync = await syncWhenFree(h, '?restart=true');
        expect(sync.status, sync.text).toBe(202);
        startedAt = Date.now();
        cycleId = sync.json.cycleId;
        expect(cycleId).toMatch(/^[0-9a-f-]{36}$/);
        await stream.waitFor('the cycle to finish', (seen) =>
          seen.some((e) => e.event === 'cycleFinished' && e.data.cycleId === cycleId),
        );
      } finally {
        stream.close();
      }
      const events = stream.events;
      const mine = events.filter((e) => e.data.cycleId === cycleId);
      expect(mine[0]).toMatchObject({ event: 'cycleStarted', data: { app: 'crm', kind: 'initial' } });
      expect(mine[0]!.at - startedAt).toBeLessThan(500);
      expect(mine.some((e) => e.event === 'cycleProgress' && e.data.done > 0)).toBe(true);
      expect(mine.at(-1)).toMatchObject({ event: 'cycleFinished', data: { status: 'completed' } });
      // The restart is audited with the calling token.
      const audit = await h.call('GET', '/audit?app=crm');
      expect(JSON.stringify(audit.json)).toContain('restart');
    });

    it('refuses a second sync while one runs, and a restart with a reset', async () => {
      h.target.faults.add({ kind: 'latency', rate: 1, latencyMs: 30 }); // the cycle lasts a while
      const first = await syncWhenFree(h, '?reset=true');
      expect(first.status).toBe(202);
      const second = await h.call('POST', '/apps/crm/sync', { role: 'operator' });
      expect(second.status).toBe(409);
      expect(second.json.type).toBe('https://provisio.dev/problems/conflict');
      const running = await h.call('GET', '/apps/crm/status');
      expect(running.json.state).toBe('running');
      h.target.faults.clear();
      const both = await h.call('POST', '/apps/crm/sync?restart=true&reset=true', { role: 'operator' });
      expect(both.status).toBe(400);
      expect(both.json.errors[0].path).toBe('querystring.reset');
      const bad = await h.call('POST', '/apps/crm/sync?restart=maybe', { role: 'operator' });
      expect(bad.status).toBe(400);
      expect(bad.json.errors[0].path).toBe('querystring.restart');
      await eventually(async () =>
        (await h.call('GET', '/apps/crm/status')).json.state === 'idle' ? true : undefined,
      );
    });

    it('pauses an app so the runner runs no cycle of it, and resumes it', async () => {
      const paused = await h.call('POST', '/apps/crm/pause', { role: 'operator' });
      expect(paused.status).toBe(200);
      expect(paused.json).toMatchObject({ paused: true, actor: 'admin-token:o' });
      const status = await h.call('GET', '/apps/crm/status');
      expect(status.json).toMatchObject({ state: 'paused', pause: { actor: 'admin-token:o' } });
      expect((await h.call('POST', '/apps/crm/sync', { role: 'operator' })).status).toBe(409);
      // Every runner stops the app's worker until it is resumed.
      await eventually(async () =>
        h.server.engine!.runner.apps().some((w) => w.app === 'crm') ? undefined : true,
      );
      await h.createUser('while-paused@example.com');
      expect((await h.call('POST', '/apps/crm/resume', { role: 'operator' })).json).toEqual({
        paused: false,
      });
      const sync = await syncWhenFree(h);
      expect(sync.status).toBe(202);
      await eventually(async () => {
        const s = (await h.call('GET', '/apps/crm/status')).json;
        return s.lastCycle.id === sync.json.cycleId && s.state === 'idle' ? true : undefined;
      });
      expect(h.target.resources('User').some((u) => u.userName === 'while-paused@example.com')).toBe(true);
    });

    it('previews and provisions one user with every step and old -> new', async () => {
      const id = await h.createUser('preview@example.com', { displayName: 'Preview Person' });
      // The runner may provision it first (nearRealTime); pause so the preview sees a create.
      await h.call('POST', '/apps/crm/pause', { role: 'operator' });
      const preview = await h.call('POST', '/apps/crm/preview', { role: 'operator' });
      expect(preview.status).toBe(200);
      expect(preview.json.items.length).toBeGreaterThanOrEqual(0);
      const dry = await h.call('POST', '/apps/crm/provision', {
        role: 'operator',
        body: { user: 'preview@example.com', dryRun: true },
      });
      expect(dry.status).toBe(200);
      expect(dry.json.item).toMatchObject({ sourceId: id });
      const steps = dry.json.item.steps.map((s: { step: string }) => s.step);
      expect(steps).toEqual(expect.arrayContaining(['import', 'scope']));
      const real = await h.call('POST', '/apps/crm/provision', { role: 'operator', body: { user: id } });
      expect(real.status).toBe(200);
      expect(real.json.entries[0].steps.map((s: { step: string }) => s.step)).toContain('result');
      await fetch(`${h.url}/scim/v2/Users/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${h.tokens.scim}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'displayName', value: 'Renamed' }],
        }),
      });
      const update = await h.call('POST', '/apps/crm/provision', {
        role: 'operator',
        body: { user: id, dryRun: true },
      });
      expect(update.json.item.action).toBe('update');
      expect(update.json.item.changes).toContainEqual({
        attribute: 'displayName',
        old: 'Preview Person',
        new: 'Renamed',
      });
      expect(
        (await h.call('POST', '/apps/crm/provision', { role: 'operator', body: { user: 'nobody' } })).status,
      ).toBe(404);
      const bad = await h.call('POST', '/apps/crm/provision', { role: 'operator', body: { dryRun: 'yes' } });
      expect(bad.status).toBe(400);
      expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(
        expect.arrayContaining(['user', 'dryRun']),
      );
      await h.call('POST', '/apps/crm/resume', { role: 'operator' });
    });

    it('pages the log by keyset cursor with filters, and streams it as NDJSON', async () => {
      const page1 = await h.call('GET', '/apps/crm/logs?limit=10&status=success', { role: 'viewer' });
      expect(page1.status).toBe(200);
      expect(page1.json.entries).toHaveLength(10);
      expect(page1.json.entries.every((e: { status: string }) => e.status === 'success')).toBe(true);
      const page2 = await h.call(
        'GET',
        `/apps/crm/logs?limit=10&status=success&cursor=${page1.json.nextCursor}`,
      );
      expect(page2.json.entries[0].id).toBeLessThan(page1.json.entries.at(-1).id);
      const one = await h.call('GET', '/apps/crm/logs?user=USER3@example.com');
      expect(one.json.entries.length).toBeGreaterThan(0);
      expect(
        one.json.entries.every((e: { sourceName: string }) => e.sourceName === 'user3@example.com'),
      ).toBe(true);
      const cycle = one.json.entries[0].cycleId;
      const byCycle = await h.call('GET', `/apps/crm/logs?cycle=${cycle}&limit=1000`);
      expect(byCycle.json.entries.every((e: { cycleId: string }) => e.cycleId === cycle)).toBe(true);
      const future = await h.call(
        'GET',
        `/apps/crm/logs?since=${new Date(Date.now() + 60_000).toISOString()}`,
      );
      expect(future.json).toEqual({ entries: [] });
      const past = await h.call('GET', '/apps/crm/logs?until=2000-01-01T00:00:00Z');
      expect(past.json.entries).toEqual([]);
      const all = await h.call('GET', '/apps/crm/logs?limit=1000');
      // From just above the newest entry read: a cycle the runner starts meanwhile adds newer ones.
      const streamed = await fetch(`${h.url}/admin/v1/apps/crm/logs?cursor=${all.json.entries[0].id + 1}`, {
        headers: { authorization: `Bearer ${h.tokens.viewer}`, accept: 'application/x-ndjson' },
      });
      expect(streamed.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const lines = (await streamed.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.id)).toEqual(all.json.entries.map((e: { id: number }) => e.id));
      for (const [query, path] of [
        ['status=fine', 'querystring.status'],
        ['since=yesterday', 'querystring.since'],
        ['cursor=abc', 'querystring.cursor'],
        ['limit=0', 'querystring.limit'],
      ]) {
        const bad = await h.call('GET', `/apps/crm/logs?${query}`);
        expect(bad.status).toBe(400);
        expect(bad.json.errors[0].path).toBe(path);
      }
    });

    it('pages the managed accounts', async () => {
      const first = await h.call('GET', '/apps/crm/accounts?count=20', { role: 'viewer' });
      expect(first.status).toBe(200);
      expect(first.json.accounts).toHaveLength(20);
      const second = await h.call('GET', `/apps/crm/accounts?count=20&cursor=${first.json.nextCursor}`);
      const ids = [...first.json.accounts, ...second.json.accounts].map(
        (a: { sourceId: string }) => a.sourceId,
      );
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThanOrEqual(31);
      expect((await h.call('GET', '/apps/crm/accounts?cursor=%%%')).status).toBe(400);
    });

    it('searches the managed accounts, the cursor paging within the matches', async () => {
      const searched = async (search: string, count = 1000) => {
        const accounts: { sourceId: string; sourceName: string; targetId: string }[] = [];
        let cursor: string | undefined;
        do {
          const query = `count=${count}&search=${encodeURIComponent(search)}`;
          const page = await h.call(
            'GET',
            `/apps/crm/accounts?${query}${cursor !== undefined ? `&cursor=${cursor}` : ''}`,
            { role: 'viewer' },
          );
          expect(page.status, page.text).toBe(200);
          accounts.push(...page.json.accounts);
          cursor = page.json.nextCursor;
        } while (cursor !== undefined);
        return accounts;
      };
      // user1 and user10-user19, four a page, in other letter case than stored.
      const names = (await searched('USER1', 4)).map((a) => a.sourceName);
      expect(new Set(names)).toEqual(
        new Set([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((n) => `user${n}@example.com`)),
      );
      expect(names).toHaveLength(11);
      // A source id (upper-cased part of it) and a target id find their one account.
      const all = await searched('@example.com');
      const seventh = all.find((a) => a.sourceName === 'user7@example.com')!;
      expect((await searched(seventh.sourceId.slice(2, 14).toUpperCase())).map((a) => a.sourceName)).toEqual([
        'user7@example.com',
      ]);
      expect((await searched(seventh.targetId)).map((a) => a.sourceId)).toEqual([seventh.sourceId]);
      // LIKE's wildcards are plain characters: no account holds a '%'.
      expect(await searched('%')).toEqual([]);
      for (const search of ['', 'x'.repeat(201)]) {
        const bad = await h.call('GET', `/apps/crm/accounts?search=${search}`, { role: 'viewer' });
        expect(bad.status).toBe(400);
        expect(bad.json.errors[0].path).toBe('querystring.search');
      }
    });

    it('reconciles, and finds an orphan in the target', async () => {
      h.target.store.resources.User.set('orphan-1', {
        id: 'orphan-1',
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'orphan@example.com',
      } as never);
      const report = await h.call('POST', '/apps/crm/reconcile', { role: 'operator' });
      expect(report.status).toBe(200);
      expect(report.json.fixed).toBe(false);
      expect(report.json.orphans.map((o: { targetId: string }) => o.targetId)).toContain('orphan-1');
    });

    it('approve-deletes answers 409 when nothing is held', async () => {
      const approve = await h.call('POST', '/apps/crm/approve-deletes', { role: 'operator' });
      expect(approve.status).toBe(409);
    });

    it('assigns, lists and unassigns users in roles', async () => {
      const made = await h.call('POST', '/apps/crm/assignments', {
        role: 'operator',
        body: { principalType: 'User', principal: 'user1@example.com' },
      });
      expect(made.status).toBe(201);
      expect(made.json).toMatchObject({
        principalType: 'User',
        principalName: 'user1@example.com',
        role: 'User',
      });
      const list = await h.call('GET', '/apps/crm/assignments', { role: 'viewer' });
      expect(list.json.assignments).toHaveLength(1);
      const badRole = await h.call('POST', '/apps/crm/assignments', {
        role: 'operator',
        body: { principalType: 'User', principal: 'user1@example.com', role: 'Boss' },
      });
      expect(badRole.status).toBe(400);
      expect(badRole.json.errors[0].path).toBe('role');
      const nobody = await h.call('POST', '/apps/crm/assignments', {
        role: 'operator',
        body: { principalType: 'User', principal: 'nobody' },
      });
      expect(nobody.status).toBe(404);
      const removed = await h.call(
        'DELETE',
        '/apps/crm/assignments?principalType=User&principal=user1@example.com',
        { role: 'operator' },
      );
      expect(removed.json).toEqual({ removed: true });
      expect(
        (await h.call('DELETE', '/apps/crm/assignments?principalType=User&principal=user1@example.com'))
          .status,
      ).toBe(404);
    });

    it('evaluates expressions against a directory user or inline attributes, with diagnostics', async () => {
      const value = await h.call('POST', '/expressions/evaluate', {
        role: 'viewer',
        body: { expression: 'Join("|", [userName], [displayName])', user: 'user2@example.com' },
      });
      expect(value.json).toEqual({ value: 'user2@example.com|user2' });
      const inline = await h.call('POST', '/expressions/evaluate', {
        body: { expression: 'Left([x], 2)', attributes: { x: 'abcd' } },
      });
      expect(inline.json).toEqual({ value: 'ab' });
      const typo = await h.call('POST', '/expressions/evaluate', { body: { expression: 'Jion(",", [a])' } });
      expect(typo.json.diagnostics[0]).toMatchObject({
        code: 'E_UNKNOWN_FUNCTION',
        start: 0,
        end: 4,
        suggestion: 'Join',
      });
      const attr = await h.call('POST', '/expressions/evaluate', {
        body: { expression: '[userNme]', user: 'user2@example.com' },
      });
      expect(attr.json.diagnostics[0]).toMatchObject({ code: 'E_UNKNOWN_ATTRIBUTE', suggestion: 'userName' });
      expect(
        (
          await h.call('POST', '/expressions/evaluate', {
            body: { expression: '[userName]', user: 'nobody' },
          })
        ).status,
      ).toBe(404);
      const bad = await h.call('POST', '/expressions/evaluate', { body: { user: 3 } });
      expect(bad.status).toBe(400);
      expect(bad.json.errors.map((e: { path: string }) => e.path)).toEqual(
        expect.arrayContaining(['expression', 'user']),
      );
    });

    it('reads the directory for the console, SCIM-shaped', async () => {
      const list = await h.call('GET', '/directory/users?filter=userName sw "user1"&count=5', {
        role: 'viewer',
      });
      expect(list.status).toBe(200);
      expect(list.json.totalResults).toBe(11);
      expect(list.json.Resources).toHaveLength(5);
      expect(list.json.Resources[0].schemas).toContain('urn:ietf:params:scim:schemas:core:2.0:User');
      const one = await h.call('GET', `/directory/users/${users[0]}`);
      expect(one.json).toMatchObject({ id: users[0], userName: 'user0@example.com' });
      expect((await h.call('GET', '/directory/users/nope')).status).toBe(404);
      const bad = await h.call('GET', '/directory/users?filter=userName zz "x"');
      expect(bad.status).toBe(400);
      expect(bad.json.errors[0].path).toBe('querystring.filter');
      expect((await h.call('GET', '/directory/groups')).json.totalResults).toBe(0);
    });

    it('refuses a viewer every operator route, and every caller without a token', async () => {
      const operatorRoutes: [string, string, unknown?][] = [
        ['POST', '/apps/crm/sync'],
        ['POST', '/apps/crm/pause'],
        ['POST', '/apps/crm/resume'],
        ['POST', '/apps/crm/preview'],
        ['POST', '/apps/crm/provision', { user: 'user1@example.com' }],
        ['POST', '/apps/crm/reconcile'],
        ['POST', '/apps/crm/approve-deletes'],
        ['POST', '/apps/crm/test-connection'],
        ['POST', '/apps/crm/assignments', { principalType: 'User', principal: 'user1@example.com' }],
        ['DELETE', '/apps/crm/assignments?principalType=User&principal=user1@example.com'],
      ];
      for (const [method, path, body] of operatorRoutes) {
        const answer = await h.call(method, path, {
          role: 'viewer',
          ...(body !== undefined ? { body } : {}),
        });
        expect(answer.status, `${method} ${path}`).toBe(403);
      }
      const anonymous = await fetch(`${h.url}/admin/v1/apps/crm/status`);
      expect(anonymous.status).toBe(401);
      const events = await fetch(`${h.url}/admin/v1/events`);
      expect(events.status).toBe(401);
      expect((await h.call('GET', '/events?app=missing')).status).toBe(404);
    });
  });
}
