/**
 * What every operation of one REST connector shares: the client, and per object type its model
 * and its compiled operations (each with the app's headers folded in).
 */
import type { JsonValue } from '../../shared/json.js';
import { ConnectorError, type ObjectType } from '../spi/index.js';
import { BodyTemplate } from './body-template.js';
import type { RestClient } from './rest-client.js';
import { RestObjectModel } from './rest-objects.js';
import { RestOperation, type OperationSettings } from './rest-operation.js';
import type { PaginationSettings, RestObjectSettings, RestSettings } from './rest-settings.js';

/** addMember / removeMember, with how many members one request carries and each member's JSON. */
export interface MemberOperation {
  readonly operation: RestOperation;
  /** Whether a request carries a batch (`{memberIds}` or `{memberItems}`) rather than one member. */
  readonly batched: boolean;
  readonly batchSize: number;
  /** One member's JSON in `{memberItems}`; without it, the id itself. */
  readonly memberItem: BodyTemplate | undefined;
}

export interface RestTypeContext {
  readonly model: RestObjectModel;
  readonly create: RestOperation;
  readonly get?: RestOperation;
  readonly update?: RestOperation;
  /** Whether an update sends only the changes or the whole object read and changed. */
  readonly updateSends: 'changes' | 'object';
  readonly delete?: RestOperation;
  readonly find?: RestOperation;
  /** How find's answer pages (its own pagination, else the list's). */
  readonly findPagination: PaginationSettings;
  readonly list?: RestOperation;
  readonly pagination: PaginationSettings;
  readonly addMember?: MemberOperation;
  readonly removeMember?: MemberOperation;
  /** How members are written: member operations, the member list through update, or not at all. */
  readonly membership: 'operations' | 'array' | 'none';
}

export interface RestContext {
  readonly client: RestClient;
  readonly settings: RestSettings;
  readonly types: Readonly<Partial<Record<ObjectType, RestTypeContext>>>;
  /** The request test connection sends, when the settings name one. */
  readonly probe?: RestOperation;
}

type MemberSettings = NonNullable<RestObjectSettings['operations']['addMember']>;

function compileType(type: ObjectType, settings: RestObjectSettings, app: RestSettings): RestTypeContext {
  const ops = settings.operations;
  const compile = (name: string, value: OperationSettings) =>
    new RestOperation(`${type} ${name}`, value, app.headers);
  const op = (name: string, value: OperationSettings | undefined) =>
    value === undefined ? undefined : compile(name, value);
  const member = (name: string, value: MemberSettings | undefined): MemberOperation | undefined => {
    if (value === undefined) return undefined;
    const operation = compile(name, value);
    return {
      operation,
      batched: operation.names.has('memberIds') || operation.names.has('memberItems'),
      batchSize: value.batchSize ?? app.memberBatchSize,
      memberItem:
        value.memberItem === undefined ? undefined : new BodyTemplate(value.memberItem as JsonValue),
    };
  };
  const listPagination = ops.list?.pagination ?? { style: 'none' };
  const compiled = {
    model: new RestObjectModel(type, settings),
    create: compile('create', ops.create),
    get: op('get', ops.get),
    update: op('update', ops.update),
    updateSends: ops.update?.send ?? (ops.update?.method === 'PUT' ? 'object' : 'changes'),
    delete: op('delete', ops.delete),
    find: op('find', ops.find),
    findPagination: ops.find?.pagination ?? listPagination,
    list: op('list', ops.list),
    pagination: listPagination,
    addMember: member('addMember', ops.addMember),
    removeMember: member('removeMember', ops.removeMember),
    membership:
      type !== 'Group'
        ? 'none'
        : (settings.membership ?? (ops.addMember !== undefined ? 'operations' : 'none')),
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
    if (objectSettings !== undefined) types[type] = compileType(type, objectSettings, settings);
  }
  return types;
}

/** The probe as an operation (with the app's headers), when the settings name one. */
export function compileProbe(settings: RestSettings): RestOperation | undefined {
  return settings.probe === undefined
    ? undefined
    : new RestOperation('probe', settings.probe, settings.headers);
}

/** The compiled type, or a schema_violation for a type this app does not provision. */
export function typeContext(context: RestContext, type: ObjectType): RestTypeContext {
  const found = context.types[type];
  if (found === undefined)
    throw new ConnectorError('schema_violation', `this REST app does not provision ${type} objects`);
  return found;
}
