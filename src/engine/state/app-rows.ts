/** Apps and the audit trail: the engine's configuration and who changed it. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type { AppDefinition } from '../apps/app-definition.js';
import { definitionHash } from './canonical-definition.js';
import type { AuditEntry, AuditQuery, PutAppInput, StoredAppWithSecrets } from './engine-state.js';
import type { StateDb } from './state-scope.js';
import type { EngineAppsTable, EngineAuditTable } from './state-tables.js';
import { PER_APP_TABLES } from './state-tables.js';
import { checkDate, checkLimit } from './state-checks.js';

/** App names as the file format allows them (they are used on the command line). */
const APP_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Audit entries a listing returns when the caller gives no limit. */
const DEFAULT_AUDIT_LIMIT = 100;

function toApp(row: Selectable<EngineAppsTable>, dialect: DialectAdapter): StoredAppWithSecrets {
  return {
    id: row.id,
    definition: dialect.readJson(row.definition) as unknown as AppDefinition,
    version: dialect.readInt(row.version),
    fullSyncRequired: dialect.readInt(row.full_sync_required) === 1,
    created: dialect.readTime(row.created),
    updated: dialect.readTime(row.updated),
    sealedCredentials: row.sealed_credentials,
  };
}

/**
 * Creates the app (a new UUID, version 1) or updates the one of that name, in one statement: the
 * version goes up only when the definition's canonical JSON changed, `updated` moves only when the
 * definition or the credentials changed, and a pending full sync is never cleared by an apply.
 */
export async function putApp(
  db: StateDb,
  dialect: DialectAdapter,
  input: PutAppInput,
): Promise<StoredAppWithSecrets> {
  const { definition } = input;
  if (typeof definition?.name !== 'string' || !APP_NAME.test(definition.name)) {
    throw new Error(
      `putApp: the app name must match [a-z0-9][a-z0-9._-]*, got ${JSON.stringify(definition?.name)}`,
    );
  }
  const now = dialect.time(new Date());
  const row = await db
    .insertInto('engine_apps')
    .values({
      id: randomUUID(),
      name: definition.name,
      definition: dialect.json(definition as unknown as JsonValue),
      definition_hash: definitionHash(definition),
      sealed_credentials: input.sealedCredentials,
      version: 1,
      full_sync_required: input.fullSyncRequired ? 1 : 0,
      created: now,
      updated: now,
    })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet((eb) => ({
        definition: eb.ref('excluded.definition'),
        definition_hash: eb.ref('excluded.definition_hash'),
        sealed_credentials: eb.ref('excluded.sealed_credentials'),
        version: sql<number>`CASE WHEN engine_apps.definition_hash = excluded.definition_hash
          THEN engine_apps.version ELSE engine_apps.version + 1 END`,
        full_sync_required: input.fullSyncRequired ? 1 : eb.ref('engine_apps.full_sync_required'),
        updated: sql<string>`CASE WHEN engine_apps.definition_hash = excluded.definition_hash
          AND engine_apps.sealed_credentials IS NOT DISTINCT FROM excluded.sealed_credentials
          THEN engine_apps.updated ELSE excluded.updated END`,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toApp(row, dialect);
}

export async function getApp(
  db: StateDb,
  dialect: DialectAdapter,
  by: { name: string } | { id: string },
): Promise<StoredAppWithSecrets | undefined> {
  const row = await db
    .selectFrom('engine_apps')
    .selectAll()
    .$if('name' in by, (qb) => qb.where('name', '=', (by as { name: string }).name))
    .$if('id' in by, (qb) => qb.where('id', '=', (by as { id: string }).id))
    .executeTakeFirst();
  return row ? toApp(row, dialect) : undefined;
}

export async function listApps(db: StateDb, dialect: DialectAdapter): Promise<StoredAppWithSecrets[]> {
  const rows = await db.selectFrom('engine_apps').selectAll().orderBy('name').execute();
  return rows.map((row) => toApp(row, dialect));
}

/** Deletes the app and every row of its state; run inside one transaction (the caller's). */
export async function deleteApp(trx: StateDb, name: string): Promise<boolean> {
  const app = await trx.selectFrom('engine_apps').select('id').where('name', '=', name).executeTakeFirst();
  if (!app) return false;
  for (const table of PER_APP_TABLES) {
    await trx.deleteFrom(table).where('app_id', '=', app.id).execute();
  }
  await trx.deleteFrom('engine_apps').where('id', '=', app.id).execute();
  return true;
}

export async function setFullSyncRequired(db: StateDb, appId: string, required: boolean): Promise<void> {
  await db
    .updateTable('engine_apps')
    .set({ full_sync_required: required ? 1 : 0 })
    .where('id', '=', appId)
    .execute();
}

function toAudit(row: Selectable<EngineAuditTable>, dialect: DialectAdapter): AuditEntry {
  const detail = dialect.readJson(row.detail);
  const change = isJsonObject(detail) ? detail : {};
  return {
    id: dialect.readInt(row.id),
    at: dialect.readTime(row.at),
    actor: row.actor,
    action: row.action,
    ...(row.app !== null ? { app: row.app } : {}),
    ...('before' in change ? { before: change.before! } : {}),
    ...('after' in change ? { after: change.after! } : {}),
  };
}

export async function appendAudit(
  db: StateDb,
  dialect: DialectAdapter,
  entry: Omit<AuditEntry, 'id'>,
): Promise<AuditEntry> {
  const detail: Record<string, JsonValue> = {};
  if (entry.before !== undefined) detail.before = entry.before;
  if (entry.after !== undefined) detail.after = entry.after;
  const row = await db
    .insertInto('engine_audit')
    .values({
      at: dialect.time(entry.at),
      actor: entry.actor,
      action: entry.action,
      app: entry.app ?? null,
      detail: dialect.json(detail),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAudit(row, dialect);
}

/** Newest first (by id: the order they were written in); see AuditQuery. */
export async function listAudit(
  db: StateDb,
  dialect: DialectAdapter,
  query: AuditQuery,
): Promise<AuditEntry[]> {
  const limit = checkLimit('listAudit', query.limit ?? DEFAULT_AUDIT_LIMIT);
  const rows = await db
    .selectFrom('engine_audit')
    .selectAll()
    .$if(query.app !== undefined, (qb) => qb.where('app', '=', query.app!))
    .$if(query.actor !== undefined, (qb) => qb.where('actor', '=', query.actor!))
    .$if(query.since !== undefined, (qb) =>
      qb.where('at', '>=', dialect.time(checkDate('listAudit', 'since', query.since!))),
    )
    .$if(query.until !== undefined, (qb) =>
      qb.where('at', '<=', dialect.time(checkDate('listAudit', 'until', query.until!))),
    )
    .$if(query.beforeId !== undefined, (qb) => qb.where('id', '<', query.beforeId!))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => toAudit(row, dialect));
}
