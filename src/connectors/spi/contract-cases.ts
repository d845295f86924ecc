/**
 * The cases of the connector contract, independent of any test runner: each has a title, the reason
 * it is skipped (the missing capability) or none, and a body that throws a `ContractViolation` when
 * the connector breaks the contract. `contract-kit.ts` turns them into vitest tests; the kit's own
 * tests run them against deliberately broken connectors to prove each case can fail.
 */
import { capabilitiesFor, checkCapabilityMethods, validateCapabilities } from './capabilities.js';
import type { Connector } from './connector.js';
import { fail, settle, signal } from './contract-assertions.js';
import { KitData, type ContractKitOptions, type CreatedObjects } from './contract-kit-data.js';
import { membershipCases } from './contract-membership-cases.js';
import { objectTypeCases } from './contract-object-cases.js';

export { ContractViolation } from './contract-assertions.js';
export type { ContractKitOptions, CreatedObjects } from './contract-kit-data.js';

/** One case of the contract. */
export interface ContractCase {
  title: string;
  /** Why the case does not apply (naming the missing capability), or undefined when it runs. */
  skipReason: string | undefined;
  run(connector: Connector, created: CreatedObjects): Promise<void>;
}

/** Builds the cases for a connector with these capabilities. */
export function connectorContractCases(
  capabilities: unknown,
  options: ContractKitOptions = {},
): ContractCase[] {
  const cases: ContractCase[] = [];
  const checked = validateCapabilities(capabilities);
  cases.push({
    title: 'declares valid capabilities',
    skipReason: undefined,
    run: async () => {
      if (!checked.ok) fail(`invalid capabilities:\n  ${checked.issues.join('\n  ')}`);
    },
  });
  if (!checked.ok) return cases;
  const caps = checked.capabilities;
  const kit = new KitData(options);

  cases.push({
    title: 'has a method for every declared capability and no method without its capability',
    skipReason: undefined,
    run: async (connector) => {
      const mismatches = checkCapabilityMethods(connector, caps);
      if (mismatches.length > 0) fail(mismatches.map((m) => m.message).join('\n'));
    },
  });
  cases.push({
    title: 'testConnection resolves',
    skipReason: undefined,
    run: async (connector) => {
      await connector.testConnection(signal());
    },
  });
  cases.push({
    title: 'an operation with an already aborted signal rejects',
    skipReason: undefined,
    run: async (connector) => {
      const controller = new AbortController();
      controller.abort(new DOMException('The kit aborted', 'AbortError'));
      const type = caps.objectTypes[0]!;
      const outcome = await settle(() => connector.create(kit.createRequest(caps, type), controller.signal));
      if (outcome.ok) fail('create() with an aborted signal resolved; it must reject without writing');
    },
  });
  for (const type of caps.objectTypes) cases.push(...objectTypeCases(type, capabilitiesFor(caps, type), kit));
  cases.push(...membershipCases(caps, kit));
  return cases;
}

/** Runs one case on a fresh connector, then deletes what it created (when the connector can) and closes it. */
export async function runContractCase(
  contractCase: ContractCase,
  makeConnector: () => Connector | Promise<Connector>,
) {
  const connector = await makeConnector();
  const created: CreatedObjects = [];
  try {
    await contractCase.run(connector, created);
  } finally {
    if (connector.capabilities?.delete && typeof connector.delete === 'function') {
      for (const { objectType, ref } of created.reverse()) {
        await connector.delete({ objectType, ref }, signal()).catch(() => undefined);
      }
    }
    await connector.close?.();
  }
}
