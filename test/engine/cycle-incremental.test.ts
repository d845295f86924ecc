import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './support/engine-harness.js';
import {
  addMember,
  createGroup,
  createUser,
  openHarness,
  patchUser,
  removeMember,
  targetUsers,
} from './support/engine-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('incremental cycle', () => {
  it('reads only the change feed: cost follows the changes, not the directory', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(await createUser(h.directory, { userName: `user${i}@example.com` }));
    await h.engine.sync(h.app);
    h.target.resetCounters();
    await patchUser(h.directory, ids[3]!, [{ op: 'replace', path: 'displayName', value: 'Three' }]);
    await patchUser(h.directory, ids[3]!, [{ op: 'replace', path: 'title', value: 'Boss' }]);
    const report = await h.engine.sync(h.app);
    expect(report.kind).toBe('incremental');
    expect(report.summary).toMatchObject({ update: 1, create: 0, skip: 0 });
    expect(h.target.calls('update')).toBe(1);
    const logs = await h.state.queryLog({ appId: h.appId, cycleId: report.cycleId });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.changeSeq).toBeGreaterThan(0);
    expect(targetUsers(h.target).get('user3@example.com')!.attributes).toMatchObject({
      displayName: 'Three',
      title: 'Boss',
    });
  });

  it('provisions a user assigned after the initial cycle, and one who joins an assigned group', async () => {
    h = await openHarness();
    const group = await createGroup(h.directory, 'Team');
    await h.directory.assign(h.appId, 'Group', group);
    await h.engine.sync(h.app);
    const direct = await createUser(h.directory, { userName: 'direct@example.com' });
    const member = await createUser(h.directory, { userName: 'member@example.com' });
    await h.directory.assign(h.appId, 'User', direct);
    await addMember(h.directory, group, member);
    await h.engine.sync(h.app);
    const users = targetUsers(h.target);
    expect([...users.keys()].sort()).toEqual(['direct@example.com', 'member@example.com']);
    expect(h.target.objects('Group')[0]!.members).toEqual([users.get('member@example.com')!.id]);
  });

  it('a group assigned later brings its members into scope', async () => {
    h = await openHarness();
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    const group = await createGroup(h.directory, 'Team', [{ id: u }]);
    await h.engine.sync(h.app);
    expect(h.target.count('User')).toBe(0);
    await h.directory.assign(h.appId, 'Group', group);
    await h.engine.sync(h.app);
    expect(h.target.count('User')).toBe(1);
    expect(h.target.objects('Group')[0]!.members).toHaveLength(1);
  });

  it('ignores assignments to other apps', async () => {
    h = await openHarness();
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    await h.engine.sync(h.app);
    await h.directory.assign('some-other-app', 'User', u);
    const report = await h.engine.sync(h.app);
    expect(h.target.count('User')).toBe(0);
    expect(report.summary.create).toBe(0);
  });

  it('does an initial-style re-evaluation when the app was changed (fullSyncRequired), then clears the flag', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'u@example.com', title: 'T' });
    await h.engine.sync(h.app);
    await h.redefine(
      (d) => ({
        ...d,
        objects: {
          ...d.objects,
          User: {
            ...d.objects.User,
            mappings: [...d.objects.User.mappings, { target: 'nickName', constant: 'nick' }],
          },
        },
      }),
      true,
    );
    const report = await h.engine.sync(h.app);
    expect(report.kind).toBe('initial');
    expect(h.target.objects('User')[0]!.attributes.nickName).toBe('nick');
    expect((await h.state.getApp(h.app))!.fullSyncRequired).toBe(false);
    expect((await h.engine.sync(h.app)).kind).toBe('incremental');
  });

  it('removes a member from the target group when it leaves the directory group', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    const u1 = await createUser(h.directory, { userName: 'u1@example.com' });
    const u2 = await createUser(h.directory, { userName: 'u2@example.com' });
    const group = await createGroup(h.directory, 'Team', [{ id: u1 }, { id: u2 }]);
    await h.engine.sync(h.app);
    await removeMember(h.directory, group, u1);
    await h.engine.sync(h.app);
    expect(h.target.objects('Group')[0]!.members).toEqual([targetUsers(h.target).get('u2@example.com')!.id]);
  });

  it('runs an initial cycle when the feed says a resync is required', async () => {
    h = await openHarness({ settings: { scope: 'all' } });
    await createUser(h.directory, { userName: 'u1@example.com' });
    await h.engine.sync(h.app);
    await createUser(h.directory, { userName: 'u2@example.com' });
    await h.directory.pruneChanges(new Date(Date.now() + 60_000));
    await h.state.setWatermark(h.appId, 0);
    const report = await h.engine.sync(h.app);
    expect(report.kind).toBe('initial');
    expect(h.target.count('User')).toBe(2);
  });
});
