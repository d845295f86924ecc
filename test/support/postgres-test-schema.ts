/**
 * A PostgreSQL schema of its own for each test (or test file) that runs Provisio on PostgreSQL.
 * Test files run in parallel against one shared database (PROVISIO_TEST_PG_URL), and its `public`
 * schema keeps whatever an earlier run or another checkout left there: tables of an older
 * migration list, bookkeeping rows of migrations since renumbered, users and tokens. A test in a
 * fresh schema sees none of it, and what it writes goes when the schema is dropped.
 *
 * Provisio creates a missing schema when it opens the database (`postgresSchema`, or the CLI's
 * `--database-schema`), so the name is all a test has to hand over; the search_path is that schema
 * alone, so nothing in `public` is visible.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL URL for tests, from PROVISIO_TEST_PG_URL; undefined (tests skipped) when unset or empty. */
export const TEST_PG_URL: string | undefined = process.env.PROVISIO_TEST_PG_URL || undefined;

/** A schema name no other test or earlier run uses (40 random bits, lower case as Provisio requires). */
export function freshSchemaName(): string {
  return `provisio_test_${randomBytes(5).toString('hex')}`;
}

/** Drops a test schema and everything in it; a schema never created is no error. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** The command-line flags that run a `provisio` command on `schema` of the database at `url`. */
export function postgresFlags(url: string, schema: string): string[] {
  return ['--database', url, '--database-schema', schema];
}
