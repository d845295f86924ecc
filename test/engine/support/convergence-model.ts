/**
 * The shared half of the model-based convergence tests: the directory as the test knows it (the
 * model), the directory-changing commands and their arbitraries, applying a command to the real
 * directory and the model together, the projection the target must hold, and the comparison of a
 * target's read-back against it. What differs per test (the connector, how the target is read,
 * cycles, on-demand runs and fault injection) stays in the test, which adds its own commands.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { DirectoryStore } from '../../../src/directory/directory-store.js';
import { ENTERPRISE } from './engine-harness.js';

export const DEPARTMENTS = ['Sales', 'Engineering'] as const;

/** Commands that change the directory; each test adds its own cycle, run and fault commands. */
export type DirectoryCommand =
  | { op: 'createUser'; u: number; dept: number; title: number }
  | { op: 'deleteUser'; u: number }
  | { op: 'setDept'; u: number; dept: number }
  | { op: 'setTitle'; u: number; title: number }
  | { op: 'setActive'; u: number; active: boolean }
  | { op: 'createGroup'; g: number }
  | { op: 'deleteGroup'; g: number }
  | { op: 'addMember'; g: number; u: number }
  | { op: 'removeMember'; g: number; u: number }
  | { op: 'assignUser'; u: number; on: boolean }
  | { op: 'assignGroup'; g: number; on: boolean }
  | { op: 'cycle' };

/** The directory as the test knows it. */
export interface Model {
  users: Map<number, { id: string; dept: number; title: number; active: boolean }>;
  groups: Map<number, { id: string; members: Set<number> }>;
  assignedUsers: Set<number>;
  assignedGroups: Set<number>;
}

export function emptyModel(): Model {
  return { users: new Map(), groups: new Map(), assignedUsers: new Set(), assignedGroups: new Set() };
}

export const userName = (i: number) => `user${i}@example.com`;

/** How a test shapes its directory commands; the defaults are the plain ones. */
export interface DirectoryCommandOptions {
  users: number;
  groups: number;
  createGroupWeight: number;
  /** Whether groups are also deleted (the memory target's test does, the SCIM one does not). */
  deleteGroup: boolean;
  /** The values `setActive` and `assignGroup` draw from, repeated values weighting them. */
  activeValues: readonly boolean[];
  assignGroupValues: readonly boolean[];
}

export interface WeightedCommand<C> {
  weight: number;
  arbitrary: fc.Arbitrary<C>;
}

/**
 * The weighted directory commands, in a fixed order so that a test appending its own commands
 * after them draws the same sequences for the same seed.
 */
export function directoryCommands(o: DirectoryCommandOptions): WeightedCommand<DirectoryCommand>[] {
  const u = fc.integer({ min: 0, max: o.users - 1 });
  /** Mostly Sales, so most users are in the scoping filter's scope. */
  const dept = fc.constantFrom(0, 0, 0, 1);
  const g = fc.integer({ min: 0, max: o.groups - 1 });
  const title = fc.integer({ min: 0, max: 2 });
  return [
    { weight: 4, arbitrary: fc.record({ op: fc.constant('createUser' as const), u, dept, title }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteUser' as const), u }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('setDept' as const), u, dept }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('setTitle' as const), u, title }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('setActive' as const),
        u,
        active: fc.constantFrom(...o.activeValues),
      }),
    },
    { weight: o.createGroupWeight, arbitrary: fc.record({ op: fc.constant('createGroup' as const), g }) },
    ...(o.deleteGroup
      ? [{ weight: 1, arbitrary: fc.record({ op: fc.constant('deleteGroup' as const), g }) }]
      : []),
    { weight: 3, arbitrary: fc.record({ op: fc.constant('addMember' as const), g, u }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('removeMember' as const), g, u }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('assignUser' as const),
        u,
        on: fc.constantFrom(true, true, false),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('assignGroup' as const),
        g,
        on: fc.constantFrom(...o.assignGroupValues),
      }),
    },
    { weight: 4, arbitrary: fc.constant({ op: 'cycle' as const }) },
  ];
}

