import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './support/engine-harness.js';
import {
  addMember,
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

describe('deprovisioning', () => {
  it('disables an inactive user through setEnabled and re-enables it with its group memberships restored', async () => {
    h = await openHarness();
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    const group = await createGroup(h.directory, 'Team', [{ id: u }]);
    await h.directory.assign(h.appId, 'User', u);
    await h.directory.assign(h.appId, 'Group', group);
    await h.engine.sync(h.app);
    const tUser = targetUsers(h.target).get('u@example.com')!;
    expect(h.target.objects('Group')[0]!.members).toEqual([tUser.id]);

    await patchUser(h.directory, u, [{ op: 'replace', path: 'active', value: false }]);
    const off = await h.engine.sync(h.app);
    expect(off.summary.disable).toBe(1);
    expect(h.target.object('User', tUser.id)!.enabled).toBe(false);
    expect(h.target.objects('Group')[0]!.members).toEqual([]);
    expect((await h.state.getLink(h.appId, 'User', u))!.state).toBe('disabled');

    await patchUser(h.directory, u, [{ op: 'replace', path: 'active', value: true }]);
    const on = await h.engine.sync(h.app);
    expect(on.summary.update).toBeGreaterThanOrEqual(1);
    expect(h.target.object('User', tUser.id)!.enabled).toBe(true);
    expect(h.target.objects('Group')[0]!.members).toEqual([tUser.id]);
    expect(h.target.count('User')).toBe(1);
  });

  it('disables a user unassigned from the app, and enables it again when re-assigned', async () => {
    h = await openHarness();
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    await h.directory.assign(h.appId, 'User', u);
    await h.engine.sync(h.app);
    await h.directory.unassign(h.appId, 'User', u);
    const off = await h.engine.sync(h.app);
    expect(off.summary.disable).toBe(1);
    expect(h.target.objects('User')[0]!.enabled).toBe(false);
    const [entry] = await h.state.queryLog({ appId: h.appId, cycleId: off.cycleId });
    expect(entry!.steps.find((s) => s.step === 'scope')).toMatchObject({
      inScope: false,
      assignment: 'not assigned',
    });
    await h.directory.assign(h.appId, 'User', u);
    await h.engine.sync(h.app);
    expect(h.target.objects('User')[0]!.enabled).toBe(true);
    expect(h.target.count('User')).toBe(1);
  });

  it('deletes when the connector cannot disable, and when the setting says delete', async () => {
    h = await openHarness({ settings: { scope: 'all' }, capabilities: { disable: false } });
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    await h.engine.sync(h.app);
    await h.directory.delete('User', u);
    const report = await h.engine.sync(h.app);
    expect(report.summary.delete).toBe(1);
    expect(h.target.count('User')).toBe(0);
    expect(await h.state.getLink(h.appId, 'User', u)).toBeUndefined();
  });

  it('leaves the account alone with skipOutOfScopeDeletions, but still acts on directory deletes', async () => {
    h = await openHarness({
      settings: { skipOutOfScopeDeletions: true, deprovisionAction: 'delete' },
      user: {
        scope: { filters: [{ clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] }] },
      },
    });
    const u = await createUser(h.directory, { userName: 'u@example.com', department: 'Sales' });
    await h.directory.assign(h.appId, 'User', u);
    await h.engine.sync(h.app);
    await patchUser(h.directory, u, [
      {
        op: 'replace',
        path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
        value: 'Marketing',
      },
    ]);
    const out = await h.engine.sync(h.app);
    expect(h.target.count('User')).toBe(1);
    const logs = await h.state.queryLog({ appId: h.appId, cycleId: out.cycleId });
    expect(logs[0]!.reason).toBe('SkipOutOfScopeDeletions');
    await h.directory.delete('User', u);
    await h.engine.sync(h.app);
    expect(h.target.count('User')).toBe(0);
  });

  it('takes a user out of scope when the scoping filter stops matching, saying which clause failed', async () => {
    h = await openHarness({
      settings: { scope: 'all', deprovisionAction: 'delete' },
      user: {
        scope: { filters: [{ clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] }] },
      },
    });
    const u = await createUser(h.directory, { userName: 'u@example.com', department: 'Sales' });
    await h.engine.sync(h.app);
    expect(h.target.count('User')).toBe(1);
    await patchUser(h.directory, u, [
      {
        op: 'replace',
        path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
        value: 'Marketing',
      },
    ]);
    const report = await h.engine.sync(h.app);
    expect(h.target.count('User')).toBe(0);
    const [entry] = await h.state.queryLog({ appId: h.appId, cycleId: report.cycleId });
    const scope = entry!.steps.find((s) => s.step === 'scope')!;
    expect(scope.inScope).toBe(false);
    expect(String(scope.filter)).toContain('Marketing');
  });

  it('nested group members are out of scope by default and in scope with nestedGroupMembers', async () => {
    for (const nested of [false, true]) {
      h = await openHarness({ settings: { nestedGroupMembers: nested } });
      const direct = await createUser(h.directory, { userName: 'direct@example.com' });
      const deep = await createUser(h.directory, { userName: 'deep@example.com' });
      const inner = await createGroup(h.directory, 'Inner', [{ id: deep }]);
      const outer = await createGroup(h.directory, 'Outer', [{ id: direct }, { id: inner, type: 'Group' }]);
      await h.directory.assign(h.appId, 'Group', outer);
      await h.engine.sync(h.app);
      expect([...targetUsers(h.target).keys()].sort()).toEqual(
        nested ? ['deep@example.com', 'direct@example.com'] : ['direct@example.com'],
      );
      // The nested group is not provisioned as a group either way (only assigned groups are).
      expect(h.target.objects('Group').map((g) => g.attributes.displayName)).toEqual(['Outer']);
      // A user added to the inner group later follows the same rule.
      const late = await createUser(h.directory, { userName: 'late@example.com' });
      await addMember(h.directory, inner, late);
      await h.engine.sync(h.app);
      expect(targetUsers(h.target).has('late@example.com')).toBe(nested);
      await h.close();
    }
  });
});

