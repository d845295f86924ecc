/**
 * PostgreSQL's SQLSTATEs in the connector taxonomy (PostgreSQL manual, appendix A). Classes decide
 * most: 23 integrity, 22 data, 42 syntax / undefined objects, 28 authorisation, 08 connection,
 * 40 transaction rollback, 53 resources, 57 operator intervention.
 */
import pg from 'pg';
import type { ConnectorError } from '../../spi/index.js';
import { databaseError, errorCode, errorMessage } from './database-error.js';

/** SQLSTATEs after which running the transaction again can succeed. */
const TRANSIENT = new Set(['40001', '40P01']);

export function isPostgresTransient(error: unknown): boolean {
  return TRANSIENT.has(errorCode(error) ?? '');
}

/** A pg error in the taxonomy, or undefined when it carries no SQLSTATE and is not pg's own. */
export function classifyPostgresError(error: unknown): ConnectorError | undefined {
  const state = errorCode(error);
  const say = (code: Parameters<typeof databaseError>[0], what: string) =>
    databaseError(code, `PostgreSQL: ${what}`, error, state);
  if (!(error instanceof pg.DatabaseError) || state === undefined) {
    // pg-pool's own words when no connection came free in connectionTimeoutMillis.
    if (
      /timeout exceeded when trying to connect|Connection terminated due to connection timeout/i.test(
        errorMessage(error),
      )
    )
      return say('timeout', 'no connection within the connect timeout');
    if (/Connection terminated/i.test(errorMessage(error)))
      return say('unavailable', 'the connection was closed');
    return undefined;
  }
  if (state === '23505') return say('already_exists', 'a unique constraint refused the row');
  if (state === '23503') return say('schema_violation', 'a foreign key refused the change');
  if (state.startsWith('23')) return say('schema_violation', 'a constraint refused the row');
  if (state.startsWith('22')) return say('schema_violation', 'a value does not fit its column');
  if (state === '42P01') return say('schema_violation', 'a table does not exist');
  if (state === '42703') return say('schema_violation', 'a column does not exist');
  if (state === '42501') return say('permission_denied', 'the user may not do this');
  if (state.startsWith('42')) return say('schema_violation', 'the statement does not fit the schema');
  if (state === '28P01' || state === '28000')
    return say('invalid_credentials', 'the server refused the login');
  if (TRANSIENT.has(state))
    return say('unavailable', 'a deadlock or serialisation failure outlasted the retries');
  if (state === '55P03') return say('timeout', 'a lock was not granted within the lock timeout');
  if (state === '57014') return say('timeout', 'the statement ran longer than the statement timeout');
  if (state === '53300') return say('throttled', 'the server has too many connections');
  if (state === '3D000') return say('unavailable', 'the database does not exist');
  if (state === '3F000') return say('schema_violation', 'the schema does not exist');
  if (state.startsWith('08') || state.startsWith('57') || state.startsWith('53')) {
    return say('unavailable', 'the server is not accepting work');
  }
  return say('schema_violation', `the server refused the statement (SQLSTATE ${state})`);
}
