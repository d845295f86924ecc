import type { Kysely, Selectable } from 'kysely';
import { ScimError } from '../scim/scim-error.js';
import type { ApiTokensTable, DirectoryDatabase } from './database-types.js';
import type { DialectAdapter } from './dialect-adapter.js';
import type { ApiTokenRecord, AppAssignment, ResourceKind, TokenScope } from './directory-store.js';
import type { PendingChange } from './store-context.js';

function tokenFromRow(row: Selectable<ApiTokensTable>, dialect: DialectAdapter): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope as TokenScope,
    secretHash: row.secret_hash,
    created: dialect.readTime(row.created),
    lastUsed: row.last_used === null ? null : dialect.readTime(row.last_used),
  };
}

/** Stores a token record; 409 uniqueness when the name is taken. */
export async function createToken(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  record: Omit<ApiTokenRecord, 'created' | 'lastUsed'>,
): Promise<ApiTokenRecord> {
  const created = new Date();
  try {
    await db
      .insertInto('api_tokens')
      .values({
        id: record.id,
        name: record.name,
        scope: record.scope,
        secret_hash: record.secretHash,
        created: dialect.time(created),
        last_used: null,
      })
      .execute();
  } catch (error) {
    if (dialect.uniqueViolation(error) !== undefined) {
      throw ScimError.uniqueness(
        `A token named ${JSON.stringify(record.name)} (or with that id) already exists`,
      );
    }
    throw error;
  }
  return { ...record, created, lastUsed: null };
}

/** Looks a token up by id. */
export async function findToken(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  id: string,
): Promise<ApiTokenRecord | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? tokenFromRow(row, dialect) : undefined;
}

/** All tokens, by name. */
export async function listTokens(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
): Promise<ApiTokenRecord[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('name').execute();
  return rows.map((row) => tokenFromRow(row, dialect));
}

/** Deletes the token named `name`; false when there was none. */
export async function revokeToken(db: Kysely<DirectoryDatabase>, name: string): Promise<boolean> {
  const result = await db.deleteFrom('api_tokens').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Records a token's last use. */
export async function touchToken(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  id: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used: dialect.time(at) })
    .where('id', '=', id)
    .execute();
}

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