describe('accidental-deletion guard', () => {
  it('holds every deprovision of a cycle over the threshold, emits an event, and lets them through once approved', async () => {
    h = await openHarness({ settings: { scope: 'assigned', deletionThreshold: { count: 2 } } });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await createUser(h.directory, { userName: `u${i}@example.com` });
      await h.directory.assign(h.appId, 'User', id);
      ids.push(id);
    }
    await h.engine.sync(h.app);
    for (const id of ids.slice(0, 3)) await h.directory.unassign(h.appId, 'User', id);
    const held = await h.engine.sync(h.app);
    expect(held.status).toBe('held');
    expect(held.hold).toMatchObject({ count: 3, threshold: 2, approved: false });
    expect(h.target.objects('User').every((u) => u.enabled)).toBe(true);
    expect(h.events.some((e) => e.type === 'deletionsHeld')).toBe(true);
    // Still held on the next cycle: the changes were not passed.
    expect((await h.engine.sync(h.app)).status).toBe('held');

    const approved = await h.engine.approveDeletes(h.app, 'admin');
    expect(approved.approved).toBe(true);
    const through = await h.engine.sync(h.app);
    expect(through.status).toBe('completed');
    expect(through.summary.disable).toBe(3);
    expect(h.target.objects('User').filter((u) => !u.enabled)).toHaveLength(3);
    expect(await h.state.getDeletionHold(h.appId)).toBeUndefined();
  });

  it('counts a percentage of the linked objects', async () => {
    h = await openHarness({ settings: { scope: 'all', deletionThreshold: { count: 500, percent: 30 } } });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await createUser(h.directory, { userName: `u${i}@example.com` }));
    await h.engine.sync(h.app);
    for (const id of ids.slice(0, 4)) await h.directory.delete('User', id);
    expect((await h.engine.sync(h.app)).status).toBe('held');
  });

  it('never treats an empty directory read as deletes', async () => {
    h = await openHarness({ settings: { scope: 'all', deprovisionAction: 'delete' } });
    const ids = [
      await createUser(h.directory, { userName: 'a@example.com' }),
      await createUser(h.directory, { userName: 'b@example.com' }),
    ];
    await h.engine.sync(h.app);
    for (const id of ids) await h.directory.delete('User', id);
    await h.redefine((d) => d, true);
    const report = await h.engine.sync(h.app);
    expect(report.status).toBe('held');
    expect(h.target.count('User')).toBe(2);
  });
});
