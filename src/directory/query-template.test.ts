import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryDatabase } from './database-types.js';
import { QueryTemplate } from './query-template.js';

describe('QueryTemplate', () => {
  let db: Kysely<DirectoryDatabase>;
  const compiled: string[] = [];

  beforeEach(async () => {
    compiled.length = 0;
    db = new Kysely<DirectoryDatabase>({
      dialect: new SqliteDialect({ database: new Database(':memory:') }),
      log: (event) => {
        compiled.push(event.query.sql);
      },
    });
    await sql`create table api_tokens (id text primary key, name text, scope text, secret_hash text, created text, last_used text)`.execute(
      db,
    );
  });

  afterEach(async () => {
    await db.destroy();
  });

  it('binds new argument values on every run and keeps constants of the query', async () => {
    const insert = new QueryTemplate((kdb, id: string, name: string) =>
      kdb.insertInto('api_tokens').values({
        id,
        name,
        scope: 'read-only',
        secret_hash: 'h',
        created: '2026-01-01T00:00:00.000Z',
        last_used: null,
      }),
    );
    const byName = new QueryTemplate((kdb, name: string) =>
      kdb.selectFrom('api_tokens').select(['id', 'scope']).where('name', '=', name),
    );
    await insert.execute(db, 'sqlite', 'a', 'first');
    await insert.execute(db, 'sqlite', 'b', 'second');
    expect(await byName.first(db, 'sqlite', 'second')).toEqual({ id: 'b', scope: 'read-only' });
    expect(await byName.first(db, 'sqlite', 'first')).toEqual({ id: 'a', scope: 'read-only' });
    expect(await byName.rows(db, 'sqlite', 'third')).toEqual([]);
    // Same SQL text each time: compiled once, only bound afterwards.
    expect(new Set(compiled.filter((text) => text.startsWith('insert'))).size).toBe(1);
  });

  it('puts each argument where its placeholder went, whatever the order in the SQL', async () => {
    await sql`insert into api_tokens (id, name, scope) values ('x', 'n1', 's1'), ('y', 'n2', 's2')`.execute(
      db,
    );
    const both = new QueryTemplate((kdb, scope: string, id: string) =>
      kdb.selectFrom('api_tokens').select('name').where('id', '=', id).where('scope', '=', scope),
    );
    expect(await both.rows(db, 'sqlite', 's2', 'y')).toEqual([{ name: 'n2' }]);
    expect(await both.rows(db, 'sqlite', 's1', 'y')).toEqual([]);
  });

  it('refuses a query that writes an argument into the SQL text instead of binding it', async () => {
    const baked = new QueryTemplate((kdb, name: string) =>
      kdb
        .selectFrom('api_tokens')
        .select('id')
        .where('name', '=', sql.lit(String(name))),
    );
    await expect(baked.rows(db, 'sqlite', 'first')).rejects.toThrow(/did not become bound parameters/);
  });
});
