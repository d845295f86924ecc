import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migration0001 } from '../../src/directory/migrations/0001-initial.js';
import { openStore } from '../../src/directory/open-store.js';
import { isPasswordHash, verifyPassword } from '../../src/directory/user-password.js';
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

  it('seals a cleartext password stored before passwords were hashed when the user next changes', async () => {
    const file = databaseFile();
    const first = await openStore({ sqliteFile: file });
    const created = await first.create('User', { userName: 'legacy' });
    await first.close();
    // What an earlier version wrote: the password as sent.
    const raw = new Database(file);
    raw
      .prepare('UPDATE resources SET attributes = ? WHERE id = ?')
      .run(JSON.stringify({ userName: 'legacy', password: 'old cleartext' }), created.id);
    raw.close();

    const store = await openStore({ sqliteFile: file });
    try {
      await store.patch('User', created.id, [{ op: 'replace', path: 'title', value: 'changed' }]);
      const stored = (await store.get('User', created.id))!.attributes.password;
      expect(isPasswordHash(stored)).toBe(true);
      expect(await verifyPassword('old cleartext', stored as string)).toBe(true);
    } finally {
      await store.close();
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
