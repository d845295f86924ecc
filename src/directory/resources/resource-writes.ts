import { newResourceId } from './resource-id.js';
import type { Kysely } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import { ScimError } from '../../scim/scim-error.js';
import type { DirectoryDatabase } from '../database-types.js';
import type { DeletedResourceLinks, DialectAdapter } from '../dialect-adapter.js';
import type { ResourceKind, StoredResource, WriteOptions } from '../directory-store.js';
import { addMembers, parseMemberIds, resolveMembers, setMembers } from './member-writes.js';
import {
  attributeOf,
  changedAttributeNames,
  extractColumns,
  extractEmails,
  storableAttributes,
} from './resource-columns.js';
import type { ResourceRow } from './resource-rows.js';
import { chunk, loadMembers, loadRow, rememberAttributes } from './resource-rows.js';
import type { PendingChange } from '../change-feed/pending-change.js';
import { QueryTemplate } from '../query-template.js';
import type { DbJson, DbTime } from '../database-types.js';
import type { ExtractedEmail } from './resource-columns.js';
import { bumpUsersWhoseGroupsChanged } from './user-group-versions.js';

/** Resources per multi-row INSERT in createMany (11 columns each). */
const RESOURCE_INSERT_BATCH = 400;

/**
 * Turns a unique-index violation into 409 uniqueness naming the attribute (RFC 7644 §3.3);
 * anything else is rethrown as is.
 */
export function mapUniqueViolation(
  error: unknown,
  dialect: DialectAdapter,
  type: ResourceKind,
  attributes?: JsonObject,
): never {
  const index = dialect.uniqueViolation(error);
  if (index === undefined) throw error;
  // PostgreSQL: 'Key (resource_type, user_name)=(User, bjensen) already exists.' (the stored,
  // folded value, after the type where the index leads with it).
  const keyDetail = /\)=\((?:(?:User|Group), )?(.*)\) already exists/.exec(
    String((error as { detail?: unknown }).detail ?? ''),
  )?.[1];
  if (index.includes('user_name')) {
    const value = attributes ? attributeOf(attributes, 'userName') : keyDetail;
    throw ScimError.uniqueness(
      `userName ${JSON.stringify(value ?? '')} is already taken (userName is unique, case-insensitively)`,
    );
  }
  if (index.includes('display_name')) {
    const value = attributes ? attributeOf(attributes, 'displayName') : keyDetail;
    throw ScimError.uniqueness(`A ${type} with displayName ${JSON.stringify(value ?? '')} already exists`);
  }
  if (index.includes('api_tokens')) throw ScimError.uniqueness('A token with that name already exists');
  throw ScimError.uniqueness(`${type}: a unique value is already taken (${index})`);
}

/** Throws 404 / 412 unless `row` exists and matches the If-Match version. */
export function checkRow(
  row: ResourceRow | undefined,
  type: ResourceKind,
  id: string,
  options: WriteOptions | undefined,
): ResourceRow {
  if (!row) throw ScimError.notFound(`${type} "${id}" not found`);
  if (options?.ifMatchVersion !== undefined && Number(row.version) !== options.ifMatchVersion) {
    throw ScimError.preconditionFailed(
      `${type} "${id}" is at version ${row.version}, not ${options.ifMatchVersion} (If-Match)`,
    );
  }
  return row;
}

function emailRows(type: ResourceKind, id: string, attributes: JsonObject) {
  return extractEmails(type, attributes).map((email) => ({ resource_id: id, ...email }));
}

/*
 * Precompiled statements for the single-resource writes every SCIM request makes (see
 * query-template.ts): built once with the query builder, then only bound.
 */

const insertOneResource = new QueryTemplate(
  (
    db,
    id: string,
    type: ResourceKind,
    time: DbTime,
    userName: string | null,
    externalId: string | null,
    displayName: string | null,
    active: number | null,
    referenceDisplay: string | null,
    attributes: DbJson,
  ) =>
    db.insertInto('resources').values({
      id,
      resource_type: type,
      version: 1,
      created: time,
      last_modified: time,
      user_name: userName,
      external_id: externalId,
      display_name: displayName,
      active,
      reference_display: referenceDisplay,
      attributes,
    }),
);

/** Keeps `resource_counts` (SQLite, migration 2) in step with an insert or delete of `delta` rows. */
const adjustCount = new QueryTemplate((db, delta: number, type: ResourceKind) =>
  db
    .updateTable('resource_counts')
    .set((eb) => ({ n: eb('n', '+', delta) }))
    .where('resource_type', '=', type),
);

