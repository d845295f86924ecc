/**
 * The script connector: each operation runs the configured executable once, with the operation and
 * its values as one JSON object on stdin, and reads one JSON object from stdout. What the script
 * may see is only what is listed: the allowed environment variables, fixed ones, and the
 * credentials (on stdin or as variables). The optional operations may differ per object type, and
 * the capabilities with them; group members go to the script as addMembers and removeMembers
 * requests. The protocol is in docs/connectors/script.md.
 */
import { isAbsolute, resolve } from 'node:path';
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import {
  ConnectorError,
  type Connector,
  type ConnectorCapabilities,
  type CreateRequest,
  type FindRequest,
  type ListPage,
  type ListRequest,
  type MembershipRequest,
  type ObjectRequest,
  type ObjectType,
  type SetEnabledRequest,
  type TargetObject,
  type UpdateRequest,
} from '../spi/index.js';
import { runScript, type RunOptions } from './run-script.js';
import { scriptCapabilities } from './script-capabilities.js';
import { operationsByType, type ScriptOperation } from './script-operations.js';
import type { ScriptCredentials, ScriptSettings } from './script-settings.js';

export interface ScriptConnectorOptions {
  settings: ScriptSettings;
  credentials: ScriptCredentials;
  baseDirectory: string;
  /** The environment the allow-list picks from; default `process.env`. */
  environment?: NodeJS.ProcessEnv;
}

export class ScriptConnector implements Connector {
  readonly capabilities: ConnectorCapabilities;
  readonly #settings: ScriptSettings;
  readonly #credentials: ScriptCredentials;
  readonly #run: RunOptions;
  readonly #operations: Map<ObjectType, ReadonlySet<ScriptOperation>>;

  constructor(options: ScriptConnectorOptions) {
    const { settings, credentials, baseDirectory } = options;
    this.#settings = settings;
    this.#credentials = credentials;
    this.#operations = operationsByType(settings.operations, settings.objectTypes);
    this.capabilities = scriptCapabilities(this.#operations);
    // Only the methods some type implements exist, as the capabilities require.
    const anyHas = (operation: ScriptOperation) =>
      [...this.#operations.values()].some((ops) => ops.has(operation));
    for (const [operation, methods] of [
      ['get', ['get']],
      ['find', ['find']],
      ['list', ['list']],
      ['update', ['update']],
      ['delete', ['delete']],
      ['setEnabled', ['setEnabled']],
      ['members', ['addMembers', 'removeMembers']],
    ] as const) {
      if (!anyHas(operation))
        for (const method of methods) Object.defineProperty(this, method, { value: undefined });
    }
    const environment = options.environment ?? process.env;
    const env: Record<string, string> = {};
    for (const name of settings.envAllow) {
      const value = environment[name];
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, settings.env);
    if (settings.credentialsIn === 'env') {
      for (const [name, value] of Object.entries(credentials))
        env[`PROVISIO_CREDENTIAL_${name.toUpperCase()}`] = value;
    }
    const command =
      settings.command.includes('/') && !isAbsolute(settings.command)
        ? resolve(baseDirectory, settings.command)
        : settings.command;
    this.#run = {
      command,
      args: settings.args,
      cwd: settings.cwd ? resolve(baseDirectory, settings.cwd) : baseDirectory,
      env,
      timeoutMs: settings.timeoutMs,
      killGraceMs: settings.killGraceMs,
      maxStderrBytes: settings.maxStderrBytes,
      maxStdoutBytes: settings.maxStdoutBytes,
      exitCodes: settings.exitCodes,
      secrets: Object.values(credentials),
    };
  }

  async testConnection(signal: AbortSignal): Promise<void> {
    await this.#call({ operation: 'test' }, signal);
  }

  async create(request: CreateRequest, signal: AbortSignal): Promise<TargetObject> {
    const body: JsonObject = {
      operation: 'create',
      objectType: request.objectType,
      attributes: request.attributes,
    };
    if (request.enabled !== undefined) body.enabled = request.enabled;
    const answer = await this.#call(body, signal);
    return toObject(request.objectType, answer, 'create', request.attributes);
  }

  async get(request: ObjectRequest, signal: AbortSignal): Promise<TargetObject> {
    this.#implements(request.objectType, 'get');
    const answer = await this.#call(
      { operation: 'get', objectType: request.objectType, id: request.ref.id },
      signal,
    );
    return toObject(request.objectType, answer, 'get');
  }

