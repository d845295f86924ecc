/**
 * What differs between databases, behind one interface: how to connect (a kysely dialect over the
 * driver's pool), how to read the catalogue, how a generated id comes back from an INSERT, and
 * how the driver's errors map onto the connector taxonomy. Everything else — the queries of table
 * mode, the statements of statement mode, transactions and retries — is written once against
 * kysely, so another database is one more file here.
 */
import type { Kysely } from 'kysely';
import type { ConnectorError } from '../spi/index.js';
import type { CatalogueColumn } from './column-types.js';

export type EngineName = 'postgres' | 'mysql' | 'sqlite';

/** One open database: the query builder and the database's own answers. */
export interface SqlEngine {
  readonly name: EngineName;
  /** The database's name for messages: `PostgreSQL`, `MySQL/MariaDB`, `SQLite`. */
  readonly label: string;
  // The tables are named in the settings, not known to the compiler.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  /**
   * How an INSERT reports the ids the database generated: `returning` (INSERT ... RETURNING) or
   * `insert-id` (the first id of the statement, then one step per row: MySQL's auto_increment).
   */
  readonly generatedIds: 'returning' | 'insert-id';
  /** The columns of a table in the connection's schema, by name; undefined when there is no such table. */
  readColumns(table: string): Promise<Map<string, CatalogueColumn> | undefined>;
  /** The tables of the connection's schema, for did-you-mean suggestions. */
  tableNames(): Promise<string[]>;
  /**
   * The step between auto-increment ids of one multi-row INSERT (MySQL's auto_increment_increment),
   * or 0 when they need not be consecutive, so multi-row INSERTs cannot say which row got which id.
   */
  insertIdStep(): Promise<number>;
  /** The driver's error in the taxonomy, or undefined when it is not a database error. */
  classify(error: unknown): ConnectorError | undefined;
  /** True for a deadlock or serialisation failure: running the transaction again can succeed. */
  isTransient(error: unknown): boolean;
  /**
   * True when the database refused a bound id as not a value of its column's type (PostgreSQL's
   * 22P02 for text compared with an integer): no row can have that id.
   */
  isImpossibleValue(error: unknown): boolean;
  /** A boolean as the driver binds it (SQLite takes only numbers and text). */
  bindBoolean(value: boolean): boolean | number;
  /** Closes the pool. */
  close(): Promise<void>;
}
