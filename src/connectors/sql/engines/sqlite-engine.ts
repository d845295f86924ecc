/** SQLite through better-sqlite3 and kysely's SqliteDialect; the catalogue from pragma_table_info. */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { CatalogueColumn, TypeClass } from '../column-types.js';
import type { SqlCommonSettings } from '../sql-settings.js';
import type { SqlEngine } from '../sql-engine.js';
import { classifySqliteError, isSqliteTransient } from './sqlite-errors.js';

/** SQLite's affinity rules (datatype3.html §3.1), with BOOL and DATE/TIME named as what they hold. */
function typeClass(declared: string): TypeClass {
  const type = declared.toUpperCase();
  if (type.includes('BOOL')) return 'boolean';
  if (type.includes('INT')) return 'integer';
  if (type.includes('CHAR') || type.includes('CLOB') || type.includes('TEXT')) return 'text';
  if (type.includes('BLOB')) return 'binary';
  if (type === '') return 'other';
  if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) return 'float';
  if (type.includes('DATE') || type.includes('TIME')) return 'temporal';
  if (type.includes('JSON')) return 'text';
  return 'decimal';
}

export function openSqlite(file: string, settings: SqlCommonSettings): SqlEngine {
  const db = new Kysely<unknown>({
    dialect: new SqliteDialect({
      // Opened on first use: building the connector must not touch the file.
      database: async () => {
        const database = new Database(file, {
          fileMustExist: file !== ':memory:',
          timeout: settings.lockTimeoutMs,
        });
        database.pragma('foreign_keys = ON');
        return database;
      },
    }),
  });
  return {
    name: 'sqlite',
    label: 'SQLite',
    db,
    generatedIds: 'returning',
    async readColumns(table) {
      const { rows } = await sql<{ name: string; type: string; notnull: number; pk: number }>`
        select name, type, "notnull", pk from pragma_table_info(${table})`.execute(db);
      if (rows.length === 0) return undefined;
      const keyColumns = rows.filter((row) => row.pk > 0).length;
      const columns = new Map<string, CatalogueColumn>();
      for (const row of rows) {
        columns.set(row.name, {
          name: row.name,
          declaredType: row.type === '' ? '(no type)' : row.type,
          typeClass: typeClass(row.type),
          nullable: row.notnull === 0,
          // Only a single-column INTEGER PRIMARY KEY is the rowid, which SQLite assigns.
          generated: keyColumns === 1 && row.pk === 1 && row.type.toUpperCase() === 'INTEGER',
        });
      }
      return columns;
    },
    async tableNames() {
      const { rows } = await sql<{
        name: string;
      }>`select name from sqlite_master where type = 'table'`.execute(db);
      return rows.map((row) => row.name);
    },
    insertIdStep: async () => 1,
    classify: classifySqliteError,
    isTransient: isSqliteTransient,
    isImpossibleValue: () => false,
    bindBoolean: (value) => (value ? 1 : 0),
    close: () => db.destroy(),
  };
}