  async find(request: FindRequest, signal: AbortSignal): Promise<TargetObject[]> {
    this.#implements(request.objectType, 'find');
    const answer = await this.#call(
      {
        operation: 'find',
        objectType: request.objectType,
        attribute: request.attribute,
        value: request.value,
      },
      signal,
    );
    return objectsOf(request.objectType, answer, 'find');
  }

  async list(request: ListRequest, signal: AbortSignal): Promise<ListPage> {
    this.#implements(request.objectType, 'list');
    const body: JsonObject = {
      operation: 'list',
      objectType: request.objectType,
      pageSize: request.pageSize,
    };
    if (request.cursor !== undefined) body.cursor = request.cursor;
    const answer = await this.#call(body, signal);
    const page: ListPage = { objects: objectsOf(request.objectType, answer, 'list') };
    if (answer.nextCursor !== undefined && answer.nextCursor !== null) {
      if (typeof answer.nextCursor !== 'string' || answer.nextCursor === '') {
        throw new ConnectorError(
          'invalid_response',
          'The script (list) answered a nextCursor that is not a non-empty string',
        );
      }
      page.nextCursor = answer.nextCursor;
    }
    return page;
  }

  async update(request: UpdateRequest, signal: AbortSignal): Promise<void> {
    this.#implements(request.objectType, 'update');
    const changes = request.changes.map((c) => ({
      attribute: c.attribute,
      oldValue: c.oldValue,
      newValue: c.newValue,
    }));
    await this.#call(
      { operation: 'update', objectType: request.objectType, id: request.ref.id, changes },
      signal,
    );
  }

  async delete(request: ObjectRequest, signal: AbortSignal): Promise<void> {
    this.#implements(request.objectType, 'delete');
    await this.#call({ operation: 'delete', objectType: request.objectType, id: request.ref.id }, signal);
  }

  async setEnabled(request: SetEnabledRequest, signal: AbortSignal): Promise<void> {
    this.#implements(request.objectType, 'setEnabled');
    await this.#call(
      {
        operation: 'setEnabled',
        objectType: request.objectType,
        id: request.ref.id,
        enabled: request.enabled,
      },
      signal,
    );
  }

  /** Adds members to a group: `members` as the engine gives them, `[{ "id": ... }]`. */
  async addMembers(request: MembershipRequest, signal: AbortSignal): Promise<void> {
    await this.#members('addMembers', request, signal);
  }

  /** Removes members from a group, in the same form as addMembers. */
  async removeMembers(request: MembershipRequest, signal: AbortSignal): Promise<void> {
    await this.#members('removeMembers', request, signal);
  }

  async #members(
    operation: 'addMembers' | 'removeMembers',
    request: MembershipRequest,
    signal: AbortSignal,
  ): Promise<void> {
    this.#implements('Group', 'members');
    const members: JsonValue[] = request.members.map((member) => {
      const ref: JsonObject = { id: member.id };
      if (member.name !== undefined) ref.name = member.name;
      return ref;
    });
    await this.#call({ operation, objectType: 'Group', id: request.group.id, members }, signal);
  }

  /**
   * Refuses an operation the script does not implement for this type. The engine plans from the
   * type's own capabilities and never asks; this keeps a direct caller from reaching the script.
   */
  #implements(type: ObjectType, operation: ScriptOperation): void {
    const operations = this.#operations.get(type);
    if (operations === undefined || operations.has(operation)) return; // #call reports the unknown type
    throw new ConnectorError(
      'connector_failure',
      `The script does not implement ${operation} for ${type} (settings.operations)`,
    );
  }

  async #call(body: JsonObject, signal: AbortSignal): Promise<JsonObject> {
    if (
      body.objectType !== undefined &&
      !this.#settings.objectTypes.includes(body.objectType as ObjectType)
    ) {
      throw new ConnectorError(
        'schema_violation',
        `The script target holds no ${String(body.objectType)} objects (settings.objectTypes)`,
      );
    }
    const request: JsonObject =
      this.#settings.credentialsIn === 'stdin' ? { ...body, credentials: { ...this.#credentials } } : body;
    return runScript(this.#run, request, signal);
  }
}

function toObject(type: ObjectType, answer: JsonObject, operation: string, sent?: JsonObject): TargetObject {
  const id = answer.id;
  if (typeof id !== 'string' || id === '') {
    throw new ConnectorError(
      'invalid_response',
      `The script (${operation}) answered no id (a non-empty string)`,
    );
  }
  const attributes = answer.attributes ?? sent ?? {};
  if (!isJsonObject(attributes)) {
    throw new ConnectorError(
      'invalid_response',
      `The script (${operation}) answered attributes that are not an object`,
    );
  }
  const object: TargetObject = { id, objectType: type, attributes };
  if (typeof answer.enabled === 'boolean') object.enabled = answer.enabled;
  if (type === 'Group' && answer.members !== undefined && answer.members !== null) {
    const members = answer.members;
    if (!Array.isArray(members) || !members.every((m) => typeof m === 'string' && m !== '')) {
      throw new ConnectorError(
        'invalid_response',
        `The script (${operation}) answered members that are not an array of member ids`,
      );
    }
    object.members = members as string[];
  }
  return object;
}

function objectsOf(type: ObjectType, answer: JsonObject, operation: string): TargetObject[] {
  const objects: JsonValue | undefined = answer.objects;
  if (!Array.isArray(objects)) {
    throw new ConnectorError('invalid_response', `The script (${operation}) answered no objects array`);
  }
  return objects.map((item) => {
    if (!isJsonObject(item))
      throw new ConnectorError(
        'invalid_response',
        `The script (${operation}) answered an object that is not one`,
      );
    return toObject(type, item, operation);
  });
}
