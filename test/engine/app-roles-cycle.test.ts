import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './support/engine-harness.js';
import { addMember, createGroup, createUser, openHarness, removeMember } from './support/engine-harness.js';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const ROLES = [
  { value: 'User', displayName: 'User', default: true },
  { value: 'Admin', displayName: 'Administrator' },
];

async function rolesHarness(expression: string, scope: 'assigned' | 'all' = 'assigned'): Promise<Harness> {
  return openHarness({
    appRoles: ROLES,
    settings: { scope },
    user: {
      mappings: [
        { target: 'userName', source: 'userName', matchingPrecedence: 1 },
        { target: 'roles', expression: `${expression}([appRoleAssignments])` },
      ],
    },
  });
}

/** The SCIM `roles` the target holds for a user, parsed. */
function targetRoles(h: Harness): { value: string }[] {
  const users = h.target.objects('User');
  expect(users).toHaveLength(1);
  const roles = users[0]!.attributes.roles;
  if (roles === undefined) return [];
  // Roles are a set: compared in value order.
  return (Array.isArray(roles) ? roles : [roles])
    .map((r) => JSON.parse(String(r)) as { value: string })
    .sort((a, b) => a.value.localeCompare(b.value));
}

function scimRole(value: string, display: string) {
  return { primary: false, type: 'WindowsAzureActiveDirectoryRole', display, value };
}

describe('app roles reach the target', () => {
  it('deleting an assigned group takes its role away from its members in the next incremental cycle', async () => {
    h = await rolesHarness('AppRoleAssignmentsComplex');
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    const admins = await createGroup(h.directory, 'Admins', [{ id: u }]);
    await h.directory.assign(h.appId, 'User', u, 'User');
    await h.directory.assign(h.appId, 'Group', admins, 'Admin');
    await h.engine.sync(h.app);
    const values = () => targetRoles(h).map((r) => r.value);
    expect(values()).toEqual(['Admin', 'User']);

    // The feed's unassigned entries of the deletion name each role taken away.
    const head = await h.directory.headSeq();
    await h.directory.delete('Group', admins);
    const page = await h.directory.readChanges(head, 100);
    if (page.status !== 'ok') throw new Error('expected the feed to be readable');
    const unassigned = page.entries.filter((e) => e.kind === 'unassigned');
    expect(unassigned.map((e) => e.detail)).toEqual([{ appId: h.appId, role: 'Admin' }]);

    const next = await h.engine.sync(h.app);
    expect(next.kind).toBe('incremental');
    expect(values()).toEqual(['User']);
  });

  it('deleting a user with several roles records each role taken away', async () => {
    h = await rolesHarness('AppRoleAssignmentsComplex');
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    await h.directory.assign(h.appId, 'User', u, 'User');
    await h.directory.assign(h.appId, 'User', u, 'Admin');
    const head = await h.directory.headSeq();
    await h.directory.delete('User', u);
    const page = await h.directory.readChanges(head, 100);
    if (page.status !== 'ok') throw new Error('expected the feed to be readable');
    expect(page.entries.filter((e) => e.kind === 'unassigned').map((e) => e.detail)).toEqual([
      { appId: h.appId, role: 'Admin' },
      { appId: h.appId, role: 'User' },
    ]);
  });

  it('a role granted and taken away directly is exported by the incremental cycle, in SCIM role form', async () => {
    h = await rolesHarness('AssertiveAppRoleAssignmentsComplex');
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    await h.directory.assign(h.appId, 'User', u, 'User');
    const first = await h.engine.sync(h.app);
    expect(first.kind).toBe('initial');
    expect(targetRoles(h)).toEqual([scimRole('User', 'User')]);

    await h.directory.assign(h.appId, 'User', u, 'Admin');
    const granted = await h.engine.sync(h.app);
    expect(granted.kind).toBe('incremental');
    expect(granted.summary).toMatchObject({ update: 1, success: 1, failure: 0 });
    expect(targetRoles(h)).toEqual([scimRole('Admin', 'Administrator'), scimRole('User', 'User')]);
    const logs = await h.state.queryLog({ appId: h.appId, cycleId: granted.cycleId });
    expect(logs.some((entry) => entry.action === 'update')).toBe(true);

    await h.directory.unassign(h.appId, 'User', u, 'User');
    const taken = await h.engine.sync(h.app);
    expect(taken.summary).toMatchObject({ update: 1, failure: 0 });
    expect(targetRoles(h)).toEqual([scimRole('Admin', 'Administrator')]);

    // Nothing changed since: the next cycle sends nothing.
    const quiet = await h.engine.sync(h.app);
    expect(quiet.summary).toMatchObject({ create: 0, update: 0, disable: 0, delete: 0 });
  });

  it('a role held through an assigned group follows the assignment and the membership', async () => {
    h = await rolesHarness('AppRoleAssignmentsComplex');
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    const admins = await createGroup(h.directory, 'Admins');
    await h.directory.assign(h.appId, 'User', u, 'User');
    await h.engine.sync(h.app);
    const values = () => targetRoles(h).map((r) => r.value);
    expect(values()).toEqual(['User']);

    // Assigning a group the user already belongs to grants its role.
    await addMember(h.directory, admins, u);
    await h.directory.assign(h.appId, 'Group', admins, 'Admin');
    const granted = await h.engine.sync(h.app);
    expect(granted.summary.failure).toBe(0);
    expect(values()).toEqual(['Admin', 'User']);
    expect(targetRoles(h)).toContainEqual({
      id: `${h.appId}:Admin`,
      value: 'Admin',
      displayName: 'Administrator',
    });

    // Leaving the group takes the role away.
    await removeMember(h.directory, admins, u);
    await h.engine.sync(h.app);
    expect(values()).toEqual(['User']);

    // Rejoining gives it back; unassigning the group takes it away again.
    await addMember(h.directory, admins, u);
    await h.engine.sync(h.app);
    expect(values()).toEqual(['Admin', 'User']);
    await h.directory.unassign(h.appId, 'Group', admins, 'Admin');
    const taken = await h.engine.sync(h.app);
    expect(taken.summary.failure).toBe(0);
    expect(values()).toEqual(['User']);
  });

  it('with scope all, a group assigned in a role gives it to its members, and takes it back', async () => {
    h = await rolesHarness('AssertiveAppRoleAssignmentsComplex', 'all');
    const u = await createUser(h.directory, { userName: 'u@example.com' });
    const admins = await createGroup(h.directory, 'Admins', [{ id: u }]);
    await h.engine.sync(h.app);
    expect(targetRoles(h)).toEqual([scimRole('User', 'User')]);
    await h.directory.assign(h.appId, 'Group', admins, 'Admin');
    await h.engine.sync(h.app);
    expect(targetRoles(h)).toEqual([scimRole('Admin', 'Administrator')]);
    await removeMember(h.directory, admins, u);
    await h.engine.sync(h.app);
    expect(targetRoles(h)).toEqual([scimRole('User', 'User')]);
  });
});
