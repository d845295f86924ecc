/** The SQLite side of the dialect adapter (the PostgreSQL side is postgres/postgres-adapter.ts). */
import type { JsonValue } from '../../shared/json.js';
import type { DialectAdapter } from '../dialect-adapter.js';

/** SQLite: ISO text timestamps, JSON as text, no row locks (one connection, serial transactions). */
export const sqliteAdapter: DialectAdapter = {
  name: 'sqlite',
  time: (date) => date.toISOString(),
  readTime: (value) => new Date(String(value)),
  json: (value) => JSON.stringify(value),
  readJson: (value) => (typeof value === 'string' ? (JSON.parse(value) as JsonValue) : null),
  readInt: (value) => Number(value),
  lockRows: false,
  keepsResourceCounts: true,
  changeMarkSql: `(select seq from sqlite_sequence where name = 'change_feed')`,
  notify: async () => {},
  uniqueViolation(error) {
    if (!(error instanceof Error)) return undefined;
    const code = (error as { code?: unknown }).code;
    if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined;
    // "UNIQUE constraint failed: resources.user_name" names columns, not the index.
    const match = /failed: (.+)$/.exec(error.message);
    return match?.[1] ?? 'unknown';
  },
};
