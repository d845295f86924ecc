import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type {
  AttrPath,
  CompareFilter,
  Filter,
  FilterLiteral,
  LogicalFilter,
} from '../../scim/filter/filter-ast.js';
import { parseDateTime } from '../../scim/filter/filter-values.js';
import { ScimError } from '../../scim/scim-error.js';
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
  /**
   * The filter holds, at its top or as a term of its top-level `and`, `eq` comparisons of one
   * unique column (an `or` chain of them): it matches at most as many resources as there are
   * values, each found through the column's unique index.
   */
  readonly fewRows: boolean;
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

/**
 * The most comparisons a filter may hold: each becomes at most one bound parameter, and SQLite
 * takes at most 32,766 per statement (SQLITE_MAX_VARIABLE_NUMBER of the bundled 3.53), PostgreSQL
 * 65,535; the rest leaves room for the page query's own. The parser's 64 KiB (FILTER_LIMITS)
 * holds fewer than 6,600, so only a caller that raised that limit can reach this one.
 */
export const MAX_FILTER_COMPARISONS = 30_000;

/** Translates `filter` for resources of `type` whose row is aliased `r`. */
export function filterToSql(filter: Filter, type: ResourceKind): SqlFilterPlan {
  const comparisons = countComparisons(filter);
  if (comparisons > MAX_FILTER_COMPARISONS) {
    throw ScimError.invalidFilter(
      `The filter has ${comparisons} comparisons; at most ${MAX_FILTER_COMPARISONS} can run`,
    );
  }
  const mentions = { members: false, groups: false };
  const part = translate(filter, type, 'resource', mentions);
  return {
    where: part.where,
    exact: part.exact,
    needsMembers: mentions.members,
    needsGroups: mentions.groups,
    fewRows: pinsUniqueColumn(filter, type),
  };
}

/** See SqlFilterPlan.fewRows. */
function pinsUniqueColumn(filter: Filter, type: ResourceKind): boolean {
  const terms = filter.kind === 'and' ? operandsOf(filter) : [filter];
  return terms.some((term) => {
    const chain = term.kind === 'or' ? operandsOf(term) : [term];
    const columns = new Set(chain.map((operand) => uniqueLookup(operand, type)?.column));
    return columns.size === 1 && !columns.has(undefined);
  });
}

/** The comparisons in `filter`, counted without recursion. */
function countComparisons(filter: Filter): number {
  let count = 0;
  const stack: Filter[] = [filter];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.kind === 'and' || next.kind === 'or') stack.push(next.left, next.right);
    else if (next.kind === 'not' || next.kind === 'valuePath') stack.push(next.filter);
    else if (next.kind === 'compare') count++;
  }
  return count;
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
    case 'and':
      return translateAnd(operandsOf(filter), type, scope, mentions);
    case 'or':
      return translateOr(operandsOf(filter), type, scope, mentions);
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

/**
 * `filter` with every `and` / `or` chain as a balanced tree of depth log2 of its length. The
 * parser nests a chain of n terms n deep, and code that walks a filter recursively would run out
 * of stack on the longest ones it accepts (7,000 `id pr or ...` in 64 KiB). The operators are
 * associative and evaluation has no side effects, so the meaning is the same.
 */
export function balanceFilter(filter: Filter): Filter {
  switch (filter.kind) {
    case 'and':
    case 'or':
      // Recursion here follows only a change of operator, `not` or `[...]`, which the parser's
      // depth limit bounds; a chain of one operator is flattened by a loop.
      return balancedNode(filter.kind, operandsOf(filter).map(balanceFilter));
    case 'not':
    case 'valuePath':
      return { ...filter, filter: balanceFilter(filter.filter) };
    case 'compare':
    case 'present':
      return filter;
  }
}

function balancedNode(kind: 'and' | 'or', operands: readonly Filter[]): Filter {
  if (operands.length === 1) return operands[0]!;
  const middle = operands.length >> 1;
  const left = balancedNode(kind, operands.slice(0, middle));
  const right = balancedNode(kind, operands.slice(middle));
  return { kind, left, right, span: { start: left.span.start, end: right.span.end } };
}

/**
 * The operands of a chain of one operator, left to right, without recursion: the parser builds
 * `a or b or c` as `((a or b) or c)`, as deep as the chain is long, and `a or (b or c)` flattens
 * the same way.
 */
