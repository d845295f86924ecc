/**
 * What every operation of one REST connector shares: the client, and per object type its model
 * and its compiled operations.
 */
import { ConnectorError, type ObjectType } from '../spi/index.js';
import type { RestClient } from './rest-client.js';
import { RestObjectModel } from './rest-objects.js';
import { RestOperation } from './rest-operation.js';
import type { PaginationSettings, RestObjectSettings, RestSettings } from './rest-settings.js';

export interface RestTypeContext {
  readonly model: RestObjectModel;
  readonly create: RestOperation;
  readonly get?: RestOperation;
  readonly update?: RestOperation;
  /** Whether an update sends only the changes or the whole object read and changed. */
  readonly updateSends: 'changes' | 'object';
  readonly delete?: RestOperation;
  readonly find?: RestOperation;
  readonly list?: RestOperation;
  readonly pagination: PaginationSettings;
  readonly addMember?: RestOperation;
  readonly removeMember?: RestOperation;
}

export interface RestContext {
  readonly client: RestClient;
  readonly settings: RestSettings;
  readonly types: Readonly<Partial<Record<ObjectType, RestTypeContext>>>;
}

function compileType(type: ObjectType, settings: RestObjectSettings): RestTypeContext {
  const ops = settings.operations;
  const op = (name: string, value: ConstructorParameters<typeof RestOperation>[1] | undefined) =>
    value === undefined ? undefined : new RestOperation(`${type} ${name}`, value);
  const compiled = {
    model: new RestObjectModel(type, settings),
    create: new RestOperation(`${type} create`, ops.create),
    get: op('get', ops.get),
    update: op('update', ops.update),
    updateSends: ops.update?.send ?? (ops.update?.method === 'PUT' ? 'object' : 'changes'),
    delete: op('delete', ops.delete),
    find: op('find', ops.find),
    list: op('list', ops.list),
    pagination: ops.list?.pagination ?? { style: 'none' },
    addMember: op('addMember', ops.addMember),
    removeMember: op('removeMember', ops.removeMember),
  } as const;
  // exactOptionalPropertyTypes: operations that are not configured are left out, not undefined.
  return Object.fromEntries(
    Object.entries(compiled).filter(([, v]) => v !== undefined),
  ) as unknown as RestTypeContext;
}

export function compileTypes(settings: RestSettings): Partial<Record<ObjectType, RestTypeContext>> {
  const types: Partial<Record<ObjectType, RestTypeContext>> = {};
  for (const type of ['User', 'Group'] as const) {
    const objectSettings = settings.objects[type];
    if (objectSettings !== undefined) types[type] = compileType(type, objectSettings);
  }
  return types;
}

/** The compiled type, or a schema_violation for a type this app does not provision. */
export function typeContext(context: RestContext, type: ObjectType): RestTypeContext {
  const found = context.types[type];
  if (found === undefined)
    throw new ConnectorError('schema_violation', `this REST app does not provision ${type} objects`);
  return found;
}
