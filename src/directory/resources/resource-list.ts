import { sql } from 'kysely';
import type { Kysely, RawBuilder, SqlBool } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import type { AttrPath } from '../../scim/filter/filter-ast.js';
import { compileFilter } from '../../scim/filter/filter-compiler.js';
import { parseAttrPath } from '../../scim/filter/filter-parser.js';
import { ScimError } from '../../scim/scim-error.js';
import { SchemaUrn } from '../../scim/schema/schema-types.js';
import type { AttributeResolver } from '../../scim/schema/schema-types.js';
import type { DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import type { ListQuery, ListResult, ResourceKind, StoredResource } from '../directory-store.js';
import { balanceFilter, filterToSql, SQL_TRUE, uniqueLookup } from './filter-to-sql.js';
import type { UniqueLookup } from './filter-to-sql.js';
import type { MarkedRow, PageContinuations } from './page-continuations.js';
import type { ReadRow, ResourceRow } from './resource-rows.js';
import { loadGroupsOfMany, loadMembers, materialise, readColumns, rowToResource } from './resource-rows.js';
import { QueryTemplate } from '../query-template.js';
import { resourceComparator } from './sort-resources.js';
import { refuseUnqueryableAttributes } from './unqueryable-attributes.js';

/** Rows fetched per keyset page when filtering or sorting in memory. */
export const CANDIDATE_BATCH = 500;

/**
 * Most matches a query may sort in memory (sortBy on an attribute without a column, or a filter
 * that needs in-memory evaluation combined with sortBy). Beyond it the query fails with 400
 * tooMany (RFC 7644 §3.12: "more results than the server is willing to calculate"); narrowing the
 * filter or sorting by an indexed attribute avoids it.
 */
export const IN_MEMORY_SORT_CAP = 10_000;

/** Columns that sort in SQL, per lower-cased sortBy path. */
// Maps, not object literals: the key comes from the client's sortBy, and `constructor` must find nothing.
const SORT_COLUMNS: Record<ResourceKind, ReadonlyMap<string, string>> = {
  User: new Map(
    Object.entries({
      id: 'r.id',
      username: 'r.user_name',
      externalid: 'r.external_id',
      displayname: 'r.display_name',
      'meta.created': 'r.created',
      'meta.lastmodified': 'r.last_modified',
    }),
  ),
  Group: new Map(
    Object.entries({
      id: 'r.id',
      externalid: 'r.external_id',
      displayname: 'r.display_name',
      'meta.created': 'r.created',
      'meta.lastmodified': 'r.last_modified',
    }),
  ),
};

/** A page row, with the change mark when read for a continuation. */
type PageRow = ReadRow & MarkedRow;

/**
 * Sort columns every row of the type has a value in: the store always writes ids and times, and
 * a user's userName (extractColumns refuses a user without one).
 */
const NEVER_NULL_SORT_COLUMNS: Record<ResourceKind, ReadonlySet<string>> = {
  User: new Set(['r.id', 'r.created', 'r.last_modified', 'r.user_name']),
  Group: new Set(['r.id', 'r.created', 'r.last_modified']),
};

/** Sort columns with a distinct value per row of the type: they need no `r.id` tie-break. */
const UNIQUE_SORT_COLUMNS: Record<ResourceKind, ReadonlySet<string>> = {
  User: new Set(['r.id', 'r.user_name']),
  Group: new Set(['r.id']),
};

function sortColumn(type: ResourceKind, path: AttrPath): string | undefined {
  const core = type === 'User' ? SchemaUrn.user : SchemaUrn.group;
  if (path.uri !== undefined && path.uri.toLowerCase() !== core.toLowerCase()) return undefined;
  const key = path.subAttr === undefined ? path.name : `${path.name}.${path.subAttr}`;
  return SORT_COLUMNS[type].get(key.toLowerCase());
}

/** The resource as the evaluator sees it: attributes plus `id` and `meta` (RFC 7643 §3.1). */
function evaluationView(resource: StoredResource): JsonObject {
  return {
    ...resource.attributes,
    id: resource.id,
    meta: {
      resourceType: resource.resourceType,
      created: resource.created.toISOString(),
      lastModified: resource.lastModified.toISOString(),
      version: `W/"${resource.version}"`,
    },
  };
}

/** A non-negative integer for LIMIT / OFFSET, which are written into the SQL as literals. */
function pageBound(value: number): number {
  if (Number.isNaN(value)) throw new Error(`listResources: startIndex and count must be numbers`);
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(value)));
}

