/**
 * Statement mode: the admin writes the SQL (or stored procedure calls) for each operation, with
 * named parameters bound from the mapped attributes and a few the connector supplies (`:id`,
 * `:enabled`, `:value`, `:limit`, `:after`, `:groupId`, `:memberId`). Capabilities follow from
 * which statements are given. Each object's change runs in one transaction.
 */
import type { JsonValue } from '../../shared/json.js';
import {
  applyAttributeChanges,
  combineTypeCapabilities,
  ConnectorError,
  disableCapability,
  type Connector,
  type ConnectorCapabilities,
  type ObjectType,
  type TargetAttributes,
  type TargetObject,
  type TypeCapabilities,
} from '../spi/index.js';
import { anchorText, plainValue } from './column-types.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';
import {
  bindStatement,
  parseNamedParameters,
  StatementSyntaxError,
  type ParsedStatement,
} from './named-parameters.js';
import type { SqlEngine } from './sql-engine.js';
import type { StatementModeSettings, StatementObjectSettings } from './sql-settings.js';
import { inSavepoint, inTransaction, runQuery, toConnectorError, type Trx } from './sql-transaction.js';

const MAX_PAGE_SIZE = 1000;
type Reader = Pick<Trx, 'executeQuery'>;
type Values = Record<string, unknown>;

/** One object type's statements, parsed once. */
interface ObjectStatements {
  objectType: ObjectType;
  settings: StatementObjectSettings;
  create: ParsedStatement;
  get?: ParsedStatement;
  find: Map<string, ParsedStatement>;
  list?: { first: ParsedStatement; next: ParsedStatement };
  update?: ParsedStatement;
  delete?: ParsedStatement;
  setEnabled?: ParsedStatement;
}

/** Parses one statement of the settings; a statement that cannot run names its setting. */
function parseSetting(engine: SqlEngine, text: string, setting: string): ParsedStatement {
  try {
    return parseNamedParameters(text, engine.name);
  } catch (error) {
    if (error instanceof StatementSyntaxError) {
      throw new ConnectorError('schema_violation', `settings.${setting}: ${error.message}`);
    }
    throw error;
  }
}

function parseAll(
  engine: SqlEngine,
  settings: StatementObjectSettings,
  objectType: ObjectType,
  path: string,
): ObjectStatements {
  const parse = (text: string, where: string) => parseSetting(engine, text, `${path}.${where}`);
  const statements: ObjectStatements = {
    objectType,
    settings,
    create: parse(settings.create, 'create'),
    find: new Map(
      Object.entries(settings.find ?? {}).map(([attribute, text]) => [
        attribute,
        parse(text, `find.${attribute}`),
      ]),
    ),
  };
  if (settings.get !== undefined) statements.get = parse(settings.get, 'get');
  if (settings.list !== undefined)
    statements.list = {
      first: parse(settings.list.first, 'list.first'),
      next: parse(settings.list.next, 'list.next'),
    };
  if (settings.update !== undefined) statements.update = parse(settings.update, 'update');
  if (settings.delete !== undefined) statements.delete = parse(settings.delete, 'delete');
  if (settings.setEnabled !== undefined) statements.setEnabled = parse(settings.setEnabled, 'setEnabled');
  return statements;
}

/** What one table's statements can do: each type is read, found, listed and written by its own. */
function typeCapabilities(object: StatementObjectSettings): Required<TypeCapabilities> {
  const findable = Object.keys(object.find ?? {});
  return {
    read: object.get !== undefined,
    find: findable.length === 0 ? false : { attributes: findable },
    list: object.list === undefined ? false : { paging: true, maxPageSize: MAX_PAGE_SIZE },
    update: object.update === undefined ? false : { mode: 'replace' },
    delete: object.delete !== undefined,
  };
}

