import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DirectoryDatabase } from './database-types.js';
import type { DialectAdapter } from './dialect-adapter.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

/** Arbitrary fixed key of the PostgreSQL advisory lock that keeps concurrent starters apart. */
const MIGRATION_LOCK_KEY = 7_301_944_000;

/**
 * Applies pending migrations, each in its own transaction together with its row in
 * `provisio_migrations`. On PostgreSQL every transaction first takes an advisory transaction lock
 * and re-reads the applied set, so two processes starting at once never apply one twice; on SQLite
 * the write transaction itself excludes other writers.
 *
 * @returns the ids applied by this call.
 */
export async function runMigrations(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  migrations: readonly Migration[] = allMigrations,
): Promise<number[]> {
  await db.transaction().execute(async (trx) => {
    await lockMigrations(trx, dialect);
    const timeType = dialect.name === 'postgres' ? 'TIMESTAMPTZ' : 'TEXT';
    await sql
      .raw(
        `CREATE TABLE IF NOT EXISTS provisio_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${timeType} NOT NULL)`,
      )
      .execute(trx);
  });
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
    const didApply = await db.transaction().execute(async (trx) => {
      await lockMigrations(trx, dialect);
      const done = await trx
        .selectFrom('provisio_migrations')
        .select('id')
        .where('id', '=', migration.id)
        .executeTakeFirst();
      if (done) return false;
      for (const statement of migration.statements[dialect.name]) {
        await sql.raw(statement).execute(trx);
      }
      await migration.run?.(trx, dialect);
      await trx
        .insertInto('provisio_migrations')
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
