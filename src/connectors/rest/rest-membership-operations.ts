/**
 * Group members through the API's member operations: one request per member (`{memberId}`), or
 * one per batch of `batchSize` members when the templates name `{memberIds}` (the ids) or
 * `{memberItems}` (each member as the operation's `memberItem` JSON).
 *
 * What an answer means follows Entra's use of such APIs. Adding a member who is already there
 * (409) is done, and so is removing one who is not there (404). But a 404 also comes when the
 * group does not exist, which must not pass as done, and the engine reads a `not_found` from a
 * member operation as the group's: so a removal's 404 is checked by reading the group (its `get`
 * and `membersPath`). A missing group is `not_found`; a member the group does not list is done,
 * whether or not the user still exists (a user deleted in the API is no member of anything); a
 * member the group still lists after its removal was refused is the API contradicting itself
 * (`invalid_response`), never `not_found`, since the group was just read. A batch answered 409 or
 * 404 as a whole may have been refused whole, so the group is read and the members still to add
 * or remove are sent again, once. Without a Group `get` (and `membersPath`) nothing can be read
 * back: the answer is taken as done, as the API meant it. An add's 404 (unknown group or user)
 * stays `not_found`.
 */
import type { JsonValue } from '../../shared/json.js';
import type { MembershipRequest } from '../spi/index.js';
import { ConnectorError } from '../spi/index.js';
import { typeContext, type MemberOperation, type RestContext, type RestTypeContext } from './rest-context.js';
import { readJson } from './rest-object-operations.js';

type Direction = 'add' | 'remove';

/** The code an answer has when the member is already as asked: present for add, absent for remove. */
const ALREADY: Record<Direction, ConnectorError['code']> = { add: 'already_exists', remove: 'not_found' };

function isAlready(error: unknown, direction: Direction): error is ConnectorError {
  return error instanceof ConnectorError && error.code === ALREADY[direction];
}

/** `not_found` saying which object is missing, with the API's words from the read that showed it. */
function missing(message: string, error: ConnectorError): ConnectorError {
  return new ConnectorError('not_found', message, {
    cause: error,
    ...(error.detail !== undefined ? { detail: error.detail } : {}),
    ...(error.targetCode !== undefined ? { targetCode: error.targetCode } : {}),
  });
}

/** The group's member ids as the API holds them, or undefined when the settings cannot read them. */
async function heldMembers(
  context: RestContext,
  group: RestTypeContext,
  groupId: string,
  signal: AbortSignal,
): Promise<Set<string> | undefined> {
  if (group.get === undefined || group.model.membersPath === undefined) return undefined;
  try {
    return new Set(group.model.membersOf(await readJson(context, group, groupId, signal)));
  } catch (error) {
    if (error instanceof ConnectorError && error.code === 'not_found')
      throw missing(`the group ${groupId} does not exist in the API`, error);
    throw error;
  }
}

/**
 * A removal the API still refuses for members the group (just read, so present) lists: not the
 * group's `not_found`, which would make the engine take the group for gone.
 */
function stillListed(groupId: string, ids: readonly string[], error: ConnectorError): ConnectorError {
  return new ConnectorError(
    'invalid_response',
    `removing ${ids.join(', ')} from the group ${groupId} was answered not found, yet the group still lists ${ids.length === 1 ? 'it' : 'them'}`,
    {
      cause: error,
      ...(error.detail !== undefined ? { detail: error.detail } : {}),
      ...(error.targetCode !== undefined ? { targetCode: error.targetCode } : {}),
    },
  );
}

/**
 * After an "already" answer for `ids`: the ones still to send (present ones for a removal,
 * missing ones for an add), or undefined when nothing can be read back. Throws `not_found` for a
 * group that does not exist.
 */
async function stillToSend(
  context: RestContext,
  groupId: string,
  ids: readonly string[],
  direction: Direction,
  signal: AbortSignal,
): Promise<string[] | undefined> {
  const group = typeContext(context, 'Group');
  const held = await heldMembers(context, group, groupId, signal);
  if (held === undefined) return undefined;
  return ids.filter((id) => (direction === 'add' ? !held.has(id) : held.has(id)));
}

async function sendMembers(
  context: RestContext,
  member: MemberOperation,
  request: MembershipRequest,
  direction: Direction,
  signal: AbortSignal,
): Promise<void> {
  const { operation } = member;
  const groupId = request.group.id;
  const ids = [...new Set(request.members.map((m) => m.id))];
  if (member.batched) {
    const item = (memberId: string): JsonValue =>
      member.memberItem === undefined
        ? memberId
        : member.memberItem.fill({ context: { groupId, memberId }, attributes: {} });
    const sendBatch = (memberIds: readonly string[]) =>
      context.client.send(
        operation.request(
          {
            context: { groupId, id: groupId, memberIds: [...memberIds], memberItems: memberIds.map(item) },
            attributes: {},
          },
          signal,
        ),
      );
    // One batch after the other: a batch is already as much as the API takes in one request.
    for (let start = 0; start < ids.length; start += member.batchSize) {
      const batch = ids.slice(start, start + member.batchSize);
      try {
        await sendBatch(batch);
      } catch (error) {
        if (!isAlready(error, direction)) throw error;
        const rest = await stillToSend(context, groupId, batch, direction, signal);
        // A second refusal of what is provably still to do is the API's real answer.
        if (rest !== undefined && rest.length > 0) {
          try {
            await sendBatch(rest);
          } catch (again) {
            if (direction === 'remove' && isAlready(again, direction))
              throw stillListed(groupId, rest, again);
            throw again;
          }
        }
      }
    }
    return;
  }
  // In parallel: the app's limiter bounds how many are in flight.
  const results = await Promise.allSettled(
    ids.map(async (memberId) => {
      try {
        await context.client.send(
          operation.request({ context: { groupId, id: groupId, memberId }, attributes: {} }, signal),
        );
      } catch (error) {
        if (!isAlready(error, direction)) throw error;
        // A 409 on one add is the member being there; a 404 on one removal must be told apart.
        if (direction === 'add') return;
        const rest = await stillToSend(context, groupId, [memberId], direction, signal);
        if (rest !== undefined && rest.length > 0) throw stillListed(groupId, rest, error);
      }
    }),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

export async function addGroupMembers(context: RestContext, request: MembershipRequest, signal: AbortSignal) {
  const type = typeContext(context, 'Group');
  await sendMembers(context, type.addMember!, request, 'add', signal);
}

export async function removeGroupMembers(
  context: RestContext,
  request: MembershipRequest,
  signal: AbortSignal,
) {
  const type = typeContext(context, 'Group');
  await sendMembers(context, type.removeMember!, request, 'remove', signal);
}
