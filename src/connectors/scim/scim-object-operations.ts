/**
 * The object operations over SCIM, as Entra's provisioning client sends them: POST to create,
 * GET by id, a filter to find, startIndex/count paging to list, PATCH with the changed attributes
 * only (or a read and a PUT for targets without PATCH), PATCH `active` to disable, DELETE.
 */
import { isJsonObject, type JsonObject } from '../../shared/json.js';
import {
  ConnectorError,
  type CreateRequest,
  type FindRequest,
  type ListPage,
  type ListRequest,
  type ObjectRequest,
  type ObjectType,
  type SetEnabledRequest,
  type TargetObject,
  type UpdateRequest,
} from '../spi/index.js';
import { isNoValue } from '../spi/index.js';
import { listOf, resourceOf } from './scim-answers.js';
import { rememberPaths, resourcePath, type ScimContext } from './scim-context.js';
import { equalityFilter, holdsValue } from './scim-filters.js';
import {
  needsEntryCheck,
  patchBody,
  patchOperations,
  type EntryCheck,
  type PatchOperation,
} from './scim-patch-builder.js';
import { compileScimPath, hasEntry, removePath, writePath } from './scim-paths.js';
import {
  forReplace,
  fromScimResource,
  memberValues,
  outgoingValue,
  toScimResource,
} from './scim-resource-mapping.js';

function toObject(context: ScimContext, objectType: ObjectType, resource: JsonObject): TargetObject {
  return fromScimResource(objectType, resource, context.paths[objectType], context.behaviour);
}

/** Query parameters that keep members out of group reads, where the target understands them. */
function withoutMembers(context: ScimContext, objectType: ObjectType): Record<string, string> {
  return objectType === 'Group' && context.behaviour.excludedAttributes
    ? { excludedAttributes: 'members' }
    : {};
}

/** Drops members a target sent although they were not wanted (it ignores excludedAttributes). */
function dropMembers(object: TargetObject): TargetObject {
  if (object.objectType === 'Group') delete object.members;
  return object;
}

export async function createObject(context: ScimContext, request: CreateRequest, signal: AbortSignal) {
  rememberPaths(context, request.objectType, Object.keys(request.attributes));
  const enabled = request.objectType === 'User' && !context.behaviour.noActive ? request.enabled : undefined;
  const body = toScimResource(request.objectType, request.attributes, context.behaviour, enabled);
  const path = context.endpoints[request.objectType];
  const answer = await context.client.send({ method: 'POST', path, body, signal });
  return toObject(context, request.objectType, resourceOf(`POST ${path}`, answer, context.redact));
}

/** Reads one resource whole (groups with their members). */
async function readResource(context: ScimContext, objectType: ObjectType, id: string, signal: AbortSignal) {
  const path = resourcePath(context, objectType, id);
  const answer = await context.client.send({ method: 'GET', path, signal });
  const resource = resourceOf(`GET ${path}`, answer, context.redact);
  if (resource.id !== id) {
    throw new ConnectorError(
      'invalid_response',
      `GET ${path}: the target answered another resource (id '${resource.id}')`,
    );
  }
  return resource;
}

export async function getObject(context: ScimContext, request: ObjectRequest, signal: AbortSignal) {
  return toObject(
    context,
    request.objectType,
    await readResource(context, request.objectType, request.ref.id, signal),
  );
}

export async function findObjects(context: ScimContext, request: FindRequest, signal: AbortSignal) {
  const path = context.endpoints[request.objectType];
  const filter = equalityFilter(request.attribute, request.value, context.behaviour);
  const answer = await context.client.send({
    method: 'GET',
    path,
    query: { filter, ...withoutMembers(context, request.objectType) },
    signal,
  });
  const list = listOf(`GET ${path}?filter`, answer, context.redact);
  rememberPaths(context, request.objectType, [request.attribute]);
  return list.resources
    .filter((resource) => holdsValue(resource, request.attribute, request.value))
    .map((resource) => dropMembers(toObject(context, request.objectType, resource)));
}

export async function listObjects(
  context: ScimContext,
  request: ListRequest,
  signal: AbortSignal,
): Promise<ListPage> {
  const start = request.cursor === undefined ? 1 : Number(request.cursor);
  if (!Number.isSafeInteger(start) || start < 1) {
    throw new ConnectorError(
      'invalid_response',
      `list(): '${request.cursor}' is not a cursor of this connector`,
    );
  }
  const count = Math.max(1, Math.min(request.pageSize, context.maxPageSize));
  const path = context.endpoints[request.objectType];
  const answer = await context.client.send({
    method: 'GET',
    path,
    query: {
      startIndex: String(start),
      count: String(count),
      ...withoutMembers(context, request.objectType),
    },
    signal,
  });
  const list = listOf(`GET ${path}?startIndex=${start}`, answer, context.redact);
  // A target may answer more than asked; the rest comes again on the next page.
  const resources = list.resources.slice(0, count);
  const objects = resources.map((resource) => dropMembers(toObject(context, request.objectType, resource)));
  const next = start + resources.length;
  const more = resources.length > 0 && next - 1 < list.totalResults;
  return more ? { objects, nextCursor: String(next) } : { objects };
}

