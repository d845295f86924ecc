import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/directory/open-store.js';
import { expectScimError } from './store-suite.js';
import { useTempDatabaseFiles } from './store-harness.js';

describe('SQLite sort by userName', () => {
  const databaseFile = useTempDatabaseFiles('provisio-sort-');

  it('reads a page in the order of the userName index, without sorting every user', async () => {
    const file = databaseFile();
    const statements: string[] = [];
    const store = await openStore({ sqliteFile: file, onQuery: (text) => statements.push(text) });
    let pageSql: string | undefined;
    try {
      await store.createMany(
        'User',
        ['delta', 'Alpha', 'charlie', 'Bravo', 'echo'].map((userName) => ({ userName })),
      );
      await store.create('Group', { displayName: 'a group has no userName' });
      // The store refuses a user without one, so the column has no NULLs to sort last.
      await expectScimError(store.create('User', { displayName: 'nameless' }), 400);
      for (const sortOrder of ['ascending', 'descending'] as const) {
        statements.length = 0;
        const page = await store.list('User', { startIndex: 2, count: 3, sortBy: 'userName', sortOrder });
        const names = page.resources.map((r) => r.attributes.userName);
        expect(names).toEqual(
          sortOrder === 'ascending' ? ['Bravo', 'charlie', 'delta'] : ['delta', 'charlie', 'Bravo'],
        );
        expect(page.totalResults).toBe(5);
        pageSql = statements.find((text) => /order by "r"\."user_name"/.test(text));
        expect(pageSql).toBeDefined();
        const db = new Database(file, { readonly: true });
        try {
          const plan = db
            .prepare(`EXPLAIN QUERY PLAN ${pageSql!}`)
            .all('User')
            .map((row) => String((row as { detail: unknown }).detail));
          expect(plan.join('\n')).toMatch(/resources_user_name_unique/);
          expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
        } finally {
          db.close();
        }
      }
    } finally {
      await store.close();
    }
  });
});