async function adjustResourceCount(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  delta: number,
): Promise<void> {
  if (dialect.keepsResourceCounts) await adjustCount.execute(trx, dialect.name, delta, type);
}

const insertOneEmail = new QueryTemplate(
  (
    db,
    resourceId: string,
    position: number,
    value: string | null,
    type: string | null,
    primary: number | null,
  ) =>
    db.insertInto('resource_emails').values({
      resource_id: resourceId,
      position,
      value,
      type,
      is_primary: primary,
    }),
);

/**
 * Extracted columns an attribute update may change, each set only when it did: an indexed one in
 * a SET clause costs an index update, and `reference_display` (not indexed) changes rarely.
 */
const INDEXED_COLUMNS = ['user_name', 'external_id', 'display_name', 'reference_display'] as const;
type IndexedColumn = (typeof INDEXED_COLUMNS)[number];

type UpdateArgs = [
  id: string,
  version: number,
  lastModified: DbTime,
  active: number | null,
  attributes: DbJson,
  ...indexed: (string | null)[],
];

/**
 * One precompiled UPDATE per set of indexed columns that changed. SQLite rewrites the entry of
 * every index whose column is in the SET clause, even when the value is the same, so a PATCH of
 * displayName must not also rewrite the userName and externalId index entries (a third less
 * work per update, and fewer WAL pages per commit).
 */
const updateTemplates = new Map<string, QueryTemplate<UpdateArgs, unknown>>();

function updateResourceTemplate(changed: readonly IndexedColumn[]): QueryTemplate<UpdateArgs, unknown> {
  const key = changed.join(',');
  let template = updateTemplates.get(key);
  if (!template) {
    template = new QueryTemplate<UpdateArgs, unknown>(
      (db, id, version, lastModified, active, attributes, ...indexed) =>
        db
          .updateTable('resources')
          .set({
            version,
            last_modified: lastModified,
            active,
            attributes,
            ...Object.fromEntries(changed.map((column, i) => [column, indexed[i]])),
          })
          .where('id', '=', id),
      5 + changed.length,
    );
    updateTemplates.set(key, template);
  }
  return template;
}

const touchResource = new QueryTemplate((db, id: string, version: number, lastModified: DbTime) =>
  db.updateTable('resources').set({ version, last_modified: lastModified }).where('id', '=', id),
);

/** Email rows: one precompiled statement for a single row (the usual user), multi-row INSERTs otherwise. */
async function insertEmails(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  emails: readonly (ExtractedEmail & { readonly resource_id: string })[],
): Promise<void> {
  if (emails.length === 1) {
    const email = emails[0]!;
    await insertOneEmail.execute(
      trx,
      dialect.name,
      email.resource_id,
      email.position,
      email.value,
      email.type,
      email.is_primary,
    );
    return;
  }
  for (const rows of chunk(emails, RESOURCE_INSERT_BATCH)) {
    await trx.insertInto('resource_emails').values(rows).execute();
  }
}