export async function deleteObject(context: ScimContext, request: ObjectRequest, signal: AbortSignal) {
  await context.client.send({
    method: 'DELETE',
    path: resourcePath(context, request.objectType, request.ref.id),
    signal,
  });
}

/** Sends PATCH operations to one resource; a group's answer is drained when it carries every member. */
export async function sendPatch(
  context: ScimContext,
  objectType: ObjectType,
  id: string,
  operations: PatchOperation[],
  signal: AbortSignal,
): Promise<void> {
  if (operations.length === 0) return;
  await context.client.send({
    method: 'PATCH',
    path: resourcePath(context, objectType, id),
    body: patchBody(operations),
    signal,
    ...(objectType === 'Group' && context.behaviour.groupPatchReturnsMembers ? { discardBody: true } : {}),
  });
}

/** Reads a resource, lets `change` edit it, and writes it back whole with PUT. */
export async function replaceResource(
  context: ScimContext,
  objectType: ObjectType,
  id: string,
  change: (resource: JsonObject) => void,
  signal: AbortSignal,
): Promise<void> {
  const resource = structuredClone(await readResource(context, objectType, id, signal)) as JsonObject;
  change(resource);
  const path = resourcePath(context, objectType, id);
  const answer = await context.client.send({
    method: 'PUT',
    path,
    body: forReplace(objectType, resource, context.behaviour),
    signal,
    ...(objectType === 'Group' && context.behaviour.groupPatchReturnsMembers ? { discardBody: true } : {}),
  });
  if (answer.json !== undefined) resourceOf(`PUT ${path}`, answer, context.redact);
}

export async function updateObject(context: ScimContext, request: UpdateRequest, signal: AbortSignal) {
  rememberPaths(
    context,
    request.objectType,
    request.changes.map((c) => c.attribute),
  );
  if (context.behaviour.update === 'patch') {
    let entryExists: EntryCheck | undefined;
    if (needsEntryCheck(request.changes, context.behaviour)) {
      const current = await readResource(context, request.objectType, request.ref.id, signal);
      entryExists = (path) => hasEntry(current, path);
    }
    const operations = patchOperations(request.changes, context.behaviour, entryExists);
    await sendPatch(context, request.objectType, request.ref.id, operations, signal);
    return;
  }
  await replaceResource(
    context,
    request.objectType,
    request.ref.id,
    (resource) => {
      for (const change of request.changes) {
        if (request.objectType === 'Group' && change.attribute.toLowerCase() === 'members') {
          const ids = Array.isArray(change.newValue)
            ? change.newValue.filter((v): v is string => typeof v === 'string')
            : [];
          resource.members = memberValues(ids);
          continue;
        }
        const path = compileScimPath(change.attribute);
        if (isNoValue(change.newValue)) removePath(resource, path);
        else writePath(resource, path, change.newValue);
      }
    },
    signal,
  );
}

/**
 * Disable and enable a user. SCIM groups have no `active`, so `disable` is not declared for them
 * and the engine deprovisions a group as the app's actions say. Enabling one only checks it is
 * there: a link an earlier version marked disabled (it deleted such groups) answers `not_found`,
 * and the engine creates the group again.
 */
export async function setObjectEnabled(
  context: ScimContext,
  request: SetEnabledRequest,
  signal: AbortSignal,
) {
  if (request.objectType === 'Group') {
    if (!request.enabled)
      throw new ConnectorError('schema_violation', 'a SCIM group has no active attribute to disable');
    await readResource(context, 'Group', request.ref.id, signal);
    return;
  }
  if (context.behaviour.update === 'patch') {
    const value = outgoingValue(request.enabled, context.behaviour);
    await sendPatch(context, 'User', request.ref.id, [{ op: 'replace', path: 'active', value }], signal);
    return;
  }
  await replaceResource(
    context,
    'User',
    request.ref.id,
    (resource) => {
      resource.active = request.enabled;
    },
    signal,
  );
}

/** The ids of a group's members, read whole. */
export async function readMemberIds(
  context: ScimContext,
  id: string,
  signal: AbortSignal,
): Promise<string[]> {
  const resource = await readResource(context, 'Group', id, signal);
  const members = Array.isArray(resource.members) ? resource.members : [];
  return members.flatMap((m) => (isJsonObject(m) && typeof m.value === 'string' ? [m.value] : []));
}
