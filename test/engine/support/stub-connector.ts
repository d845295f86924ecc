/**
 * A hand-made connector for engine tests that drive one piece of the engine against it directly:
 * users and groups, read and updated in part, deleted; nothing found, listed, disabled or created
 * in batches. What a test varies (renames, how membership works, the operations it calls) it
 * passes in.
 */
import type { ConnectorCapabilities } from '../../../src/connectors/spi/capabilities.js';
import type { Connector } from '../../../src/connectors/spi/connector.js';

export function stubConnector(
  capabilities: Pick<ConnectorCapabilities, 'rename' | 'membership'>,
  operations: Partial<Omit<Connector, 'capabilities'>> = {},
): Connector {
  return {
    capabilities: {
      objectTypes: ['User', 'Group'],
      read: true,
      find: false,
      list: false,
      update: { mode: 'partial' },
      delete: true,
      disable: false,
      batchCreate: false,
      ...capabilities,
    },
    testConnection: async () => {},
    create: async (request) => ({ objectType: request.objectType, id: 'x', attributes: {} }),
    ...operations,
  };
}
