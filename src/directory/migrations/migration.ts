import type { DialectName } from '../dialect-adapter.js';

/**
 * A numbered schema migration: plain SQL per dialect, applied once, in its own transaction.
 * Statements run one by one because neither driver accepts several in one parameterised call.
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly statements: Readonly<Record<DialectName, readonly string[]>>;
}