/** A populated start: every user and group created, some members and assignments, one cycle. */
export function setupCommands(o: { users: number; groups: number; maxMembers: number }) {
  const u = fc.integer({ min: 0, max: o.users - 1 });
  const dept = fc.constantFrom(0, 0, 0, 1);
  const g = fc.integer({ min: 0, max: o.groups - 1 });
  return fc
    .tuple(
      fc.array(dept, { minLength: o.users, maxLength: o.users }),
      fc.array(fc.tuple(g, u), { maxLength: o.maxMembers }),
      fc.subarray([...Array(o.users).keys()]),
      fc.subarray([...Array(o.groups).keys()]),
    )
    .map(([depts, members, users, groups]): DirectoryCommand[] => [
      ...depts.map((d, i): DirectoryCommand => ({ op: 'createUser', u: i, dept: d, title: 0 })),
      ...[...Array(o.groups).keys()].map((i): DirectoryCommand => ({ op: 'createGroup', g: i })),
      ...members.map(([gi, ui]): DirectoryCommand => ({ op: 'addMember', g: gi, u: ui })),
      ...users.map((ui): DirectoryCommand => ({ op: 'assignUser', u: ui, on: true })),
      ...groups.map((gi): DirectoryCommand => ({ op: 'assignGroup', g: gi, on: true })),
      { op: 'cycle' },
    ]);
}

/**
 * Applies a directory command to the directory and the model together. `cycle` is the test's own
 * (it knows its engine and clock), so it is left to the caller.
 */
export async function applyDirectoryCommand(
  d: DirectoryStore,
  appId: string,
  model: Model,
  c: Exclude<DirectoryCommand, { op: 'cycle' }>,
): Promise<void> {
  switch (c.op) {
    case 'createUser': {
      if (model.users.has(c.u)) return;
      const created = await d.create('User', {
        userName: userName(c.u),
        displayName: `User ${c.u}`,
        title: `T${c.title}`,
        active: true,
        [ENTERPRISE]: { department: DEPARTMENTS[c.dept]! },
      });
      model.users.set(c.u, { id: created.id, dept: c.dept, title: c.title, active: true });
      return;
    }
    case 'deleteUser': {
      const user = model.users.get(c.u);
      if (!user) return;
      await d.delete('User', user.id);
      model.users.delete(c.u);
      model.assignedUsers.delete(c.u);
      for (const group of model.groups.values()) group.members.delete(c.u);
      return;
    }
    case 'setDept':
    case 'setTitle':
    case 'setActive': {
      const user = model.users.get(c.u);
      if (!user) return;
      if (c.op === 'setDept') {
        await d.patch('User', user.id, [
          { op: 'replace', path: `${ENTERPRISE}:department`, value: DEPARTMENTS[c.dept] },
        ]);
        user.dept = c.dept;
      } else if (c.op === 'setTitle') {
        await d.patch('User', user.id, [{ op: 'replace', path: 'title', value: `T${c.title}` }]);
        user.title = c.title;
      } else {
        await d.patch('User', user.id, [{ op: 'replace', path: 'active', value: c.active }]);
        user.active = c.active;
      }
      return;
    }
    case 'createGroup': {
      if (model.groups.has(c.g)) return;
      const created = await d.create('Group', { displayName: `Group ${c.g}` });
      model.groups.set(c.g, { id: created.id, members: new Set() });
      return;
    }
    case 'deleteGroup': {
      const group = model.groups.get(c.g);
      if (!group) return;
      await d.delete('Group', group.id);
      model.groups.delete(c.g);
      model.assignedGroups.delete(c.g);
      return;
    }
    case 'addMember':
    case 'removeMember': {
      const group = model.groups.get(c.g);
      const user = model.users.get(c.u);
      if (!group || !user) return;
      if (c.op === 'addMember') {
        await d.patch('Group', group.id, [
          { op: 'add', path: 'members', value: [{ value: user.id, type: 'User' }] },
        ]);
        group.members.add(c.u);
      } else {
        await d.patch('Group', group.id, [{ op: 'remove', path: `members[value eq "${user.id}"]` }]);
        group.members.delete(c.u);
      }
      return;
    }
    case 'assignUser': {
      const user = model.users.get(c.u);
      if (!user) return;
      if (c.on) {
        await d.assign(appId, 'User', user.id);
        model.assignedUsers.add(c.u);
      } else {
        await d.unassign(appId, 'User', user.id);
        model.assignedUsers.delete(c.u);
      }
      return;
    }
    case 'assignGroup': {
      const group = model.groups.get(c.g);
      if (!group) return;
      if (c.on) {
        await d.assign(appId, 'Group', group.id);
        model.assignedGroups.add(c.g);
      } else {
        await d.unassign(appId, 'Group', group.id);
        model.assignedGroups.delete(c.g);
      }
      return;
    }
  }
}

