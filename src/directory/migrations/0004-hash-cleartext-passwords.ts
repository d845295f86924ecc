import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { JsonObject } from '../../shared/json.js';
import type { DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import { withHashedPassword } from '../resources/user-password.js';
import type { Migration } from './migration.js';

/** Users read and rewritten per statement: bounded memory however many need sealing. */
const CHUNK = 200;

/**
 * Replaces the user passwords that versions before user-password.ts stored as sent with their
 * scrypt hashes, so that no cleartext stays at rest until the user happens to be written again.
 *
 * Only users whose stored JSON mentions a `password` key are read (a scan in the database, not in
 * JavaScript), in id order and a chunk at a time; the exact test, a top-level password that is not
 * already a hash, is sealPassword's own. The hashes are computed in libuv's thread pool, a chunk in
 * parallel. Version, lastModified and the change feed stay as they are: the password is never
 * returned, so no client-visible attribute changes.
 */
async function hashCleartextPasswords(
  trx: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
): Promise<void> {
  const mentionsPassword =
    dialect.name === 'postgres'
      ? sql<boolean>`strpos(lower(attributes::text), '"password"') > 0`
      : sql<boolean>`instr(lower(attributes), '"password"') > 0`;
  let after = '';
  for (;;) {
    const rows = await trx
      .selectFrom('resources')
      .select(['id', 'attributes'])
      .where('resource_type', '=', 'User')
      .where('id', '>', after)
      .where(mentionsPassword)
      .orderBy('id')
      .limit(CHUNK)
      .execute();
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const sealed = await Promise.all(
      rows.map(async (row) => {
        const attributes = dialect.readJson(row.attributes) as JsonObject;
        const hashed = await withHashedPassword(attributes);
        return hashed === attributes ? undefined : { id: row.id, attributes: hashed };
      }),
    );
    for (const user of sealed) {
      if (user === undefined) continue;
      await trx
        .updateTable('resources')
        .set({ attributes: dialect.json(user.attributes) })
        .where('id', '=', user.id)
        .execute();
    }
  }
}

export const migration0004: Migration = {
  id: 4,
  name: 'hash cleartext passwords',
  statements: { sqlite: [], postgres: [] },
  run: hashCleartextPasswords,
};