/**
 * One page of an exactly translated query, written as one SQL template: the query builder would
 * cost more CPU to build and compile than SQLite takes to run a lookup by userName. LIMIT and
 * OFFSET are validated integers written as literals, because SQLite plans a bound LIMIT as an
 * expression and a lookup then runs about twice as long.
 */
function pageSql(
  type: ResourceKind,
  where: RawBuilder<SqlBool>,
  column: string,
  descending: boolean,
  count: number,
  offset: number,
  keyset?: { readonly after?: string; readonly markSql: string },
  sortMatches = false,
): RawBuilder<PageRow> {
  // NULLS LAST only where a column can be NULL: on SQLite it keeps an index from giving the order,
  // and the default sort by id then sorted every matching row to return the first page.
  const direction = sql.raw(
    `${descending ? 'desc' : 'asc'}${NEVER_NULL_SORT_COLUMNS[type].has(column) ? '' : ' nulls last'}`,
  );
  // Without NULLS LAST and a tie-break, sortBy=userName reads users in the order of the unique
  // index on user_name instead of sorting every user for one page.
  const tieBreak = UNIQUE_SORT_COLUMNS[type].has(column) ? sql`` : sql`, r.id`;
  // Keyset pages are in id order (see page-continuations.ts): the page after `after`.
  const mark = keyset ? sql.raw(`, ${keyset.markSql} as change_mark`) : sql``;
  const after =
    keyset?.after === undefined
      ? sql``
      : descending
        ? sql` and r.id < ${keyset.after}`
        : sql` and r.id > ${keyset.after}`;
  return sql<PageRow>`select ${sql.raw(readColumns(type))}${mark} from resources as r where r.resource_type = ${type} and ${where}${after} order by ${sortMatches ? sql`coalesce(${sql.ref(column)}, ${sql.ref(column)})` : sql.ref(column)} ${direction}${tieBreak} limit ${sql.lit(count)} offset ${sql.lit(offset)}`;
}

function baseQuery(db: Kysely<DirectoryDatabase>, type: ResourceKind, where: RawBuilder<SqlBool>) {
  return db.selectFrom('resources as r').where('r.resource_type', '=', type).where(where);
}

/**
 * One prepared statement per resource type and unique column: the row a unique lookup names.
 * Building and compiling the general page query cost more CPU than SQLite takes to answer it.
 */
function lookupTemplate(type: ResourceKind, column: UniqueLookup['column']) {
  return new QueryTemplate(
    (_db, value: string) =>
      sql<ReadRow>`select ${sql.raw(readColumns(type))} from resources as r where r.resource_type = ${type} and ${sql.ref(column)} = ${value}`,
  );
}

/** Lookup templates by type and column, made on first use (filter-to-sql.ts says which columns). */
const lookups = new Map<string, QueryTemplate<[string], ReadRow>>();

function lookupFor(type: ResourceKind, column: UniqueLookup['column']): QueryTemplate<[string], ReadRow> {
  const key = `${type} ${column}`;
  let template = lookups.get(key);
  if (template === undefined) lookups.set(key, (template = lookupTemplate(type, column)));
  return template;
}

const storedCount = new QueryTemplate((db, type: ResourceKind) =>
  db.selectFrom('resource_counts').select('n').where('resource_type', '=', type),
);

/**
 * totalResults of an exactly translated query. Without a filter, SQLite reads the count its
 * triggers keep (one row) instead of counting every user: at a million users that COUNT took
 * longer than the rest of the page.
 */
async function countMatches(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  unfiltered: boolean,
  where: RawBuilder<SqlBool>,
): Promise<number> {
  if (unfiltered && dialect.keepsResourceCounts) {
    const stored = await storedCount.first(db, dialect.name, type);
    if (stored !== undefined) return Number(stored.n);
  }
  const total = await baseQuery(db, type, where)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(total.n);
}

