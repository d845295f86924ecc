/**
 * MySQL and MariaDB server errors (mysql2's `code` names the server's symbol, `errno` its number)
 * and mysql2's own connection errors, in the connector taxonomy.
 */
import type { ConnectorError, ConnectorErrorCode } from '../../spi/index.js';
import { databaseError, errorCode } from './database-error.js';

const TRANSIENT = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_TRANSACTION_ROLLBACK']);

export function isMysqlTransient(error: unknown): boolean {
  return TRANSIENT.has(errorCode(error) ?? '') || (error as { errno?: unknown })?.errno === 1213;
}

const BY_CODE: Record<string, [ConnectorErrorCode, string]> = {
  ER_DUP_ENTRY: ['already_exists', 'a unique key refused the row'],
  ER_DUP_KEY: ['already_exists', 'a unique key refused the row'],
  ER_ACCESS_DENIED_ERROR: ['invalid_credentials', 'the server refused the login'],
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: ['invalid_credentials', 'the server refused the login'],
  ER_DBACCESS_DENIED_ERROR: ['permission_denied', 'the user may not use this database'],
  ER_TABLEACCESS_DENIED_ERROR: ['permission_denied', 'the user may not use this table'],
  ER_COLUMNACCESS_DENIED_ERROR: ['permission_denied', 'the user may not use this column'],
  ER_SPECIFIC_ACCESS_DENIED_ERROR: ['permission_denied', 'the user may not do this'],
  ER_NO_SUCH_TABLE: ['schema_violation', 'a table does not exist'],
  ER_BAD_FIELD_ERROR: ['schema_violation', 'a column does not exist'],
  ER_BAD_NULL_ERROR: ['schema_violation', 'a column that must have a value has none'],
  ER_NO_DEFAULT_FOR_FIELD: ['schema_violation', 'a column that must have a value has none'],
  ER_DATA_TOO_LONG: ['schema_violation', 'a value is too long for its column'],
  ER_TRUNCATED_WRONG_VALUE: ['schema_violation', 'a value does not fit its column'],
  ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: ['schema_violation', 'a value does not fit its column'],
  ER_WARN_DATA_OUT_OF_RANGE: ['schema_violation', 'a number is out of its column range'],
  ER_CHECK_CONSTRAINT_VIOLATED: ['schema_violation', 'a check constraint refused the row'],
  ER_CONSTRAINT_FAILED: ['schema_violation', 'a check constraint refused the row'],
  ER_NO_REFERENCED_ROW_2: ['schema_violation', 'a foreign key refused the change'],
  ER_ROW_IS_REFERENCED_2: ['schema_violation', 'a foreign key refused the change'],
  ER_PARSE_ERROR: ['schema_violation', 'the statement does not parse'],
  ER_LOCK_DEADLOCK: ['unavailable', 'a deadlock outlasted the retries'],
  ER_LOCK_WAIT_TIMEOUT: ['timeout', 'a lock was not granted within the lock timeout'],
  ER_STATEMENT_TIMEOUT: ['timeout', 'the statement ran longer than the statement timeout'],
  ER_QUERY_TIMEOUT: ['timeout', 'the statement ran longer than the statement timeout'],
  ER_QUERY_INTERRUPTED: ['timeout', 'the statement was interrupted'],
  ER_CON_COUNT_ERROR: ['throttled', 'the server has too many connections'],
  ER_TOO_MANY_USER_CONNECTIONS: ['throttled', 'the user has too many connections'],
  ER_USER_LIMIT_REACHED: ['throttled', 'the user has reached a resource limit'],
  ER_BAD_DB_ERROR: ['unavailable', 'the database does not exist'],
  ER_SERVER_SHUTDOWN: ['unavailable', 'the server is shutting down'],
  PROTOCOL_CONNECTION_LOST: ['unavailable', 'the connection was lost'],
  PROTOCOL_SEQUENCE_TIMEOUT: ['timeout', 'the server did not answer in time'],
  ETIMEDOUT: ['timeout', 'no connection within the connect timeout'],
  ECONNREFUSED: ['unavailable', 'the server refused the connection'],
};

/** A mysql2 error in the taxonomy, or undefined when it is not one. */
export function classifyMysqlError(error: unknown): ConnectorError | undefined {
  const code = errorCode(error);
  const errno = (error as { errno?: unknown } | null)?.errno;
  const known = code === undefined ? undefined : BY_CODE[code];
  const target = code ?? (typeof errno === 'number' ? errno : undefined);
  if (known !== undefined) return databaseError(known[0], `MySQL/MariaDB: ${known[1]}`, error, target);
  // MariaDB's max_statement_time error (1969) has no symbol in every mysql2 release.
  if (errno === 1969)
    return databaseError('timeout', 'MySQL/MariaDB: the statement ran too long', error, errno);
  const sqlState = (error as { sqlState?: unknown } | null)?.sqlState;
  if (typeof sqlState === 'string' && typeof errno === 'number') {
    if (sqlState.startsWith('23'))
      return databaseError('schema_violation', 'MySQL/MariaDB: a constraint refused the row', error, target);
    if (sqlState.startsWith('28'))
      return databaseError(
        'invalid_credentials',
        'MySQL/MariaDB: the server refused the login',
        error,
        target,
      );
    if (sqlState.startsWith('08'))
      return databaseError('unavailable', 'MySQL/MariaDB: the connection failed', error, target);
    return databaseError(
      'schema_violation',
      `MySQL/MariaDB: the server refused the statement (error ${errno})`,
      error,
      target,
    );
  }
  return undefined;
}
