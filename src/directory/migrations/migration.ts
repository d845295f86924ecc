import type { Kysely } from 'kysely';
import type { DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter, DialectName } from '../dialect-adapter.js';

/**
 * A numbered schema migration: plain SQL per dialect, applied once, in its own transaction.
 * Statements run one by one because neither driver accepts several in one parameterised call.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly statements: Readonly<Record<DialectName, readonly string[]>>;
  /**
   * Work that SQL alone cannot do (hashing, say), run after the statements in the same
   * transaction: if it throws, the migration is not recorded and nothing of it stays.
   */
  readonly run?: (trx: Kysely<DirectoryDatabase>, dialect: DialectAdapter) => Promise<void>;
}
