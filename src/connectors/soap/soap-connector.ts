/**
 * The SOAP connector: a `Connector` over one SOAP service, from validated settings and credentials.
 * Its capabilities are what the settings bind, each declared only when every configured type has
 * the operation (the engine asks for a capability, not for a capability of one type), except
 * `disable`, declared per type, and it has exactly the methods its capabilities declare.
 */
import { createRedactor } from '../http/index.js';
import { disableCapability, type Connector, type ConnectorCapabilities } from '../spi/index.js';
import { SoapOperations } from './soap-operations.js';
import { SoapService } from './soap-service.js';
import { secretsOf, type SoapCredentials, type SoapSettings } from './soap-settings.js';
import { testSoapConnection } from './soap-test-connection.js';

export function soapCapabilities(settings: SoapSettings): ConnectorCapabilities {
  const types = (['User', 'Group'] as const).filter((type) => settings.objects[type] !== undefined);
  const objects = types.map((type) => settings.objects[type]!);
  const every = (has: (object: (typeof objects)[number]) => boolean) => objects.every(has);
  const finds = objects.map((object) => object.find?.attributes);
  const group = settings.objects.Group;
  return {
    objectTypes: [...types],
    read: every((o) => o.get !== undefined),
    find: every((o) => o.find !== undefined)
      ? {
          attributes: finds.includes('any')
            ? 'any'
            : [...new Set(finds.flatMap((attributes) => (Array.isArray(attributes) ? attributes : [])))],
        }
      : false,
    list: every((o) => o.list !== undefined)
      ? {
          paging: every((o) => o.list?.nextCursor !== undefined),
          maxPageSize: Math.min(...objects.map((o) => o.list!.maxPageSize)),
        }
      : false,
    update: every((o) => o.update !== undefined)
      ? { mode: objects.some((o) => o.update?.mode === 'replace') ? 'replace' : 'partial' }
      : false,
    delete: every((o) => o.delete !== undefined),
    // Per type: a type without setEnabled (groups, often) is deprovisioned by delete.
    disable: disableCapability(
      types,
      types.filter((type) => settings.objects[type]!.setEnabled !== undefined),
    ),
    rename: false,
    batchCreate: false,
    membership: group?.addMembers !== undefined ? { kind: 'native' } : { kind: 'none' },
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
