/**
 * Assignments of users and groups to applications, each with an app role; a principal may hold
 * several roles in one app. Each change appends to the change feed with `{ appId, role }`.
 * The directory does not know an app's roles: the caller (the apps service) checks the value
 * against the app's declared roles and passes the default role when none was asked for.
 */
import type { Kysely } from 'kysely';
import { ScimError } from '../../scim/scim-error.js';
import type { DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import type { AppAssignment, ResourceKind } from '../directory-store.js';
import type { PendingChange } from '../change-feed/pending-change.js';

/** The role of an assignment made without one, and of rows from before roles existed. */
export const DEFAULT_ASSIGNMENT_ROLE = 'User';

/**
 * Assigns a user or group to an application in a role; idempotent (an existing assignment is
 * returned as is and appends nothing to the feed).
 */
export async function assign(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  appId: string,
  principalType: ResourceKind,
  principalId: string,
  role: string,
  changes: PendingChange[],
): Promise<AppAssignment> {
  if (appId === '') throw ScimError.invalidValue('appId must not be empty');
  if (role === '') throw ScimError.invalidValue('role must not be empty');
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
      role,
      created: dialect.time(created),
    })
    .onConflict((oc) => oc.columns(['app_id', 'principal_type', 'principal_id', 'role']).doNothing())
    .returning('created')
    .execute();
  if (inserted.length > 0) {
    changes.push({
      resourceType: principalType,
      resourceId: principalId,
      kind: 'assigned',
      attributes: [],
      detail: { appId, role },
    });
    return { appId, principalType, principalId, role, created };
  }
  const existing = await trx
    .selectFrom('app_assignments')
    .select('created')
    .where('app_id', '=', appId)
    .where('principal_type', '=', principalType)
    .where('principal_id', '=', principalId)
    .where('role', '=', role)
    .executeTakeFirstOrThrow();
  return { appId, principalType, principalId, role, created: dialect.readTime(existing.created) };
}

/**
 * Removes an assignment in one role, or in every role the principal holds in the app when `role`
 * is undefined; false when there was none.
 */
export async function unassign(
  trx: Kysely<DirectoryDatabase>,
  appId: string,
  principalType: ResourceKind,
  principalId: string,
  role: string | undefined,
  changes: PendingChange[],
): Promise<boolean> {
  let query = trx
    .deleteFrom('app_assignments')
    .where('app_id', '=', appId)
    .where('principal_type', '=', principalType)
    .where('principal_id', '=', principalId);
  if (role !== undefined) query = query.where('role', '=', role);
  const removed = await query.returning('role').execute();
  for (const row of [...removed].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0))) {
    changes.push({
      resourceType: principalType,
      resourceId: principalId,
      kind: 'unassigned',
      attributes: [],
      detail: { appId, role: row.role },
    });
  }
  return removed.length > 0;
}

/** Assignments of one application, users and groups, in a stable order (type, id, role). */
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
    .orderBy('role')
    .execute();
  return rows.map((row) => ({
    appId: row.app_id,
    principalType: row.principal_type,
    principalId: row.principal_id,
    role: row.role,
    created: dialect.readTime(row.created),
  }));
}
