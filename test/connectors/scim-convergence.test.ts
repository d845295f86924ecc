/**
 * The engine's model-based convergence test over the SCIM connector, against the SCIM test target
 * over real HTTP with random faults on (throttling with Retry-After, 500, 503, resets, writes that
 * succeed but answer 500, no answer at all): random directory changes interleaved with cycles and
 * fault switches. Once the faults stop and a cycle completes, the target holds exactly the
 * projection of the directory, with no duplicate account, and one more cycle sends nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/engine/apps/app-definition.js';
import { ConnectorRegistry, type Connector } from '../../src/connectors/spi/index.js';
import { scimConnector } from '../../src/connectors/scim/index.js';
import type { JsonObject } from '../../src/shared/json.js';
import { appDefinition, ENTERPRISE } from '../engine/support/engine-harness.js';
import { connectorEngine, type ConnectorEngine } from '../support/connector-engine.js';
import { startScimTarget, type FaultKind, type ScimTarget } from '../support/scim-target/index.js';
import {
  applyDirectoryCommand,
  checkProjection,
  directoryCommands,
  emptyModel,
  setupCommands,
  type DirectoryCommand,
  type Model,
} from '../engine/support/convergence-model.js';

const USERS = 5;
const GROUPS = 2;

type Command = DirectoryCommand | { op: 'faults'; kinds: FaultKind[]; rate: number };

const faultKinds = fc.subarray(
  ['throttle', 'error500', 'error503', 'reset', 'lostAnswer', 'timeout'] as FaultKind[],
  {
    minLength: 1,
  },
);
const command: fc.Arbitrary<Command> = fc.oneof<fc.MaybeWeightedArbitrary<Command>[]>(
  ...directoryCommands({
    users: USERS,
    groups: GROUPS,
    createGroupWeight: 1,
    deleteGroup: false,
    activeValues: [true, false],
    assignGroupValues: [true, false],
  }),
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('faults' as const),
      kinds: faultKinds,
      rate: fc.constantFrom(0, 0.2, 0.5),
    }),
  },
);

type World = Pick<ConnectorEngine, 'directory' | 'engine' | 'clock' | 'appId' | 'app'> & {
  target: ScimTarget;
};

async function apply(w: World, model: Model, c: Command): Promise<void> {
  switch (c.op) {
    case 'cycle':
      w.clock.advance(30_000);
      await w.engine.sync(w.app);
      return;
    case 'faults':
      w.target.faults.clear();
      for (const kind of c.kinds) w.target.faults.add({ kind, rate: c.rate, retryAfterSeconds: 1 });
      return;
    default:
      await applyDirectoryCommand(w.directory, w.appId, model, c);
  }
}

/**
 * The resources as the test target holds them. SCIM groups carry no `active`, so every group
 * counts as enabled; an account counts as enabled unless `active` is false.
 */
function readTarget(target: ScimTarget): Parameters<typeof checkProjection>[0] {
  return {
    users: target.resources('User').map((x) => ({
      id: String(x.id),
      userName: String(x.userName),
      enabled: x.active !== false,
      title: x.title,
      department: (x[ENTERPRISE] as JsonObject | undefined)?.department,
    })),
    groups: target.resources('Group').map((x) => ({
      displayName: String(x.displayName),
      enabled: true,
      members: (Array.isArray(x.members) ? x.members : []).map((m) => String((m as JsonObject).value)).sort(),
    })),
  };
}

const setup: fc.Arbitrary<Command[]> = setupCommands({ users: USERS, groups: GROUPS, maxMembers: 6 });

async function openWorld(
  mode: 'delete' | 'disable',
  seed: number,
): Promise<World & { close(): Promise<void> }> {
  const target = await startScimTarget({ seed });
  const registry = new ConnectorRegistry().register(scimConnector);
  const connector: Connector = await registry.open(
    {
      kind: 'scim',
      settings: { baseUrl: target.url, profile: 'provisio', timeouts: { connectMs: 1000, requestMs: 250 } },
    },
    { credentials: { token: 'target-token' } },
  );
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
  const h = await connectorEngine({
    definition,
    connector,
    seed,
    retry: { baseDelayMs: 1, maxDelayMs: 1_000, escrowBaseMs: 1_000, escrowMaxMs: 10_000 },
  });
  return {
    directory: h.directory,
    engine: h.engine,
    clock: h.clock,
    target,
    appId: h.appId,
    app: h.app,
    close: async () => {
      await h.close();
      await target.close();
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
              const model = emptyModel();
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
              checkProjection(readTarget(w.target), model, mode);
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
