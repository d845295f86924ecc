/**
 * Model-based convergence: random directory changes (users, groups, memberships, assignments,
 * attribute changes that move users in and out of the scoping filter) interleaved with cycles,
 * on-demand runs and injected connector faults (failures, lost answers, throttling). Once the
 * faults stop and a cycle completes, the target must hold exactly the projection of the
 * directory: every in-scope user and assigned group, with the mapped values and members, and
 * nothing missing, duplicated or stale.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Harness } from './support/engine-harness.js';
import { ENTERPRISE, openHarness } from './support/engine-harness.js';

const USERS = 6;
const GROUPS = 3;
const DEPARTMENTS = ['Sales', 'Engineering'] as const;

type Command =
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
  | { op: 'cycle' }
  | { op: 'provision'; u: number }
  | {
      op: 'fault';
      kind: 'unavailable' | 'timeout' | 'throttled' | 'lose' | 'schema_violation';
      rate: number;
    };

const u = fc.integer({ min: 0, max: USERS - 1 });
/** Mostly Sales, so most users are in the scoping filter's scope. */
const dept = fc.constantFrom(0, 0, 0, 1);
const g = fc.integer({ min: 0, max: GROUPS - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('createUser' as const),
      u,
      dept,
      title: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteUser' as const), u }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setDept' as const), u, dept }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('setTitle' as const), u, title: fc.integer({ min: 0, max: 2 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('setActive' as const),
      u,
      active: fc.constantFrom(true, true, false),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('createGroup' as const), g }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteGroup' as const), g }) },
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
      on: fc.constantFrom(true, true, false),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ op: 'cycle' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('provision' as const), u }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('fault' as const),
      kind: fc.constantFrom(
        'unavailable' as const,
        'timeout' as const,
        'throttled' as const,
        'lose' as const,
        'schema_violation' as const,
      ),
      rate: fc.constantFrom(0, 0.3, 0.7, 1),
    }),
  },
);

/** The directory as the test knows it. */
interface Model {
  users: Map<number, { id: string; dept: number; title: number; active: boolean }>;
  groups: Map<number, { id: string; members: Set<number> }>;
  assignedUsers: Set<number>;
  assignedGroups: Set<number>;
}

const userName = (i: number) => `user${i}@example.com`;

async function apply(h: Harness, model: Model, c: Command): Promise<void> {
  const d = h.directory;
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
        await d.assign(h.appId, 'User', user.id);
        model.assignedUsers.add(c.u);
      } else {
        await d.unassign(h.appId, 'User', user.id);
        model.assignedUsers.delete(c.u);
      }
      return;
    }
    case 'assignGroup': {
      const group = model.groups.get(c.g);
      if (!group) return;
      if (c.on) {
        await d.assign(h.appId, 'Group', group.id);
        model.assignedGroups.add(c.g);
      } else {
        await d.unassign(h.appId, 'Group', group.id);
        model.assignedGroups.delete(c.g);
      }
      return;
    }
    case 'cycle':
      h.clock.advance(30_000);
      await h.engine.sync(h.app);
      return;
    case 'provision': {
      const user = model.users.get(c.u);
      if (user) await h.engine.provisionUser(h.app, user.id);
      return;
    }
    case 'fault': {
      h.target.faults.clear();
      if (c.rate === 0) return;
      if (c.kind === 'lose')
        h.target.faults.loseAnswers(3, { operations: ['create', 'update', 'addMembers'] });
      else
        h.target.faults.failRate(c.rate, {
          code: c.kind,
          ...(c.kind === 'throttled' ? { retryAfterMs: 50 } : {}),
        });
      return;
    }
  }
}

