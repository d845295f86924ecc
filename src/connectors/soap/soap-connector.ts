/**
 * The SOAP connector: a `Connector` over one SOAP service, from validated settings and credentials.
 * Its capabilities are what the settings bind, for each object type (`byType` where the types
 * differ, `disable` by its own types), and it has exactly the methods its capabilities declare.
 */
import { createRedactor } from '../http/index.js';
import {
  combineTypeCapabilities,
  disableCapability,
  type Connector,
  type ConnectorCapabilities,
  type TypeCapabilities,
} from '../spi/index.js';
import { SoapOperations } from './soap-operations.js';
import { SoapService } from './soap-service.js';
import {
  secretsOf,
  type SoapCredentials,
  type SoapObjectSettings,
  type SoapSettings,
} from './soap-settings.js';
import { testSoapConnection } from './soap-test-connection.js';

/** What one object type's bound operations can do. */
function typeCapabilities(object: SoapObjectSettings): Required<TypeCapabilities> {
  return {
    read: object.get !== undefined,
    find: object.find !== undefined ? { attributes: object.find.attributes ?? 'any' } : false,
    list:
      object.list !== undefined
        ? { paging: object.list.nextCursor !== undefined, maxPageSize: object.list.maxPageSize }
        : false,
    update:
      object.update !== undefined
        ? { mode: object.update.mode === 'replace' ? 'replace' : 'partial' }
        : false,
    delete: object.delete !== undefined,
  };
}

export function soapCapabilities(settings: SoapSettings): ConnectorCapabilities {
  const types = (['User', 'Group'] as const).filter((type) => settings.objects[type] !== undefined);
  return {
    objectTypes: [...types],
    ...combineTypeCapabilities(
      new Map(types.map((type) => [type, typeCapabilities(settings.objects[type]!)])),
    ),
    // Per type: a type without setEnabled (groups, often) is deprovisioned by delete.
    disable: disableCapability(
      types,
      types.filter((type) => settings.objects[type]!.setEnabled !== undefined),
    ),
    rename: false,
    batchCreate: false,
    membership: settings.objects.Group?.addMembers !== undefined ? { kind: 'native' } : { kind: 'none' },
  };
}

export function createSoapConnector(settings: SoapSettings, credentials: SoapCredentials): Connector {
  const redact = createRedactor(secretsOf(credentials));
  const service = new SoapService(settings, credentials, redact);
  const operations = new SoapOperations(service, settings);
  const capabilities = soapCapabilities(settings);
  const connector: Connector = {
    capabilities,
    testConnection: (signal) => testSoapConnection(operations, signal),
    create: (request, signal) => operations.create(request, signal),
    close: async () => service.close(),
  };
  if (capabilities.read) connector.get = (request, signal) => operations.get(request, signal);
  if (capabilities.find !== false) connector.find = (request, signal) => operations.find(request, signal);
  if (capabilities.list !== false) connector.list = (request, signal) => operations.list(request, signal);
  if (capabilities.update !== false)
    connector.update = (request, signal) => operations.update(request, signal);
  if (capabilities.delete) connector.delete = (request, signal) => operations.delete(request, signal);
  if (capabilities.disable !== false)
    connector.setEnabled = (request, signal) => operations.setEnabled(request, signal);
  if (capabilities.membership.kind === 'native') {
    connector.addMembers = (request, signal) => operations.changeMembers('addMembers', request, signal);
    connector.removeMembers = (request, signal) => operations.changeMembers('removeMembers', request, signal);
  }
  return connector;
}
