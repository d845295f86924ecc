/**
 * Group members through the API's member operations: one request per member (`{memberId}`), or
 * one per batch of `memberBatchSize` when the templates name `{memberIds}`. Adding a member the
 * group has (the API answers 409) and removing one it has not (404) are not errors, as the
 * contract asks; an unknown member on add stays `not_found`.
 */
import type { MembershipRequest } from '../spi/index.js';
import { ConnectorError } from '../spi/index.js';
import { typeContext, type RestContext } from './rest-context.js';
import type { RestOperation } from './rest-operation.js';

async function sendEach(
  context: RestContext,
  operation: RestOperation,
  request: MembershipRequest,
  harmless: ConnectorError['code'],
  signal: AbortSignal,
): Promise<void> {
  const tolerate = (error: unknown) => {
    if (error instanceof ConnectorError && error.code === harmless) return;
    throw error;
  };
  const groupId = request.group.id;
  const ids = [...new Set(request.members.map((member) => member.id))];
  if (operation.names.has('memberIds')) {
    const size = context.settings.memberBatchSize;
    for (let start = 0; start < ids.length; start += size) {
      const memberIds = ids.slice(start, start + size);
      await context.client
        .send(operation.request({ context: { groupId, id: groupId, memberIds }, attributes: {} }, signal))
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
