/**
 * examples/sql as the tests use it: the folder, and its schema.sql run statement by statement on a
 * test database (comments dropped first, so a semicolon in one does not split a statement).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestDatabase } from './test-databases.js';

export const SQL_EXAMPLES = join(import.meta.dirname, '../../../examples/sql');

const schema = readFileSync(join(SQL_EXAMPLES, 'schema.sql'), 'utf8');

/** Creates schema.sql's tables (users, groups, group_members) on the database. */
export async function createExampleTables(db: TestDatabase): Promise<void> {
  for (const statement of schema
    .replace(/--.*$/gm, '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)) {
    await db.exec(statement);
  }
}
