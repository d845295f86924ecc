/**
 * Table mode: users (and optionally groups) are rows of one table each, with a column per mapped
 * attribute and an anchor column; memberships are rows of a (group, member) table. Every change of
 * one object is one transaction. The catalogue is checked before the first operation.
 */
import { CompiledQuery } from 'kysely';
import {
  ConnectorError,
  disableCapability,
  type BatchCreateResult,
  type Connector,
  type ConnectorCapabilities,
  type CreateRequest,
  type ListPage,
  type ObjectType,
  type TargetObject,
  type TargetRef,
} from '../spi/index.js';
import type { BindValue } from './column-types.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import type { SqlEngine } from './sql-engine.js';
import type { TableModeSettings } from './sql-settings.js';
import { inStatement, inTransaction, runQuery, toConnectorError, type Trx } from './sql-transaction.js';
import { inspectTables, type ObjectTable, type TableModel } from './table-model.js';
import {
  anchorValue,
  bindFor,
  disableValue,
  insertRow,
  mappedColumn,
  rowObject,
  selectedColumns,
  type InsertRow,
} from './table-rows.js';
import {
  deleteByColumn,
  deletePairs,
  insertRows,
  selectByColumn,
  selectByColumnIn,
  selectPage,
  selectPairs,
  updateByColumn,
} from './table-sql.js';

/** The most ids one IN list binds; longer member lists are sent in chunks. */
const IN_CHUNK = 500;
/** Bound parameters per statement stay under every database's limit (SQLite's 32,766 the lowest). */
const MAX_PARAMETERS = 30_000;
const MAX_PAGE_SIZE = 1000;

// The database's reads: a transaction or the pool.
type Reader = Pick<Trx, 'executeQuery'>;

export function tableCapabilities(settings: TableModeSettings): ConnectorCapabilities {
  const columns = new Set([...settings.users.columns, ...(settings.groups?.columns ?? [])]);
  const widest = Math.max(settings.users.columns.length, settings.groups?.columns.length ?? 0) + 2;
  const maxItems = Math.min(settings.batchSize, Math.floor(MAX_PARAMETERS / widest));
  const objectTypes: ObjectType[] = settings.groups === undefined ? ['User'] : ['User', 'Group'];
  // Each table is disabled through its own column; a type without one is deprovisioned by delete.
  const disableable = objectTypes.filter(
    (type) => typeof (type === 'User' ? settings.users : settings.groups)?.disable === 'object',
  );
  return {
    objectTypes,
    read: true,
    find: { attributes: [...columns] },
    list: { paging: true, maxPageSize: MAX_PAGE_SIZE },
    update: { mode: 'partial' },
    delete: true,
    disable: disableCapability(objectTypes, disableable),
    rename: false,
    batchCreate: maxItems >= 2 ? { maxItems } : false,
    membership: settings.membership === undefined ? { kind: 'none' } : { kind: 'native' },
  };
}

