import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './support/engine-harness.js';
import {
  ENTERPRISE,
  createGroup,
  createUser,
  openHarness,
  patchUser,
  targetUsers,
} from './support/engine-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('preview', () => {
  it('shows what a cycle would do without touching the target or the state, and the cycle then does exactly that', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const a = await createUser(h.directory, { userName: 'a@example.com', title: 'Old' });
    await h.engine.sync(h.app);
    await patchUser(h.directory, a, [{ op: 'replace', path: 'title', value: 'New' }]);
    await createUser(h.directory, { userName: 'b@example.com' });
    h.target.resetCounters();
    const watermark = await h.state.getWatermark(h.appId);
    const logsBefore = (await h.state.queryLog({ appId: h.appId, limit: 1000 })).length;

    const preview = await h.engine.preview(h.app);
    expect(preview.kind).toBe('incremental');
    expect(preview.summary).toMatchObject({ create: 1, update: 1 });
    const update = preview.items.find((i) => i.action === 'update')!;
    expect(update.changes).toEqual([{ attribute: 'title', old: 'Old', new: 'New' }]);
    expect(preview.items.find((i) => i.action === 'create')!.sourceName).toBe('b@example.com');
    expect(preview.wouldHold).toBe(false);
    // Nothing written: only reads (find for matching) reached the target.
    const writes = ['create', 'update', 'delete', 'setEnabled', 'addMembers', 'removeMembers'] as const;
    expect(writes.map((op) => h.target.calls(op))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await h.state.getWatermark(h.appId)).toBe(watermark);
    expect(await h.state.queryLog({ appId: h.appId, limit: 1000 })).toHaveLength(logsBefore);
    expect(await h.state.listCycles(h.appId, 10)).toHaveLength(1);

    const sync = await h.engine.sync(h.app);
    expect(sync.summary).toMatchObject({ create: preview.summary.create, update: preview.summary.update });
  });

  it('says when the guard would hold the cycle', async () => {
    h = await openHarness({
      settings: { scope: 'all', deletionThreshold: { count: 1 }, deprovisionAction: 'delete' },
    });
    const ids = [
      await createUser(h.directory, { userName: 'a@example.com' }),
      await createUser(h.directory, { userName: 'b@example.com' }),
    ];
    await h.engine.sync(h.app);
    for (const id of ids) await h.directory.delete('User', id);
    const preview = await h.engine.preview(h.app);
    expect(preview.summary.delete).toBe(2);
    expect(preview.wouldHold).toBe(true);
    expect(h.target.count('User')).toBe(2);
  });
});

describe('provision on demand', () => {
  it('provisions one user now by userName and returns every step; --dry-run plans only', async () => {
    h = await openHarness();
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    await h.directory.assign(h.appId, 'User', u);
    const dry = await h.engine.provisionUser(h.app, 'u@example.com', { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.item.action).toBe('create');
    expect(dry.item.steps.map((s) => s.step)).toEqual(['import', 'scope', 'match', 'action', 'result']);
    expect(h.target.count('User')).toBe(0);

    const real = await h.engine.provisionUser(h.app, 'u@example.com');
    expect(real.item.action).toBe('create');
    expect(real.entries[0]!.status).toBe('success');
    expect(h.target.count('User')).toBe(1);
    const byId = await h.engine.provisionUser(h.app, u);
    expect(byId.item.reason).toBe('RedundantExport');
    await expect(h.engine.provisionUser(h.app, 'nobody@example.com')).rejects.toThrow(
      /No user 'nobody@example.com'/,
    );
  });

  it('deprovisions the one user whatever the deletion threshold, and leaves a hold as it was', async () => {
    // count 1 and 10% of three linked users: the limit is 0, so any cycle's disable would be held.
    h = await openHarness({ settings: { scope: 'assigned', deletionThreshold: { count: 1, percent: 10 } } });
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const id = await createUser(h.directory, { userName: `${name}@example.com` });
      await h.directory.assign(h.appId, 'User', id);
      ids.push(id);
    }
    await h.engine.sync(h.app);
    await h.directory.unassign(h.appId, 'User', ids[0]!);
    await h.directory.unassign(h.appId, 'User', ids[1]!);
    const held = await h.engine.sync(h.app);
    expect(held.status).toBe('held');
    expect(h.target.objects('User').every((o) => o.enabled)).toBe(true);
    const hold = await h.state.getDeletionHold(h.appId);
    expect(hold).toMatchObject({ count: 2, approved: false });

    // On demand acts on one user (Entra's provision on demand does): its disable is done now.
    const report = await h.engine.provisionUser(h.app, 'a@example.com');
    expect(report.item).toMatchObject({ action: 'disable' });
    expect(report.entries).toHaveLength(1);
    expect(report.entries[0]).toMatchObject({ action: 'disable', status: 'success' });
    const enabled = (userName: string) =>
      h.target.objects('User').find((o) => o.attributes.userName === userName)!.enabled;
    expect(enabled('a@example.com')).toBe(false);
    // Only that one: the other held disable waits for approval, and the hold is untouched.
    expect(enabled('b@example.com')).toBe(true);
    expect(await h.state.getDeletionHold(h.appId)).toEqual(hold);
    expect((await h.engine.sync(h.app)).status).toBe('held');
    expect(enabled('b@example.com')).toBe(true);
  });

  it('explains an unassigned user as NotEffectivelyEntitled', async () => {
    h = await openHarness();
    await createUser(h.directory, { userName: 'u@example.com' });
    const report = await h.engine.provisionUser(h.app, 'u@example.com');
    expect(report.item).toMatchObject({ action: 'skip', reason: 'NotEffectivelyEntitled' });
    expect(report.entries[0]!.steps[1]).toMatchObject({
      step: 'scope',
      inScope: false,
      assignment: 'not assigned',
    });
  });
});

