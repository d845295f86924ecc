/**
 * Between table mode's rows and the engine's objects: which columns a request writes (checked
 * against the mapped columns, converted per column type), and the object a row reads back as.
 */
import type { JsonValue } from '../../shared/json.js';
import {
  ConnectorError,
  type CreateRequest,
  type TargetAttributes,
  type TargetObject,
} from '../spi/index.js';
import {
  anchorText,
  fromColumnValue,
  toColumnValue,
  type BindValue,
  type CatalogueColumn,
} from './column-types.js';
import type { SqlEngine } from './sql-engine.js';
import type { DisableColumn, ObjectTable } from './table-model.js';

/** A row to insert: column names and their bound values, in the same order. */
export interface InsertRow {
  columns: string[];
  values: BindValue[];
  /** The id when the anchor is a mapped value; undefined when the database generates it. */
  id: string | undefined;
}

/** The bound form of a value for a column, with booleans as the driver takes them. */
export function bindFor(engine: SqlEngine, value: JsonValue | undefined, column: CatalogueColumn): BindValue {
  const bound = toColumnValue(value, column);
  return typeof bound === 'boolean' ? engine.bindBoolean(bound) : bound;
}

/** The mapped column an attribute writes; `schema_violation` for an attribute that is not mapped. */
export function mappedColumn(table: ObjectTable, attribute: string): CatalogueColumn {
  const column = table.columns.get(attribute);
  if (column === undefined) {
    throw new ConnectorError(
      'schema_violation',
      `'${attribute}' is not a mapped column of table '${table.table}' (mapped: ${[...table.columns.keys()].join(', ')})`,
    );
  }
  return column;
}

/** The row a create writes: the attributes that have a value, the anchor, and the disable column. */
export function insertRow(engine: SqlEngine, table: ObjectTable, request: CreateRequest): InsertRow {
  const columns: string[] = [];
  const values: BindValue[] = [];
  for (const [attribute, value] of Object.entries(request.attributes)) {
    const column = mappedColumn(table, attribute);
    const bound = bindFor(engine, value, column);
    // No value is left out rather than written as NULL, so the column's default applies.
    if (bound === null) continue;
    columns.push(column.name);
    values.push(bound);
  }
  let id: string | undefined;
  if (!table.anchorGenerated) {
    const index = columns.indexOf(table.anchor.name);
    if (index < 0) {
      throw new ConnectorError(
        'schema_violation',
        `'${table.anchor.name}' is the anchor of table '${table.table}' and needs a value`,
      );
    }
    id = anchorText(values[index]);
  }
  if (table.disable !== undefined) {
    columns.push(table.disable.column.name);
    values.push(disableValue(engine, table.disable, request.enabled !== false));
  }
  return { columns, values, id };
}

/** The bound value of the disable column for a state. */
export function disableValue(engine: SqlEngine, disable: DisableColumn, enabled: boolean): BindValue {
  return bindFor(engine, enabled ? disable.enabledValue : disable.disabledValue, disable.column);
}

/** The anchor value to bind for an id, or undefined when no row can have that id (text for an integer anchor). */
export function anchorValue(engine: SqlEngine, table: ObjectTable, id: string): BindValue | undefined {
  if (table.anchor.typeClass === 'integer' && !/^-?\d+$/.test(id)) return undefined;
  try {
    return bindFor(engine, id, table.anchor);
  } catch {
    return undefined;
  }
}

/** The columns a read selects: anchor, mapped columns, disable column. */
export function selectedColumns(table: ObjectTable): string[] {
  const names = [table.anchor.name, ...[...table.columns.values()].map((c) => c.name)];
  if (table.disable !== undefined) names.push(table.disable.column.name);
  return [...new Set(names)];
}

/** The object a row reads back as. */
export function rowObject(table: ObjectTable, row: Record<string, unknown>): TargetObject {
  const attributes: TargetAttributes = {};
  for (const [attribute, column] of table.columns) {
    const value = fromColumnValue(row[column.name], column.typeClass);
    if (value !== undefined) attributes[attribute] = value;
  }
  const object: TargetObject = {
    id: anchorText(row[table.anchor.name]),
    objectType: table.objectType,
    attributes,
  };
  if (table.disable !== undefined) object.enabled = isEnabled(table.disable, row[table.disable.column.name]);
  return object;
}

/** A disable column's value read as the account's state: disabled exactly when it holds the disabled value. */
function isEnabled(disable: DisableColumn, raw: unknown): boolean {
  const read = fromColumnValue(raw, disable.column.typeClass);
  const disabled = fromColumnValue(
    toColumnValue(disable.disabledValue, disable.column),
    disable.column.typeClass,
  );
  return String(read) !== String(disabled);
}