function operandsOf(filter: LogicalFilter): Filter[] {
  const operands: Filter[] = [];
  const stack: Filter[] = [filter];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.kind === filter.kind) stack.push(next.right, next.left);
    else operands.push(next);
  }
  return operands;
}

/**
 * `parts` joined by `joiner` as a balanced tree, `((a OR b) OR (c OR d))`: its depth grows with
 * log2 of the count. SQLite refuses an expression deeper than 1000 (SQLITE_MAX_EXPR_DEPTH), which a
 * chain of a thousand terms written out left to right would be.
 */
function balanced(parts: readonly RawBuilder<SqlBool>[], joiner: 'AND' | 'OR'): RawBuilder<SqlBool> {
  if (parts.length === 1) return parts[0]!;
  const middle = parts.length >> 1;
  const left = balanced(parts.slice(0, middle), joiner);
  const right = balanced(parts.slice(middle), joiner);
  return sql<SqlBool>`(${left} ${sql.raw(joiner)} ${right})`;
}

function translateAnd(
  operands: readonly Filter[],
  type: ResourceKind,
  scope: Scope,
  mentions: { members: boolean; groups: boolean },
): Part {
  // `userName ne "a" and userName ne "b"` is `NOT (userName eq "a" or userName eq "b")`: one
  // `NOT ... IN (...)` (PostgreSQL took 3 s to plan 2,400 separate `ne` terms).
  const { lists, rest } = eqLists(operands, 'ne', type, scope, mentions);
  const kept = lists.map((list) => sql<SqlBool>`(NOT ${list})`);
  let exact = true;
  for (const operand of rest) {
    const part = translate(operand, type, scope, mentions);
    // An inexact part is TRUE (a superset): it adds nothing to a conjunction.
    if (part.exact) kept.push(part.where);
    else exact = false;
  }
  return { where: kept.length > 0 ? balanced(kept, 'AND') : TRUE, exact };
}

/**
 * Groups the `op` comparisons (`eq`, or `ne` as the negation of `eq`) of string literals among
 * `operands` by the column they compare, each group as one `eq` condition over an `IN (...)` list
 * (inside EXISTS for a side table); `rest` are the other operands.
 */
function eqLists(
  operands: readonly Filter[],
  op: 'eq' | 'ne',
  type: ResourceKind,
  scope: Scope,
  mentions: { members: boolean; groups: boolean },
): { lists: RawBuilder<SqlBool>[]; rest: Filter[] } {
  const groups = new Map<string, { target: EqTarget; values: string[] }>();
  const rest: Filter[] = [];
  for (const operand of operands) {
    const target = eqTarget(operand, op, type, scope);
    if (target === undefined) {
      rest.push(operand);
      continue;
    }
    if (scope === 'resource') noteMentions((operand as CompareFilter).path, mentions);
    const key = `${target.side ?? ''}:${target.column.ref}`;
    const group = groups.get(key);
    if (group) group.values.push(target.value);
    else groups.set(key, { target, values: [target.value] });
  }
  const lists: RawBuilder<SqlBool>[] = [];
  for (const { target, values } of groups.values()) {
    const ref = sql.raw(target.column.ref);
    const distinct = [...new Set(values)];
    // The same two-valued guard as compare()'s `eq`.
    const condition =
      distinct.length === 1
        ? sql<SqlBool>`(${ref} IS NOT NULL AND ${ref} = ${distinct[0]})`
        : sql<SqlBool>`(${ref} IS NOT NULL AND ${ref} IN (${sql.join(distinct)}))`;
    lists.push(target.side === undefined ? condition : exists(target.side, condition));
  }
  return { lists, rest };
}

/**
 * A disjunction. `eq` comparisons of one column with string literals (`userName eq "a" or
 * userName eq "b"`, also through `emails` or `members`) become one `IN (...)` list: one index
 * lookup per value, and one expression instead of a chain of them.
 */
