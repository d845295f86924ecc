import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './support/engine-harness.js';
import {
  ENTERPRISE,
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

describe('initial cycle', () => {
  it('creates assigned users with their mapped attributes keyed by target path, and nothing else', async () => {
    h = await openHarness();
    const alice = await createUser(h.directory, {
      userName: 'alice@example.com',
      displayName: 'Alice',
      title: 'Engineer',
      department: 'Sales',
    });
    await createUser(h.directory, { userName: 'bob@example.com' });
    await h.directory.assign(h.appId, 'User', alice);

    const report = await h.engine.sync(h.app);

    expect(report.kind).toBe('initial');
    expect(report.status).toBe('completed');
    expect(report.summary.create).toBe(1);
    const users = h.target.objects('User');
    expect(users).toHaveLength(1);
    expect(users[0]!.attributes).toEqual({
      userName: 'alice@example.com',
      displayName: 'Alice',
      'emails[type eq "work"].value': 'alice@example.com',
      title: 'Engineer',
      [`${ENTERPRISE}:department`]: 'Sales',
    });
    const link = await h.state.getLink(h.appId, 'User', alice);
    expect(link?.targetId).toBe(users[0]!.id);
    expect(await h.state.getWatermark(h.appId)).toBeGreaterThan(0);
  });

  it('sends nothing for an unchanged object the next cycle (RedundantExport) and only the changed attribute after an edit', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const alice = await createUser(h.directory, { userName: 'alice@example.com', title: 'Engineer' });
    await h.engine.sync(h.app);
    h.target.resetCounters();

    const second = await h.engine.sync(h.app);
    expect(second.kind).toBe('incremental');
    expect(h.target.calls('update')).toBe(0);
    expect(h.target.calls('create')).toBe(0);

    await patchUser(h.directory, alice, [{ op: 'replace', path: 'title', value: 'Manager' }]);
    // A full pass sees the unchanged object as redundant.
    await h.redefine((d) => d, true);
    const third = await h.engine.sync(h.app);
    expect(third.kind).toBe('initial');
    expect(third.summary.update).toBe(1);
    expect(h.target.calls('update')).toBe(1);
    const logs = await h.state.queryLog({ appId: h.appId, cycleId: third.cycleId });
    const update = logs.find((e) => e.action === 'update')!;
    const action = update.steps.find((s) => s.step === 'action')!;
    expect(action.changes).toEqual([{ attribute: 'title', old: 'Engineer', new: 'Manager' }]);
    expect(targetUsers(h.target).get('alice@example.com')!.attributes.title).toBe('Manager');

    await h.redefine((d) => d, true);
    const fourth = await h.engine.sync(h.app);
    const skipped = await h.state.queryLog({ appId: h.appId, cycleId: fourth.cycleId });
    expect(skipped.map((e) => e.reason)).toEqual(['RedundantExport']);
  });

  it('adopts an existing target account by the matching attribute instead of creating a duplicate', async () => {
    h = await openHarness({
      settings: { scope: 'all' },
      seed: {
        User: [{ id: 'existing-1', attributes: { userName: 'ALICE@example.com', displayName: 'Old name' } }],
      },
    });
    const alice = await createUser(h.directory, { userName: 'alice@example.com', displayName: 'Alice' });
    const report = await h.engine.sync(h.app);
    expect(report.summary.create).toBe(0);
    expect(report.summary.update).toBe(1);
    expect(h.target.count('User')).toBe(1);
    expect(h.target.object('User', 'existing-1')!.attributes.displayName).toBe('Alice');
    expect((await h.state.getLink(h.appId, 'User', alice))!.targetId).toBe('existing-1');
    const [entry] = await h.state.queryLog({ appId: h.appId, cycleId: report.cycleId });
    expect(entry!.steps.find((s) => s.step === 'match')).toMatchObject({
      matched: true,
      via: 'attribute',
      attribute: 'userName',
      targetId: 'existing-1',
    });
  });

  it('fails with DuplicateTargetEntries when more than one account matches, and creates nothing', async () => {
    h = await openHarness({
      settings: { scope: 'all' },
      user: {
        mappings: [
          { target: 'displayName', source: 'displayName', matchingPrecedence: 1 },
          { target: 'userName', source: 'userName' },
        ],
      },
      seed: {
        User: [
          { attributes: { userName: 'a1', displayName: 'Same' } },
          { attributes: { userName: 'a2', displayName: 'Same' } },
        ],
      },
    });
    await createUser(h.directory, { userName: 'a3', displayName: 'Same' });
    const report = await h.engine.sync(h.app);
    expect(report.status).toBe('completedWithFailures');
    expect(report.failures[0]!.reason).toBe('DuplicateTargetEntries');
    expect(h.target.count('User')).toBe(2);
  });

  it('tries matching attributes in precedence order', async () => {
    h = await openHarness({
      settings: { scope: 'all' },
      user: {
        mappings: [
          { target: 'userName', source: 'userName', matchingPrecedence: 1 },
          { target: 'externalId', source: 'mailNickname', matchingPrecedence: 2 },
          { target: 'displayName', source: 'displayName' },
        ],
      },
      seed: { User: [{ id: 'by-nick', attributes: { userName: 'legacy-name', externalId: 'carol' } }] },
    });
    const carol = await createUser(h.directory, { userName: 'carol@example.com', displayName: 'Carol' });
    await h.engine.sync(h.app);
    expect((await h.state.getLink(h.appId, 'User', carol))!.targetId).toBe('by-nick');
    expect(h.target.object('User', 'by-nick')!.attributes.userName).toBe('carol@example.com');
  });

  it('provisions groups after users, with members as target ids through addMembers', async () => {
    h = await openHarness();
    const u1 = await createUser(h.directory, { userName: 'u1@example.com' });
    const u2 = await createUser(h.directory, { userName: 'u2@example.com' });
    const outsider = await createUser(h.directory, { userName: 'out@example.com' });
    const group = await createGroup(h.directory, 'Team', [{ id: u1 }, { id: u2 }]);
    const other = await createGroup(h.directory, 'Other', [{ id: outsider }]);
    await h.directory.assign(h.appId, 'Group', group);
    void other;

    const report = await h.engine.sync(h.app);
    expect(report.summary.create).toBe(3);
    const [tGroup] = h.target.objects('Group');
    const ids = h.target
      .objects('User')
      .map((u) => u.id)
      .sort();
    expect(tGroup!.attributes).toEqual({ displayName: 'Team' });
    expect(tGroup!.members).toEqual(ids);
    expect(targetUsers(h.target).has('out@example.com')).toBe(false);
  });

  it('writes members through the membership attribute when the target keeps them as one', async () => {
    h = await openHarness({
      capabilities: { membership: { kind: 'attribute', attribute: 'member', reference: 'id' } },
    });
    const u1 = await createUser(h.directory, { userName: 'u1@example.com' });
    const group = await createGroup(h.directory, 'Team', [{ id: u1 }]);
    await h.directory.assign(h.appId, 'Group', group);
    await h.engine.sync(h.app);
    const [tGroup] = h.target.objects('Group');
    expect(tGroup!.attributes.member).toEqual([h.target.objects('User')[0]!.id]);
    expect(tGroup!.attributes.members).toBeUndefined();
  });

  it('creates a group with its members when the membership attribute is itself called members', async () => {
    // Only native membership sends members apart (addMembers); here they are the group's attribute.
    h = await openHarness({
      capabilities: { membership: { kind: 'attribute', attribute: 'members', reference: 'id' } },
    });
    const u1 = await createUser(h.directory, { userName: 'u1@example.com' });
    const u2 = await createUser(h.directory, { userName: 'u2@example.com' });
    const group = await createGroup(h.directory, 'Team', [{ id: u1 }, { id: u2 }]);
    await h.directory.assign(h.appId, 'Group', group);
    const report = await h.engine.sync(h.app);
    expect(report.summary.failure).toBe(0);
    const [tGroup] = h.target.objects('Group');
    const ids = h.target
      .objects('User')
      .map((u) => u.id)
      .sort();
    expect(tGroup!.attributes.members).toEqual(ids);
    expect(h.target.calls('create')).toBe(3);
    expect(h.target.calls('update')).toBe(0);
  });

  it('resolves the manager to its target id, also when the manager is created after the report', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const report = await createUser(h.directory, { userName: 'a-report@example.com' });
    const manager = await createUser(h.directory, { userName: 'z-manager@example.com' });
    await patchUser(h.directory, report, [
      { op: 'add', path: `${ENTERPRISE}:manager`, value: { value: manager } },
    ]);
    await h.engine.sync(h.app);
    const users = targetUsers(h.target);
    expect(users.get('a-report@example.com')!.attributes[`${ENTERPRISE}:manager`]).toBe(
      users.get('z-manager@example.com')!.id,
    );
  });

  it('fixes a membership as soon as the missing member arrives in a later cycle', async () => {
    h = await openHarness();
    const u1 = await createUser(h.directory, { userName: 'u1@example.com' });
    const group = await createGroup(h.directory, 'Team', []);
    await h.directory.assign(h.appId, 'Group', group);
    await h.engine.sync(h.app);
    expect(h.target.objects('Group')[0]!.members).toEqual([]);
    await addMember(h.directory, group, u1);
    await h.engine.sync(h.app);
    const [tUser] = h.target.objects('User');
    expect(h.target.objects('Group')[0]!.members).toEqual([tUser!.id]);
  });
});
