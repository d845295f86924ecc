/**
 * Group members through the API's member operations: one request per member (`{memberId}`), or
 * one per batch of `batchSize` members when the templates name `{memberIds}` (the ids) or
 * `{memberItems}` (each member as the operation's `memberItem` JSON). Adding a member the group
 * has (the API answers 409) and removing one it has not (404) are not errors, as the contract
 * asks; an unknown member on add stays `not_found`.
 */
import type { JsonValue } from '../../shared/json.js';
import type { MembershipRequest } from '../spi/index.js';
import { ConnectorError } from '../spi/index.js';
import { typeContext, type MemberOperation, type RestContext } from './rest-context.js';

async function sendEach(
  context: RestContext,
  member: MemberOperation,
  request: MembershipRequest,
  harmless: ConnectorError['code'],
  signal: AbortSignal,
): Promise<void> {
  const tolerate = (error: unknown) => {
    if (error instanceof ConnectorError && error.code === harmless) return;
    throw error;
  };
  const { operation } = member;
  const groupId = request.group.id;
  const ids = [...new Set(request.members.map((m) => m.id))];
  if (member.batched) {
    const item = (memberId: string): JsonValue =>
      member.memberItem === undefined
        ? memberId
        : member.memberItem.fill({ context: { groupId, memberId }, attributes: {} });
    // One batch after the other: a batch is already as much as the API takes in one request.
    for (let start = 0; start < ids.length; start += member.batchSize) {
      const memberIds = ids.slice(start, start + member.batchSize);
      const memberItems = memberIds.map(item);
      await context.client
        .send(
          operation.request(
            { context: { groupId, id: groupId, memberIds, memberItems }, attributes: {} },
            signal,
          ),
        )
        .catch(tolerate);
    }
    return;
  }
  // In parallel: the app's limiter bounds how many are in flight.
  const results = await Promise.allSettled(
    ids.map((memberId) =>
      context.client
        .send(operation.request({ context: { groupId, id: groupId, memberId }, attributes: {} }, signal))
        .catch(tolerate),
    ),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

export async function addGroupMembers(context: RestContext, request: MembershipRequest, signal: AbortSignal) {
  const type = typeContext(context, 'Group');
  await sendEach(context, type.addMember!, request, 'already_exists', signal);
}

export async function removeGroupMembers(
  context: RestContext,
  request: MembershipRequest,
  signal: AbortSignal,
) {
  const type = typeContext(context, 'Group');
  await sendEach(context, type.removeMember!, request, 'not_found', signal);
}
