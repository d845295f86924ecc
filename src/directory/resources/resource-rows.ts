import { sql } from 'kysely';
import type { Kysely, RawBuilder, Selectable } from 'kysely';
import type { JsonObject, JsonValue } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { DirectoryDatabase, ResourcesTable } from '../database-types.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import type { ReadOptions, ResourceKind, StoredResource } from '../directory-store.js';
import { QueryTemplate } from '../query-template.js';

/** Parameters per `IN (...)` list: far below SQLite's 32766 and PostgreSQL's 65535. */
export const IN_LIST_CHUNK = 500;

/**
 * Whether a user is a direct member of any group, read in the same statement as its row (1 / 0 on
 * SQLite, a boolean on PostgreSQL). A user outside every group, the common case, then needs no
 * `groups` query: one index probe instead of a recursive query per user read. Absent on group rows
 * and on rows read without it, which load their groups as before.
 */
export interface MembershipFlag {
  in_group?: number | boolean | null;
}

export type ResourceRow = Selectable<ResourcesTable> & MembershipFlag;

/**
 * The columns a read needs to build a StoredResource. Lists select only these: the indexed copies
 * (user_name, external_id, display_name, active) would cost a third more per row for nothing.
 */
export type ReadRow = Pick<
  ResourceRow,
  'id' | 'resource_type' | 'version' | 'created' | 'last_modified' | 'attributes'
> &
  MembershipFlag;

/** The `in_group` flag of `resources r` (see MembershipFlag). */
const IN_GROUP = 'exists (select 1 from group_members gm where gm.member_id = r.id)';

const BASE_COLUMNS = 'r.id, r.resource_type, r.version, r.created, r.last_modified, r.attributes';

/** ReadRow's columns of `resources r` for rows of `type`, for SQL written by hand. */
export function readColumns(type: ResourceKind): string {
  return type === 'User' ? `${BASE_COLUMNS}, ${IN_GROUP} as in_group` : BASE_COLUMNS;
}

/** False only for a row read with its flag that says it is in no group. */
function mayBeInGroups(row: ReadRow): boolean {
  return row.in_group === undefined || row.in_group === null || Boolean(row.in_group);
}

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Attributes of rows the store has just written, so that turning such a row into the response
 * does not parse back the JSON it has just serialised. Keyed weakly by the row object.
 */
const writtenAttributes = new WeakMap<ReadRow, JsonObject>();

/** Records that `row.attributes` is the serialisation of `attributes`; returns the row. */
export function rememberAttributes(row: ResourceRow, attributes: JsonObject): ResourceRow {
  writtenAttributes.set(row, attributes);
  return row;
}

/** Builds a StoredResource from its row; members / groups are attached by the callers that want them. */
export function rowToResource(row: ReadRow, dialect: DialectAdapter, extra?: JsonObject): StoredResource {
  const written = writtenAttributes.get(row);
  const parsed = written ?? dialect.readJson(row.attributes);
  // Attributes parsed here from the row's JSON text belong to this resource alone and are used as
  // they are; a copy is taken only of an object someone else holds (the writer's attributes, or
  // the row's value that the PostgreSQL driver parsed and a second read of the row would reuse).
  // A full pass of the engine reads every object through here, and the copy was one more object
  // of every attribute per object.
  const owned = written === undefined && typeof row.attributes === 'string';
  const attributes: JsonObject = isJsonObject(parsed) ? (owned ? parsed : { ...parsed }) : {};
  if (extra) Object.assign(attributes, extra);
  return {
    resourceType: row.resource_type,
    id: row.id,
    version: Number(row.version),
    created: dialect.readTime(row.created),
    lastModified: dialect.readTime(row.last_modified),
    attributes,
  };
}

/** Loads one resource row of `type`; `forUpdate` locks it on PostgreSQL until the transaction ends. */
export async function loadRow(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  id: string,
  forUpdate = false,
): Promise<ResourceRow | undefined> {
  const templates = forUpdate && dialect.lockRows ? rowByIdForUpdate : rowById;
  return templates[type].first(db, dialect.name, id);
}

/** The statement of loadRow: users carry their MembershipFlag; `forUpdate` adds FOR UPDATE. */
function rowByIdTemplate(type: ResourceKind, forUpdate: boolean) {
  return new QueryTemplate((db, id: string) => {
    const query = db
      .selectFrom('resources as r')
      .selectAll('r')
      .select(sql.raw<number | boolean | null>(type === 'User' ? IN_GROUP : 'null').as('in_group'))
      .where('r.id', '=', id)
      .where('r.resource_type', '=', type);
    return forUpdate ? query.forUpdate() : query;
  });
}

const rowById: Record<ResourceKind, QueryTemplate<[id: string], ResourceRow>> = {
  User: rowByIdTemplate('User', false),
  Group: rowByIdTemplate('Group', false),
};

const rowByIdForUpdate: Record<ResourceKind, QueryTemplate<[id: string], ResourceRow>> = {
  User: rowByIdTemplate('User', true),
  Group: rowByIdTemplate('Group', true),
};

