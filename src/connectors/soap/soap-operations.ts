/**
 * The object operations of the SOAP connector: each fills its configured argument template from
 * the request, calls the bound WSDL operation and reads the answer by the type's record shape.
 */
import type { JsonValue } from '../../shared/json.js';
import {
  applyAttributeChanges,
  ConnectorError,
  type CreateRequest,
  type FindRequest,
  type ListPage,
  type ListRequest,
  type MembershipRequest,
  type ObjectRequest,
  type ObjectType,
  type SetEnabledRequest,
  type TargetAttributes,
  type TargetObject,
  type UpdateRequest,
} from '../spi/index.js';
import { readRecords, textAt } from './soap-answers.js';
import type { SoapService } from './soap-service.js';
import type { SoapObjectSettings, SoapSettings } from './soap-settings.js';
import { renderTemplate, templateAttributes, type TemplateValues } from './soap-template.js';

type OperationKey = Exclude<keyof SoapObjectSettings, 'record'>;

export class SoapOperations {
  constructor(
    readonly service: SoapService,
    readonly settings: SoapSettings,
  ) {}

  objectSettings(type: ObjectType): SoapObjectSettings {
    const object = this.settings.objects[type];
    if (object === undefined) {
      throw new ConnectorError(
        'schema_violation',
        `This SOAP target holds no ${type} objects (settings.objects)`,
      );
    }
    return object;
  }

  #operation<K extends OperationKey>(type: ObjectType, key: K): NonNullable<SoapObjectSettings[K]> {
    const operation = this.objectSettings(type)[key];
    if (operation === undefined) {
      throw new ConnectorError(
        'schema_violation',
        `No ${key} operation is configured for ${type} (settings.objects.${type}.${key})`,
      );
    }
    return operation as NonNullable<SoapObjectSettings[K]>;
  }

  async #call(
    operation: { operation: string; arguments: JsonValue },
    values: TemplateValues,
    signal: AbortSignal,
  ): Promise<unknown> {
    return this.service.call(operation.operation, renderTemplate(operation.arguments, values), signal);
  }

  async create(request: CreateRequest, signal: AbortSignal): Promise<TargetObject> {
    const type = request.objectType;
    const object = this.objectSettings(type);
    const create = object.create;
    const enabled = request.enabled ?? true;
    const answer = await this.#call(create, { names: { enabled }, attributes: request.attributes }, signal);
    if (create.id !== undefined) {
      const id = textAt(answer, create.id);
      if (id === undefined) {
        throw new ConnectorError(
          'invalid_response',
          `${create.operation} answered no id at '${create.id}' (create.id)`,
        );
      }
      const created: TargetObject = { id, objectType: type, attributes: { ...request.attributes } };
      if (object.record.enabled !== undefined) created.enabled = enabled;
      return created;
    }
    return this.#one(answer, type, create.operation, create.result, 'created');
  }

  async get(request: ObjectRequest, signal: AbortSignal): Promise<TargetObject> {
    const type = request.objectType;
    const get = this.#operation(type, 'get');
    const answer = await this.#call(get, { names: { id: request.ref.id } }, signal);
    const found = readRecords(answer, get.result, this.objectSettings(type).record, type, get.operation);
    if (found.length === 0)
      throw new ConnectorError('not_found', `${get.operation} found no ${type} with id '${request.ref.id}'`);
    if (found.length > 1) {
      throw new ConnectorError(
        'invalid_response',
        `${get.operation} answered ${found.length} objects for one id`,
      );
    }
    return found[0]!;
  }

  async find(request: FindRequest, signal: AbortSignal): Promise<TargetObject[]> {
    const type = request.objectType;
    const find = this.#operation(type, 'find');
    if (find.attributes !== 'any' && !find.attributes.includes(request.attribute)) {
      throw new ConnectorError(
        'schema_violation',
        `${find.operation} cannot search ${type} by ${request.attribute} (settings.objects.${type}.find.attributes)`,
      );
    }
    const values = { names: { attribute: request.attribute, value: request.value } };
    const answer = await this.#call(find, values, signal);
    return readRecords(answer, find.result, this.objectSettings(type).record, type, find.operation);
  }

  async list(request: ListRequest, signal: AbortSignal): Promise<ListPage> {
    const type = request.objectType;
    const list = this.#operation(type, 'list');
    const pageSize = Math.max(1, Math.min(request.pageSize, list.maxPageSize));
    const values = { names: { pageSize, cursor: request.cursor } };
    const answer = await this.#call(list, values, signal);
    const page: ListPage = {
      objects: readRecords(answer, list.result, this.objectSettings(type).record, type, list.operation),
    };
    const next = list.nextCursor === undefined ? undefined : textAt(answer, list.nextCursor);
    if (next !== undefined) {
      if (next === request.cursor) {
        throw new ConnectorError(
          'invalid_response',
          `${list.operation} answered the cursor it was given: the list would never end`,
        );
      }
      page.nextCursor = next;
    }
    return page;
  }

  async update(request: UpdateRequest, signal: AbortSignal): Promise<void> {
    const type = request.objectType;
    const update = this.#operation(type, 'update');
    let attributes: TargetAttributes;
    if (update.mode === 'replace') {
      const current = await this.get({ objectType: type, ref: request.ref }, signal);
      attributes = applyAttributeChanges(current.attributes, request.changes);
    } else {
      const sent = templateAttributes(update.arguments);
      attributes = {};
      for (const change of request.changes) {
        if (!sent.has(change.attribute)) {
          throw new ConnectorError(
            'schema_violation',
            `${update.operation} does not send ${change.attribute}: add {{attributes.${change.attribute}}} to settings.objects.${type}.update.arguments`,
          );
        }
        attributes[change.attribute] = change.newValue ?? update.clearValue;
      }
    }
    await this.#call(update, { names: { id: request.ref.id }, attributes }, signal);
  }

  async delete(request: ObjectRequest, signal: AbortSignal): Promise<void> {
    await this.#call(
      this.#operation(request.objectType, 'delete'),
      { names: { id: request.ref.id } },
      signal,
    );
  }

  async setEnabled(request: SetEnabledRequest, signal: AbortSignal): Promise<void> {
    const operation = this.#operation(request.objectType, 'setEnabled');
    await this.#call(operation, { names: { id: request.ref.id, enabled: request.enabled } }, signal);
  }

  async changeMembers(key: 'addMembers' | 'removeMembers', request: MembershipRequest, signal: AbortSignal) {
    const operation = this.#operation('Group', key);
    const ids = request.members.map((member) => member.id);
    if (operation.eachMember) {
      for (const member of ids)
        await this.#call(operation, { names: { id: request.group.id, member } }, signal);
      return;
    }
    for (let start = 0; start < ids.length; start += operation.batchSize) {
      const members = ids.slice(start, start + operation.batchSize);
      await this.#call(operation, { names: { id: request.group.id, members } }, signal);
    }
  }

  #one(
    answer: unknown,
    type: ObjectType,
    operation: string,
    path: string | undefined,
    what: string,
  ): TargetObject {
    const found = readRecords(answer, path, this.objectSettings(type).record, type, operation);
    if (found.length !== 1) {
      throw new ConnectorError(
        'invalid_response',
        `${operation} answered ${found.length} ${type} records where one ${what} was expected (at '${path ?? '(the whole answer)'}')`,
      );
    }
    return found[0]!;
  }
}