/**
 * Runs a SCIM list query (RFC 7644 §3.4.2). Filters and sorts that map to columns run entirely in
 * SQL. Otherwise SQL narrows to a superset and the filter is evaluated in memory over candidates
 * streamed in id order, CANDIDATE_BATCH rows at a time, so memory stays bounded by the page (or by
 * IN_MEMORY_SORT_CAP when the matches must be sorted in memory).
 */
export async function listResources(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  query: ListQuery,
  resolver: AttributeResolver | undefined,
  sortCap: number = IN_MEMORY_SORT_CAP,
  continuations?: PageContinuations,
): Promise<ListResult> {
  // Before anything walks the filter: a long chain nests as deep as it is long.
  if (query.filter) query = { ...query, filter: balanceFilter(query.filter) };
  refuseUnqueryableAttributes(query, type, resolver);
  const sortPath = query.sortBy === undefined ? undefined : parseAttrPath(query.sortBy);
  const column = sortPath ? sortColumn(type, sortPath) : 'r.id';
  const descending = query.sortOrder === 'descending';
  const offset = pageBound(query.startIndex - 1);
  const count = pageBound(query.count);

  // At most one resource matches, so order and continuations do not matter (a sortBy without a
  // column still goes the general way, which checks it).
  const lookup = query.filter && column !== undefined ? uniqueLookup(query.filter, type) : undefined;
  if (lookup) {
    const rows = await lookupFor(type, lookup.column).rows(db, dialect.name, lookup.value);
    const page = offset === 0 && count > 0 ? rows : [];
    return { totalResults: rows.length, resources: await materialise(db, dialect, page, query) };
  }

  const plan = query.filter
    ? filterToSql(query.filter, type)
    : { where: SQL_TRUE, exact: true, needsMembers: false, needsGroups: false, fewRows: false };

  if (plan.exact && column !== undefined) {
    // Pages in id order can continue where the previous page ended (page-continuations.ts).
    const markSql = dialect.changeMarkSql;
    // A filter that names at most a few thousand resources by a unique column (`userName eq "a" or
    // userName eq "b" ...`) is answered by looking each one up and sorting the matches. Both
    // planners would rather walk the index that gives the order and test every row until the
    // page is full (SQLite for want of statistics, PostgreSQL expecting the matches spread
    // evenly): 42,600 rows read for 100 matches among 50,000 users. Ordering by an expression of
    // the column, the same order, takes that index out of the choice.
    const sortMatches = plan.fewRows;
    const keyset =
      continuations !== undefined && column === 'r.id' && count > 0
        ? continuations.of(type, descending, query.filter)
        : undefined;
    const readPage = async (after?: string): Promise<PageRow[]> => {
      const start = after === undefined ? offset : 0;
      const marked = keyset ? { markSql, ...(after === undefined ? {} : { after }) } : undefined;
      return (
        await pageSql(type, plan.where, column, descending, count, start, marked, sortMatches).execute(db)
      ).rows;
    };
    if (keyset && offset > 0) {
      const continued = await keyset.resume(offset, readPage);
      if (continued !== undefined) {
        const { rows: page, totalResults } = continued;
        if (page.length === count) keyset.remember(offset, page, totalResults);
        return { totalResults, resources: await materialise(db, dialect, page, query) };
      }
    }
    // A first page is read before counting: when it is short it is the whole result, and the
    // lookup case (`userName eq "..."`) needs no separate COUNT query.
    let rows = count > 0 && offset === 0 ? await readPage() : undefined;
    if (rows !== undefined && rows.length < count) {
      return { totalResults: rows.length, resources: await materialise(db, dialect, rows, query) };
    }
    const totalResults = await countMatches(db, dialect, type, query.filter === undefined, plan.where);
    if (count === 0 || offset >= totalResults) return { totalResults, resources: [] };
    rows ??= await readPage();
    if (keyset && rows.length === count) keyset.remember(offset, rows, totalResults);
    return { totalResults, resources: await materialise(db, dialect, rows, query) };
  }

  const predicate = query.filter && !plan.exact ? compileFilter(query.filter, resolver) : () => true;
  const matches = async (
    batch: readonly ResourceRow[],
  ): Promise<{ row: ResourceRow; view: JsonObject }[]> => {
    const members = plan.needsMembers
      ? await loadMembers(
          db,
          dialect,
          batch.filter((r) => r.resource_type === 'Group').map((r) => r.id),
        )
      : undefined;
    const groups = plan.needsGroups
      ? await loadGroupsOfMany(
          db,
          dialect,
          batch.filter((r) => r.resource_type === 'User').map((r) => r.id),
        )
      : undefined;
    const out: { row: ResourceRow; view: JsonObject }[] = [];
    for (const row of batch) {
      const extra: JsonObject = {};
      const groupMembers = members?.get(row.id);
      if (groupMembers && groupMembers.length > 0) extra.members = groupMembers;
      const userGroups = groups?.get(row.id);
      if (userGroups && userGroups.length > 0) extra.groups = userGroups;
      const view = evaluationView(rowToResource(row, dialect, extra));
      if (predicate(view)) out.push({ row, view });
    }
    return out;
  };

  const sorted = sortPath !== undefined && sortColumn(type, sortPath) !== 'r.id';
  let totalResults = 0;
  const window: ResourceRow[] = [];
  const collected: { row: ResourceRow; view: JsonObject }[] = [];
  let lastId: string | undefined;
  for (;;) {
    let batchQuery = baseQuery(db, type, plan.where)
      .selectAll('r')
      .orderBy('r.id')
      .limit(sql.lit(CANDIDATE_BATCH));
    if (lastId !== undefined) batchQuery = batchQuery.where('r.id', '>', lastId);
    const batch = await batchQuery.execute();
    if (batch.length === 0) break;
    lastId = batch[batch.length - 1]!.id;
    for (const match of await matches(batch)) {
      if (sorted) {
        collected.push(match);
        if (collected.length > sortCap) {
          throw ScimError.badRequest(
            'tooMany',
            `sortBy "${query.sortBy}" with this filter matches more than ${sortCap} resources; narrow the filter or sort by an indexed attribute`,
          );
        }
      } else {
        // Candidates arrive in id order, the default sort: keep only the requested page.
        if (totalResults >= offset && window.length < count) window.push(match.row);
        totalResults += 1;
      }
    }
    if (batch.length < CANDIDATE_BATCH) break;
  }
  if (!sorted) {
    if (descending) {
      // Descending by id: the page counted from the end of the ascending stream.
      return listDescendingById(db, dialect, type, query, plan.where, matches, totalResults, offset, count);
    }
    return { totalResults, resources: await materialise(db, dialect, window, query) };
  }
  const compare = resourceComparator(sortPath!, descending, resolver);
  collected.sort((a, b) => compare(a.view, b.view));
  const page = collected.slice(offset, offset + count).map((m) => m.row);
  return { totalResults: collected.length, resources: await materialise(db, dialect, page, query) };
}

/** Rare case (sortOrder descending without sortBy, in-memory filter): a second pass in reverse id order. */
async function listDescendingById(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  query: ListQuery,
  where: RawBuilder<SqlBool>,
  matches: (batch: readonly ResourceRow[]) => Promise<{ row: ResourceRow }[]>,
  totalResults: number,
  offset: number,
  count: number,
): Promise<ListResult> {
  const window: ResourceRow[] = [];
  let seen = 0;
  let lastId: string | undefined;
  while (window.length < count) {
    let batchQuery = baseQuery(db, type, where)
      .selectAll('r')
      .orderBy('r.id', 'desc')
      .limit(sql.lit(CANDIDATE_BATCH));
    if (lastId !== undefined) batchQuery = batchQuery.where('r.id', '<', lastId);
    const batch = await batchQuery.execute();
    if (batch.length === 0) break;
    lastId = batch[batch.length - 1]!.id;
    for (const { row } of await matches(batch)) {
      if (seen >= offset && window.length < count) window.push(row);
      seen += 1;
    }
    if (batch.length < CANDIDATE_BATCH) break;
  }
  return { totalResults, resources: await materialise(db, dialect, window, query) };
}
