/**
 * Directory -> engine -> REST API and back, over real HTTP: users, groups and memberships land in
 * the test API; an account the API already holds is adopted by its userName instead of duplicated;
 * a 503 and a 429 with Retry-After are retried; an unassigned user is disabled, a deleted one
 * deleted (and gone from its groups); a group, which has no enabled flag, is deleted only when the
 * app allows it. Members go through the member endpoints, or (membership:
 * array) as the group's members array in its create and PATCH. A member removed from a group
 * after the API lost the user (404 on its member DELETE) leaves the group linked, with no churn.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/shared/json.js';
import { createBuiltinRegistry } from '../../src/connectors/builtin-kinds.js';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import { createGroup, createUser } from '../engine/support/engine-harness.js';
import { allowGroupActions, provisionUserInGroup } from '../support/group-scenario.js';
import { connectorEngine } from '../support/connector-engine.js';
import { provisioningApp } from '../support/provisioning-app.js';
import { startRestApi, type RestApi } from '../support/rest-api/rest-api.js';
import { restSettingsFor } from '../support/rest-api/rest-app-settings.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openEngine(
  api: RestApi,
  membership: 'operations' | 'array' = 'operations',
  edit: (settings: { objects: Record<string, { operations: Record<string, unknown> }> }) => void = () => {},
) {
  const settings = restSettingsFor(api.url, { membership }) as JsonObject;
  edit(settings as unknown as Parameters<typeof edit>[0]);
  const definition: AppDefinition = provisioningApp({
    name: 'rest-e2e',
    connector: { kind: 'rest', settings, credentials: {} },
    user: [
      { target: 'userName', source: 'userName', matchingPrecedence: 1 },
      { target: 'displayName', source: 'displayName' },
      { target: 'title', source: 'title' },
      { target: 'work.email', source: 'emails[type eq "work"].value' },
    ],
    group: [
      { target: 'displayName', source: 'displayName', matchingPrecedence: 1 },
      { target: 'members', source: 'members' },
    ],
    settings: { scope: 'assigned' },
  });
  const connector = await createBuiltinRegistry().open(
    { kind: 'rest', settings },
    { credentials: { token: api.token } },
  );
  const h = await connectorEngine({ definition, connector, seed: 5 });
  cleanups.push(() => h.close());
  return h;
}

describe('REST connector through the engine', () => {
  it('provisions users, groups and members, adopts an existing account, retries, disables and deletes', async () => {
    const api = await startRestApi();
    cleanups.push(() => api.close());
    api.store.add('users', { userName: 'carol@example.com', title: 'Old title', active: true }, 'legacy-7');
    const h = await openEngine(api);
    const alice = await createUser(h.directory, { userName: 'alice@example.com', title: 'Engineer' });
    const carol = await createUser(h.directory, { userName: 'carol@example.com', title: 'Manager' });
    await createUser(h.directory, { userName: 'bob@example.com' });
    const dave = await createUser(h.directory, { userName: 'dave@example.com' });
    const group = await createGroup(h.directory, 'Engineering', [{ id: alice }, { id: carol }]);
    for (const user of [alice, carol, dave]) await h.directory.assign(h.appId, 'User', user);
    await h.directory.assign(h.appId, 'Group', group);
    // Retryable failures on the way: the engine waits and sends again.
    api.faults.push({ method: 'POST', path: /^\/users$/u, status: 503, times: 1 });
    api.faults.push({ method: 'POST', path: /^\/users$/u, status: 429, retryAfter: '0', times: 1 });

    const first = await h.engine.sync(h.app);
    expect(first.status).toBe('completed');
    expect(api.faults.every((f) => f.times === 0)).toBe(true);
    const users = [...api.store.objects.users.values()].sort((a, b) =>
      String(a.userName).localeCompare(String(b.userName)),
    );
    expect(
      users.map((u) => [
        u.userName,
        u.title ?? null,
        u.active,
        (u.work as { email?: string } | undefined)?.email,
      ]),
    ).toEqual([
      ['alice@example.com', 'Engineer', true, 'alice@example.com'],
      ['carol@example.com', 'Manager', true, 'carol@example.com'],
      ['dave@example.com', null, true, 'dave@example.com'],
    ]);
    expect(users.find((u) => u.userName === 'carol@example.com')!.id).toBe('legacy-7');
    const groups = [...api.store.objects.groups.values()];
    expect(groups.map((g) => g.displayName)).toEqual(['Engineering']);
    const aliceId = users.find((u) => u.userName === 'alice@example.com')!.id;
    expect([...(groups[0]!.members as string[])].sort()).toEqual([aliceId, 'legacy-7'].sort());

    // A change reaches the API as a PATCH of just that attribute.
    await h.directory.patch('User', alice, [{ op: 'replace', path: 'title', value: 'Lead' }]);
    api.requests.clear();
    await h.engine.sync(h.app);
    expect(api.store.objects.users.get(aliceId)!.title).toBe('Lead');
    expect(api.requests.get('PATCH /users')).toBe(1);

    // Unassigned: deprovisionAction disable sets active to false.
    await h.directory.unassign(h.appId, 'User', dave);
    await h.engine.sync(h.app);
    const daveObject = [...api.store.objects.users.values()].find((u) => u.userName === 'dave@example.com')!;
    expect(daveObject.active).toBe(false);

    // With deprovisionAction delete, a user deleted in the directory is deleted, and leaves its group.
    await h.redefine((d) => ({ ...d, settings: { ...d.settings, deprovisionAction: 'delete' } }));
    await h.directory.delete('User', carol);
    const last = await h.engine.sync(h.app);
    expect(last.status).toBe('completed');
    expect(api.store.objects.users.has('legacy-7')).toBe(false);
    expect(api.store.objects.groups.get(groups[0]!.id)!.members).toEqual([aliceId]);
  });

  it('a group, which has no enabled flag, is deprovisioned as the app says while a user is disabled', async () => {
    const api = await startRestApi();
    cleanups.push(() => api.close());
    const h = await openEngine(api);
    // Groups may be created and updated but not deleted: out of scope, one is left as it is.
    await allowGroupActions(h, ['create', 'update']);
    const { user: alice, group, groupTargetId: groupId } = await provisionUserInGroup(h);

    await h.directory.unassign(h.appId, 'User', alice);
    await h.directory.unassign(h.appId, 'Group', group);
    const kept = await h.engine.sync(h.app);
    expect(kept.summary).toMatchObject({ disable: 1, delete: 0, failure: 0 });
    expect([...api.store.objects.users.values()].map((u) => u.active)).toEqual([false]);
    expect(api.store.objects.groups.has(groupId)).toBe(true);

    // With delete allowed, a full cycle deletes the group and its link goes.
    await allowGroupActions(h, ['create', 'update', 'delete']);
    const deleted = await h.engine.sync(h.app, { restart: true });
    expect(deleted.summary).toMatchObject({ delete: 1, failure: 0 });
    expect(api.store.objects.groups.size).toBe(0);
    expect(await h.state.getLink(h.appId, 'Group', group)).toBeUndefined();
  });

  it('writes members as the group array: create with members, PATCH of the whole list on a change', async () => {
    const api = await startRestApi();
    cleanups.push(() => api.close());
    const h = await openEngine(api, 'array');
    const alice = await createUser(h.directory, { userName: 'alice@example.com' });
    const bob = await createUser(h.directory, { userName: 'bob@example.com' });
    const group = await createGroup(h.directory, 'Sales', [{ id: alice }]);
    for (const user of [alice, bob]) await h.directory.assign(h.appId, 'User', user);
    await h.directory.assign(h.appId, 'Group', group);
    api.log = [];
    expect((await h.engine.sync(h.app)).status).toBe('completed');
    const idOf = (userName: string) =>
      [...api.store.objects.users.values()].find((u) => u.userName === userName)!.id;
    const [sales] = [...api.store.objects.groups.values()];
    expect(sales!.members).toEqual([idOf('alice@example.com')]);
    expect(api.log.some((line) => line.includes('/members'))).toBe(false);

    await h.directory.patch('Group', group, [{ op: 'add', path: 'members', value: [{ value: bob }] }]);
    api.requests.clear();
    expect((await h.engine.sync(h.app)).status).toBe('completed');
    expect(api.requests.get('PATCH /groups')).toBe(1);
    expect([...(api.store.objects.groups.get(sales!.id)!.members as string[])].sort()).toEqual(
      [idOf('alice@example.com'), idOf('bob@example.com')].sort(),
    );

    await h.directory.patch('Group', group, [{ op: 'remove', path: `members[value eq "${alice}"]` }]);
    expect((await h.engine.sync(h.app)).status).toBe('completed');
    expect(api.store.objects.groups.get(sales!.id)!.members).toEqual([idOf('bob@example.com')]);
    api.log = undefined;
  });

  it('removing a member whose user the API already deleted keeps the group linked: no group create or match after', async () => {
    const api = await startRestApi();
    cleanups.push(() => api.close());
    const h = await openEngine(api);
    const alice = await createUser(h.directory, { userName: 'alice@example.com' });
    const bob = await createUser(h.directory, { userName: 'bob@example.com' });
    const group = await createGroup(h.directory, 'Team', [{ id: alice }, { id: bob }]);
    for (const user of [alice, bob]) await h.directory.assign(h.appId, 'User', user);
    await h.directory.assign(h.appId, 'Group', group);
    expect((await h.engine.sync(h.app)).status).toBe('completed');
    const link = await h.state.getLink(h.appId, 'Group', group);
    const bobId = (await h.state.getLink(h.appId, 'User', bob))!.targetId;
    const aliceId = (await h.state.getLink(h.appId, 'User', alice))!.targetId;
    expect([...(api.store.objects.groups.get(link!.targetId)!.members as string[])].sort()).toEqual(
      [aliceId, bobId].sort(),
    );

    // Bob is deleted in the API by hand (and so leaves its groups); then he leaves the group here.
    api.store.remove('users', bobId);
    await h.directory.patch('Group', group, [{ op: 'remove', path: `members[value eq "${bob}"]` }]);
    api.log = [];
    const removal = await h.engine.sync(h.app);
    expect(removal.status).toBe('completed');
    expect(removal.summary).toMatchObject({ update: 1, create: 0, failure: 0 });
    // The removal was answered 404 and the group read back: the member was already absent. The
    // group was neither taken for gone nor looked up again by its displayName to be re-matched.
    expect(api.log).toEqual([
      `DELETE /groups/${link!.targetId}/members/${bobId}`,
      `GET /groups/${link!.targetId}`,
    ]);
    expect(await h.state.getLink(h.appId, 'Group', group)).toMatchObject({ targetId: link!.targetId });

    api.log = [];
    const next = await h.engine.sync(h.app);
    expect(next.status).toBe('completed');
    expect(next.summary).toMatchObject({ create: 0, failure: 0 });
    // Neither created again nor looked up by its displayName to be matched.
    expect(
      api.log.filter((line) => line.startsWith('POST /groups') || line.startsWith('GET /groups?')),
    ).toEqual([]);
    expect(await h.state.getLink(h.appId, 'Group', group)).toMatchObject({ targetId: link!.targetId });
    expect([...api.store.objects.groups.keys()]).toEqual([link!.targetId]);
    expect(api.store.objects.groups.get(link!.targetId)!.members).toEqual([aliceId]);
    api.log = undefined;
  });
  it('matches users by their find and groups, which have none, through their links only', async () => {
    const api = await startRestApi();
    cleanups.push(() => api.close());
    api.store.add('users', { userName: 'carol@example.com', active: true }, 'legacy-7');
    api.store.add('groups', { displayName: 'Sales' }, 'legacy-g');
    // An API without a search on groups: Group configures no find, User keeps its own.
    const h = await openEngine(api, 'operations', (settings) => {
      delete settings.objects.Group!.operations.find;
    });
    const carol = await createUser(h.directory, { userName: 'carol@example.com' });
    const sales = await createGroup(h.directory, 'Sales', [{ id: carol }]);
    const support = await createGroup(h.directory, 'Support', [{ id: carol }]);
    await h.directory.assign(h.appId, 'User', carol);
    for (const group of [sales, support]) await h.directory.assign(h.appId, 'Group', group);
    api.log = [];
    const first = await h.engine.sync(h.app);
    // Carol was found by her userName and adopted. The groups were never searched for: Support was
    // created, and Sales, which the API already holds, met the API's refusal of a second Sales.
    expect(first.summary).toMatchObject({ failure: 1 });
    expect(api.log.filter((line) => line.startsWith('GET /users?userName='))).toHaveLength(1);
    expect(api.log.filter((line) => line.startsWith('GET /groups?'))).toEqual([]);
    expect(api.log.filter((line) => line === 'POST /groups')).toHaveLength(2);
    expect(await h.state.getLink(h.appId, 'User', carol)).toMatchObject({ targetId: 'legacy-7' });
    expect(await h.state.getLink(h.appId, 'Group', sales)).toBeUndefined();
    const link = await h.state.getLink(h.appId, 'Group', support);
    expect(api.store.objects.groups.get(link!.targetId)).toMatchObject({
      displayName: 'Support',
      members: ['legacy-7'],
    });
    expect([...api.store.objects.groups.keys()].sort()).toEqual([link!.targetId, 'legacy-g'].sort());
    api.log = undefined;
  });
});
