/**
 * The statements of table mode, written once with kysely's `sql` tag: identifiers through `sql.id`
 * (quoted by each dialect, never parsed for dots or aliases) and every value a bound parameter.
 */
import { sql, type RawBuilder } from 'kysely';
import type { BindValue } from './column-types.js';

const ids = (names: readonly string[]) => sql.join(names.map((name) => sql.id(name)));

export function selectByColumn(
  table: string,
  columns: readonly string[],
  column: string,
  value: BindValue,
): RawBuilder<Record<string, unknown>> {
  return sql`select ${ids(columns)} from ${sql.id(table)} where ${sql.id(column)} = ${value}`;
}

export function selectByColumnIn(
  table: string,
  columns: readonly string[],
  column: string,
  values: readonly BindValue[],
): RawBuilder<Record<string, unknown>> {
  return sql`select ${ids(columns)} from ${sql.id(table)} where ${sql.id(column)} in (${sql.join(values)})`;
}

/** One page in anchor order; `limit` is an integer the connector computed, so it is a literal. */
export function selectPage(
  table: string,
  columns: readonly string[],
  anchor: string,
  after: BindValue | undefined,
  limit: number,
): RawBuilder<Record<string, unknown>> {
  const where = after === undefined ? sql`` : sql` where ${sql.id(anchor)} > ${after}`;
  return sql`select ${ids(columns)} from ${sql.id(table)}${where} order by ${sql.id(anchor)} limit ${sql.lit(Math.trunc(limit))}`;
}

/** A multi-row INSERT; `returning` names the generated anchor to read back. */
export function insertRows(
  table: string,
  columns: readonly string[],
  rows: readonly (readonly BindValue[])[],
  returning: string | undefined,
  engine: 'postgres' | 'mysql' | 'sqlite',
): RawBuilder<Record<string, unknown>> {
  const back = returning === undefined ? sql`` : sql` returning ${sql.id(returning)}`;
  if (columns.length === 0) {
    const empty = engine === 'mysql' ? sql`() values ()` : sql`default values`;
    return sql`insert into ${sql.id(table)} ${empty}${back}`;
  }
  const values = sql.join(rows.map((row) => sql`(${sql.join(row as BindValue[])})`));
  return sql`insert into ${sql.id(table)} (${ids(columns)}) values ${values}${back}`;
}

export function updateByColumn(
  table: string,
  sets: readonly [string, BindValue][],
  column: string,
  value: BindValue,
): RawBuilder<unknown> {
  const assignments = sql.join(sets.map(([name, bound]) => sql`${sql.id(name)} = ${bound}`));
  return sql`update ${sql.id(table)} set ${assignments} where ${sql.id(column)} = ${value}`;
}

export function deleteByColumn(table: string, column: string, value: BindValue): RawBuilder<unknown> {
  return sql`delete from ${sql.id(table)} where ${sql.id(column)} = ${value}`;
}

export function deletePairs(
  table: string,
  column: string,
  value: BindValue,
  otherColumn: string,
  others: readonly BindValue[],
): RawBuilder<unknown> {
  return sql`delete from ${sql.id(table)} where ${sql.id(column)} = ${value} and ${sql.id(otherColumn)} in (${sql.join(others as BindValue[])})`;
}

/** The rows of a pair table with `column = value` and `otherColumn` in `others`, selecting `selected`. */
export function selectPairs(
  table: string,
  selected: string,
  column: string,
  value: BindValue,
  otherColumn: string,
  others: readonly BindValue[],
): RawBuilder<Record<string, unknown>> {
  return sql`select ${sql.id(selected)} from ${sql.id(table)} where ${sql.id(column)} = ${value} and ${sql.id(otherColumn)} in (${sql.join(others as BindValue[])})`;
}
