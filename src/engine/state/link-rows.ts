/** Links between directory objects and their target accounts, one row per (app, type, source id). */
import { sql } from 'kysely';
import type {
  ExpressionBuilder,
  Insertable,
  OnConflictBuilder,
  RawBuilder,
  Selectable,
  SqlBool,
} from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import type { DialectAdapter } from '../../directory/dialect-adapter.js';
import { ACCOUNT_NAME_ATTRIBUTES } from './account-name.js';
import type { Link, LinkInput, LinkPage, StateObjectType } from './engine-state.js';
import type { StateDb } from './state-scope.js';
import { chunks } from './state-scope.js';
import { CompiledInsert } from './compiled-insert.js';
import type { EngineLinksTable, EngineStateTables } from './state-tables.js';
import { checkLimit, checkObjectType } from './state-checks.js';

/**
 * Rows per multi-row INSERT: 2,000 parameters, far under SQLite's 32,766 and PostgreSQL's 65,535,
 * and SQL text of about 7 KB, short enough for the SQLite statement cache (16 KB a text,
 * sqlite-statement-cache.ts) to keep it prepared. At 500 rows the text was too long to cache and
 * was prepared for every chunk (about 5% more CPU for 100,000 links).
 */
export const LINK_INSERT_CHUNK = 200;

/** Rows per PostgreSQL statement of unnested arrays (its parameters do not grow with the rows). */
export const LINK_UNNEST_CHUNK = 2000;

/** Links one statement of putLinks writes on this dialect. */
export function linkInsertChunk(dialect: DialectAdapter): number {
  return dialect.name === 'postgres' ? LINK_UNNEST_CHUNK : LINK_INSERT_CHUNK;
}

/** Ids per `IN (...)` list of a batched read or delete. */
export const LINK_ID_CHUNK = 500;

/**
 * `source_id` among `ids`: on PostgreSQL one array parameter (`= ANY($1)`), which the server
 * parses once instead of one parameter per id; on SQLite an IN list.
 */
function sourceIdIn(dialect: DialectAdapter, ids: readonly string[]) {
  return (eb: ExpressionBuilder<EngineStateTables, 'engine_links'>) =>
    dialect.name === 'postgres'
      ? eb('source_id', '=', sql<string>`ANY(${[...ids]}::text[])`)
      : eb('source_id', 'in', ids);
}

/**
 * A stored link. `exported` is parsed when first read: most links a cycle loads are those of the
 * members and managers its objects refer to, read for their target id only, and parsing every
 * one's exported attributes was most of the cost of loading them.
 */
