/** PostgreSQL through pg's pool and kysely's PostgresDialect; the catalogue from information_schema. */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { CatalogueColumn, TypeClass } from '../column-types.js';
import type { ServerTarget } from '../database-url.js';
import type { SqlCommonSettings, SqlCredentials } from '../sql-settings.js';
import type { SqlEngine } from '../sql-engine.js';
import { classifyPostgresError, isPostgresTransient } from './postgres-errors.js';

const TYPE_CLASSES: Record<string, TypeClass> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  bool: 'boolean',
  text: 'text',
  varchar: 'text',
  bpchar: 'text',
  name: 'text',
  citext: 'text',
  numeric: 'decimal',
  float4: 'float',
  float8: 'float',
  date: 'temporal',
  time: 'temporal',
  timetz: 'temporal',
  timestamp: 'temporal',
  timestamptz: 'temporal',
  bytea: 'binary',
  json: 'json',
  jsonb: 'json',
  uuid: 'uuid',
};

export function openPostgres(
  target: ServerTarget,
  settings: SqlCommonSettings,
  credentials: SqlCredentials,
): SqlEngine {
  const sslmode = target.params.get('sslmode');
  const pool = new pg.Pool({
    host: target.host,
    ...(target.port !== undefined ? { port: target.port } : {}),
    ...(target.database !== undefined ? { database: target.database } : {}),
    user: credentials.username ?? target.user ?? 'postgres',
    ...((credentials.password ?? target.password) !== undefined
      ? { password: credentials.password ?? target.password }
      : {}),
    ...(sslmode !== null && sslmode !== 'disable'
      ? { ssl: sslmode === 'no-verify' ? { rejectUnauthorized: false } : true }
      : {}),
    max: settings.pool.max,
    idleTimeoutMillis: settings.pool.idleTimeoutMs,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    lock_timeout: settings.lockTimeoutMs,
    application_name: 'provisio',
    ...(settings.schema !== undefined ? { options: `-c search_path=${settings.schema}` } : {}),
  });
  // An idle connection the server closes emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  return {
    name: 'postgres',
    label: 'PostgreSQL',
    db,
    generatedIds: 'returning',
    async readColumns(table) {
      const { rows } = await sql<{
        column_name: string;
        data_type: string;
        udt_name: string;
        is_nullable: string;
        column_default: string | null;
        is_identity: string;
      }>`select column_name, data_type, udt_name, is_nullable, column_default, is_identity
         from information_schema.columns
         where table_schema = current_schema() and table_name = ${table}
         order by ordinal_position`.execute(db);
      if (rows.length === 0) return undefined;
      const columns = new Map<string, CatalogueColumn>();
      for (const row of rows) {
        columns.set(row.column_name, {
          name: row.column_name,
          declaredType: row.data_type === 'USER-DEFINED' ? row.udt_name : row.data_type,
          typeClass: TYPE_CLASSES[row.udt_name] ?? 'other',
          nullable: row.is_nullable === 'YES',
          generated: row.is_identity === 'YES' || /^nextval\(/i.test(row.column_default ?? ''),
        });
      }
      return columns;
    },
    async tableNames() {
      const { rows } = await sql<{ table_name: string }>`select table_name from information_schema.tables
        where table_schema = current_schema()`.execute(db);
      return rows.map((row) => row.table_name);
    },
    insertIdStep: async () => 1,
    classify: classifyPostgresError,
    isTransient: isPostgresTransient,
    isImpossibleValue: (error) =>
      error instanceof pg.DatabaseError && (error.code === '22P02' || error.code === '22003'),
    bindBoolean: (value) => value,
    close: () => db.destroy(),
  };
}
