/**
 * Assignments with app roles in the directory, on SQLite and PostgreSQL: several roles per
 * principal in one app, removal of one role or all, the change feed's `{ appId, role }`, and rows
 * from before roles existed reading as `User` after migration 0005.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../../src/directory/directory-store.js';
import { migrations } from '../../src/directory/migrations/index.js';
import { openStore } from '../../src/directory/open-store.js';
import type { StoreFactory } from '../directory/store-harness.js';
import {
  TEST_PG_URL,
  postgresFactory,
  sqliteFileFactory,
  useFreshStore,
  useTempDatabaseFiles,
} from '../directory/store-harness.js';

function assignmentRoleSuite(factory: StoreFactory): void {
  let current: DirectoryStore | undefined;
  useFreshStore(factory, (handle) => (current = handle.store));
  const store = (): DirectoryStore => current!;

  it('keeps several roles of one principal in one app, each assigned once', async () => {
    const u = await store().create('User', { userName: 'roles' });
    const first = await store().assign('app', 'User', u.id, 'Admin');
    await store().assign('app', 'User', u.id, 'Admin');
    await store().assign('app', 'User', u.id);
    expect(first.role).toBe('Admin');
    expect((await store().listAssignments('app')).map((a) => [a.principalId, a.role])).toEqual([
      [u.id, 'Admin'],
      [u.id, 'User'],
    ]);
  });

  it('removes one role, or every role when none is named, and records each in the feed', async () => {
    const u = await store().create('User', { userName: 'roles2' });
    const g = await store().create('Group', { displayName: 'role group' });
    for (const role of ['A', 'B', 'C']) await store().assign('app', 'User', u.id, role);
    await store().assign('app', 'Group', g.id, 'B');
    expect(await store().unassign('app', 'User', u.id, 'B')).toBe(true);
    expect(await store().unassign('app', 'User', u.id, 'B')).toBe(false);
    expect((await store().listAssignments('app')).map((a) => [a.principalType, a.role])).toEqual([
      ['Group', 'B'],
      ['User', 'A'],
      ['User', 'C'],
    ]);
    expect(await store().unassign('app', 'User', u.id)).toBe(true);
    expect((await store().listAssignments('app')).map((a) => a.principalType)).toEqual(['Group']);
    const page = await store().readChanges(0, 100);
    if (page.status !== 'ok') throw new Error('expected ok');
    expect(
      page.entries
        .filter((e) => e.kind === 'assigned' || e.kind === 'unassigned')
        .map((e) => [e.kind, e.detail]),
    ).toEqual([
      ['assigned', { appId: 'app', role: 'A' }],
      ['assigned', { appId: 'app', role: 'B' }],
      ['assigned', { appId: 'app', role: 'C' }],
      ['assigned', { appId: 'app', role: 'B' }],
      ['unassigned', { appId: 'app', role: 'B' }],
      ['unassigned', { appId: 'app', role: 'A' }],
      ['unassigned', { appId: 'app', role: 'C' }],
    ]);
  });

  it('refuses an empty role', async () => {
    const u = await store().create('User', { userName: 'roles3' });
    await expect(store().assign('app', 'User', u.id, '')).rejects.toThrow(/role must not be empty/);
  });
}

describe('assignment roles on SQLite', () => {
  assignmentRoleSuite(sqliteFileFactory());

  const databaseFile = useTempDatabaseFiles('provisio-roles-upgrade-');
  it('gives rows from before roles the role User', async () => {
    const file = databaseFile();
    const old = new Database(file);
    old.exec(
      'CREATE TABLE provisio_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    for (const migration of migrations.filter((m) => m.id <= 4)) {
      for (const statement of migration.statements.sqlite) old.exec(statement);
      old
        .prepare('INSERT INTO provisio_migrations VALUES (?, ?, ?)')
        .run(migration.id, migration.name, new Date().toISOString());
    }
    const now = new Date().toISOString();
    old
      .prepare(
        `INSERT INTO resources (id, resource_type, version, created, last_modified, user_name, display_name, attributes)
         VALUES ('u1', 'User', 1, ?, ?, 'old', NULL, '{"userName":"old"}')`,
      )
      .run(now, now);
    old.prepare(`INSERT INTO app_assignments VALUES ('app', 'User', 'u1', ?)`).run(now);
    old.close();
    const store = await openStore({ sqliteFile: file });
    try {
      expect((await store.listAssignments('app')).map((a) => [a.principalId, a.role])).toEqual([
        ['u1', 'User'],
      ]);
      await store.assign('app', 'User', 'u1', 'Admin');
      expect(await store.listAssignments('app')).toHaveLength(2);
      await store.delete('User', 'u1');
      expect(await store.listAssignments('app')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

const pgUrl = TEST_PG_URL;
if (pgUrl !== undefined && pgUrl !== '') {
  describe('assignment roles on PostgreSQL', () => {
    assignmentRoleSuite(postgresFactory(pgUrl));
  });
} else {
  describe.skip('assignment roles on PostgreSQL (set PROVISIO_TEST_PG_URL to run)', () => {
    it('needs PostgreSQL', () => undefined);
  });
}
