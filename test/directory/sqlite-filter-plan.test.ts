import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/directory/open-store.js';
import { parseFilter } from '../../src/scim/filter/filter-parser.js';
import { useTempDatabaseFiles } from './store-harness.js';

describe('SQLite plan of a long userName or-chain', () => {
  const databaseFile = useTempDatabaseFiles('provisio-filter-plan-');

  it('looks up each name in the userName index, one IN list, not a scan', async () => {
    const file = databaseFile();
    const statements: string[] = [];
    const store = await openStore({ sqliteFile: file, onQuery: (text) => statements.push(text) });
    try {
      await store.createMany(
        'User',
        Array.from({ length: 300 }, (_, i) => ({ userName: `plan${i}` })),
      );
      const names = Array.from({ length: 1000 }, (_, i) => `PLAN${i * 3}`);
      statements.length = 0;
      const page = await store.list('User', {
        filter: parseFilter(names.map((name) => `userName eq "${name}"`).join(' or ')),
        startIndex: 1,
        count: 1000,
      });
      expect(page.totalResults).toBe(100);
      expect(page.resources.map((r) => r.attributes.userName)).toHaveLength(100);
      const pageSql = statements.find((text) => text.includes(' IN ('));
      expect(pageSql).toBeDefined();
      const db = new Database(file, { readonly: true });
      try {
        const values = names.map((name) => name.toLowerCase());
        const plan = db
          .prepare(`EXPLAIN QUERY PLAN ${pageSql!}`)
          .all('User', ...values)
          .map((row) => String((row as { detail: unknown }).detail))
          .join('\n');
        expect(plan).toMatch(
          /SEARCH r USING INDEX resources_user_name_unique \(resource_type=\? AND user_name=\?\)/,
        );
        expect(plan).not.toMatch(/SCAN r\b/);
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
  });
});