/** Inserts prepared resources with multi-row INSERTs; the caller owns the transaction. */
async function insertResources(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  items: readonly JsonObject[],
  changes: PendingChange[],
): Promise<StoredResource[]> {
  const now = new Date();
  const prepared = items.map((item) => {
    const { stored, members } = storableAttributes(item);
    return { id: newResourceId(), stored, members };
  });
  for (const part of chunk(prepared, RESOURCE_INSERT_BATCH)) {
    try {
      if (part.length === 1) {
        // The common single create (POST): a precompiled statement.
        const only = part[0]!;
        const columns = extractColumns(type, only.stored);
        const time = dialect.time(now);
        await insertOneResource.execute(
          trx,
          dialect.name,
          only.id,
          type,
          time,
          columns.user_name,
          columns.external_id,
          columns.display_name,
          columns.active,
          columns.reference_display,
          dialect.json(only.stored),
        );
      } else {
        await trx
          .insertInto('resources')
          .values(
            part.map((p) => ({
              id: p.id,
              resource_type: type,
              version: 1,
              created: dialect.time(now),
              last_modified: dialect.time(now),
              ...extractColumns(type, p.stored),
              attributes: dialect.json(p.stored),
            })),
          )
          .execute();
      }
    } catch (error) {
      // Name the offending resource. SQLite can still query after a failed statement; PostgreSQL
      // has aborted the transaction by now, but its error detail names the key.
      const culprit =
        part.length === 1
          ? part[0]?.stored
          : dialect.name === 'sqlite' && dialect.uniqueViolation(error) !== undefined
            ? await findDuplicate(
                trx,
                type,
                part.map((p) => p.stored),
              )
            : undefined;
      mapUniqueViolation(error, dialect, type, culprit);
    }
    await adjustResourceCount(trx, dialect, type, part.length);
    await insertEmails(
      trx,
      dialect,
      part.flatMap((p) => emailRows(type, p.id, p.stored)),
    );
  }
  const results: StoredResource[] = [];
  for (const p of prepared) {
    const attributes = { ...p.stored };
    if (type === 'Group' && p.members !== undefined) {
      // The id is new: no group holds this one yet, so its members cannot close a cycle.
      const members = await resolveMembers(trx, dialect, p.id, parseMemberIds(p.members, 'members'), true);
      await addMembers(trx, p.id, members, []);
      // The create's feed entry names `members`; its members' `groups` changed all the same.
      await bumpUsersWhoseGroupsChanged(trx, dialect, {
        users: members.filter((m) => m.type === 'User').map((m) => m.id),
        groups: members.filter((m) => m.type === 'Group').map((m) => m.id),
      });
      if (members.length > 0) attributes.members = (await loadMembers(trx, dialect, [p.id])).get(p.id) ?? [];
    }
    changes.push({
      resourceType: type,
      resourceId: p.id,
      kind: 'created',
      attributes: Object.keys(attributes).sort(),
    });
    results.push({ resourceType: type, id: p.id, version: 1, created: now, lastModified: now, attributes });
  }
  return results;
}

/** The first item of a failed batch that collides with a stored resource or an earlier item. */
async function findDuplicate(
  trx: Kysely<DirectoryDatabase>,
  type: ResourceKind,
  items: readonly JsonObject[],
): Promise<JsonObject | undefined> {
  const seen = new Set<string>();
  for (const item of items) {
    const columns = extractColumns(type, item);
    const key = type === 'User' ? columns.user_name : columns.display_name;
    if (key === null) continue;
    if (seen.has(key)) return item;
    seen.add(key);
    const column = type === 'User' ? 'user_name' : 'display_name';
    const hit = await trx
      .selectFrom('resources')
      .select('id')
      .where(column, '=', key)
      .where('resource_type', '=', type)
      .executeTakeFirst();
    if (hit) return item;
  }
  return undefined;
}

/** Creates resources (one or many) in the caller's transaction. */
export function createResources(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  items: readonly JsonObject[],
  changes: PendingChange[],
): Promise<StoredResource[]> {
  return insertResources(trx, dialect, type, items, changes);
}

/**
 * Whether a user's email rows differ between the stored row and `attributes`. Most updates
 * (displayName, active) leave emails alone; rewriting their rows would cost two statements each.
 */
export function emailsChanged(row: ResourceRow, before: JsonObject, attributes: JsonObject): boolean {
  const previous = extractEmails(row.resource_type, before);
  const next = extractEmails(row.resource_type, attributes);
  if (previous.length !== next.length) return true;
  return previous.some((email, i) => {
    const other = next[i]!;
    return (
      email.position !== other.position ||
      email.value !== other.value ||
      email.type !== other.type ||
      email.is_primary !== other.is_primary
    );
  });
}

/**
 * Writes new attributes for a locked row: version + 1, lastModified now, indexed columns and
 * email rows refreshed. Returns the updated row.
 */
export async function writeAttributes(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  row: ResourceRow,
  before: JsonObject,
  attributes: JsonObject,
): Promise<ResourceRow> {
  const type = row.resource_type;
  const now = dialect.time(new Date());
  const columns = extractColumns(type, attributes);
  const version = Number(row.version) + 1;
  const json = dialect.json(attributes);
  const changed = INDEXED_COLUMNS.filter((column) => columns[column] !== row[column]);
  try {
    await updateResourceTemplate(changed).execute(
      trx,
      dialect.name,
      row.id,
      version,
      now,
      columns.active,
      json,
      ...changed.map((column) => columns[column]),
    );
  } catch (error) {
    mapUniqueViolation(error, dialect, type, attributes);
  }
  if (type === 'User' && emailsChanged(row, before, attributes)) {
    await trx.deleteFrom('resource_emails').where('resource_id', '=', row.id).execute();
    await insertEmails(trx, dialect, emailRows(type, row.id, attributes));
  }
  return rememberAttributes(
    { ...row, version, last_modified: now, ...columns, attributes: json },
    attributes,
  );
}

