/**
 * The REST connector: a `Connector` over one JSON API, built from validated settings and
 * credentials. Capabilities follow what the settings configure, per object type (`byType` where
 * the types differ, `disable` by its own types), and every request goes through the shared HTTP
 * stack with the app's limits.
 */
import { createHttpStack, type Authorizer } from '../http/index.js';
import { isDeepStrictEqual } from 'node:util';
import {
  PER_TYPE_FLAGS,
  disableCapability,
  type Connector,
  type ConnectorCapabilities,
  type ObjectType,
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

/**
 * The connector's flags are what some type can do (so that the method exists), combined over the
 * types that have the operation; `byType` names, for a type, each flag where it differs from those
 * (an API without a search on groups, or whose groups are not paged).
 */
function capabilitiesOf(settings: RestSettings, types: RestTypeContext[]): ConnectorCapabilities {
  const own = types.map((type) => ({ type: type.model.type, caps: typeCapabilities(settings, type) }));
  const granted = <F extends keyof TypeCapabilities>(flag: F) =>
    own.map((entry) => entry.caps[flag]).filter((value) => value !== false) as Exclude<
      Required<TypeCapabilities>[F],
      false
    >[];
  const finds = granted('find');
  const lists = granted('list');
  const updates = granted('update');
  const objectTypes = types.map((type) => type.model.type);
  const combined: Required<TypeCapabilities> = {
    read: own.some((entry) => entry.caps.read),
    find:
      finds.length === 0
        ? false
        : {
            attributes: finds.some((find) => find.attributes === 'any')
              ? 'any'
              : [...new Set(finds.flatMap((find) => find.attributes as string[]))],
          },
    list:
      lists.length === 0
        ? false
        : { paging: lists.every((list) => list.paging), maxPageSize: settings.maxPageSize },
    update:
      updates.length === 0
        ? false
        : { mode: updates.every((update) => update.mode === 'partial') ? 'partial' : 'replace' },
    delete: own.some((entry) => entry.caps.delete),
  };
  const byType: Partial<Record<ObjectType, TypeCapabilities>> = {};
  for (const { type, caps } of own) {
    const differs: TypeCapabilities = {};
    for (const flag of PER_TYPE_FLAGS) {
      if (!isDeepStrictEqual(caps[flag], combined[flag])) Object.assign(differs, { [flag]: caps[flag] });
    }
    if (Object.keys(differs).length > 0) byType[type] = differs;
  }
  return {
    objectTypes,
    ...combined,
    // Per type: a type without an enabled rule (groups, mostly) is deprovisioned as the app says.
    disable: disableCapability(
      objectTypes,
      types.filter((type) => type.model.enabled !== undefined).map((type) => type.model.type),
    ),
    rename: false,
    batchCreate: false,
    membership: membershipOf(types),
    ...(Object.keys(byType).length > 0 ? { byType } : {}),
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