function expectedUsers(model: Model): Map<string, { title: string; dept: string }> {
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

/**
 * With `delete`, the target holds exactly the projection. With `disable`, the enabled accounts are
 * exactly the projection and every disabled one belongs to a user or group out of scope.
 */
function checkProjection(h: Harness, model: Model, mode: 'delete' | 'disable'): void {
  const expected = expectedUsers(model);
  const all = h.target.objects('User');
  const allNames = all.map((x) => String(x.attributes.userName));
  expect(new Set(allNames).size, 'no duplicate accounts').toBe(allNames.length);
  const users = all.filter((x) => x.enabled !== false);
  if (mode === 'delete') expect(users).toHaveLength(all.length);
  for (const name of allNames) if (!expected.has(name)) expect(mode, `stale account ${name}`).toBe('disable');
  const names = users.map((x) => String(x.attributes.userName));
  expect(names.sort()).toEqual([...expected.keys()].sort());
  const idByName = new Map<string, string>();
  for (const user of users) {
    const name = String(user.attributes.userName);
    idByName.set(name, user.id);
    const want = expected.get(name)!;
    expect(user.attributes.title, `${name} title`).toBe(want.title);
    expect(user.attributes[`${ENTERPRISE}:department`]).toBe(want.dept);
    expect(user.enabled).toBe(true);
  }
  const allGroups = h.target.objects('Group');
  const groupNames = allGroups.map((x) => String(x.attributes.displayName));
  expect(new Set(groupNames).size, 'no duplicate groups').toBe(groupNames.length);
  const groups = allGroups.filter((x) => x.enabled !== false);
  const expectedGroups = [...model.assignedGroups]
    .filter((gi) => model.groups.has(gi))
    .map((gi) => `Group ${gi}`);
  expect(groups.map((x) => String(x.attributes.displayName)).sort()).toEqual(expectedGroups.sort());
  for (const group of groups) {
    const gi = Number(String(group.attributes.displayName).slice('Group '.length));
    const members = [...model.groups.get(gi)!.members]
      .map((i) => idByName.get(userName(i)))
      .filter((id): id is string => id !== undefined)
      .sort();
    expect(group.members, `members of ${String(group.attributes.displayName)}`).toEqual(members);
  }
}

/** A populated start: every user and group created, some members and assignments, one cycle. */
const setup: fc.Arbitrary<Command[]> = fc
  .tuple(
    fc.array(dept, { minLength: USERS, maxLength: USERS }),
    fc.array(fc.tuple(g, u), { maxLength: 10 }),
    fc.subarray([...Array(USERS).keys()]),
    fc.subarray([...Array(GROUPS).keys()]),
  )
  .map(([depts, members, users, groups]) => [
    ...depts.map((d, i): Command => ({ op: 'createUser', u: i, dept: d, title: 0 })),
    ...[...Array(GROUPS).keys()].map((i): Command => ({ op: 'createGroup', g: i })),
    ...members.map(([gi, ui]): Command => ({ op: 'addMember', g: gi, u: ui })),
    ...users.map((ui): Command => ({ op: 'assignUser', u: ui, on: true })),
    ...groups.map((gi): Command => ({ op: 'assignGroup', g: gi, on: true })),
    { op: 'cycle' },
  ]);

describe('convergence', () => {
  it.each(['delete', 'disable'] as const)(
    'deprovisioning by %s: after faults stop and one cycle completes, the target is exactly the projection of the directory',
    async (mode) => {
      await fc.assert(
        fc.asyncProperty(
          setup,
          fc.array(command, { minLength: 5, maxLength: 30 }),
          async (start, changes) => {
            const commands = [...start, ...changes];
            const h = await openHarness({
              settings: { scope: 'assigned', deprovisionAction: mode, deletionThreshold: { count: 10_000 } },
              user: {
                scope: {
                  filters: [{ clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] }],
                },
              },
            });
            try {
              const model: Model = {
                users: new Map(),
                groups: new Map(),
                assignedUsers: new Set(),
                assignedGroups: new Set(),
              };
              for (const c of commands) await apply(h, model, c);
              h.target.faults.clear();
              // Past every escrow and quarantine interval.
              h.clock.advance(25 * 60 * 60_000);
              const report = await h.engine.sync(h.app);
              expect(report.status).toBe('completed');
              checkProjection(h, model, mode);
              // And it stays there: a further cycle sends nothing.
              h.target.resetCounters();
              await h.engine.sync(h.app);
              const writes = [
                'create',
                'update',
                'delete',
                'setEnabled',
                'addMembers',
                'removeMembers',
              ] as const;
              expect(writes.reduce((n, op) => n + h.target.calls(op), 0)).toBe(0);
            } finally {
              await h.close();
            }
          },
        ),
        { numRuns: 30, seed: Number(process.env.CONVERGENCE_SEED ?? 20261207), endOnFailure: true },
      );
    },
    120_000,
  );
});