export function statementCapabilities(settings: StatementModeSettings): ConnectorCapabilities {
  const objects = new Map<ObjectType, StatementObjectSettings>([['User', settings.users]]);
  if (settings.groups !== undefined) objects.set('Group', settings.groups);
  const objectTypes = [...objects.keys()];
  return {
    objectTypes,
    ...combineTypeCapabilities(
      new Map([...objects].map(([type, object]) => [type, typeCapabilities(object)])),
    ),
    // Each type is disabled by its own statement; a type without one is deprovisioned by delete.
    disable: disableCapability(
      objectTypes,
      objectTypes.filter((type) => objects.get(type)!.setEnabled !== undefined),
    ),
    rename: false,
    batchCreate: false,
    membership: settings.membership === undefined ? { kind: 'none' } : { kind: 'native' },
  };
}

export function createStatementConnector(engine: SqlEngine, settings: StatementModeSettings): Connector {
  const capabilities = statementCapabilities(settings);
  const users = parseAll(engine, settings.users, 'User', 'users');
  const groups =
    settings.groups === undefined ? undefined : parseAll(engine, settings.groups, 'Group', 'groups');
  const membership =
    settings.membership === undefined
      ? undefined
      : {
          add: parseSetting(engine, settings.membership.add, 'membership.add'),
          remove: parseSetting(engine, settings.membership.remove, 'membership.remove'),
          members:
            settings.membership.members === undefined
              ? undefined
              : parseSetting(engine, settings.membership.members, 'membership.members'),
          idColumn: settings.membership.idColumn,
        };
  const retry = settings.retry;

  const statementsOf = (objectType: ObjectType) => {
    const found = objectType === 'User' ? users : groups;
    if (found === undefined)
      throw new ConnectorError('schema_violation', `no statements are configured for ${objectType}`);
    return found;
  };
  const need = <K extends keyof ObjectStatements>(
    s: ObjectStatements,
    key: K,
  ): NonNullable<ObjectStatements[K]> => {
    const statement = s[key];
    if (statement === undefined) {
      throw new ConnectorError(
        'schema_violation',
        `settings.${s.objectType === 'User' ? 'users' : 'groups'}.${String(key)} is not given`,
      );
    }
    return statement as NonNullable<ObjectStatements[K]>;
  };

  /** A JSON value as the driver binds it. */
  const bind = (value: JsonValue | undefined, name: string): unknown => {
    if (value === undefined || value === null) return null;
    if (typeof value === 'boolean') return engine.bindBoolean(value);
    if (Array.isArray(value) && value.length === 0) return null;
    if (typeof value === 'object')
      throw new ConnectorError(
        'schema_violation',
        `parameter :${name} cannot take ${Array.isArray(value) ? 'several values' : 'an object'}`,
      );
    return value;
  };
  const attributeValues = (attributes: TargetAttributes): Values => {
    const values: Values = {};
    for (const [name, value] of Object.entries(attributes)) values[name] = bind(value, name);
    return values;
  };
  const enabledValue = (s: ObjectStatements, enabled: boolean) => {
    const config = s.settings.enabled;
    if (config === undefined) return null;
    return bind(enabled ? config.enabledValue : config.disabledValue, 'enabled');
  };
  const run = async (reader: Reader, statement: ParsedStatement, values: Values) => {
    const result = await reader.executeQuery(bindStatement(statement, values).compile(engine.db));
    return { ...result, rows: resultRows(result.rows) };
  };

  const toObject = (s: ObjectStatements, row: Record<string, unknown>): TargetObject => {
    const idColumn = s.settings.idColumn;
    if (row[idColumn] === undefined || row[idColumn] === null) {
      throw new ConnectorError(
        'invalid_response',
        `a row of ${s.objectType} statements has no '${idColumn}' column (settings idColumn)`,
      );
    }
    const enabledColumn = s.settings.enabled?.column;
    const attributes: TargetAttributes = {};
    for (const [column, raw] of Object.entries(row)) {
      if (column === idColumn || column === enabledColumn) continue;
      const value = plainValue(raw);
      if (value !== undefined) attributes[column] = value;
    }
    const object: TargetObject = { id: anchorText(row[idColumn]), objectType: s.objectType, attributes };
    if (s.settings.enabled !== undefined && enabledColumn !== undefined) {
      object.enabled = String(plainValue(row[enabledColumn])) !== String(plainValue(enabledValue(s, false)));
    }
    return object;
  };
  const withMembers = async (reader: Reader, s: ObjectStatements, objects: TargetObject[]) => {
    if (s.objectType !== 'Group' || membership?.members === undefined) return objects;
    for (const object of objects) {
      const { rows } = await run(reader, membership.members, { groupId: object.id });
      object.members = rows.map((row) => anchorText(row[membership.idColumn]));
    }
    return objects;
  };
  const missing = (objectType: ObjectType, id: string) =>
    new ConnectorError('not_found', `${objectType} '${id}' is not in the database`);
  /** Runs a statement keyed by an id; an id the database cannot even compare names no row. */
  const byId = async <T>(objectType: ObjectType, id: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (engine.isImpossibleValue(error)) throw missing(objectType, id);
      throw error;
    }
  };
  const readOne = async (reader: Reader, s: ObjectStatements, id: string) => {
    const { rows } = await byId(s.objectType, id, () => run(reader, need(s, 'get'), { id }));
    if (rows.length === 0)
      throw new ConnectorError('not_found', `${s.objectType} '${id}' is not in the database`);
    return toObject(s, rows[0]!);
  };
  const affected = (result: { numAffectedRows?: bigint }) => result.numAffectedRows ?? 0n;

  const connector: Connector = {
    capabilities,
    async testConnection(signal) {
      await runQuery(engine, signal, () => engine.tableNames());
    },
    async create(request, signal) {
      const s = statementsOf(request.objectType);
      const values = attributeValues(request.attributes);
      values.enabled = enabledValue(s, request.enabled !== false);
      const id = await inTransaction(engine, retry, signal, async (trx) => {
        const result = await run(trx, s.create, values);
        const returned = result.rows[0]?.[s.settings.idColumn];
        if (returned !== undefined && returned !== null) return anchorText(returned);
        if (s.settings.idAttribute !== undefined) {
          const value = request.attributes[s.settings.idAttribute];
          if (value !== undefined && value !== null && typeof value !== 'object') return String(value);
          throw new ConnectorError(
            'schema_violation',
            `the id attribute '${s.settings.idAttribute}' has no value`,
          );
        }
        if (result.insertId !== undefined) return result.insertId.toString();
        throw new ConnectorError(
          'invalid_response',
          `the ${s.objectType} create statement answered no id: return '${s.settings.idColumn}' or set idAttribute`,
        );
      });
      const object: TargetObject = {
        id,
        objectType: request.objectType,
        attributes: { ...request.attributes },
      };
      if (s.settings.enabled !== undefined) object.enabled = request.enabled !== false;
      if (request.objectType === 'Group' && membership?.members !== undefined) object.members = [];
      return object;
    },
  };

  if (capabilities.read) {
    connector.get = async ({ objectType, ref }, signal) => {
      const s = statementsOf(objectType);
      return runQuery(
        engine,
        signal,
        async () => (await withMembers(engine.db, s, [await readOne(engine.db, s, ref.id)]))[0]!,
      );
    };
  }
  if (capabilities.find !== false) {
    connector.find = async ({ objectType, attribute, value }, signal) => {
      const s = statementsOf(objectType);
      const statement = s.find.get(attribute);
      if (statement === undefined)
        throw new ConnectorError(
          'schema_violation',
          `no find statement for ${objectType} attribute '${attribute}'`,
        );
      return runQuery(engine, signal, async () => {
        const { rows } = await run(engine.db, statement, { value: bind(value, 'value') });
        return withMembers(
          engine.db,
          s,
          rows.map((row) => toObject(s, row)),
        );
      });
    };
  }
  if (capabilities.list !== false) {
    connector.list = async ({ objectType, pageSize, cursor }, signal) => {
      const s = statementsOf(objectType);
      const list = need(s, 'list');
      const size = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.trunc(pageSize)));
      return runQuery(engine, signal, async () => {
        const { rows } =
          cursor === undefined
            ? await run(engine.db, list.first, { limit: size + 1 })
            : await run(engine.db, list.next, { after: decodeCursor(cursor), limit: size + 1 });
        const pageRows = rows.slice(0, size);
        const objects = await withMembers(
          engine.db,
          s,
          pageRows.map((row) => toObject(s, row)),
        );
        if (rows.length <= size) return { objects };
        const last = pageRows[pageRows.length - 1]![s.settings.idColumn];
        return { objects, nextCursor: encodeCursor(typeof last === 'number' ? last : anchorText(last)) };
      });
    };
  }
  if (capabilities.update !== false) {
    connector.update = async ({ objectType, ref, changes }, signal) => {
      const s = statementsOf(objectType);
      const update = need(s, 'update');
      await inTransaction(engine, retry, signal, async (trx) => {
        const current = await readOne(trx, s, ref.id);
        // The statement writes the whole row: what the changes do not name is written back as read.
        const merged = applyAttributeChanges(current.attributes, changes);
        const values = attributeValues(merged);
        for (const change of changes) if (!(change.attribute in merged)) values[change.attribute] = null;
        values.id = ref.id;
        values.enabled = enabledValue(s, current.enabled !== false);
        if (affected(await run(trx, update, values)) === 0n) throw missing(objectType, ref.id);
      });
    };
  }
  if (capabilities.delete) {
    connector.delete = async ({ objectType, ref }, signal) => {
      const s = statementsOf(objectType);
      const statement = need(s, 'delete');
      await inTransaction(engine, retry, signal, async (trx) => {
        const result = await byId(objectType, ref.id, () => run(trx, statement, { id: ref.id }));
        if (affected(result) === 0n) throw missing(objectType, ref.id);
      });
    };
  }
  if (capabilities.disable !== false) {
    connector.setEnabled = async ({ objectType, ref, enabled }, signal) => {
      const s = statementsOf(objectType);
      const statement = need(s, 'setEnabled');
      await inTransaction(engine, retry, signal, async (trx) => {
        const result = await byId(objectType, ref.id, () =>
          run(trx, statement, { id: ref.id, enabled: enabledValue(s, enabled) }),
        );
        if (affected(result) === 0n) throw missing(objectType, ref.id);
      });
    };
  }
  if (membership !== undefined && groups !== undefined) {
    connector.addMembers = async ({ group, members }, signal) => {
      await inTransaction(engine, retry, signal, async (trx) => {
        if (groups.get !== undefined) await readOne(trx, groups, group.id);
        for (const [index, member] of [...new Set(members.map((m) => m.id))].entries()) {
          try {
            // A savepoint per member: on PostgreSQL a refused INSERT would otherwise abort the transaction.
            const result = await inSavepoint(trx, `member_${index}`, () =>
              byId('User', member, () => run(trx, membership.add, { groupId: group.id, memberId: member })),
            );
            if (affected(result) === 0n) throw missing('User', member);
          } catch (error) {
            const failure = toConnectorError(engine, error);
            // Already a member: adding again is not an error.
            if (failure.code !== 'already_exists') throw failure;
          }
        }
      });
    };
    connector.removeMembers = async ({ group, members }, signal) => {
      await inTransaction(engine, retry, signal, async (trx) => {
        if (groups.get !== undefined) await readOne(trx, groups, group.id);
        for (const member of new Set(members.map((m) => m.id)))
          await run(trx, membership.remove, { groupId: group.id, memberId: member });
      });
    };
  }
  connector.close = () => engine.close();
  return connector;
}

/** The rows of a result; a MySQL CALL answers its result sets as an array, whose first set is taken. */
function resultRows(rows: unknown[]): Record<string, unknown>[] {
  if (rows.length > 0 && Array.isArray(rows[0])) return rows[0] as Record<string, unknown>[];
  return rows as Record<string, unknown>[];
}
