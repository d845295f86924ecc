import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DirectoryDatabase } from '../../src/directory/database-types.js';
import { sqliteAdapter } from '../../src/directory/sqlite/sqlite-adapter.js';
import type { Migration } from '../../src/directory/migrations/migration.js';
import { runMigrations } from '../../src/directory/run-migrations.js';
import { migration0001 } from '../../src/directory/migrations/0001-initial.js';
import { openStore } from '../../src/directory/open-store.js';
import { isPasswordHash, verifyPassword } from '../../src/directory/resources/user-password.js';
import { useTempDatabaseFiles } from './store-harness.js';

describe('SQLite databases written by earlier versions', () => {
  const databaseFile = useTempDatabaseFiles('provisio-upgrade-');

  it('counts the users and groups a database already holds, then keeps counting', async () => {
    const file = databaseFile();
    // A database as the first release left it: migration 1 applied, rows written.
    const old = new Database(file);
    for (const statement of migration0001.statements.sqlite) old.exec(statement);
    old.exec(
      'CREATE TABLE provisio_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    old.prepare('INSERT INTO provisio_migrations VALUES (1, ?, ?)').run('initial', new Date().toISOString());
    const insert = old.prepare(
      `INSERT INTO resources (id, resource_type, version, created, last_modified, user_name, display_name, attributes)
       VALUES (?, ?, 1, ?, ?, ?, ?, ?)`,
    );
    const now = new Date().toISOString();
    for (let i = 0; i < 3; i++) {
      insert.run(`u${i}`, 'User', now, now, `old${i}`, null, JSON.stringify({ userName: `old${i}` }));
    }
    insert.run('g0', 'Group', now, now, null, 'old group', JSON.stringify({ displayName: 'old group' }));
    old.close();

    const store = await openStore({ sqliteFile: file });
    try {
      expect((await store.list('User', { startIndex: 1, count: 1 })).totalResults).toBe(3);
      expect((await store.list('Group', { startIndex: 1, count: 1 })).totalResults).toBe(1);
      await store.create('User', { userName: 'new' });
      await store.delete('User', 'u0');
      expect((await store.list('User', { startIndex: 1, count: 1 })).totalResults).toBe(3);
      expect((await store.list('User', { startIndex: 1, count: 10 })).resources).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it('fills the stored display of the rows an earlier version wrote, as it read them from the JSON', async () => {
    const file = databaseFile();
    const first = await openStore({ sqliteFile: file });
    const named = await first.create('User', { userName: 'Named', displayName: 'Named User' });
    const plain = await first.create('User', { userName: 'Plain' });
    const inner = await first.create('Group', { displayName: 'Inner', members: [{ value: named.id }] });
    const outer = await first.create('Group', {
      displayName: 'Outer',
      members: [{ value: plain.id }, { value: inner.id, type: 'Group' }],
    });
    await first.close();
    // What a version before migration 7 left: no reference_display column, so no stored display.
    const raw = new Database(file);
    raw.exec('ALTER TABLE resources DROP COLUMN reference_display');
    raw.prepare('DELETE FROM provisio_migrations WHERE id = 7').run();
    raw.close();

    const store = await openStore({ sqliteFile: file });
    try {
      expect((await store.get('Group', outer.id))!.attributes.members).toEqual(
        [
          { value: inner.id, display: 'Inner', type: 'Group' },
          { value: plain.id, display: 'Plain', type: 'User' },
        ].sort((a, b) => (a.value < b.value ? -1 : 1)),
      );
      expect((await store.get('Group', inner.id))!.attributes.members).toEqual([
        { value: named.id, display: 'Named User', type: 'User' },
      ]);
      expect((await store.get('User', named.id))!.attributes.groups).toEqual(
        expect.arrayContaining([
          { value: inner.id, display: 'Inner', type: 'direct' },
          { value: outer.id, display: 'Outer', type: 'indirect' },
        ]),
      );
    } finally {
      await store.close();
    }
  });

  it('hashes the cleartext passwords an earlier version stored when the store opens', async () => {
    const file = databaseFile();
    const first = await openStore({ sqliteFile: file });
    const legacy = await first.create('User', { userName: 'legacy' });
    const mixedCase = await first.create('User', { userName: 'mixed' });
    const hashed = await first.create('User', { userName: 'hashed', password: 'already hashed' });
    const mentions = await first.create('User', { userName: 'mentions', title: '"password"' });
    await first.close();
    // What a version before password hashing left: passwords as sent, migration 4 not applied.
    const raw = new Database(file);
    const setAttributes = raw.prepare('UPDATE resources SET attributes = ? WHERE id = ?');
    setAttributes.run(JSON.stringify({ userName: 'legacy', password: 'old cleartext' }), legacy.id);
    setAttributes.run(JSON.stringify({ userName: 'mixed', PassWord: 'other cleartext' }), mixedCase.id);
    raw.prepare('DELETE FROM provisio_migrations WHERE id = 4').run();
    const before = raw
      .prepare('SELECT id, attributes FROM resources WHERE id IN (?, ?)')
      .all(hashed.id, mentions.id);
    raw.close();

    const store = await openStore({ sqliteFile: file });
    try {
      const read = async (id: string) => (await store.get('User', id))!;
      const legacyPassword = (await read(legacy.id)).attributes.password;
      expect(isPasswordHash(legacyPassword)).toBe(true);
      expect(await verifyPassword('old cleartext', legacyPassword as string)).toBe(true);
      const mixedPassword = (await read(mixedCase.id)).attributes.PassWord;
      expect(isPasswordHash(mixedPassword)).toBe(true);
      expect(await verifyPassword('other cleartext', mixedPassword as string)).toBe(true);
      // Nothing a client can see changed: same version, same lastModified, no feed entry.
      expect((await read(legacy.id)).version).toBe(legacy.version);
      expect((await read(legacy.id)).lastModified).toEqual(legacy.lastModified);
      const feed = await store.readChanges(0, 100);
      expect(feed.status === 'ok' && feed.entries).toHaveLength(4);
    } finally {
      await store.close();
    }
    // Users without a cleartext password were not rewritten.
    const after = new Database(file, { readonly: true });
    try {
      expect(
        after.prepare('SELECT id, attributes FROM resources WHERE id IN (?, ?)').all(hashed.id, mentions.id),
      ).toEqual(before);
    } finally {
      after.close();
    }
  });

  it('keeps nothing of a migration whose run step fails, and records it as not applied', async () => {
    const db = new Kysely<DirectoryDatabase>({
      dialect: new SqliteDialect({ database: new Database(':memory:') }),
    });
    const failing: Migration = {
      id: 1,
      name: 'fails halfway',
      statements: { sqlite: ['CREATE TABLE scratch (x INTEGER)'], postgres: [] },
      run: async (trx) => {
        await sql`INSERT INTO scratch VALUES (1)`.execute(trx);
        throw new Error('step failed');
      },
    };
    try {
      await expect(runMigrations(db, sqliteAdapter, [failing])).rejects.toThrow('step failed');
      const scratch = await sql`SELECT name FROM sqlite_master WHERE name = 'scratch'`.execute(db);
      expect(scratch.rows).toEqual([]);
      expect(await db.selectFrom('provisio_migrations').selectAll().execute()).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('reads users and groups of a membership cycle an earlier version let through', async () => {
    const file = databaseFile();
    const first = await openStore({ sqliteFile: file });
    const member = await first.create('User', { userName: 'in-cycle' });
    const inner = await first.create('Group', { displayName: 'Inner', members: [{ value: member.id }] });
    const outer = await first.create('Group', { displayName: 'Outer', members: [{ value: inner.id }] });
    await first.close();
    // Writes now refuse the edge that closes the cycle; an earlier version wrote it.
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO group_members (group_id, member_id, member_type) VALUES (?, ?, ?)')
      .run(inner.id, outer.id, 'Group');
    raw.close();

    const store = await openStore({ sqliteFile: file });
    try {
      const groups = (await store.get('User', member.id))!.attributes.groups as {
        value: string;
        type: string;
      }[];
      expect(groups.map((g) => `${g.value}:${g.type}`).sort()).toEqual(
        [`${inner.id}:direct`, `${outer.id}:indirect`].sort(),
      );
      const page = await store.list('User', { startIndex: 1, count: 10 });
      expect(page.totalResults).toBe(1);
      expect(memberCount(await store.get('Group', outer.id))).toBe(1);
    } finally {
      await store.close();
    }
  });
});

function memberCount(group: { attributes: Record<string, unknown> } | undefined): number {
  return (group?.attributes.members as unknown[] | undefined)?.length ?? 0;
}
