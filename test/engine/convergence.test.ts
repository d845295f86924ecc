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
import {
  applyDirectoryCommand,
  checkProjection,
  directoryCommands,
  emptyModel,
  setupCommands,
  type DirectoryCommand,
  type Model,
} from './support/convergence-model.js';

const USERS = 6;
const GROUPS = 3;

type Command =
  | DirectoryCommand
  | { op: 'provision'; u: number }
  | {
      op: 'fault';
      kind: 'unavailable' | 'timeout' | 'throttled' | 'lose' | 'schema_violation';
      rate: number;
    };

const command: fc.Arbitrary<Command> = fc.oneof<fc.MaybeWeightedArbitrary<Command>[]>(
  ...directoryCommands({
    users: USERS,
    groups: GROUPS,
    createGroupWeight: 2,
    deleteGroup: true,
    activeValues: [true, true, false],
    assignGroupValues: [true, true, false],
  }),
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('provision' as const),
      u: fc.integer({ min: 0, max: USERS - 1 }),
    }),
  },
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

async function apply(h: Harness, model: Model, c: Command): Promise<void> {
  switch (c.op) {
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
    default:
      await applyDirectoryCommand(h.directory, h.appId, model, c);
  }
}

/** The memory target's objects as they are held, `enabled` and member order untouched. */
function readTarget(h: Harness): Parameters<typeof checkProjection>[0] {
  return {
    users: h.target.objects('User').map((x) => ({
      id: x.id,
      userName: String(x.attributes.userName),
      enabled: x.enabled,
      title: x.attributes.title,
      department: x.attributes[`${ENTERPRISE}:department`],
    })),
    groups: h.target.objects('Group').map((x) => ({
      displayName: String(x.attributes.displayName),
      enabled: x.enabled,
      members: x.members,
    })),
  };
}

const setup: fc.Arbitrary<Command[]> = setupCommands({ users: USERS, groups: GROUPS, maxMembers: 10 });

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
              const model = emptyModel();
              for (const c of commands) await apply(h, model, c);
              h.target.faults.clear();
              // Past every escrow and quarantine interval.
              h.clock.advance(25 * 60 * 60_000);
              const report = await h.engine.sync(h.app);
              expect(report.status).toBe('completed');
              checkProjection(readTarget(h), model, mode);
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
