/** Opens the engine for the database a `url` setting names; nothing connects until the first query. */
import { parseDatabaseUrl } from './database-url.js';
import { openMysql } from './engines/mysql-engine.js';
import { openPostgres } from './engines/postgres-engine.js';
import { openSqlite } from './engines/sqlite-engine.js';
import type { SqlEngine } from './sql-engine.js';
import type { SqlCommonSettings, SqlCredentials } from './sql-settings.js';

export function openEngine(
  settings: SqlCommonSettings,
  credentials: SqlCredentials,
  baseDirectory: string,
): SqlEngine {
  const target = parseDatabaseUrl(settings.url, baseDirectory);
  if (target.engine === 'sqlite') return openSqlite(target.file, settings);
  if (target.engine === 'postgres') return openPostgres(target, settings, credentials);
  return openMysql(target, settings, credentials);
}