describe('reconcile', () => {
  it('reports drift, orphans and missing accounts, and --fix converges drift and missing', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const a = await createUser(h.directory, { userName: 'a@example.com', title: 'Engineer' });
    const b = await createUser(h.directory, { userName: 'b@example.com' });
    await h.engine.sync(h.app);
    const tA = targetUsers(h.target).get('a@example.com')!;
    const tB = targetUsers(h.target).get('b@example.com')!;
    // Edited and deleted directly in the target, and an account nobody manages.
    await h.target.connector().update!(
      {
        objectType: 'User',
        ref: { id: tA.id },
        changes: [{ attribute: 'title', oldValue: 'Engineer', newValue: 'Hacker' }],
      },
      new AbortController().signal,
    );
    await h.target.connector().delete!(
      { objectType: 'User', ref: { id: tB.id } },
      new AbortController().signal,
    );
    h.target.seed('User', [{ id: 'stray', attributes: { userName: 'stray@example.com' } }]);

    const report = await h.engine.reconcile(h.app);
    expect(report.fixed).toBe(false);
    expect(report.drift.map((d) => [d.sourceId, d.changes])).toEqual([
      [a, [{ attribute: 'title', old: 'Hacker', new: 'Engineer' }]],
    ]);
    expect(report.missing.map((m) => m.sourceId)).toEqual([b]);
    expect(report.orphans.map((o) => o.targetId)).toEqual(['stray']);
    expect(h.target.object('User', tA.id)!.attributes.title).toBe('Hacker');

    const fixed = await h.engine.reconcile(h.app, { fix: true });
    expect(fixed.fixed).toBe(true);
    expect(h.target.object('User', tA.id)!.attributes.title).toBe('Engineer');
    expect(targetUsers(h.target).has('b@example.com')).toBe(true);
    const again = await h.engine.reconcile(h.app);
    expect(again.drift).toEqual([]);
    expect(again.missing).toEqual([]);
    expect(again.orphans.map((o) => o.targetId)).toEqual(['stray']);
  });
});

describe('accounts, status, roles and logs', () => {
  it('lists managed accounts and the app status', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'a@example.com' });
    await createGroup(h.directory, 'G');
    await h.engine.sync(h.app);
    const accounts = [];
    for await (const account of h.engine.accounts(h.app)) accounts.push(account);
    expect(accounts.map((a) => [a.objectType, a.sourceName, a.state])).toEqual([
      ['User', 'a@example.com', 'active'],
      ['Group', 'G', 'active'],
    ]);
    const status = await h.engine.status(h.app);
    expect(status).toMatchObject({ app: h.app, linked: 2, escrows: 0 });
    expect(status.lastCycle?.status).toBe('completed');
    expect(status.watermark).toBeGreaterThan(0);
  });

  it("passes the assignment's app role (the default role when the assignment names none) to the mapping", async () => {
    h = await openHarness({
      appRoles: [
        { value: 'User', displayName: 'User', default: true },
        { value: 'Admin', displayName: 'Administrator' },
      ],
      user: {
        mappings: [
          { target: 'userName', source: 'userName', matchingPrecedence: 1 },
          { target: 'roles', expression: 'AppRoleAssignmentsComplex([appRoleAssignments])' },
        ],
      },
    });
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    await h.directory.assign(h.appId, 'User', u);
    await h.engine.sync(h.app);
    const roles = h.target.objects('User')[0]!.attributes.roles as string[];
    expect(roles.map((r) => JSON.parse(r) as { value: string; displayName: string })).toEqual([
      { id: `${h.appId}:User`, value: 'User', displayName: 'User' },
    ]);
  });

  it('never logs a Redact()ed value', async () => {
    h = await openHarness({
      settings: { scope: 'all' },
      user: {
        mappings: [
          { target: 'userName', source: 'userName', matchingPrecedence: 1 },
          { target: 'password', expression: 'Redact(Join("-", "secret", [userName]))' },
        ],
      },
    });
    await createUser(h.directory, { userName: 'u@example.com' });
    const report = await h.engine.sync(h.app);
    expect(h.target.objects('User')[0]!.attributes.password).toBe('secret-u@example.com');
    const logs = await h.state.queryLog({ appId: h.appId, cycleId: report.cycleId });
    expect(JSON.stringify(logs)).not.toContain('secret-u@example.com');
    expect(JSON.stringify(logs)).toContain('[Redact]');
  });

  it('records every step with durations and cycle ids, and the manager as the target id', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const boss = await createUser(h.directory, { userName: 'boss@example.com' });
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    await patchUser(h.directory, u, [{ op: 'add', path: `${ENTERPRISE}:manager`, value: { value: boss } }]);
    const report = await h.engine.sync(h.app);
    const logs = await h.state.queryLog({ appId: h.appId, cycleId: report.cycleId });
    // Two objects; the report is looked at again if its manager got its account after it.
    expect(logs.length).toBeGreaterThanOrEqual(2);
    const users = targetUsers(h.target);
    expect(users.get('u@example.com')!.attributes[`${ENTERPRISE}:manager`]).toBe(
      users.get('boss@example.com')!.id,
    );
    for (const entry of logs) {
      expect(entry.steps.map((s) => s.step)).toEqual(['import', 'scope', 'match', 'action', 'result']);
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(entry.cycleId).toBe(report.cycleId);
    }
  });
});
