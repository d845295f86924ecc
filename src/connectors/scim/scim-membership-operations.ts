/**
 * Group membership over SCIM: PATCH `add` / `remove` of `members` in batches of `memberBatchSize`
 * (as Entra sends them), or, for targets that take members only whole, a read of the member list
 * and one `replace` (or PUT) of the merged list. Adding a present member and removing an absent one
 * are harmless, and a member the target does not hold is reported as `not_found`.
 */
import { ConnectorError, classifyError, type MembershipRequest } from '../spi/index.js';
import type { ScimContext } from './scim-context.js';
import { readMemberIds, replaceResource, sendPatch } from './scim-object-operations.js';
import {
  addMembersOperation,
  removeMembersOperations,
  replaceMembersOperation,
} from './scim-patch-builder.js';
import { memberValues } from './scim-resource-mapping.js';
import { resourcePath } from './scim-context.js';

function uniqueIds(request: MembershipRequest): string[] {
  return [...new Set(request.members.map((member) => member.id))];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * After a target refused a membership change as invalid: if one of the members is not in the
 * target (a 400 is how many targets say so), the engine must hear `not_found`, not a schema problem.
 */
async function explainRefusal(
  context: ScimContext,
  ids: readonly string[],
  refusal: unknown,
  signal: AbortSignal,
) {
  const error = classifyError(refusal);
  if (error.code !== 'schema_violation') throw error;
  for (const id of ids) {
    const exists = async (type: 'User' | 'Group') => {
      try {
        await context.client.send({ method: 'GET', path: resourcePath(context, type, id), signal });
        return true;
      } catch (probe) {
        if (classifyError(probe).code === 'not_found') return false;
        throw error;
      }
    };
    if (!(await exists('User')) && !(await exists('Group'))) {
      throw new ConnectorError('not_found', `the target holds no member with id '${id}'`, {
        ...(error.detail !== undefined ? { detail: error.detail } : {}),
        ...(error.targetCode !== undefined ? { targetCode: error.targetCode } : {}),
      });
    }
  }
  throw error;
}

/** Writes the merged member list whole, when it differs from what the group holds. */
async function replaceMembers(
  context: ScimContext,
  groupId: string,
  merge: (current: Set<string>) => Set<string>,
  changed: readonly string[],
  signal: AbortSignal,
) {
  const current = new Set(await readMemberIds(context, groupId, signal));
  const next = merge(new Set(current));
  if (next.size === current.size && [...next].every((id) => current.has(id))) return;
  try {
    if (context.behaviour.update === 'patch') {
      await sendPatch(context, 'Group', groupId, replaceMembersOperation([...next]), signal);
    } else {
      await replaceResource(
        context,
        'Group',
        groupId,
        (resource) => {
          resource.members = memberValues([...next]);
        },
        signal,
      );
    }
  } catch (error) {
    await explainRefusal(context, changed, error, signal);
  }
}

const wholeListOnly = (context: ScimContext) =>
  context.behaviour.membersByReplace || context.behaviour.update === 'put';

export async function addGroupMembers(context: ScimContext, request: MembershipRequest, signal: AbortSignal) {
  const ids = uniqueIds(request);
  if (ids.length === 0) return;
  if (wholeListOnly(context)) {
    await replaceMembers(context, request.group.id, (set) => new Set([...set, ...ids]), ids, signal);
    return;
  }
  for (const batch of chunks(ids, context.memberBatchSize)) {
    try {
      await sendPatch(context, 'Group', request.group.id, addMembersOperation(batch), signal);
    } catch (error) {
      await explainRefusal(context, batch, error, signal);
    }
  }
}

function isNoTarget(error: unknown): boolean {
  const classified = classifyError(error);
  return classified.code === 'schema_violation' && /notarget/iu.test(classified.detail ?? '');
}

export async function removeGroupMembers(
  context: ScimContext,
  request: MembershipRequest,
  signal: AbortSignal,
) {
  const ids = uniqueIds(request);
  if (ids.length === 0) return;
  if (wholeListOnly(context)) {
    await replaceMembers(
      context,
      request.group.id,
      (set) => {
        for (const id of ids) set.delete(id);
        return set;
      },
      [],
      signal,
    );
    return;
  }
  for (const batch of chunks(ids, context.memberBatchSize)) {
    try {
      await sendPatch(
        context,
        'Group',
        request.group.id,
        removeMembersOperations(batch, context.behaviour),
        signal,
      );
    } catch (error) {
      // A strict target refuses a whole PATCH when one member was already gone (noTarget):
      // remove the others one by one, and take an absent one as removed.
      if (!isNoTarget(error)) throw error;
      if (batch.length === 1) continue;
      for (const id of batch) {
        await sendPatch(
          context,
          'Group',
          request.group.id,
          removeMembersOperations([id], context.behaviour),
          signal,
        ).catch((single: unknown) => {
          if (!isNoTarget(single)) throw single;
        });
      }
    }
  }
}
