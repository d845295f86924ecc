import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DirectoryDatabase } from './database-types.js';
import type { DialectAdapter } from './dialect-adapter.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

/** Arbitrary fixed key of the PostgreSQL advisory lock that keeps concurrent starters apart. */
const MIGRATION_LOCK_KEY = 7_301_944_000;

/** Where the directory books its own migrations. */
export const DIRECTORY_MIGRATIONS_TABLE = 'provisio_migrations';

/** Names a bookkeeping table may have: it is put into SQL text. */
const BOOKKEEPING_TABLE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Applies pending migrations, each in its own transaction together with its row in
 * `bookkeepingTable` (`provisio_migrations` for the directory's own; another part keeping tables
 * in the same database passes its own list and table, so the numberings stay independent). On PostgreSQL every transaction first takes an advisory transaction lock
 * and re-reads the applied set, so two processes starting at once never apply one twice; on SQLite
 * the write transaction itself excludes other writers.
 *
 * @returns the ids applied by this call.
 */
export async function runMigrations(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  migrations: readonly Migration[] = allMigrations,
  bookkeepingTable: string = DIRECTORY_MIGRATIONS_TABLE,
): Promise<number[]> {
  if (!BOOKKEEPING_TABLE.test(bookkeepingTable)) {
    throw new Error(`runMigrations: bad bookkeeping table name ${JSON.stringify(bookkeepingTable)}`);
  }
  // Every bookkeeping table has provisio_migrations' shape, so the typed builder serves them all.
  const table = bookkeepingTable as 'provisio_migrations';
  await db.transaction().execute(async (trx) => {
    await lockMigrations(trx, dialect);
    const timeType = dialect.name === 'postgres' ? 'TIMESTAMPTZ' : 'TEXT';
    await sql
      .raw(
        `CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${timeType} NOT NULL)`,
      )
      .execute(trx);
  });
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    const didApply = await db.transaction().execute(async (trx) => {
      await lockMigrations(trx, dialect);
      const done = await trx.selectFrom(table).select('id').where('id', '=', migration.id).executeTakeFirst();
      if (done) return false;
      for (const statement of migration.statements[dialect.name]) {
        await sql.raw(statement).execute(trx);
      }
      await migration.run?.(trx, dialect);
      await trx
        .insertInto(table)
        .values({ id: migration.id, name: migration.name, applied_at: dialect.time(new Date()) })
        .execute();
      return true;
    });
    if (didApply) applied.push(migration.id);
  }
  return applied;
}

async function lockMigrations(trx: Kysely<DirectoryDatabase>, dialect: DialectAdapter): Promise<void> {
  if (dialect.name === 'postgres') {
    await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(trx);
  }
}
