/** better-sqlite3's SqliteError codes (SQLite's extended result codes) in the connector taxonomy. */
import type { ConnectorError } from '../../spi/index.js';
import { databaseError, errorCode, errorMessage } from './database-error.js';

export function isSqliteTransient(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  // A deferred transaction that reads, then finds another process wrote first, cannot upgrade.
  return code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED' || code === 'SQLITE_LOCKED_SHAREDCACHE';
}

/** A SqliteError in the taxonomy, or undefined when it is not one. */
export function classifySqliteError(error: unknown): ConnectorError | undefined {
  const code = errorCode(error);
  if (code === undefined || !code.startsWith('SQLITE_')) return undefined;
  const say = (taxonomy: Parameters<typeof databaseError>[0], what: string) =>
    databaseError(taxonomy, `SQLite: ${what}`, error, code);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return say('already_exists', 'a unique constraint refused the row');
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return say('schema_violation', 'a foreign key refused the change');
  if (code.startsWith('SQLITE_CONSTRAINT')) return say('schema_violation', 'a constraint refused the row');
  if (code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || code === 'SQLITE_RANGE')
    return say('schema_violation', 'a value does not fit its column');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return say('timeout', 'the database stayed locked longer than the lock timeout');
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_AUTH' || code === 'SQLITE_PERM')
    return say('permission_denied', 'the database may not be written');
  if (code.startsWith('SQLITE_CANTOPEN')) return say('unavailable', 'the database file cannot be opened');
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_IOERR'))
    return say('unavailable', 'the database file cannot be read');
  if (code === 'SQLITE_ERROR') {
    const message = errorMessage(error);
    if (/no such table/i.test(message)) return say('schema_violation', 'a table does not exist');
    if (/no such column|has no column/i.test(message))
      return say('schema_violation', 'a column does not exist');
    return say('schema_violation', 'the statement does not fit the schema');
  }
  return say('unavailable', `the database failed (${code})`);
}
