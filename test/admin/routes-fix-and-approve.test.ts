/**
 * The two admin routes that change a target on an operator's word, against a real SCIM target with
 * serve's engine running: `reconcile?fix=true` converging an account edited behind the engine's
 * back and one deleted there, and `approve-deletes` releasing a cycle the accidental-deletion guard
 * held after a mass unassign, with the disables reaching the target and the approval in the audit
 * log under the caller's name. A viewer is refused both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL } from '../directory/store-harness.js';
import { eventually, startRoutesServer, type Body, type RoutesHarness } from './routes-harness.js';
import { scimAppYaml } from '../support/scim-app-yaml.js';

const dialects: { name: string; postgresUrl?: string }[] = [{ name: 'SQLite' }];
if (TEST_PG_URL !== undefined && TEST_PG_URL !== '')
  dialects.push({ name: 'PostgreSQL', postgresUrl: TEST_PG_URL });
else
  describe.skip('reconcile with fix and approve-deletes on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () =>
    undefined);

const APP = 'crm';
const MEMBERS = 6;
const THRESHOLD = 3;

/** Only assigned users are provisioned, so unassigning the group deprovisions all its members. */
function appYaml(targetUrl: string): string {
  return scimAppYaml({ name: APP, targetUrl, scope: 'assigned', settings: { deletionThreshold: THRESHOLD } });
}

