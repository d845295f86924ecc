/**
 * The SCIM connector: a `Connector` over one SCIM 2.0 service, built from validated settings and
 * credentials. Capabilities follow the settings (PATCH or PUT, the filterable attributes, users
 * and groups; `disable` for users only), and every operation goes through one client with the
 * app's limits.
 */
import type { Authorizer } from '../http/http-auth.js';
import { createHttpStack } from '../http/http-stack.js';
import {
  ConnectorError,
  disableCapability,
  type Connector,
  type ConnectorCapabilities,
} from '../spi/index.js';
import { ScimClient } from './scim-client.js';
import type { ScimContext } from './scim-context.js';
import { addGroupMembers, removeGroupMembers } from './scim-membership-operations.js';
import {
  createObject,
  deleteObject,
  findObjects,
  getObject,
  listObjects,
  setObjectEnabled,
  updateObject,
} from './scim-object-operations.js';
import { resolveBehaviour, type ScimBehaviour } from './scim-profiles.js';
import type { ScimCredentials, ScimSettings } from './scim-settings.js';
import { testScimConnection } from './scim-test-connection.js';

/** A SCIM connector with its parts exposed for tests and diagnostics. */
export interface ScimConnector extends Connector {
  readonly behaviour: ScimBehaviour;
  readonly client: ScimClient;
  readonly authorizer: Authorizer;
}

function capabilitiesOf(settings: ScimSettings, behaviour: ScimBehaviour): ConnectorCapabilities {
  const filterable = settings.objectTypes.flatMap((type) => behaviour.filterAttributes[type] ?? []);
  const everyTypeListed = settings.objectTypes.every(
    (type) => behaviour.filterAttributes[type] !== undefined,
  );
  const objectTypes = [...settings.objectTypes];
  return {
    objectTypes,
    read: true,
    find: { attributes: everyTypeListed ? [...new Set(filterable)] : 'any' },
    list: { paging: true, maxPageSize: settings.maxPageSize },
    update: { mode: behaviour.update === 'patch' ? 'partial' : 'replace' },
    delete: true,
    // Users only: a group has no `active` in the core schema, so the engine deprovisions one as
    // the app's actions say (delete, or leave it) instead of disabling it.
    disable: disableCapability(objectTypes, behaviour.noActive ? [] : ['User']),
    rename: false,
    batchCreate: false,
    membership: settings.objectTypes.includes('Group') ? { kind: 'native' } : { kind: 'none' },
  };
}

/** Builds the connector; contacts nothing until an operation runs. */
export function createScimConnector(
  settings: ScimSettings,
  credentials: ScimCredentials,
  baseDirectory = process.cwd(),
): ScimConnector {
  const behaviour = resolveBehaviour(settings.profile, settings.deviations);
  const http = createHttpStack(settings, credentials, baseDirectory);
  const { authorizer, redact } = http;
  const client = new ScimClient({
    baseUrl: settings.baseUrl,
    headers: settings.headers ?? {},
    http: http.client,
    redact,
  });
  const context: ScimContext = {
    client,
    behaviour,
    endpoints: {
      User: settings.objectTypes.includes('User') ? settings.usersPath : '',
      Group: settings.objectTypes.includes('Group') ? settings.groupsPath : '',
    },
    memberBatchSize: settings.memberBatchSize,
    maxPageSize: settings.maxPageSize,
    redact,
    paths: { User: new Set(), Group: new Set() },
  };
  const capabilities = capabilitiesOf(settings, behaviour);
  const heldType = <R extends { objectType: string }>(request: R): R => {
    if (!settings.objectTypes.includes(request.objectType as 'User' | 'Group')) {
      throw new ConnectorError(
        'schema_violation',
        `this SCIM app does not provision ${request.objectType} objects`,
      );
    }
    return request;
  };
  const connector: ScimConnector = {
    capabilities,
    behaviour,
    client,
    authorizer,
    testConnection: (signal) => testScimConnection(context, signal),
    create: async (request, signal) => createObject(context, heldType(request), signal),
    get: async (request, signal) => getObject(context, heldType(request), signal),
    find: async (request, signal) => findObjects(context, heldType(request), signal),
    list: async (request, signal) => listObjects(context, heldType(request), signal),
    update: async (request, signal) => updateObject(context, heldType(request), signal),
    delete: async (request, signal) => deleteObject(context, heldType(request), signal),
    close: () => http.close(),
  };
  if (capabilities.disable !== false)
    connector.setEnabled = async (request, signal) => setObjectEnabled(context, heldType(request), signal);
  if (capabilities.membership.kind === 'native') {
    connector.addMembers = (request, signal) => addGroupMembers(context, request, signal);
    connector.removeMembers = (request, signal) => removeGroupMembers(context, request, signal);
  }
  return connector;
}
