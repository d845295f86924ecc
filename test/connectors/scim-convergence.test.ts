/**
 * The engine's model-based convergence test over the SCIM connector, against the SCIM test target
 * over real HTTP with random faults on (throttling with Retry-After, 500, 503, resets, writes that
 * succeed but answer 500, no answer at all): random directory changes interleaved with cycles and
 * fault switches. Once the faults stop and a cycle completes, the target holds exactly the
 * projection of the directory, with no duplicate account, and one more cycle sends nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileApp } from '../../src/engine/apps/compile-app.js';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import { createEngineService } from '../../src/engine/cycle/create-engine-service.js';
import { ConnectorRegistry, type Connector } from '../../src/connectors/spi/index.js';
import { scimConnector } from '../../src/connectors/scim/index.js';
import type { JsonObject } from '../../src/shared/json.js';
import { appDefinition, mulberry, TestClock, ENTERPRISE } from '../engine/support/engine-harness.js';
import { openTestState } from '../engine/support/open-test-state.js';
import { startScimTarget, type FaultKind, type ScimTarget } from '../support/scim-target/index.js';

const USERS = 5;
const GROUPS = 2;
const DEPARTMENTS = ['Sales', 'Engineering'] as const;

type Command =
  | { op: 'createUser'; u: number; dept: number; title: number }
  | { op: 'deleteUser'; u: number }
  | { op: 'setDept'; u: number; dept: number }
  | { op: 'setTitle'; u: number; title: number }
  | { op: 'setActive'; u: number; active: boolean }
  | { op: 'createGroup'; g: number }
  | { op: 'addMember'; g: number; u: number }
  | { op: 'removeMember'; g: number; u: number }
  | { op: 'assignUser'; u: number; on: boolean }
  | { op: 'assignGroup'; g: number; on: boolean }
  | { op: 'cycle' }
  | { op: 'faults'; kinds: FaultKind[]; rate: number };

const u = fc.integer({ min: 0, max: USERS - 1 });
const g = fc.integer({ min: 0, max: GROUPS - 1 });
const dept = fc.constantFrom(0, 0, 0, 1);
const title = fc.integer({ min: 0, max: 2 });
const faultKinds = fc.subarray(
  ['throttle', 'error500', 'error503', 'reset', 'lostAnswer', 'timeout'] as FaultKind[],
  {
    minLength: 1,
  },
);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('createUser' as const), u, dept, title }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteUser' as const), u }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setDept' as const), u, dept }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('setTitle' as const), u, title }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('setActive' as const), u, active: fc.constantFrom(true, false) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('createGroup' as const), g }) },
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
    arbitrary: fc.record({ op: fc.constant('assignGroup' as const), g, on: fc.constantFrom(true, false) }),
  },
  { weight: 4, arbitrary: fc.constant({ op: 'cycle' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('faults' as const),
      kinds: faultKinds,
      rate: fc.constantFrom(0, 0.2, 0.5),
    }),
  },
);

interface Model {
  users: Map<number, { id: string; dept: number; title: number; active: boolean }>;
  groups: Map<number, { id: string; members: Set<number> }>;
  assignedUsers: Set<number>;
  assignedGroups: Set<number>;
}

interface World {
  directory: Awaited<ReturnType<typeof openTestState>>['directory'];
  engine: ReturnType<typeof createEngineService>;
  clock: TestClock;
  target: ScimTarget;
  appId: string;
  app: string;
}

const userName = (i: number) => `user${i}@example.com`;

async function apply(w: World, model: Model, c: Command): Promise<void> {
  const d = w.directory;
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
      if (c.on) await d.assign(w.appId, 'User', user.id);
      else await d.unassign(w.appId, 'User', user.id);
      if (c.on) model.assignedUsers.add(c.u);
      else model.assignedUsers.delete(c.u);
      return;
    }
    case 'assignGroup': {
      const group = model.groups.get(c.g);
      if (!group) return;
      if (c.on) await d.assign(w.appId, 'Group', group.id);
      else await d.unassign(w.appId, 'Group', group.id);
      if (c.on) model.assignedGroups.add(c.g);
      else model.assignedGroups.delete(c.g);
      return;
    }
    case 'cycle':
      w.clock.advance(30_000);
      await w.engine.sync(w.app);
      return;
    case 'faults':
      w.target.faults.clear();
      for (const kind of c.kinds) w.target.faults.add({ kind, rate: c.rate, retryAfterSeconds: 1 });
      return;
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

/** The target, as the test target holds it, against the projection of the model. */
function checkProjection(target: ScimTarget, model: Model, mode: 'delete' | 'disable'): void {
  const expected = expectedUsers(model);
  const all = target.resources('User');
  const allNames = all.map((x) => String(x.userName));
  expect(new Set(allNames).size, 'no duplicate accounts').toBe(allNames.length);
  const enabled = all.filter((x) => x.active !== false);
  if (mode === 'delete') expect(enabled).toHaveLength(all.length);
  for (const name of allNames) if (!expected.has(name)) expect(mode, `stale account ${name}`).toBe('disable');
  expect(enabled.map((x) => String(x.userName)).sort()).toEqual([...expected.keys()].sort());
  const idByName = new Map<string, string>();
  for (const user of enabled) {
    const name = String(user.userName);
    idByName.set(name, String(user.id));
    const want = expected.get(name)!;
    expect(user.title, `${name} title`).toBe(want.title);
    expect((user[ENTERPRISE] as JsonObject | undefined)?.department, `${name} department`).toBe(want.dept);
  }
  const groups = target.resources('Group');
  const groupNames = groups.map((x) => String(x.displayName));
  expect(new Set(groupNames).size, 'no duplicate groups').toBe(groupNames.length);
  const expectedGroups = [...model.assignedGroups]
    .filter((gi) => model.groups.has(gi))
    .map((gi) => `Group ${gi}`);
  expect(groupNames.sort()).toEqual(expectedGroups.sort());
  for (const group of groups) {
    const gi = Number(String(group.displayName).slice('Group '.length));
    const want = [...model.groups.get(gi)!.members]
      .map((i) => idByName.get(userName(i)))
      .filter((id): id is string => id !== undefined)
      .sort();
    const held = (Array.isArray(group.members) ? group.members : [])
      .map((m) => String((m as JsonObject).value))
      .sort();
    expect(held, `members of ${String(group.displayName)}`).toEqual(want);
  }
}

