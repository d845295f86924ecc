import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { AttrPath, CompareFilter, Filter, FilterLiteral } from '../../scim/filter/filter-ast.js';
import { parseDateTime } from '../../scim/filter/filter-values.js';
import { SchemaUrn } from '../../scim/schema/schema-types.js';
import type { ResourceKind } from '../directory-store.js';
import { fold } from './resource-columns.js';

/**
 * The SQL translation of a SCIM filter (RFC 7644 §3.4.2.2).
 *
 * `where` is exact when `exact` is true. Otherwise it is a conservative superset: every resource
 * that matches the filter satisfies `where`, and the caller evaluates the whole filter in memory
 * over the (streamed) candidates. Every emitted predicate is two-valued (never SQL NULL), so `NOT`
 * keeps SCIM's meaning for absent attributes.
 */
export interface SqlFilterPlan {
  readonly where: RawBuilder<SqlBool>;
  readonly exact: boolean;
  /** The filter mentions `members`: in-memory evaluation needs them loaded. */
  readonly needsMembers: boolean;
  /** The filter mentions `groups`: in-memory evaluation needs them computed. */
  readonly needsGroups: boolean;
}

type ColumnKind = 'exact' | 'folded' | 'boolean' | 'time';

interface Column {
  readonly ref: string;
  readonly kind: ColumnKind;
}

/** Which row a (sub)filter is evaluated against: the resource, one email, or one member. */
type Scope = 'resource' | 'email' | 'member';

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;

interface Part {
  readonly where: RawBuilder<SqlBool>;
  readonly exact: boolean;
}

const inexact: Part = { where: TRUE, exact: false };

/** Translates `filter` for resources of `type` whose row is aliased `r`. */
export function filterToSql(filter: Filter, type: ResourceKind): SqlFilterPlan {
  const mentions = { members: false, groups: false };
  const part = translate(filter, type, 'resource', mentions);
  return {
    where: part.where,
    exact: part.exact,
    needsMembers: mentions.members,
    needsGroups: mentions.groups,
  };
}

/**
 * Translates the inner filter of `members[...]` for rows of group_members aliased `m` (PATCH
 * remove / replace with a value filter, RFC 7644 §3.5.2.2). Undefined when the filter uses
 * something other than `value` and `type`, which are all the table holds.
 */
export function memberFilterToSql(filter: Filter): RawBuilder<SqlBool> | undefined {
  const part = translate(filter, 'Group', 'member', { members: false, groups: false });
  return part.exact ? part.where : undefined;
}

/** A filter that names one resource by a column no two resources of the type share. */
export interface UniqueLookup {
  readonly column: 'r.id' | 'r.user_name' | 'r.display_name';
  /** The value as stored in the column (folded where the column is). */
  readonly value: string;
}

/** Columns unique per resource type: the primary key, userName, and a group's displayName. */
const UNIQUE_COLUMNS: Record<ResourceKind, ReadonlySet<string>> = {
  User: new Set(['r.id', 'r.user_name']),
  Group: new Set(['r.id', 'r.display_name']),
};

/**
 * The lookup a filter amounts to when it is one `eq` on a unique column (`userName eq "..."`,
 * `id eq "..."`, a group's `displayName eq "..."`): the lookups identity providers send before
 * every create. It matches at most one resource, the same one filterToSql's `where` selects.
 */
