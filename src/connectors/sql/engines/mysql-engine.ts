/**
 * MySQL and MariaDB through mysql2's pool and kysely's MysqlDialect. Statements with parameters go
 * through mysql2's `execute` (server-side prepared statements), so values are sent apart from the
 * statement text rather than escaped into it; the catalogue comes from information_schema.
 */
import { Kysely, MysqlDialect, sql, type MysqlPool, type MysqlPoolConnection } from 'kysely';
import mysql from 'mysql2';
import type { CatalogueColumn, TypeClass } from '../column-types.js';
import type { ServerTarget } from '../database-url.js';
import type { SqlCommonSettings, SqlCredentials } from '../sql-settings.js';
import type { SqlEngine } from '../sql-engine.js';
import { classifyMysqlError, isMysqlTransient } from './mysql-errors.js';

function typeClass(dataType: string, columnType: string): TypeClass {
  const type = dataType.toLowerCase();
  if (/^(tinyint\(1\)|bit\(1\)|bool|boolean)/i.test(columnType)) return 'boolean';
  if (/^(tinyint|smallint|mediumint|int|integer|bigint)$/.test(type)) return 'integer';
  if (/^(char|varchar|tinytext|text|mediumtext|longtext|enum|set)$/.test(type)) return 'text';
  if (type === 'decimal' || type === 'numeric') return 'decimal';
  if (type === 'float' || type === 'double' || type === 'real') return 'float';
  if (/^(date|datetime|timestamp|time|year)$/.test(type)) return 'temporal';
  if (/^(binary|varbinary|tinyblob|blob|mediumblob|longblob|bit)$/.test(type)) return 'binary';
  if (type === 'json') return 'json';
  if (type === 'uuid') return 'uuid';
  return 'other';
}

export function openMysql(
  target: ServerTarget,
  settings: SqlCommonSettings,
  credentials: SqlCredentials,
): SqlEngine {
  const password = credentials.password ?? target.password;
  const pool = mysql.createPool({
    host: target.host,
    port: target.port ?? 3306,
    user: credentials.username ?? target.user ?? 'root',
    ...(password !== undefined ? { password } : {}),
    ...(target.database !== undefined ? { database: target.database } : {}),
    connectionLimit: settings.pool.max,
    idleTimeout: settings.pool.idleTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    timezone: 'Z',
    ...(target.params.get('ssl') === 'true' ? { ssl: {} } : {}),
  });
  const db = new Kysely<unknown>({
    dialect: new MysqlDialect({
      pool: preparedStatements(pool),
      async onCreateConnection(connection) {
        const lockSeconds = Math.max(1, Math.ceil(settings.lockTimeoutMs / 1000));
        await connection.executeQuery(
          sql`set session innodb_lock_wait_timeout = ${sql.lit(lockSeconds)}`.compile(db),
        );
        // MariaDB counts max_statement_time in seconds, MySQL max_execution_time in milliseconds (SELECT only).
        const { rows } = await connection.executeQuery<{ v: string }>(sql`select version() as v`.compile(db));
        const mariadb = /mariadb/i.test(rows[0]?.v ?? '');
        const limit = mariadb
          ? sql`set session max_statement_time = ${sql.lit(settings.statementTimeoutMs / 1000)}`
          : sql`set session max_execution_time = ${sql.lit(settings.statementTimeoutMs)}`;
        await connection.executeQuery(limit.compile(db));
      },
    }),
  });
  let step: number | undefined;
  return {
    name: 'mysql',
    label: 'MySQL/MariaDB',
    db,
    generatedIds: 'insert-id',
    async readColumns(table) {
      const { rows } = await sql<{
        name: string;
        data_type: string;
        column_type: string;
        is_nullable: string;
        extra: string;
      }>`select column_name as name, data_type as data_type, column_type as column_type,
                is_nullable as is_nullable, extra as extra
         from information_schema.columns
         where table_schema = database() and table_name = ${table}
         order by ordinal_position`.execute(db);
      if (rows.length === 0) return undefined;
      const columns = new Map<string, CatalogueColumn>();
      for (const row of rows) {
        columns.set(row.name, {
          name: row.name,
          declaredType: row.column_type,
          typeClass: typeClass(row.data_type, row.column_type),
          nullable: row.is_nullable === 'YES',
          generated: /auto_increment/i.test(row.extra),
        });
      }
      return columns;
    },
    async tableNames() {
      const { rows } = await sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = database()`.execute(db);
      return rows.map((row) => row.name);
    },
    async insertIdStep() {
      if (step === undefined) {
        const { rows } = await sql<{
          step: number | string;
        }>`select @@auto_increment_increment as step`.execute(db);
        step = Number(rows[0]?.step ?? 1);
      }
      return step;
    },
    classify: classifyMysqlError,
    isTransient: isMysqlTransient,
    isImpossibleValue: () => false,
    bindBoolean: (value) => (value ? 1 : 0),
    close: () => db.destroy(),
  };
}

/**
 * The pool as kysely's MysqlDialect sees it, but running every statement that has parameters with
 * `execute`: mysql2's `query` would escape the values into the text, which is only as safe as the
 * server's sql_mode (NO_BACKSLASH_ESCAPES changes what an escaped quote means).
 */
function preparedStatements(pool: mysql.Pool): MysqlPool {
  return {
    getConnection(callback) {
      pool.getConnection((error, connection) => {
        if (error) return callback(error, undefined as unknown as MysqlPoolConnection);
        callback(null, wrapConnection(connection));
      });
    },
    end(callback) {
      pool.end(callback);
    },
  };
}

function wrapConnection(connection: mysql.PoolConnection): MysqlPoolConnection {
  const wrapped = {
    query(text: string, parameters: unknown[], callback?: (error: unknown, result: unknown) => void) {
      if (callback === undefined) return connection.query(text, parameters);
      if (parameters.length === 0) return connection.query(text, (e: unknown, r: unknown) => callback(e, r));
      return connection.execute(text, parameters as never[], (e: unknown, r: unknown) => callback(e, r));
    },
    release() {
      connection.release();
    },
  };
  return wrapped as unknown as MysqlPoolConnection;
}