export function createTableConnector(engine: SqlEngine, settings: TableModeSettings): Connector {
  const capabilities = tableCapabilities(settings);
  let model: Promise<TableModel> | undefined;
  /** The checked tables; a failed check is forgotten so the next call looks again (the schema may be fixed). */
  const tables = (): Promise<TableModel> => {
    model ??= inspectTables(engine, settings).catch((error: unknown) => {
      model = undefined;
      throw toConnectorError(engine, error);
    });
    return model;
  };
  const tableOf = async (objectType: ObjectType): Promise<ObjectTable> => {
    const m = await tables();
    const table = objectType === 'User' ? m.users : m.groups;
    if (table === undefined)
      throw new ConnectorError('schema_violation', `no table is configured for ${objectType}`);
    return table;
  };
  const retry = settings.retry;
  const notFound = (table: ObjectTable, id: string) =>
    new ConnectorError('not_found', `${table.objectType} '${id}' is not in table '${table.table}'`);
  const idOf = (table: ObjectTable, id: string): BindValue => {
    const value = anchorValue(engine, table, id);
    if (value === undefined) throw notFound(table, id);
    return value;
  };

  const readRows = async (reader: Reader, table: ObjectTable, column: string, value: BindValue) =>
    (
      await reader.executeQuery(
        selectByColumn(table.table, selectedColumns(table), column, value).compile(engine.db),
      )
    ).rows;

  /** The members of each group, by group id, read in one query per chunk of groups. */
  const membersOf = async (reader: Reader, groupIds: BindValue[]): Promise<Map<string, string[]>> => {
    const m = await tables();
    const result = new Map<string, string[]>();
    if (m.membership === undefined) return result;
    const { table, groupColumn, memberColumn } = m.membership;
    for (let i = 0; i < groupIds.length; i += IN_CHUNK) {
      const query = selectByColumnIn(
        table,
        [groupColumn.name, memberColumn.name],
        groupColumn.name,
        groupIds.slice(i, i + IN_CHUNK),
      );
      for (const row of (await reader.executeQuery(query.compile(engine.db))).rows) {
        const group = String(row[groupColumn.name]);
        const list = result.get(group) ?? [];
        list.push(String(row[memberColumn.name]));
        result.set(group, list);
      }
    }
    return result;
  };

  const withMembers = async (reader: Reader, objects: TargetObject[], table: ObjectTable) => {
    if (table.objectType !== 'Group' || (await tables()).membership === undefined || objects.length === 0)
      return objects;
    const members = await membersOf(
      reader,
      objects.map((o) => idOf(table, o.id)),
    );
    for (const object of objects) object.members = members.get(object.id) ?? [];
    return objects;
  };

  const exists = async (reader: Reader, table: ObjectTable, id: BindValue) =>
    (
      await reader.executeQuery(
        selectByColumn(table.table, [table.anchor.name], table.anchor.name, id).compile(engine.db),
      )
    ).rows.length > 0;

  /**
   * The compiled INSERT for rows of one shape. Batches repeat the same shape (table, columns, row
   * count), and building and compiling a statement of thousands of values costs more CPU than the
   * database takes to run it, so each shape is compiled once and then only given new values.
   */
  const insertShapes = new Map<string, CompiledQuery<Record<string, unknown>>>();
  const insertStatement = (
    name: string,
    columns: string[],
    rows: InsertRow[],
    returning: string | undefined,
  ) => {
    const key = JSON.stringify([name, columns, rows.length, returning ?? null]);
    let shape = insertShapes.get(key);
    if (shape === undefined) {
      shape = insertRows(
        name,
        columns,
        rows.map((r) => r.values),
        returning,
        engine.name,
      ).compile(engine.db);
      if (insertShapes.size >= 64) insertShapes.clear();
      insertShapes.set(key, shape);
      return shape;
    }
    return CompiledQuery.raw(
      shape.sql,
      rows.flatMap((r) => r.values),
    );
  };

  /** Inserts rows of the same columns in one statement; answers their ids in order. */
  const insert = async (trx: Reader, table: ObjectTable, rows: InsertRow[]): Promise<string[]> => {
    const columns = rows[0]!.columns;
    const returning =
      table.anchorGenerated && engine.generatedIds === 'returning' ? table.anchor.name : undefined;
    const query = insertStatement(table.table, columns, rows, returning);
    const result = await trx.executeQuery<Record<string, unknown>>(query);
    if (!table.anchorGenerated) return rows.map((r) => r.id!);
    if (returning !== undefined) {
      // Generated ids grow within one statement in the order of its rows, whatever order RETURNING lists them.
      const generated = result.rows.map((row) => BigInt(String(row[returning])));
      generated.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (generated.length !== rows.length)
        throw new ConnectorError(
          'invalid_response',
          `the INSERT returned ${generated.length} ids for ${rows.length} rows`,
        );
      return generated.map(String);
    }
    if (result.insertId === undefined)
      throw new ConnectorError(
        'invalid_response',
        `the INSERT into '${table.table}' reported no generated id`,
      );
    const step = BigInt(await engine.insertIdStep());
    return rows.map((_, index) => String(result.insertId! + BigInt(index) * step));
  };

  const created = (table: ObjectTable, id: string, request: CreateRequest): TargetObject => {
    const object: TargetObject = { id, objectType: table.objectType, attributes: { ...request.attributes } };
    if (table.anchorGenerated === false)
      object.attributes[table.anchor.name] = request.attributes[table.anchor.name]!;
    if (table.disable !== undefined) object.enabled = request.enabled !== false;
    if (table.objectType === 'Group' && settings.membership !== undefined) object.members = [];
    return object;
  };

  const createOne = async (request: CreateRequest, signal: AbortSignal): Promise<TargetObject> => {
    const table = await tableOf(request.objectType);
    const row = insertRow(engine, table, request);
    // One INSERT: atomic on its own.
    const [id] = await inStatement(engine, retry, signal, (db) => insert(db, table, [row]));
    return created(table, id!, request);
  };

  /** Multi-row INSERTs in one transaction; on a refused row, each item again on its own to say which. */
  const createBatch = async (
    requests: CreateRequest[],
    signal: AbortSignal,
  ): Promise<BatchCreateResult[]> => {
    signal.throwIfAborted();
    const results: (BatchCreateResult | undefined)[] = new Array(requests.length).fill(undefined);
    const pending: { index: number; table: ObjectTable; row: InsertRow }[] = [];
    for (const [index, request] of requests.entries()) {
      try {
        const table = await tableOf(request.objectType);
        pending.push({ index, table, row: insertRow(engine, table, request) });
      } catch (error) {
        results[index] = { ok: false, error: toConnectorError(engine, error) };
      }
    }
    // One statement per table and column set; MySQL without consecutive ids inserts row by row.
    const groups = new Map<string, typeof pending>();
    for (const item of pending) {
      const key = `${item.table.objectType}\u0000${item.row.columns.join('\u0000')}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [item]);
      else group.push(item);
    }
    const perRow = engine.generatedIds === 'insert-id' && (await engine.insertIdStep().catch(() => 0)) === 0;
    try {
      const sizeOf = (table: ObjectTable) =>
        (perRow && table.anchorGenerated) || capabilities.batchCreate === false
          ? 1
          : capabilities.batchCreate.maxItems;
      const parts = [...groups.values()].flatMap((group) => {
        const size = sizeOf(group[0]!.table);
        return Array.from({ length: Math.ceil(group.length / size) }, (_, k) =>
          group.slice(k * size, (k + 1) * size),
        );
      });
      const write = async (reader: Reader) => {
        const out = new Map<number, string>();
        for (const part of parts) {
          const partIds = await insert(
            reader,
            part[0]!.table,
            part.map((p) => p.row),
          );
          part.forEach((p, k) => out.set(p.index, partIds[k]!));
        }
        return out;
      };
      // One multi-row INSERT is atomic on its own; several share a transaction.
      const ids =
        parts.length <= 1
          ? await inStatement(engine, retry, signal, write)
          : await inTransaction(engine, retry, signal, write);
      for (const item of pending) {
        results[item.index] = {
          ok: true,
          object: created(item.table, ids.get(item.index)!, requests[item.index]!),
        };
      }
    } catch (error) {
      const failure = toConnectorError(engine, error);
      const rowLevel = failure.code === 'already_exists' || failure.code === 'schema_violation';
      for (const item of pending) {
        if (!rowLevel) {
          results[item.index] = { ok: false, error: failure };
          continue;
        }
        try {
          results[item.index] = { ok: true, object: await createOne(requests[item.index]!, signal) };
        } catch (itemError) {
          results[item.index] = { ok: false, error: toConnectorError(engine, itemError) };
        }
      }
    }
    return results as BatchCreateResult[];
  };

  const connector: Connector = {
    capabilities,
    async testConnection(signal) {
      await runQuery(engine, signal, () => tables());
    },
    create: createOne,
    async get({ objectType, ref }, signal) {
      const table = await tableOf(objectType);
      return runQuery(engine, signal, async () => {
        const rows = await readRows(engine.db, table, table.anchor.name, idOf(table, ref.id));
        if (rows.length === 0) throw notFound(table, ref.id);
        const [object] = await withMembers(engine.db, [rowObject(table, rows[0]!)], table);
        return object!;
      });
    },
    async find({ objectType, attribute, value }, signal) {
      const table = await tableOf(objectType);
      const column = mappedColumn(table, attribute);
      let bound: BindValue;
      try {
        bound = bindFor(engine, value, column);
      } catch {
        return []; // No row holds a value its column cannot store.
      }
      if (bound === null) return [];
      return runQuery(engine, signal, async () => {
        const rows = await readRows(engine.db, table, column.name, bound);
        return withMembers(
          engine.db,
          rows.map((row) => rowObject(table, row)),
          table,
        );
      });
    },
    async list({ objectType, pageSize, cursor }, signal): Promise<ListPage> {
      const table = await tableOf(objectType);
      const size = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.trunc(pageSize)));
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      return runQuery(engine, signal, async () => {
        const query = selectPage(table.table, selectedColumns(table), table.anchor.name, after, size + 1);
        const rows = (await engine.db.executeQuery(query.compile(engine.db))).rows;
        const pageRows = rows.slice(0, size);
        const objects = await withMembers(
          engine.db,
          pageRows.map((row) => rowObject(table, row)),
          table,
        );
        if (rows.length <= size) return { objects };
        const last = pageRows[pageRows.length - 1]![table.anchor.name];
        const lastValue = typeof last === 'number' ? last : String(last);
        return { objects, nextCursor: encodeCursor(lastValue) };
      });
    },
    async update({ objectType, ref, changes }, signal) {
      const table = await tableOf(objectType);
      const id = idOf(table, ref.id);
      const sets: [string, BindValue][] = changes.map((change) => {
        const column = mappedColumn(table, change.attribute);
        if (!table.anchorGenerated && column.name === table.anchor.name) {
          throw new ConnectorError(
            'schema_violation',
            `'${column.name}' is the anchor of table '${table.table}' and cannot change`,
          );
        }
        return [column.name, bindFor(engine, change.newValue, column)];
      });
      await inTransaction(engine, retry, signal, async (trx) => {
        const changed =
          sets.length === 0
            ? 0n
            : ((
                await trx.executeQuery(
                  updateByColumn(table.table, sets, table.anchor.name, id).compile(engine.db),
                )
              ).numAffectedRows ?? 0n);
        if (changed === 0n && !(await exists(trx, table, id))) throw notFound(table, ref.id);
      });
    },
    async delete({ objectType, ref }, signal) {
      const table = await tableOf(objectType);
      const id = idOf(table, ref.id);
      const m = await tables();
      await inTransaction(engine, retry, signal, async (trx) => {
        if (m.membership !== undefined) {
          const column = objectType === 'User' ? m.membership.memberColumn : m.membership.groupColumn;
          await trx.executeQuery(deleteByColumn(m.membership.table, column.name, id).compile(engine.db));
        }
        const removed =
          (await trx.executeQuery(deleteByColumn(table.table, table.anchor.name, id).compile(engine.db)))
            .numAffectedRows ?? 0n;
        if (removed === 0n) throw notFound(table, ref.id);
      });
    },
  };

  if (capabilities.batchCreate !== false) connector.createBatch = createBatch;

  if (capabilities.disable !== false) {
    connector.setEnabled = async ({ objectType, ref, enabled }, signal) => {
      const table = await tableOf(objectType);
      if (table.disable === undefined)
        throw new ConnectorError(
          'schema_violation',
          `${objectType}s are not disabled in table '${table.table}'`,
        );
      const disable = table.disable;
      const id = idOf(table, ref.id);
      await inTransaction(engine, retry, signal, async (trx) => {
        const query = updateByColumn(
          table.table,
          [[disable.column.name, disableValue(engine, disable, enabled)]],
          table.anchor.name,
          id,
        );
        const changed = (await trx.executeQuery(query.compile(engine.db))).numAffectedRows ?? 0n;
        if (changed === 0n && !(await exists(trx, table, id))) throw notFound(table, ref.id);
      });
    };
  }

  if (capabilities.membership.kind === 'native') {
    const members = async (group: TargetRef, refs: TargetRef[], signal: AbortSignal, add: boolean) => {
      const m = await tables();
      const users = m.users;
      const groups = m.groups!;
      const membership = m.membership!;
      const groupId = idOf(groups, group.id);
      const wanted = new Map<string, BindValue>();
      for (const ref of refs) wanted.set(ref.id, idOf(users, ref.id));
      await inTransaction(engine, retry, signal, async (trx) => {
        if (!(await exists(trx, groups, groupId))) throw notFound(groups, group.id);
        const values = [...wanted.values()];
        for (let i = 0; i < values.length; i += IN_CHUNK) {
          const chunk = values.slice(i, i + IN_CHUNK);
          if (!add) {
            await trx.executeQuery(
              deletePairs(
                membership.table,
                membership.groupColumn.name,
                groupId,
                membership.memberColumn.name,
                chunk,
              ).compile(engine.db),
            );
            continue;
          }
          const found = new Set(
            (
              await trx.executeQuery(
                selectByColumnIn(users.table, [users.anchor.name], users.anchor.name, chunk).compile(
                  engine.db,
                ),
              )
            ).rows.map((row) => String(row[users.anchor.name])),
          );
          const missing = chunk.filter((value) => !found.has(String(value)));
          if (missing.length > 0)
            throw new ConnectorError(
              'not_found',
              `User '${String(missing[0])}' is not in table '${users.table}'`,
            );
          const present = selectPairs(
            membership.table,
            membership.memberColumn.name,
            membership.groupColumn.name,
            groupId,
            membership.memberColumn.name,
            chunk,
          );
          const have = new Set(
            (await trx.executeQuery(present.compile(engine.db))).rows.map((row) =>
              String(row[membership.memberColumn.name]),
            ),
          );
          const rows = chunk.filter((value) => !have.has(String(value))).map((value) => [groupId, value]);
          if (rows.length > 0) {
            const query = insertRows(
              membership.table,
              [membership.groupColumn.name, membership.memberColumn.name],
              rows,
              undefined,
              engine.name,
            );
            await trx.executeQuery(query.compile(engine.db));
          }
        }
      });
    };
    connector.addMembers = ({ group, members: refs }, signal) => members(group, refs, signal, true);
    connector.removeMembers = ({ group, members: refs }, signal) => members(group, refs, signal, false);
  }

  connector.close = () => engine.close();
  return connector;
}