export function uniqueLookup(filter: Filter, type: ResourceKind): UniqueLookup | undefined {
  if (filter.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  const column = columnFor(filter.path, type, 'resource');
  if (column === undefined || !UNIQUE_COLUMNS[type].has(column.ref)) return undefined;
  return {
    column: column.ref as UniqueLookup['column'],
    value: column.kind === 'folded' ? fold(filter.value) : filter.value,
  };
}

/** Escapes LIKE wildcards; the pattern is used with `ESCAPE '\'`. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Normalises a filter date literal to the stored ISO-8601 form, or undefined when it is not a date.
 * RFC 7643 §2.3.5: dateTime values are xsd:dateTime.
 */
export function normaliseDateLiteral(value: FilterLiteral): string | undefined {
  if (typeof value !== 'string') return undefined;
  // The evaluator's own reading of xsd:dateTime, so both paths agree on what is a date.
  const time = parseDateTime(value);
  if (time === undefined || !Number.isFinite(time)) return undefined;
  const date = new Date(Math.floor(time));
  // Stored timestamps are whole milliseconds; a finer literal cannot equal one.
  if (date.getTime() !== time || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) return undefined;
  return date.toISOString();
}

function translate(
  filter: Filter,
  type: ResourceKind,
  scope: Scope,
  mentions: { members: boolean; groups: boolean },
): Part {
  switch (filter.kind) {
    case 'and': {
      const left = translate(filter.left, type, scope, mentions);
      const right = translate(filter.right, type, scope, mentions);
      return { where: sql<SqlBool>`(${left.where} AND ${right.where})`, exact: left.exact && right.exact };
    }
    case 'or': {
      const left = translate(filter.left, type, scope, mentions);
      const right = translate(filter.right, type, scope, mentions);
      return { where: sql<SqlBool>`(${left.where} OR ${right.where})`, exact: left.exact && right.exact };
    }
    case 'not': {
      const inner = translate(filter.filter, type, scope, mentions);
      // The negation of a superset is not a superset: only an exact inner part can be negated.
      return inner.exact ? { where: sql<SqlBool>`(NOT ${inner.where})`, exact: true } : inexact;
    }
    case 'present':
    case 'compare':
      return translateLeaf(filter, type, scope, mentions);
    case 'valuePath':
      return translateValuePath(filter.path, filter.filter, type, scope, mentions);
  }
}

function noteMentions(path: AttrPath, mentions: { members: boolean; groups: boolean }): void {
  const name = path.name.toLowerCase();
  if (name === 'members') mentions.members = true;
  if (name === 'groups') mentions.groups = true;
}

function isCoreUri(uri: string | undefined, type: ResourceKind): boolean {
  if (uri === undefined) return true;
  const core = type === 'User' ? SchemaUrn.user : SchemaUrn.group;
  return uri.toLowerCase() === core.toLowerCase();
}

/** The column an attribute path maps to in `scope`, if any. */
function columnFor(path: AttrPath, type: ResourceKind, scope: Scope): Column | undefined {
  const name = path.name.toLowerCase();
  const sub = path.subAttr?.toLowerCase();
  if (scope === 'email') {
    if (path.uri !== undefined || sub !== undefined) return undefined;
    if (name === 'value') return { ref: 'e.value', kind: 'folded' };
    if (name === 'type') return { ref: 'e.type', kind: 'folded' };
    if (name === 'primary') return { ref: 'e.is_primary', kind: 'boolean' };
    return undefined;
  }
  if (scope === 'member') {
    if (path.uri !== undefined || sub !== undefined) return undefined;
    // members.value is caseExact false (RFC 7643 §8.7.1); stored ids are lower-case UUIDs, so
    // folding only the literal is exact and keeps the member_id index usable.
    if (name === 'value') return { ref: 'm.member_id', kind: 'folded' };
    if (name === 'type') return { ref: 'lower(m.member_type)', kind: 'folded' };
    return undefined;
  }
  if (!isCoreUri(path.uri, type)) return undefined;
  if (sub === undefined) {
    if (name === 'id') return { ref: 'r.id', kind: 'exact' };
    if (name === 'externalid') return { ref: 'r.external_id', kind: 'exact' };
    if (name === 'displayname') return { ref: 'r.display_name', kind: 'folded' };
    if (type === 'User' && name === 'username') return { ref: 'r.user_name', kind: 'folded' };
    if (type === 'User' && name === 'active') return { ref: 'r.active', kind: 'boolean' };
    return undefined;
  }
  if (name === 'meta' && sub === 'created') return { ref: 'r.created', kind: 'time' };
  if (name === 'meta' && sub === 'lastmodified') return { ref: 'r.last_modified', kind: 'time' };
  return undefined;
}

/** A multi-valued attribute stored in a side table, when the path names one. */
function sideTableFor(path: AttrPath, type: ResourceKind): Scope | undefined {
  if (!isCoreUri(path.uri, type)) return undefined;
  const name = path.name.toLowerCase();
  if (type === 'User' && name === 'emails') return 'email';
  if (type === 'Group' && name === 'members') return 'member';
  return undefined;
}

function exists(scope: Scope, condition: RawBuilder<SqlBool>): RawBuilder<SqlBool> {
  if (scope === 'email') {
    return sql<SqlBool>`EXISTS (SELECT 1 FROM resource_emails e WHERE e.resource_id = r.id AND ${condition})`;
  }
  return sql<SqlBool>`EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = r.id AND ${condition})`;
}

function translateLeaf(
  filter: CompareFilter | { kind: 'present'; path: AttrPath },
  type: ResourceKind,
  scope: Scope,
  mentions: { members: boolean; groups: boolean },
): Part {
  if (scope === 'resource') noteMentions(filter.path, mentions);
  const column = columnFor(filter.path, type, scope);
  if (column) return filter.kind === 'present' ? present(column) : compare(filter, column);
  if (scope !== 'resource') return inexact;
  const side = sideTableFor(filter.path, type);
  if (side === undefined) return inexact;
  const sub = filter.path.subAttr;
  if (sub === undefined && filter.kind === 'present') {
    // `members pr`: at least one member row. `emails pr` stays with the evaluator: an email
    // object without sub-attributes has a row but is not "present" (RFC 7643 §2.5).
    return side === 'member' ? { where: exists(side, TRUE), exact: true } : inexact;
  }
  // A complex attribute compared without a sub-attribute compares its `value` (as the evaluator
  // does): `emails co "@example.com"` is `emails.value co "@example.com"`.
  const inner = columnFor({ name: sub ?? 'value', span: filter.path.span }, type, side);
  if (!inner) return inexact;
  if (filter.kind === 'compare' && filter.op === 'ne') {
    // On a multi-valued attribute `ne` is the negation of `eq`: no value equals the literal.
    const eq = compare({ ...filter, op: 'eq' }, inner);
    return eq.exact ? { where: sql<SqlBool>`(NOT ${exists(side, eq.where)})`, exact: true } : inexact;
  }
  const part = filter.kind === 'present' ? present(inner) : compare(filter, inner);
  return { where: exists(side, part.where), exact: part.exact };
}

function translateValuePath(
  path: AttrPath,
  inner: Filter,
  type: ResourceKind,
  scope: Scope,
  mentions: { members: boolean; groups: boolean },
): Part {
  if (scope === 'resource') noteMentions(path, mentions);
  if (scope !== 'resource' || path.subAttr !== undefined) return inexact;
  const side = sideTableFor(path, type);
  if (side === undefined) return inexact;
  const part = translate(inner, type, side, mentions);
  // EXISTS over a superset of rows is a superset; over exact rows it is exact.
  return { where: exists(side, part.where), exact: part.exact };
}

function present(column: Column): Part {
  const ref = sql.raw(column.ref);
  if (column.kind === 'exact' || column.kind === 'folded') {
    // RFC 7644 §3.4.2.2: an empty string is not "present".
    return { where: sql<SqlBool>`(${ref} IS NOT NULL AND ${ref} <> '')`, exact: true };
  }
  return { where: sql<SqlBool>`(${ref} IS NOT NULL)`, exact: true };
}

function compare(filter: CompareFilter, column: Column): Part {
  const ref = sql.raw(column.ref);
  const { op, value } = filter;
  if (column.kind === 'boolean') {
    if (typeof value !== 'boolean' || (op !== 'eq' && op !== 'ne')) return inexact;
    const eq = sql<SqlBool>`(${ref} IS NOT NULL AND ${ref} = ${value ? 1 : 0})`;
    return { where: op === 'eq' ? eq : sql<SqlBool>`(NOT ${eq})`, exact: true };
  }
  let operand: string | undefined;
  if (column.kind === 'time') {
    if (op === 'co' || op === 'sw' || op === 'ew') return inexact;
    operand = normaliseDateLiteral(value);
  } else if (typeof value === 'string') {
    operand = column.kind === 'folded' ? fold(value) : value;
  }
  if (operand === undefined) return inexact;
  // SQLite stores ISO text (fixed width, so text order is time order); PostgreSQL casts the ISO
  // literal to TIMESTAMPTZ.
  const param = sql`${operand}`;
  const guard = (condition: RawBuilder<SqlBool>): RawBuilder<SqlBool> =>
    sql<SqlBool>`(${ref} IS NOT NULL AND ${condition})`;
  switch (op) {
    case 'eq':
      return { where: guard(sql`${ref} = ${param}`), exact: true };
    case 'ne':
      return { where: sql<SqlBool>`(NOT ${guard(sql`${ref} = ${param}`)})`, exact: true };
    case 'gt':
      return { where: guard(sql`${ref} > ${param}`), exact: true };
    case 'ge':
      return { where: guard(sql`${ref} >= ${param}`), exact: true };
    case 'lt':
      return { where: guard(sql`${ref} < ${param}`), exact: true };
    case 'le':
      return { where: guard(sql`${ref} <= ${param}`), exact: true };
    case 'co':
      return { where: guard(sql`${ref} LIKE ${`%${escapeLike(operand)}%`} ESCAPE '\\'`), exact: true };
    case 'sw':
      return { where: guard(sql`${ref} LIKE ${`${escapeLike(operand)}%`} ESCAPE '\\'`), exact: true };
    case 'ew':
      return { where: guard(sql`${ref} LIKE ${`%${escapeLike(operand)}`} ESCAPE '\\'`), exact: true };
  }
}

export { FALSE as SQL_FALSE, TRUE as SQL_TRUE };
