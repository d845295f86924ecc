/**
 * create, get, find, update, delete and setEnabled over the configured operations. Bodies are the
 * operation's template filled from the mapped attributes, or the attributes nested at their JSON
 * paths; answers are read at the operation's object path.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json.js';
import { invalidAnswer } from '../http/index.js';
import {
  ConnectorError,
  type CreateRequest,
  type FindRequest,
  type ObjectRequest,
  type SetEnabledRequest,
  type TargetAttributes,
  type TargetObject,
  type UpdateRequest,
} from '../spi/index.js';
import { deleteAtPath, getAtPath, printJsonPath, setAtPath } from './json-path.js';
import type { RestAnswer } from './rest-client.js';
import { typeContext, type RestContext, type RestTypeContext } from './rest-context.js';
import { holdsValue } from './rest-objects.js';
import type { RestOperation } from './rest-operation.js';
import { findPages } from './rest-pagination.js';
import type { TemplateValues } from './template-values.js';

function valuesOf(
  type: RestTypeContext,
  attributes: TargetAttributes,
  context: TemplateValues['context'] = {},
  keepNull = false,
): TemplateValues {
  return { context, attributes, all: () => type.model.nest(attributes, keepNull) };
}

/** The object an answer holds at the operation's object path, if it holds one. */
function answeredObject(operation: RestOperation, answer: RestAnswer): JsonObject | undefined {
  const value = getAtPath(answer.json, operation.objectPath);
  return isJsonObject(value) ? value : undefined;
}

/** The id from a `Location` header (`/users/42` -> `42`), for APIs that answer 201 without a body. */
function idFromLocation(answer: RestAnswer): string | undefined {
  const location = answer.headers.location;
  const text = Array.isArray(location) ? location[0] : location;
  if (text === undefined) return undefined;
  const last = new URL(text, answer.url).pathname.split('/').filter(Boolean).at(-1);
  return last === undefined ? undefined : decodeURIComponent(last);
}

export async function createObject(
  context: RestContext,
  request: CreateRequest,
  signal: AbortSignal,
): Promise<TargetObject> {
  const type = typeContext(context, request.objectType);
  const { model } = type;
  // Absent means enabled (the SPI's rule), said explicitly: the API's own default may differ.
  const enabled = model.enabled !== undefined ? model.enabledValue(request.enabled ?? true) : undefined;
  const values = valuesOf(type, request.attributes, enabled === undefined ? {} : { enabled });
  const built = type.create.request(values, signal, () => model.nest(request.attributes));
  // The enabled state goes where the API keeps it, unless the template or a mapping already put it there.
  if (
    enabled !== undefined &&
    isJsonObject(built.body) &&
    getAtPath(built.body, model.enabled!.path) === undefined
  )
    setAtPath(built.body, model.enabled!.path, enabled);
  const what = built.what!;
  const answer = await context.client.send(built, what);
  const object = answeredObject(type.create, answer);
  const id = object === undefined ? undefined : model.idOf(object);
  if (object !== undefined && id !== undefined) return model.toTargetObject(object, id);
  const located = idFromLocation(answer);
  if (located !== undefined) {
    const created: TargetObject = {
      id: located,
      objectType: request.objectType,
      attributes: request.attributes,
    };
    if (model.enabled !== undefined) created.enabled = request.enabled ?? true;
    return created;
  }
  throw invalidAnswer(
    what,
    `the API answered no object with an id at '${printJsonPath(model.idPath)}' and no Location header`,
    answer.text,
    context.client.redactor,
  );
}

/** The API's JSON for one object (for get, and for an update that writes the whole object back). */
export async function readJson(context: RestContext, type: RestTypeContext, id: string, signal: AbortSignal) {
  const operation = type.get!;
  const built = operation.request({ context: { id }, attributes: {} }, signal);
  const what = built.what!;
  const answer = await context.client.send(built, what);
  const object = answeredObject(operation, answer);
  if (object === undefined)
    throw invalidAnswer(what, 'the API answered no object', answer.text, context.client.redactor);
  return object;
}

export async function getObject(
  context: RestContext,
  request: ObjectRequest,
  signal: AbortSignal,
): Promise<TargetObject> {
  const type = typeContext(context, request.objectType);
  const json = await readJson(context, type, request.ref.id, signal);
  return type.model.toTargetObject(json, type.model.idOf(json) ?? request.ref.id);
}

export async function findObjects(
  context: RestContext,
  request: FindRequest,
  signal: AbortSignal,
): Promise<TargetObject[]> {
  const type = typeContext(context, request.objectType);
  const values = valuesOf(
    type,
    { [request.attribute]: request.value },
    {
      attribute: request.attribute,
      value: request.value,
    },
  );
  const found = await findPages(context, type, values, signal);
  return found.filter((object) => holdsValue(object, request.attribute, request.value));
}

/** Sends one update: the changed values only, or the object read, changed and written back. */
async function sendUpdate(
  context: RestContext,
  type: RestTypeContext,
  id: string,
  changed: TargetAttributes,
  signal: AbortSignal,
  extra: TemplateValues['context'] = {},
): Promise<void> {
  const operation = type.update!;
  if (type.updateSends === 'changes') {
    const values = valuesOf(type, changed, { ...extra, id }, true);
    await context.client.send(operation.request(values, signal, () => type.model.nest(changed, true)));
    return;
  }
  const json = await readJson(context, type, id, signal);
  for (const [attribute, value] of Object.entries(changed)) {
    const path = type.model.pathOf(attribute);
    if (value === null) deleteAtPath(json, path);
    else setAtPath(json, path, type.model.apiValue(attribute, value));
  }
  const merged = type.model.toTargetObject(json, id).attributes;
  const values = valuesOf(type, merged, { ...extra, id });
  await context.client.send(operation.request(values, signal, () => json));
}

export async function updateObject(
  context: RestContext,
  request: UpdateRequest,
  signal: AbortSignal,
): Promise<void> {
  const type = typeContext(context, request.objectType);
  if (request.changes.length === 0) return;
  const changed: TargetAttributes = {};
  for (const change of request.changes) changed[change.attribute] = change.newValue;
  await sendUpdate(context, type, request.ref.id, changed, signal);
}

export async function deleteObject(
  context: RestContext,
  request: ObjectRequest,
  signal: AbortSignal,
): Promise<void> {
  const type = typeContext(context, request.objectType);
  await context.client.send(
    type.delete!.request({ context: { id: request.ref.id }, attributes: {} }, signal),
  );
}

/**
 * Enable or disable. A type with an `enabled` rule writes its value through update; a type
 * without one (groups, mostly) is not declared as disableable, so the engine deprovisions it as the
 * app says. Enabling one only checks it is there: a link an earlier version marked disabled (it
 * deleted such objects) answers `not_found`, and the engine creates the object again.
 */
export async function setObjectEnabled(
  context: RestContext,
  request: SetEnabledRequest,
  signal: AbortSignal,
): Promise<void> {
  const type = typeContext(context, request.objectType);
  const rule = type.model.enabled;
  if (rule === undefined) {
    if (!request.enabled)
      throw new ConnectorError(
        'schema_violation',
        `${request.objectType} has no enabled rule (settings.objects.${request.objectType}.enabled)`,
      );
    if (type.get !== undefined) await readJson(context, type, request.ref.id, signal);
    return;
  }
  const value: JsonValue = type.model.enabledValue(request.enabled);
  await sendUpdate(context, type, request.ref.id, { [printJsonPath(rule.path)]: value }, signal, {
    enabled: value,
  });
}
