/**
 * The REST connector: a `Connector` over one JSON API, built from validated settings and
 * credentials. Capabilities follow what the settings configure, per object type (`byType` where
 * the types differ, `disable` by its own types), and every request goes through the shared HTTP
 * stack with the app's limits.
 */
import { createHttpStack, type Authorizer } from '../http/index.js';
import {
  combineTypeCapabilities,
  disableCapability,
  type Connector,
  type ConnectorCapabilities,
  type TypeCapabilities,
} from '../spi/index.js';
import { RestClient } from './rest-client.js';
import { compileProbe, compileTypes, type RestContext, type RestTypeContext } from './rest-context.js';
import { addGroupMembers, removeGroupMembers } from './rest-membership-operations.js';
import {
  createObject,
  deleteObject,
  findObjects,
  getObject,
  setObjectEnabled,
  updateObject,
} from './rest-object-operations.js';
import { listPage } from './rest-pagination.js';
import type { RestCredentials, RestSettings } from './rest-settings.js';
import { testRestConnection } from './rest-test-connection.js';
import { typeContext } from './rest-context.js';

/** A REST connector with its parts exposed for tests and diagnostics. */
export interface RestConnector extends Connector {
  readonly client: RestClient;
  readonly authorizer: Authorizer;
}

/** What one object type's configured operations can do. */
function typeCapabilities(settings: RestSettings, type: RestTypeContext): Required<TypeCapabilities> {
  const findAttributes = settings.objects[type.model.type]!.operations.find?.attributes;
  return {
    read: type.get !== undefined,
    find: type.find !== undefined ? { attributes: findAttributes ?? 'any' } : false,
    list:
      type.list !== undefined
        ? { paging: type.pagination.style !== 'none', maxPageSize: settings.maxPageSize }
        : false,
    update:
      type.update !== undefined ? { mode: type.updateSends === 'changes' ? 'partial' : 'replace' } : false,
    delete: type.delete !== undefined,
  };
}

function capabilitiesOf(settings: RestSettings, types: RestTypeContext[]): ConnectorCapabilities {
  const objectTypes = types.map((type) => type.model.type);
  return {
    objectTypes,
    ...combineTypeCapabilities(
      new Map(types.map((type) => [type.model.type, typeCapabilities(settings, type)])),
    ),
    // Per type: a type without an enabled rule (groups, mostly) is deprovisioned as the app says.
    disable: disableCapability(
      objectTypes,
      types.filter((type) => type.model.enabled !== undefined).map((type) => type.model.type),
    ),
    rename: false,
    batchCreate: false,
    membership: membershipOf(types),
  };
}

function membershipOf(types: RestTypeContext[]): ConnectorCapabilities['membership'] {
  const group = types.find((type) => type.model.type === 'Group');
  if (group?.membership === 'operations') return { kind: 'native' };
  if (group?.membership === 'array')
    return { kind: 'attribute', attribute: group.model.membersAttribute!, reference: 'id' };
  return { kind: 'none' };
}

/** Builds the connector; contacts nothing until an operation runs. */
export function createRestConnector(
  settings: RestSettings,
  credentials: RestCredentials,
  baseDirectory = process.cwd(),
): RestConnector {
  const http = createHttpStack(settings, credentials, baseDirectory);
  const client = new RestClient({
    baseUrl: settings.baseUrl,
    contentType: settings.contentType,
    statusCodes: settings.statusCodes,
    errorMessagePath: settings.errorMessagePath,
    http: http.client,
    redact: http.redact,
  });
  const types = compileTypes(settings);
  const probe = compileProbe(settings);
  const context: RestContext = { client, settings, types, ...(probe !== undefined ? { probe } : {}) };
  const capabilities = capabilitiesOf(settings, Object.values(types));
  const connector: RestConnector = {
    capabilities,
    client,
    authorizer: http.authorizer,
    testConnection: (signal) => testRestConnection(context, signal),
    create: (request, signal) => createObject(context, request, signal),
    close: () => http.close(),
  };
  if (capabilities.read) connector.get = (request, signal) => getObject(context, request, signal);
  if (capabilities.find) connector.find = (request, signal) => findObjects(context, request, signal);
  if (capabilities.list)
    connector.list = async (request, signal) =>
      listPage(context, typeContext(context, request.objectType), request, signal);
  if (capabilities.update) connector.update = (request, signal) => updateObject(context, request, signal);
  if (capabilities.delete) connector.delete = (request, signal) => deleteObject(context, request, signal);
  if (capabilities.disable !== false)
    connector.setEnabled = (request, signal) => setObjectEnabled(context, request, signal);
  if (capabilities.membership.kind === 'native') {
    connector.addMembers = (request, signal) => addGroupMembers(context, request, signal);
    connector.removeMembers = (request, signal) => removeGroupMembers(context, request, signal);
  }
  return connector;
}
