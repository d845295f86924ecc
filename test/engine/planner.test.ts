import { describe, expect, it } from 'vitest';
import { compileApp } from '../../src/engine/apps/compile-app.js';
import { AssignmentIndex } from '../../src/engine/cycle/entitlement.js';
import type { PlanScope } from '../../src/engine/cycle/planner.js';
import { decideAction, evaluateObject } from '../../src/engine/cycle/planner.js';
import { compileFlatPaths, flattenTarget } from '../../src/engine/cycle/target-attributes.js';
import { compileTargetPath } from '../../src/engine/mapping/target-path.js';
import { MEMORY_FULL_CAPABILITIES } from '../../src/connectors/memory/memory-connector.js';
import type { Link } from '../../src/engine/state/engine-state.js';
import { ENTERPRISE, USER_MAPPINGS, appDefinition, userResource } from './support/engine-harness.js';

const definition = appDefinition({ settings: { scope: 'assigned' } });
const compiled = compileApp(definition);
if (!compiled.ok) throw new Error('app does not compile');
const scope: PlanScope = {
  objectType: 'User',
  type: compiled.app.User!,
  flat: compileFlatPaths(compiled.app.User!.mapping.targets),
  settings: definition.settings,
  capabilities: MEMORY_FULL_CAPABILITIES,
};
const resource = {
  ...userResource({ userName: 'u@example.com', title: 'T', department: 'Sales' }),
  id: 'u1',
};
const assigned = AssignmentIndex.of(definition, 'app', [
  { appId: 'app', principalType: 'User', principalId: 'u1', role: 'User', created: new Date() },
]);
const none = () => undefined;

describe('planner', () => {
  it('flattens nested mapped values by the mapping target paths', () => {
    const flat = compileFlatPaths([
      'userName',
      'name.givenName',
      'emails[type eq "work"].value',
      `${ENTERPRISE}:department`,
    ]);
    expect(
      flattenTarget(
        {
          userName: 'u',
          name: { givenName: 'G' },
          emails: [
            { type: 'home', value: 'h' },
            { type: 'work', value: 'w' },
          ],
          [ENTERPRISE]: { department: 'D' },
        },
        flat,
      ),
    ).toEqual({
      userName: 'u',
      'name.givenName': 'G',
      'emails[type eq "work"].value': 'w',
      [`${ENTERPRISE}:department`]: 'D',
    });
    expect(compileTargetPath('name.givenName').sub).toBe('givenName');
  });

  it('asks to match an unlinked in-scope object, then creates when nothing matches', async () => {
    const evaluation = await evaluateObject(scope, {
      sourceId: 'u1',
      resource,
      entitlement: assigned.user(resource),
      lookup: none,
      forCreate: true,
    });
    expect(evaluation.provisioned).toBe(true);
    expect(decideAction(scope, evaluation, undefined)).toEqual({
      kind: 'match',
      requests: [{ attribute: 'userName', value: 'u@example.com' }],
    });
    const create = decideAction(scope, evaluation, undefined, {
      attribute: 'userName',
      value: 'u@example.com',
      found: [],
    });
    expect(create.kind).toBe('create');
  });

  it('keeps a user attribute called members in the create: only native group members go apart', async () => {
    const withMembers = appDefinition({
      settings: { scope: 'assigned' },
      user: { mappings: [...USER_MAPPINGS, { target: 'members', source: 'department' }] },
    });
    const app = compileApp(withMembers);
    if (!app.ok) throw new Error('app does not compile');
    const userScope: PlanScope = {
      ...scope,
      type: app.app.User!,
      flat: compileFlatPaths(app.app.User!.mapping.targets),
      settings: withMembers.settings,
    };
    const evaluation = await evaluateObject(userScope, {
      sourceId: 'u1',
      resource,
      entitlement: assigned.user(resource),
      lookup: none,
      forCreate: true,
    });
    expect(evaluation.createAttributes.members).toBe('Sales');
    expect(evaluation.members).toBeUndefined();
  });

  it('skips an unchanged linked object as RedundantExport, updates only what changed', async () => {
    const evaluation = await evaluateObject(scope, {
      sourceId: 'u1',
      resource,
      entitlement: assigned.user(resource),
      lookup: none,
      forCreate: false,
    });
    const link: Link = {
      appId: 'app',
      objectType: 'User',
      sourceId: 'u1',
      targetId: 't1',
      exportedHash: evaluation.hash,
      exported: evaluation.desired as Link['exported'],
      state: 'active',
      created: new Date(),
      updated: new Date(),
    };
    expect(decideAction(scope, evaluation, link)).toMatchObject({ kind: 'skip', reason: 'RedundantExport' });
    const stale: Link = { ...link, exportedHash: 'old', exported: { ...link.exported, title: 'Old' } };
    const update = decideAction(scope, evaluation, stale);
    expect(update).toMatchObject({
      kind: 'update',
      changes: [{ attribute: 'title', oldValue: 'Old', newValue: 'T' }],
    });
  });

  it('deprovisions a linked object that left scope: disable when the target can, else delete', async () => {
    const unassigned = AssignmentIndex.of(definition, 'app', []);
    const evaluation = await evaluateObject(scope, {
      sourceId: 'u1',
      resource,
      entitlement: unassigned.user(resource),
      lookup: none,
      forCreate: false,
    });
    expect(evaluation).toMatchObject({ provisioned: false, outOfScope: 'unassigned' });
    const link = {
      appId: 'app',
      objectType: 'User',
      sourceId: 'u1',
      targetId: 't1',
      exportedHash: '',
      exported: {},
      state: 'active',
      created: new Date(),
      updated: new Date(),
    } as Link;
    expect(decideAction(scope, evaluation, link)).toMatchObject({ kind: 'disable', targetId: 't1' });
    expect(
      decideAction(
        { ...scope, capabilities: { ...MEMORY_FULL_CAPABILITIES, disable: false } },
        evaluation,
        link,
      ),
    ).toMatchObject({ kind: 'delete' });
    expect(decideAction(scope, evaluation, undefined)).toMatchObject({
      kind: 'skip',
      reason: 'NotEffectivelyEntitled',
    });
  });

  it('gives roles from direct and group assignments, the default where none is named', () => {
    const roles = appDefinition({
      appRoles: [
        { value: 'User', displayName: 'User', default: true },
        { value: 'Admin', displayName: 'Administrator' },
      ],
    });
    const index = AssignmentIndex.of(roles, 'app', [
      { appId: 'app', principalType: 'User', principalId: 'u1', created: new Date(), role: 'Admin' },
      { appId: 'app', principalType: 'Group', principalId: 'g1', created: new Date(), role: 'User' },
    ]);
    const entitlement = index.user({ ...resource, groups: [{ value: 'g1', display: 'G', type: 'direct' }] });
    expect(entitlement.assigned).toBe(true);
    expect(entitlement.roles.map((r) => [r.value, r.displayName, r.principalId])).toEqual([
      ['Admin', 'Administrator', 'u1'],
      ['User', 'User', 'g1'],
    ]);
  });
});
