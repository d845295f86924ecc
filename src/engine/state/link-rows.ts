/** Links between directory objects and their target accounts, one row per (app, type, source id). */
import type { Insertable, Selectable } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import type { Link, LinkInput, StateObjectType } from './engine-state.js';
import type { StateDb } from './state-scope.js';
import { chunks } from './state-scope.js';
import type { EngineLinksTable } from './state-tables.js';
import { checkLimit, checkObjectType } from './state-checks.js';

/**
 * Rows per multi-row INSERT: 10 parameters each, 5,000 per statement, well under SQLite's 32,766
 * and PostgreSQL's 65,535 bound parameters; large enough that a 100,000-object cycle writes its
 * links in 200 statements.
 */
export const LINK_INSERT_CHUNK = 500;

/** Ids per `IN (...)` list of a batched read or delete. */
export const LINK_ID_CHUNK = 500;

function toLink(row: Selectable<EngineLinksTable>, dialect: DialectAdapter): Link {
  return {
    appId: row.app_id,
    objectType: row.object_type,
    sourceId: row.source_id,
    targetId: row.target_id,
    ...(row.target_name !== null ? { targetName: row.target_name } : {}),
    exportedHash: row.exported_hash,
    exported: dialect.readJson(row.exported) as JsonObject,
    state: row.state,
    created: dialect.readTime(row.created),
    updated: dialect.readTime(row.updated),
  };
}

function toRow(link: LinkInput, dialect: DialectAdapter, at: ReturnType<DialectAdapter['time']>) {
  checkObjectType('putLink', link.objectType);
  if (link.state !== 'active' && link.state !== 'disabled') {
    throw new RangeError(`putLink: state must be active or disabled, got ${JSON.stringify(link.state)}`);
  }
  return {
    app_id: link.appId,
    object_type: link.objectType,
    source_id: link.sourceId,
    target_id: link.targetId,
    target_name: link.targetName ?? null,
    exported_hash: link.exportedHash,
    exported: dialect.json(link.exported),
    state: link.state,
    created: at,
    updated: at,
  } satisfies Insertable<EngineLinksTable>;
}

/** Inserts or replaces links; an existing link keeps its `created`. */
function upsert(db: StateDb, rows: readonly Insertable<EngineLinksTable>[]) {
  return db
    .insertInto('engine_links')
    .values(rows as Insertable<EngineLinksTable>[])
    .onConflict((oc) =>
      oc.columns(['app_id', 'object_type', 'source_id']).doUpdateSet((eb) => ({
        target_id: eb.ref('excluded.target_id'),
        target_name: eb.ref('excluded.target_name'),
        exported_hash: eb.ref('excluded.exported_hash'),
        exported: eb.ref('excluded.exported'),
        state: eb.ref('excluded.state'),
        updated: eb.ref('excluded.updated'),
      })),
    );
}

export async function putLink(db: StateDb, dialect: DialectAdapter, link: LinkInput): Promise<Link> {
  const row = await upsert(db, [toRow(link, dialect, dialect.time(new Date()))])
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLink(row, dialect);
}

/**
 * Writes many links, LINK_INSERT_CHUNK rows per statement. Run inside one transaction (the
 * caller's), so all or none are stored. A source id given twice keeps its last link.
 */
export async function putLinks(
  trx: StateDb,
  dialect: DialectAdapter,
  links: readonly LinkInput[],
): Promise<void> {
  const at = dialect.time(new Date());
  // One statement may not name a row twice in ON CONFLICT DO UPDATE (PostgreSQL refuses it).
  const unique = new Map<string, Insertable<EngineLinksTable>>();
  for (const link of links) {
    unique.set(JSON.stringify([link.appId, link.objectType, link.sourceId]), toRow(link, dialect, at));
  }
  for (const part of chunks([...unique.values()], LINK_INSERT_CHUNK)) await upsert(trx, part).execute();
}

export async function getLink(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  objectType: StateObjectType,
  sourceId: string,
): Promise<Link | undefined> {
  const row = await db
    .selectFrom('engine_links')
    .selectAll()
    .where('app_id', '=', appId)
    .where('object_type', '=', objectType)
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  return row ? toLink(row, dialect) : undefined;
}

/** The links of `sourceIds` that exist, keyed by source id; LINK_ID_CHUNK ids per statement. */
export async function getLinks(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  objectType: StateObjectType,
  sourceIds: readonly string[],
): Promise<Map<string, Link>> {
  const found = new Map<string, Link>();
  for (const part of chunks([...new Set(sourceIds)], LINK_ID_CHUNK)) {
    const rows = await db
      .selectFrom('engine_links')
      .selectAll()
      .where('app_id', '=', appId)
      .where('object_type', '=', objectType)
      .where('source_id', 'in', part)
      .execute();
    for (const row of rows) found.set(row.source_id, toLink(row, dialect));
  }
  return found;
}

/** The link to `targetId`; when two source objects claim one target, the lowest source id. */
export async function findLinkByTarget(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  objectType: StateObjectType,
  targetId: string,
): Promise<Link | undefined> {
  const row = await db
    .selectFrom('engine_links')
    .selectAll()
    .where('app_id', '=', appId)
    .where('object_type', '=', objectType)
    .where('target_id', '=', targetId)
    .orderBy('source_id')
    .limit(1)
    .executeTakeFirst();
  return row ? toLink(row, dialect) : undefined;
}

export async function deleteLink(
  db: StateDb,
  appId: string,
  objectType: StateObjectType,
  sourceId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('engine_links')
    .where('app_id', '=', appId)
    .where('object_type', '=', objectType)
    .where('source_id', '=', sourceId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deletes the links of `sourceIds`, LINK_ID_CHUNK per statement, inside the caller's transaction. */
export async function deleteLinksBySource(
  trx: StateDb,
  appId: string,
  objectType: StateObjectType,
  sourceIds: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (const part of chunks([...new Set(sourceIds)], LINK_ID_CHUNK)) {
    const result = await trx
      .deleteFrom('engine_links')
      .where('app_id', '=', appId)
      .where('object_type', '=', objectType)
      .where('source_id', 'in', part)
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}

/** One page in source-id order after `after` (keyset paging on the primary key). */
export async function listLinks(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  objectType: StateObjectType,
  page: { after?: string; limit: number },
): Promise<Link[]> {
  const limit = checkLimit('listLinks', page.limit);
  const rows = await db
    .selectFrom('engine_links')
    .selectAll()
    .where('app_id', '=', appId)
    .where('object_type', '=', objectType)
    .$if(page.after !== undefined, (qb) => qb.where('source_id', '>', page.after!))
    .orderBy('source_id')
    .limit(limit)
    .execute();
  return rows.map((row) => toLink(row, dialect));
}

export async function countLinks(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  objectType?: StateObjectType,
): Promise<number> {
  const row = await db
    .selectFrom('engine_links')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('app_id', '=', appId)
    .$if(objectType !== undefined, (qb) => qb.where('object_type', '=', objectType!))
    .executeTakeFirstOrThrow();
  return dialect.readInt(row.n);
}

export async function deleteLinks(db: StateDb, appId: string): Promise<number> {
  const result = await db.deleteFrom('engine_links').where('app_id', '=', appId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
