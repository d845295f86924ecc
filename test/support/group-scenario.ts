/**
 * Steps the connectors' end-to-end tests share when a group, which their targets cannot disable,
 * is deprovisioned: which actions the app may take on groups, and one user in one group, both
 * assigned and provisioned.
 */
import { expect } from 'vitest';
import type { ObjectAction } from '../../src/engine/apps/app-definition.js';
import { createGroup, createUser } from '../engine/support/engine-harness.js';
import type { ConnectorEngine } from './connector-engine.js';

/** Stores the app with these actions allowed on groups; the next cycle runs with them. */
export async function allowGroupActions(h: ConnectorEngine, actions: ObjectAction[]): Promise<void> {
  await h.redefine((d) => ({ ...d, objects: { ...d.objects, Group: { ...d.objects.Group!, actions } } }));
}

/** alice@example.com in the group "Night shift", both assigned, after a completed cycle. */
export async function provisionUserInGroup(
  h: ConnectorEngine,
): Promise<{ user: string; group: string; groupTargetId: string }> {
  const user = await createUser(h.directory, { userName: 'alice@example.com' });
  const group = await createGroup(h.directory, 'Night shift', [{ id: user }]);
  await h.directory.assign(h.appId, 'User', user);
  await h.directory.assign(h.appId, 'Group', group);
  expect((await h.engine.sync(h.app)).status).toBe('completed');
  const groupTargetId = (await h.state.getLink(h.appId, 'Group', group))!.targetId;
  return { user, group, groupTargetId };
}
