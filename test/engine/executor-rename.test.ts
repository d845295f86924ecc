/**
 * An update that renames the account (the connector answers a new ref) and then fails in a later
 * step of the same decision: the outcome still names the account by its new name, for the link.
 */
import { describe, expect, it } from 'vitest';
import type { Connector } from '../../src/connectors/spi/connector.js';
import { ConnectorError, withTargetRef } from '../../src/connectors/spi/connector-error.js';
import { AppScheduler } from '../../src/engine/cycle/app-scheduler.js';
import { CallStats, TargetCalls, executeDecision } from '../../src/engine/cycle/executor.js';
import type { Decision } from '../../src/engine/cycle/planner.js';
import { DEFAULT_RETRY_POLICY } from '../../src/engine/cycle/retry-policy.js';
import { TestClock } from './support/engine-harness.js';
import { stubConnector } from './support/stub-connector.js';

function callsOn(connector: Connector): TargetCalls {
  const clock = new TestClock();
  return new TargetCalls(
    connector,
    new AppScheduler({ concurrency: 1, clock }),
    clock,
    () => 0.5,
    DEFAULT_RETRY_POLICY,
    new CallStats(),
    new AbortController().signal,
  );
}

const update: Decision = {
  kind: 'update',
  targetId: 'g1',
  targetName: 'cn=Old,ou=groups',
  changes: [{ attribute: 'cn', oldValue: 'Old', newValue: 'New' }],
  addMembers: ['u1'],
  removeMembers: ['u2'],
  enable: false,
  adopted: false,
  base: { members: ['u2'] },
};

const refused = () => new ConnectorError('permission_denied', 'may not change members');

describe('an update that renames, then fails', () => {
  /** Renames, and adds and removes members itself; the operations are each test's. */
  const renaming = (operations: Partial<Connector>) =>
    stubConnector({ rename: true, membership: { kind: 'native' } }, operations);

  it('a member removal failing after the rename keeps the new name', async () => {
    const connector = renaming({
      update: async () => ({ id: 'g1', name: 'cn=New,ou=groups' }),
      removeMembers: async () => Promise.reject(refused()),
      addMembers: async () => {},
    });
    const outcome = await executeDecision(callsOn(connector), 'Group', update, []);
    expect(outcome).toMatchObject({ ok: false, targetId: 'g1', targetName: 'cn=New,ou=groups' });
  });

  it('a member addition failing after the rename keeps the new name', async () => {
    const connector = renaming({
      update: async () => ({ id: 'g1', name: 'cn=New,ou=groups' }),
      removeMembers: async () => {},
      addMembers: async () => Promise.reject(refused()),
    });
    const outcome = await executeDecision(callsOn(connector), 'Group', update, []);
    expect(outcome).toMatchObject({ ok: false, targetId: 'g1', targetName: 'cn=New,ou=groups' });
  });

  it('the update itself failing after its rename answers the new name in its error', async () => {
    const connector = renaming({
      update: async () => Promise.reject(withTargetRef(refused(), { id: 'g1', name: 'cn=New,ou=groups' })),
    });
    const outcome = await executeDecision(callsOn(connector), 'Group', update, []);
    expect(outcome).toMatchObject({ ok: false, targetName: 'cn=New,ou=groups' });
    expect(outcome.ok === false && outcome.error.code).toBe('permission_denied');
  });

  it('a failure without a rename names nothing new', async () => {
    const connector = renaming({ update: async () => Promise.reject(refused()) });
    const outcome = await executeDecision(callsOn(connector), 'Group', update, []);
    expect(outcome).toMatchObject({ ok: false, targetId: 'g1' });
    expect(outcome).not.toHaveProperty('targetName');
  });
});