/** POST sync, retrying while the runner's own cycle (a definition change, a wake-up) runs. */
async function syncWhenFree(h: RoutesHarness): Promise<{ status: number; json: Body }> {
  for (let tries = 0; ; tries++) {
    const answer = await h.call('POST', `/apps/${APP}/sync`, { role: 'operator' });
    if (answer.status !== 409 || tries > 200) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the app to be idle (or held) with no cycle running, and answers its status. */
function settled(h: RoutesHarness, state: 'idle' | 'held'): Promise<Body> {
  return eventually(async () => {
    const answer = await h.call('GET', `/apps/${APP}/status`, { role: 'viewer' });
    return answer.json.state === state && answer.json.running === undefined ? answer.json : undefined;
  }, 30_000);
}

const targetUser = (h: RoutesHarness, userName: string) =>
  h.target.resources('User').find((u) => u.userName === userName);

for (const dialect of dialects)
  describe(`reconcile with fix and approve-deletes over the admin API (${dialect.name})`, () => {
    let h: RoutesHarness;
    const userNames = Array.from({ length: MEMBERS }, (_, i) => `member${i}@example.com`);

    beforeAll(async () => {
      h = await startRoutesServer(
        dialect.postgresUrl !== undefined ? { postgresUrl: dialect.postgresUrl } : {},
      );
      const ids: string[] = [];
      for (const name of userNames) ids.push(await h.createUser(name, { displayName: `Member ${name[6]}` }));
      const group = await fetch(`${h.url}/scim/v2/Groups`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.scim}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'Sales',
          members: ids.map((value) => ({ value })),
        }),
      });
      expect(group.status).toBe(201);
      const put = await h.call('PUT', `/apps/${APP}`, {
        body: appYaml(h.target.url),
        type: 'application/yaml',
      });
      expect(put.status).toBe(201);
      const assigned = await h.call('POST', `/apps/${APP}/assignments`, {
        role: 'operator',
        body: { principalType: 'Group', principal: 'Sales' },
      });
      expect(assigned.status).toBe(201);
      expect((await syncWhenFree(h)).status).toBe(202);
      await eventually(async () => {
        const s = await h.call('GET', `/apps/${APP}/status`);
        return s.json.linked === MEMBERS && s.json.state === 'idle' && s.json.running === undefined
          ? true
          : undefined;
      }, 30_000);
      expect(h.target.resources('User')).toHaveLength(MEMBERS);
    }, 60_000);
    afterAll(async () => h?.close());

    it('reconcile?fix=true converges drift and a missing account, and a viewer may not ask', async () => {
      const drifted = targetUser(h, userNames[0]!)!;
      h.target.store.replace('User', String(drifted.id), { ...drifted, displayName: 'Edited by hand' });
      const gone = targetUser(h, userNames[1]!)!;
      h.target.store.delete('User', String(gone.id));

      const report = await h.call('POST', `/apps/${APP}/reconcile`, { role: 'operator' });
      expect(report.status).toBe(200);
      expect(report.json.fixed).toBe(false);
      expect(report.json.drift.map((d: Body) => d.sourceName)).toEqual([userNames[0]]);
      expect(report.json.drift[0].changes).toContainEqual({
        attribute: 'displayName',
        old: 'Edited by hand',
        new: 'Member 0',
      });
      expect(report.json.missing.map((m: Body) => m.sourceName)).toEqual([userNames[1]]);
      // Only a report: the target is as it was left.
      expect(targetUser(h, userNames[0]!)?.displayName).toBe('Edited by hand');
      expect(targetUser(h, userNames[1]!)).toBeUndefined();

      const refused = await h.call('POST', `/apps/${APP}/reconcile?fix=true`, { role: 'viewer' });
      expect(refused.status).toBe(403);
      expect(targetUser(h, userNames[1]!)).toBeUndefined();

      await settled(h, 'idle');
      const fixed = await h.call('POST', `/apps/${APP}/reconcile?fix=true`, { role: 'operator' });
      expect(fixed.status).toBe(200);
      expect(fixed.json.fixed).toBe(true);
      expect(targetUser(h, userNames[0]!)?.displayName).toBe('Member 0');
      expect(targetUser(h, userNames[1]!)).toMatchObject({ userName: userNames[1], displayName: 'Member 1' });
      expect(h.target.resources('User')).toHaveLength(MEMBERS);

      const again = await h.call('POST', `/apps/${APP}/reconcile`, { role: 'operator' });
      expect(again.json.drift).toEqual([]);
      expect(again.json.missing).toEqual([]);
      expect(again.json.orphans).toEqual([]);
    });

    it('holds a mass unassign at the guard, and approve-deletes lets the disables through', async () => {
      await settled(h, 'idle');
      const removed = await h.call('DELETE', `/apps/${APP}/assignments?principalType=Group&principal=Sales`, {
        role: 'operator',
      });
      expect(removed.json).toEqual({ removed: true });
      expect((await syncWhenFree(h)).status).toBe(202);

      const held = await settled(h, 'held');
      expect(held.hold).toMatchObject({ count: MEMBERS, threshold: THRESHOLD, approved: false });
      expect(held.lastCycle.status).toBe('held');
      // Held: nobody was disabled.
      expect(h.target.resources('User').filter((u) => u.active === false)).toEqual([]);
      const listed = await h.call('GET', '/apps', { role: 'viewer' });
      expect(listed.json.apps.find((a: Body) => a.name === APP)).toMatchObject({ held: true, state: 'held' });

      const refused = await h.call('POST', `/apps/${APP}/approve-deletes`, { role: 'viewer' });
      expect(refused.status).toBe(403);
      expect((await h.call('GET', `/apps/${APP}/status`)).json.hold.approved).toBe(false);

      const approved = await h.call('POST', `/apps/${APP}/approve-deletes`, { role: 'operator' });
      expect(approved.status).toBe(200);
      expect(approved.json.hold).toMatchObject({
        // The runner may start another cycle while the app is held; it holds the same deletions
        // again under its own id, so the hold approved is the latest one, not always the first.
        cycleId: expect.any(String),
        count: MEMBERS,
        threshold: THRESHOLD,
        approved: true,
      });

      expect((await syncWhenFree(h)).status).toBe(202);
      const after = await settled(h, 'idle');
      expect(after.hold).toBeUndefined();
      const users = h.target.resources('User');
      expect(users).toHaveLength(MEMBERS);
      expect(users.map((u) => [u.userName, u.active])).toEqual(
        expect.arrayContaining(userNames.map((name) => [name, false])),
      );

      const audit = await h.call('GET', `/audit?app=${APP}`, { role: 'viewer' });
      const entry = audit.json.entries.find((e: Body) => e.action === 'approve-deletes');
      expect(entry).toMatchObject({
        actor: 'admin-token:o',
        app: APP,
        before: { count: MEMBERS, threshold: THRESHOLD, approved: false },
        after: { count: MEMBERS, threshold: THRESHOLD, approved: true },
      });
      // Nothing is held any more.
      expect((await h.call('POST', `/apps/${APP}/approve-deletes`, { role: 'operator' })).status).toBe(409);
    });
  });