/** The accounts the target must hold enabled, by user name, with their mapped values. */
export function expectedUsers(model: Model): Map<string, { title: string; dept: string }> {
  const expected = new Map<string, { title: string; dept: string }>();
  for (const [i, user] of model.users) {
    const throughGroup = [...model.assignedGroups].some((gi) => model.groups.get(gi)?.members.has(i));
    const assigned = model.assignedUsers.has(i) || throughGroup;
    if (assigned && user.active && DEPARTMENTS[user.dept] === 'Sales') {
      expected.set(userName(i), { title: `T${user.title}`, dept: DEPARTMENTS[user.dept]! });
    }
  }
  return expected;
}

/** An account as read back from a target. `enabled` is kept as the target states it. */
export interface TargetAccount {
  id: string;
  userName: string;
  enabled: boolean | undefined;
  title: unknown;
  department: unknown;
}

/** A group as read back from a target; `members` as the target answers them, in its order. */
export interface TargetGroup {
  displayName: string;
  enabled: boolean | undefined;
  members: unknown;
}

/**
 * With `delete`, the target holds exactly the projection. With `disable`, the enabled accounts are
 * exactly the projection and every disabled one belongs to a user or group out of scope.
 */
export function checkProjection(
  target: { users: TargetAccount[]; groups: TargetGroup[] },
  model: Model,
  mode: 'delete' | 'disable',
): void {
  const expected = expectedUsers(model);
  const all = target.users;
  const allNames = all.map((x) => x.userName);
  expect(new Set(allNames).size, 'no duplicate accounts').toBe(allNames.length);
  const users = all.filter((x) => x.enabled !== false);
  if (mode === 'delete') expect(users).toHaveLength(all.length);
  for (const name of allNames) if (!expected.has(name)) expect(mode, `stale account ${name}`).toBe('disable');
  expect(users.map((x) => x.userName).sort()).toEqual([...expected.keys()].sort());
  const idByName = new Map<string, string>();
  for (const user of users) {
    const name = user.userName;
    idByName.set(name, user.id);
    const want = expected.get(name)!;
    expect(user.title, `${name} title`).toBe(want.title);
    expect(user.department, `${name} department`).toBe(want.dept);
    expect(user.enabled, `${name} enabled`).toBe(true);
  }
  const allGroups = target.groups;
  const groupNames = allGroups.map((x) => x.displayName);
  expect(new Set(groupNames).size, 'no duplicate groups').toBe(groupNames.length);
  const groups = allGroups.filter((x) => x.enabled !== false);
  const expectedGroups = [...model.assignedGroups]
    .filter((gi) => model.groups.has(gi))
    .map((gi) => `Group ${gi}`);
  expect(groups.map((x) => x.displayName).sort()).toEqual(expectedGroups.sort());
  for (const group of groups) {
    const gi = Number(group.displayName.slice('Group '.length));
    const members = [...model.groups.get(gi)!.members]
      .map((i) => idByName.get(userName(i)))
      .filter((id): id is string => id !== undefined)
      .sort();
    expect(group.members, `members of ${group.displayName}`).toEqual(members);
  }
}