/** Bumps version and lastModified only: membership changed, attributes did not. */
export async function touchRow(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  row: ResourceRow,
): Promise<ResourceRow> {
  const now = dialect.time(new Date());
  const version = Number(row.version) + 1;
  await touchResource.execute(trx, dialect.name, row.id, version, now);
  return { ...row, version, last_modified: now };
}

/**
 * PUT (RFC 7644 §3.5.1): the new attributes replace the stored ones, and a group's member list
 * becomes the `members` given. PUT replaces every attribute the client may write, so an omitted
 * `members` leaves the group with none, as an omitted displayName would leave it without one;
 * clients that want to keep members send them or PATCH instead. Nothing changes, not even the
 * version, when the content is equal.
 */
export async function replaceResource(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  id: string,
  input: JsonObject,
  options: WriteOptions | undefined,
  changes: PendingChange[],
): Promise<ResourceRow> {
  const row = checkRow(await loadRow(trx, dialect, type, id, true), type, id, options);
  const { stored, members } = storableAttributes(input);
  const before = dialect.readJson(row.attributes) as JsonObject;
  const changed = changedAttributeNames(before, stored);
  let memberChanges = 0;
  if (type === 'Group') {
    memberChanges = await setMembers(trx, dialect, id, parseMemberIds(members, 'members'), changes);
  }
  if (changed.length > 0) {
    changes.push({ resourceType: type, resourceId: id, kind: 'updated', attributes: changed });
    return writeAttributes(trx, dialect, row, before, stored);
  }
  return memberChanges > 0 ? touchRow(trx, dialect, row) : row;
}

/**
 * Deletes a resource. Memberships and assignments go with it (the foreign keys cascade); each is
 * first recorded in the feed, and groups that lose a member get a new version.
 */
export async function deleteResource(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  type: ResourceKind,
  id: string,
  options: WriteOptions | undefined,
  changes: PendingChange[],
): Promise<void> {
  checkRow(await loadRow(trx, dialect, type, id, true), type, id, options);
  // The users below a deleted group lose it from their `groups`: bumped while the rows are there.
  if (type === 'Group') await bumpUsersWhoseGroupsChanged(trx, dialect, { users: [], groups: [id] });
  const { groups, assignments } = dialect.deleteLockedResource
    ? await dialect.deleteLockedResource(trx, id, dialect.time(new Date()))
    : await deleteStepByStep(trx, dialect, id);
  for (const groupId of groups) {
    changes.push({
      resourceType: 'Group',
      resourceId: groupId,
      kind: 'memberRemoved',
      attributes: ['members'],
      detail: { memberId: id, memberType: type },
    });
  }
  // One entry per role taken away, as `unassign` writes them: an engine reads the role from it.
  for (const { appId, role } of assignments) {
    changes.push({
      resourceType: type,
      resourceId: id,
      kind: 'unassigned',
      attributes: [],
      detail: { appId, role },
    });
  }
  await adjustResourceCount(trx, dialect, type, -1);
  changes.push({ resourceType: type, resourceId: id, kind: 'deleted', attributes: [] });
}

/** deleteLockedResource (see DialectAdapter) as separate statements. */
async function deleteStepByStep(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  id: string,
): Promise<DeletedResourceLinks> {
  const memberships = await trx
    .selectFrom('group_members')
    .select('group_id')
    .where('member_id', '=', id)
    .orderBy('group_id')
    .execute();
  for (const { group_id } of memberships) {
    const group = await loadRow(trx, dialect, 'Group', group_id, true);
    if (group) await touchRow(trx, dialect, group);
  }
  const assignments = await trx
    .selectFrom('app_assignments')
    .select(['app_id', 'role'])
    .where('principal_id', '=', id)
    .orderBy('app_id')
    .orderBy('role')
    .execute();
  await trx.deleteFrom('resources').where('id', '=', id).execute();
  return {
    groups: memberships.map((m) => m.group_id),
    assignments: assignments.map((a) => ({ appId: a.app_id, role: a.role })),
  };
}
