/**
 * Directory -> engine -> SCIM test target over real HTTP, on deprovisioning: a user out of scope
 * is disabled (PATCH active false), while a group, which has no `active` in the SCIM core schema,
 * is deprovisioned as the app's actions say: left in the target without `delete`, deleted (and
 * its link gone) with it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import { allowGroupActions, provisionUserInGroup } from '../support/group-scenario.js';
import { connectorEngine } from '../support/connector-engine.js';
import { provisioningApp } from '../support/provisioning-app.js';
import { scimConnectorFor, startScimTarget, type ScimTarget } from '../support/scim-target/index.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openEngine(target: ScimTarget) {
  const settings = { baseUrl: target.url, profile: 'provisio' };
  const definition: AppDefinition = provisioningApp({
    name: 'scim-e2e',
    connector: { kind: 'scim', settings, credentials: {} },
    user: [
      { target: 'userName', source: 'userName', matchingPrecedence: 1 },
      { target: 'displayName', source: 'displayName' },
    ],
    group: [
      { target: 'displayName', source: 'displayName', matchingPrecedence: 1 },
      { target: 'members', source: 'members' },
    ],
    settings: { scope: 'assigned' },
  });
  const h = await connectorEngine({ definition, connector: scimConnectorFor(target.url, settings), seed: 7 });
  cleanups.push(() => h.close());
  return h;
}

describe('SCIM connector through the engine', () => {
  it('a group, which has no active, is deprovisioned as the app says while a user is disabled', async () => {
    const target = await startScimTarget();
    cleanups.push(() => target.close());
    const h = await openEngine(target);
    // Groups may be created and updated but not deleted: out of scope, one is left as it is.
    await allowGroupActions(h, ['create', 'update']);
    const { user: alice, group, groupTargetId: groupId } = await provisionUserInGroup(h);
    expect(target.store.resources.Group.has(groupId)).toBe(true);

    await h.directory.unassign(h.appId, 'User', alice);
    await h.directory.unassign(h.appId, 'Group', group);
    target.log.length = 0;
    const kept = await h.engine.sync(h.app);
    expect(kept.summary).toMatchObject({ disable: 1, delete: 0, failure: 0 });
    expect(target.resources('User').map((u) => u.active)).toEqual([false]);
    expect(target.store.resources.Group.has(groupId)).toBe(true);
    expect(target.requests('DELETE')).toEqual([]);
    expect((await h.state.getLink(h.appId, 'Group', group))!.state).not.toBe('disabled');

    // With delete allowed, a full cycle deletes the group and its link goes.
    await allowGroupActions(h, ['create', 'update', 'delete']);
    const deleted = await h.engine.sync(h.app, { restart: true });
    expect(deleted.summary).toMatchObject({ delete: 1, failure: 0 });
    expect(target.requests('DELETE').map((r) => r.path)).toEqual([`/Groups/${groupId}`]);
    expect(target.store.resources.Group.size).toBe(0);
    expect(await h.state.getLink(h.appId, 'Group', group)).toBeUndefined();
    expect(target.resources('User').map((u) => u.active)).toEqual([false]);
  });
});