const setup: fc.Arbitrary<Command[]> = fc
  .tuple(
    fc.array(dept, { minLength: USERS, maxLength: USERS }),
    fc.array(fc.tuple(g, u), { maxLength: 6 }),
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

async function openWorld(
  mode: 'delete' | 'disable',
  seed: number,
): Promise<World & { close(): Promise<void> }> {
  const target = await startScimTarget({ seed });
  const opened = await openTestState();
  const registry = new ConnectorRegistry().register(scimConnector);
  const connector: Connector = await registry.open(
    {
      kind: 'scim',
      settings: { baseUrl: target.url, profile: 'provisio', timeouts: { connectMs: 1000, requestMs: 250 } },
    },
    { credentials: { token: 'target-token' } },
  );
  const clock = new TestClock();
  const base = appDefinition({
    settings: { scope: 'assigned', deprovisionAction: mode, deletionThreshold: { count: 10_000 } },
    user: {
      scope: { filters: [{ clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] }] },
    },
  });
  const definition: AppDefinition = {
    ...base,
    connector: { kind: 'scim', settings: { baseUrl: target.url }, credentials: {} },
  };
  let stored = await opened.state.putApp({ definition, sealedCredentials: null, fullSyncRequired: true });
  const compiled = compileApp(definition);
  if (!compiled.ok) throw new Error(compiled.issues.map((i) => i.message).join('\n'));
  const engine = createEngineService({
    directory: opened.directory,
    state: opened.state,
    loadApp: async () => {
      stored = (await opened.state.getApp(definition.name)) ?? stored;
      return { stored, compiled: compiled.app, connector };
    },
    clock,
    random: mulberry(seed),
    retry: { baseDelayMs: 1, maxDelayMs: 1_000, escrowBaseMs: 1_000, escrowMaxMs: 10_000 },
    holder: 'worker-1',
  });
  return {
    directory: opened.directory,
    engine,
    clock,
    target,
    appId: stored.id,
    app: definition.name,
    close: async () => {
      await connector.close?.();
      await target.close();
      await opened.close();
    },
  };
}

describe('convergence over SCIM, with HTTP faults', () => {
  it.each(['delete', 'disable'] as const)(
    'deprovisioning by %s: once faults stop and a cycle completes, the target is exactly the projection',
    async (mode) => {
      let run = 0;
      let injected = 0;
      await fc.assert(
        fc.asyncProperty(
          setup,
          fc.array(command, { minLength: 5, maxLength: 20 }),
          async (start, changes) => {
            const w = await openWorld(mode, ++run);
            try {
              const model: Model = {
                users: new Map(),
                groups: new Map(),
                assignedUsers: new Set(),
                assignedGroups: new Set(),
              };
              for (const c of [...start, ...changes]) await apply(w, model, c);
              w.target.faults.clear();
              w.clock.advance(25 * 60 * 60_000); // past every escrow and quarantine interval
              const report = await w.engine.sync(w.app);
              const refused = w.target.log
                .filter((r) => r.status >= 400)
                .map((r) => `${r.method} ${r.path} ${r.status}`);
              expect(report.status, `${JSON.stringify(report)}\nrefused: ${refused.join(', ')}`).toBe(
                'completed',
              );
              checkProjection(w.target, model, mode);
              const before = w.target.log.length;
              await w.engine.sync(w.app);
              const writes = w.target.log.slice(before).filter((r) => r.method !== 'GET');
              expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
            } finally {
              for (const count of w.target.faults.injected.values()) injected += count;
              await w.close();
            }
          },
        ),
        {
          numRuns: Number(process.env.SCIM_CONVERGENCE_RUNS ?? 12),
          seed: Number(process.env.CONVERGENCE_SEED ?? 20261207),
          endOnFailure: true,
        },
      );
      // The runs went through faults, not around them.
      expect(injected).toBeGreaterThan(0);
    },
    240_000,
  );
});
