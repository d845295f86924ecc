/** Assignments of users and groups to applications; each change appends to the change feed. */
import type { Kysely } from 'kysely';
import { ScimError } from '../../scim/scim-error.js';
import type { DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import type { AppAssignment, ResourceKind } from '../directory-store.js';
import type { PendingChange } from '../change-feed/pending-change.js';

/**
 * Assigns a user or group to an application; idempotent (an existing assignment is returned as is
 * and appends nothing to the feed).
 */
export async function assign(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  appId: string,
  principalType: ResourceKind,
  principalId: string,
  changes: PendingChange[],
): Promise<AppAssignment> {
  if (appId === '') throw ScimError.invalidValue('appId must not be empty');
  const principal = await trx
    .selectFrom('resources')
    .select('id')
    .where('id', '=', principalId)
    .where('resource_type', '=', principalType)
    .executeTakeFirst();
  if (!principal) throw ScimError.notFound(`${principalType} "${principalId}" not found`);
  const created = new Date();
  const inserted = await trx
    .insertInto('app_assignments')
    .values({
      app_id: appId,
      principal_type: principalType,
      principal_id: principalId,
      created: dialect.time(created),
    })
    .onConflict((oc) => oc.columns(['app_id', 'principal_type', 'principal_id']).doNothing())
    .returning('created')
    .execute();
  if (inserted.length > 0) {
    changes.push({
      resourceType: principalType,
      resourceId: principalId,
      kind: 'assigned',
      attributes: [],
      detail: { appId },
    });
    return { appId, principalType, principalId, created };
  }
  const existing = await trx
    .selectFrom('app_assignments')
    .select('created')
    .where('app_id', '=', appId)
    .where('principal_type', '=', principalType)
    .where('principal_id', '=', principalId)
    .executeTakeFirstOrThrow();
  return { appId, principalType, principalId, created: dialect.readTime(existing.created) };
}

/** Removes an assignment; false when there was none. */
export async function unassign(
  trx: Kysely<DirectoryDatabase>,
  appId: string,
  principalType: ResourceKind,
  principalId: string,
  changes: PendingChange[],
): Promise<boolean> {
  const result = await trx
    .deleteFrom('app_assignments')
    .where('app_id', '=', appId)
    .where('principal_type', '=', principalType)
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  const removed = Number(result.numDeletedRows) > 0;
  if (removed) {
    changes.push({
      resourceType: principalType,
      resourceId: principalId,
      kind: 'unassigned',
      attributes: [],
      detail: { appId },
    });
  }
  return removed;
}

/** Assignments of one application, users and groups, in a stable order. */
export async function listAssignments(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  appId: string,
): Promise<AppAssignment[]> {
  const rows = await db
    .selectFrom('app_assignments')
    .selectAll()
    .where('app_id', '=', appId)
    .orderBy('principal_type')
    .orderBy('principal_id')
    .execute();
  return rows.map((row) => ({
    appId: row.app_id,
    principalType: row.principal_type,
    principalId: row.principal_id,
    created: dialect.readTime(row.created),
  }));
}
