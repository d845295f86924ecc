/** API tokens of the SCIM server: records with hashed secrets (the secret itself is never stored). */
import type { Kysely, Selectable } from 'kysely';
import { ScimError } from '../../scim/scim-error.js';
import type { ApiTokensTable, DirectoryDatabase } from '../database-types.js';
import type { DialectAdapter } from '../dialect-adapter.js';
import type { ApiTokenRecord, NewApiToken, TokenAudience, TokenScope } from '../directory-store.js';

function tokenFromRow(row: Selectable<ApiTokensTable>, dialect: DialectAdapter): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    audience: row.audience as TokenAudience,
    scope: row.scope as TokenScope,
    secretHash: row.secret_hash,
    created: dialect.readTime(row.created),
    lastUsed: row.last_used === null ? null : dialect.readTime(row.last_used),
  };
}

/** Stores a token record; 409 uniqueness when the name is taken. */
export async function createToken(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  input: NewApiToken,
): Promise<ApiTokenRecord> {
  const created = new Date();
  const record = { ...input, audience: input.audience ?? 'scim' };
  try {
    await db
      .insertInto('api_tokens')
      .values({
        id: record.id,
        name: record.name,
        audience: record.audience,
        scope: record.scope,
        secret_hash: record.secretHash,
        created: dialect.time(created),
        last_used: null,
      })
      .execute();
  } catch (error) {
    if (dialect.uniqueViolation(error) !== undefined) {
      throw ScimError.uniqueness(
        `A token named ${JSON.stringify(record.name)} (or with that id) already exists`,
      );
    }
    throw error;
  }
  return { ...record, created, lastUsed: null };
}

/** Looks a token up by id. */
export async function findToken(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  id: string,
): Promise<ApiTokenRecord | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? tokenFromRow(row, dialect) : undefined;
}

/** All tokens, by name. */
export async function listTokens(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
): Promise<ApiTokenRecord[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('name').execute();
  return rows.map((row) => tokenFromRow(row, dialect));
}

/** Deletes the token named `name`; false when there was none. */
export async function revokeToken(db: Kysely<DirectoryDatabase>, name: string): Promise<boolean> {
  const result = await db.deleteFrom('api_tokens').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Records a token's last use. */
export async function touchToken(
  db: Kysely<DirectoryDatabase>,
  dialect: DialectAdapter,
  id: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used: dialect.time(at) })
    .where('id', '=', id)
    .execute();
}