function translateOr(
  operands: readonly Filter[],
  type: ResourceKind,
  scope: Scope,
  mentions: { members: boolean; groups: boolean },
): Part {
  const { paths, others } = valuePathsBySide(operands, type, scope, mentions);
  const { lists, rest } = eqLists(others, 'eq', type, scope, mentions);
  const parts = lists;
  for (const [side, inners] of paths) {
    // `emails[a] or emails[b]` is `emails[a or b]`: one EXISTS per row instead of one per term
    // (1,300 of them took SQLite 10 s for 120 users).
    const inner = translateOr(inners, type, side, mentions);
    if (!inner.exact) return inexactAfterMentions(others, type, scope, mentions);
    parts.push(exists(side, inner.where));
  }
  for (const operand of rest) {
    const part = translate(operand, type, scope, mentions);
    // An inexact part is TRUE (a superset), and so is the whole disjunction.
    if (!part.exact) return inexactAfterMentions(rest, type, scope, mentions);
    parts.push(part.where);
  }
  const where = balanced(parts, 'OR');
  // SQLite plans each term of an OR as a possible index scan of its own and, when every term can
  // use an index (`id pr or id pr or ...`), runs them all and merges the rows: for 7,000 terms 19 s
  // to prepare and 15 s to run. `IS TRUE` (the same value, every part being two-valued) hides the
  // terms from that analysis: 38 ms and 118 ms. A short OR keeps it, where it can pay off.
  return { where: parts.length > OR_TERMS_PLANNED ? sql<SqlBool>`(${where} IS TRUE)` : where, exact: true };
}

/** The most terms of an OR the query planners may analyse one by one (see translateOr). */
const OR_TERMS_PLANNED = 16;

/**
 * The value filters among `operands` on a side table (`emails[...]`, `members[...]`), their inner
 * filters grouped by the table; `others` are the remaining operands.
 */
function valuePathsBySide(
  operands: readonly Filter[],
  type: ResourceKind,
  scope: Scope,
  mentions: { members: boolean; groups: boolean },
): { paths: Map<Scope, Filter[]>; others: Filter[] } {
  const paths = new Map<Scope, Filter[]>();
  const others: Filter[] = [];
  for (const operand of operands) {
    const side =
      scope === 'resource' && operand.kind === 'valuePath' && operand.path.subAttr === undefined
        ? sideTableFor(operand.path, type)
        : undefined;
    if (side === undefined || operand.kind !== 'valuePath') {
      others.push(operand);
      continue;
    }
    noteMentions(operand.path, mentions);
    const inner = operand.filter.kind === 'or' ? operandsOf(operand.filter) : [operand.filter];
    const list = paths.get(side);
    if (list) list.push(...inner);
    else paths.set(side, inner);
  }
  return { paths, others };
}

/** `inexact`, once the operands not translated yet have noted what they mention. */
function inexactAfterMentions(
  operands: readonly Filter[],
  type: ResourceKind,
  scope: Scope,
  mentions: { members: boolean; groups: boolean },
): Part {
  // Translating is the one walk that notes mentions; the evaluator needs all of them.
  for (const operand of operands) translate(operand, type, scope, mentions);
  return inexact;
}

/** Where an `eq` of a string literal compares: a column of the scope, or one of a side table. */
interface EqTarget {
  readonly column: Column;
  readonly side?: Scope;
  /** The literal as stored in the column (folded where the column is). */
  readonly value: string;
}

/**
 * The target of `filter` when it is an `op` comparison of a string literal that compare() takes
 * exactly (on a side table, translateLeaf's `ne` is the negation of `eq` too).
 */
function eqTarget(filter: Filter, op: 'eq' | 'ne', type: ResourceKind, scope: Scope): EqTarget | undefined {
  if (filter.kind !== 'compare' || filter.op !== op || typeof filter.value !== 'string') return undefined;
  let column = columnFor(filter.path, type, scope);
  let side: Scope | undefined;
  if (column === undefined) {
    // As translateLeaf: `emails.value eq "x"` and `emails eq "x"` compare the side table's value.
    if (scope !== 'resource') return undefined;
    side = sideTableFor(filter.path, type);
    if (side === undefined) return undefined;
    column = columnFor({ name: filter.path.subAttr ?? 'value', span: filter.path.span }, type, side);
    if (column === undefined) return undefined;
  }
  if (column.kind !== 'exact' && column.kind !== 'folded') return undefined;
  return { column, side, value: column.kind === 'folded' ? fold(filter.value) : filter.value };
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
