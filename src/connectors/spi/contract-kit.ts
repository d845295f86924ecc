/**
 * The connector contract kit for vitest: one call in a connector's test file runs every case of the
 * contract that its capabilities declare, and lists each case it skips with the missing capability
 * in the test name. Built-in connectors and users' module connectors run the same kit.
 *
 * ```ts
 * import { describeConnectorContract } from 'provisio/dist/connectors/spi/contract-kit.js';
 * describeConnectorContract('my connector', () => createMyConnector(settings));
 * ```
 */
import { describe, it } from 'vitest';
import type { Connector } from './connector.js';
import { connectorContractCases, runContractCase, type ContractKitOptions } from './contract-cases.js';

export type { ContractKitOptions } from './contract-cases.js';

/**
 * Declares a vitest suite named `name` with one test per contract case. `makeConnector` is called
 * once to read the capabilities and then once per test, so each test starts from a fresh connector
 * (for a real target: a fresh connection; the kit deletes what it created when it can).
 */
export function describeConnectorContract(
  name: string,
  makeConnector: () => Connector | Promise<Connector>,
  options: ContractKitOptions = {},
): void {
  describe(`connector contract: ${name}`, async () => {
    const probe = await makeConnector();
    const capabilities = probe.capabilities;
    await probe.close?.();
    for (const contractCase of connectorContractCases(capabilities, options)) {
      if (contractCase.skipReason !== undefined) {
        it.skip(`${contractCase.title} (skipped: ${contractCase.skipReason})`, () => {});
      } else {
        it(contractCase.title, () => runContractCase(contractCase, makeConnector));
      }
    }
  });
}