function toLink(row: Selectable<EngineLinksTable>, dialect: DialectAdapter): Link {
  const link = {
    appId: row.app_id,
    objectType: row.object_type,
    sourceId: row.source_id,
    targetId: row.target_id,
  } as { -readonly [K in keyof Link]: Link[K] };
  if (row.target_name !== null) link.targetName = row.target_name;
  link.exportedHash = row.exported_hash;
  let exported: JsonObject | undefined;
  Object.defineProperty(link, 'exported', {
    enumerable: true,
    configurable: true,
    get: () => (exported ??= dialect.readJson(row.exported) as JsonObject),
  });
  link.state = row.state;
  link.created = dialect.readTime(row.created);
  link.updated = dialect.readTime(row.updated);
  return link;
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

/** On conflict: the new link replaces the old one, which keeps its `created`. */
function replaceOnConflict(oc: OnConflictBuilder<EngineStateTables, 'engine_links'>) {
  return oc.columns(['app_id', 'object_type', 'source_id']).doUpdateSet((eb) => ({
    target_id: eb.ref('excluded.target_id'),
    target_name: eb.ref('excluded.target_name'),
    exported_hash: eb.ref('excluded.exported_hash'),
    exported: eb.ref('excluded.exported'),
    state: eb.ref('excluded.state'),
    updated: eb.ref('excluded.updated'),
  }));
}

/** Inserts or replaces links, one parameter per value. */
function upsert(db: StateDb, rows: readonly Insertable<EngineLinksTable>[]) {
  return db
    .insertInto('engine_links')
    .values(rows as Insertable<EngineLinksTable>[])
    .onConflict(replaceOnConflict);
}

/** SQLite's upsert, compiled once per chunk size. */
const upsertChunk = new CompiledInsert<Insertable<EngineLinksTable>>(
  [
    'app_id',
    'object_type',
    'source_id',
    'target_id',
    'target_name',
    'exported_hash',
    'exported',
    'state',
    'created',
    'updated',
  ],
  upsert,
);

/**
 * PostgreSQL: inserts or replaces links with one array parameter per column, unnested into rows.
 * The server parses ten parameters whatever the number of rows, where a VALUES list of 200 rows
 * has 2,000.
 */
function upsertUnnested(db: StateDb, rows: readonly Insertable<EngineLinksTable>[], at: unknown) {
  const column = <K extends keyof EngineLinksTable>(key: K) => rows.map((row) => row[key]);
  return db
    .insertInto('engine_links')
    .columns([
      'app_id',
      'object_type',
      'source_id',
      'target_id',
      'target_name',
      'exported_hash',
      'exported',
      'state',
      'created',
      'updated',
    ])
    .expression(
      sql`SELECT u.*, ${at}::timestamptz, ${at}::timestamptz FROM unnest(
        ${column('app_id')}::text[], ${column('object_type')}::text[], ${column('source_id')}::text[],
        ${column('target_id')}::text[], ${column('target_name')}::text[], ${column('exported_hash')}::text[],
        ${column('exported')}::jsonb[], ${column('state')}::text[]) AS u`,
    )
    .onConflict(replaceOnConflict);
}

export async function putLink(db: StateDb, dialect: DialectAdapter, link: LinkInput): Promise<Link> {
  const row = await upsert(db, [toRow(link, dialect, dialect.time(new Date()))])
    .returningAll()
    .executeTakeFirstOrThrow();
  return toLink(row, dialect);
}

/**
 * Writes many links, linkInsertChunk rows per statement. Run inside one transaction (the
 * caller's), so all or none are stored. A source id given twice keeps its last link.
 */
export async function putLinks(
  trx: StateDb,
  dialect: DialectAdapter,
  links: readonly LinkInput[],
): Promise<void> {
  const at = dialect.time(new Date());
  // One statement may not name a row twice in ON CONFLICT DO UPDATE (PostgreSQL refuses it). The
  // key starts with the app id's length and toRow accepts only the two object types, so two links
  // share a key only when they name the same row (cheaper than a JSON array per link).
  const unique = new Map<string, Insertable<EngineLinksTable>>();
  for (const link of links) {
    const row = toRow(link, dialect, at);
    unique.set(`${link.appId.length}:${link.appId}:${link.objectType}:${link.sourceId}`, row);
  }
  for (const part of chunks([...unique.values()], linkInsertChunk(dialect))) {
    if (dialect.name === 'postgres') await upsertUnnested(trx, part, at).execute();
    else await upsertChunk.execute(trx, part);
  }
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
      .where(sourceIdIn(dialect, part))
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
  dialect: DialectAdapter,
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
      .where(sourceIdIn(dialect, part))
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}

/**
 * `search` in the account's ids, target name or name (the first string of its name attributes in
 * `exported`), both sides through SQL `lower()`: `instr`/`strpos` match the text literally, with
 * no LIKE wildcards to escape. Every link of the type is read (no index holds substrings), but
 * in the database, without parsing `exported` in JavaScript.
 */
function matchesSearch(dialect: DialectAdapter, objectType: StateObjectType, search: string) {
  const postgres = dialect.name === 'postgres';
  // The first name attribute that holds a string, as accountSourceName reads it.
  const whens = ACCOUNT_NAME_ATTRIBUTES[objectType].map((attribute) => {
    if (postgres) {
      const key = sql.lit(attribute);
      return sql`WHEN jsonb_typeof(exported -> ${key}) = 'string' THEN exported ->> ${key}`;
    }
    const path = sql.lit(`$.${attribute}`);
    return sql`WHEN json_type(exported, ${path}) = 'text' THEN json_extract(exported, ${path})`;
  });
  const needle = postgres ? sql`lower(${search}::text)` : sql`lower(${search})`;
  const contains = (text: RawBuilder<unknown>) =>
    postgres ? sql`strpos(lower(${text}), ${needle}) > 0` : sql`instr(lower(${text}), ${needle}) > 0`;
  return sql<SqlBool>`(${sql.join(
    [
      sql.ref('source_id'),
      sql`CASE ${sql.join(whens, sql` `)} END`,
      sql.ref('target_id'),
      sql.ref('target_name'),
    ].map(contains),
    sql` OR `,
  )})`;
}

/**
 * One page in source-id order after `after` (keyset paging on the primary key), of the links
 * `search` matches when it is given.
 */
export async function listLinks(
  db: StateDb,
  dialect: DialectAdapter,
  appId: string,
  objectType: StateObjectType,
  page: LinkPage,
): Promise<Link[]> {
  const limit = checkLimit('listLinks', page.limit);
  const rows = await db
    .selectFrom('engine_links')
    .selectAll()
    .where('app_id', '=', appId)
    .where('object_type', '=', objectType)
    .$if(page.after !== undefined, (qb) => qb.where('source_id', '>', page.after!))
    .$if(page.search !== undefined, (qb) => qb.where(matchesSearch(dialect, objectType, page.search!)))
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