/**
 * `members` values per group id, as `[{ value, display, type }]` (RFC 7643 §4.2): `display` is the
 * member's displayName (a user without one shows its userName), stored in `reference_display`
 * (migration 7). The join reads each member's row by primary key, so the cost grows with the
 * members asked for, not with the directory.
 */
export async function loadMembers(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  groupIds: readonly string[],
): Promise<Map<string, JsonObject[]>> {
  const result = new Map<string, JsonObject[]>(groupIds.map((id) => [id, []]));
  for (const ids of chunk(groupIds, IN_LIST_CHUNK)) {
    const rows = await sql<{
      group_id: string;
      member_id: string;
      member_type: string;
      display: string | null;
    }>`
      SELECT m.group_id, m.member_id, m.member_type, r.reference_display AS display
      FROM group_members m JOIN resources r ON r.id = m.member_id
      WHERE m.group_id IN (${sql.join(ids)})
      ORDER BY m.group_id, m.member_id`.execute(db);
    for (const row of rows.rows) {
      const member: JsonObject = { value: row.member_id };
      if (typeof row.display === 'string') member.display = row.display;
      member.type = row.member_type;
      result.get(row.group_id)?.push(member);
    }
  }
  return result;
}

/**
 * Users' `groups` (RFC 7643 §4.1.2) for a whole page in one query per IN_LIST_CHUNK ids: groups
 * each user is a direct member of, plus groups reached through nested groups, marked "indirect".
 */
export async function loadGroupsOfMany(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  memberIds: readonly string[],
): Promise<Map<string, JsonObject[]>> {
  const result = new Map<string, JsonObject[]>();
  for (const ids of chunk(memberIds, IN_LIST_CHUNK)) {
    // One user (a GET, a lookup, a write's response) is the rule: a precompiled statement.
    const rows =
      ids.length === 1
        ? (await groupsOfOne.execute(db, dialect.name, ids[0]!)).rows
        : (await groupsQuery(sql.join(ids)).execute(db)).rows;
    for (const row of rows) {
      const value: JsonObject = { value: row.group_id };
      if (typeof row.display === 'string') value.display = row.display;
      value.type = Number(row.depth) === 0 ? 'direct' : 'indirect';
      const list = result.get(row.root);
      if (list) list.push(value);
      else result.set(row.root, [value]);
    }
  }
  return result;
}

interface GroupRow {
  root: string;
  group_id: string;
  depth: number | string;
  display: string | null;
}

/**
 * The recursive query of loadGroupsOfMany: follows group_members upwards from every id at once,
 * carrying the id it started from; UNION (not UNION ALL) makes it terminate on membership cycles.
 */
function groupsQuery(memberIds: RawBuilder<unknown>): RawBuilder<GroupRow> {
  return sql<GroupRow>`
      WITH RECURSIVE ancestry (root, group_id, depth) AS (
        SELECT member_id, group_id, 0 FROM group_members WHERE member_id IN (${memberIds})
        UNION
        SELECT a.root, gm.group_id, 1 FROM group_members gm JOIN ancestry a ON gm.member_id = a.group_id
      )
      SELECT a.root, a.group_id, MIN(a.depth) AS depth, g.reference_display AS display
      FROM ancestry a JOIN resources g ON g.id = a.group_id
      GROUP BY a.root, a.group_id, g.reference_display
      ORDER BY a.root, a.group_id`;
}

const groupsOfOne = new QueryTemplate((_db, memberId: string) => groupsQuery(sql`${memberId}`));

/** One user's `groups`; see loadGroupsOfMany. */
export async function loadGroupsOf(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  memberId: string,
): Promise<JsonObject[]> {
  return (await loadGroupsOfMany(db, dialect, [memberId])).get(memberId) ?? [];
}

/** Attaches members / groups to rows as asked, and converts them. */
export async function materialise(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  rows: readonly ReadRow[],
  options: ReadOptions | undefined,
): Promise<StoredResource[]> {
  const includeMembers = options?.includeMembers ?? true;
  const includeGroups = options?.includeGroups ?? true;
  const groupIds = includeMembers ? rows.filter((r) => r.resource_type === 'Group').map((r) => r.id) : [];
  const members =
    groupIds.length > 0 ? await loadMembers(db, dialect, groupIds) : new Map<string, JsonObject[]>();
  const userIds = includeGroups
    ? rows.filter((r) => r.resource_type === 'User' && mayBeInGroups(r)).map((r) => r.id)
    : [];
  const groups =
    userIds.length > 0 ? await loadGroupsOfMany(db, dialect, userIds) : new Map<string, JsonObject[]>();
  const resources: StoredResource[] = [];
  for (const row of rows) {
    const resource = rowToResource(row, dialect);
    const groupMembers = members.get(row.id);
    // An empty list is unassigned (RFC 7643 §2.5): omitted like any other absent attribute.
    if (groupMembers && groupMembers.length > 0) resource.attributes.members = groupMembers as JsonValue[];
    const userGroups = groups.get(row.id);
    if (userGroups && userGroups.length > 0) resource.attributes.groups = userGroups;
    resources.push(resource);
  }
  return resources;
}
