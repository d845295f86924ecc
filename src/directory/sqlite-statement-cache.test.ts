import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cachingSqliteDatabase } from './sqlite-statement-cache.js';

/** A stand-in for better-sqlite3 that counts how often each SQL text is prepared. */
function countingDatabase() {
  const prepared = new Map<string, number>();
  const database = {
    prepare(sql: string) {
      prepared.set(sql, (prepared.get(sql) ?? 0) + 1);
      return { sql, reader: sql.startsWith('select'), all: () => [], run: () => ({}) };
    },
    close() {},
  } as unknown as Database.Database;
  return { database, timesPrepared: (sql: string) => prepared.get(sql) ?? 0 };
}

describe('cachingSqliteDatabase', () => {
  it('prepares each SQL text once', () => {
    const { database, timesPrepared } = countingDatabase();
    const cached = cachingSqliteDatabase(database);
    const first = cached.prepare('select 1');
    for (let i = 0; i < 10; i++) expect(cached.prepare('select 1')).toBe(first);
    expect(timesPrepared('select 1')).toBe(1);
  });

  it('keeps numbered savepoints out of the cache but caches the batch savepoint', () => {
    const { database, timesPrepared } = countingDatabase();
    const cached = cachingSqliteDatabase(database);
    for (let i = 0; i < 3; i++) {
      cached.prepare('SAVEPOINT provisio_sp_7');
      cached.prepare('SAVEPOINT provisio_batch');
    }
    expect(timesPrepared('SAVEPOINT provisio_sp_7')).toBe(3);
    expect(timesPrepared('SAVEPOINT provisio_batch')).toBe(1);
  });

  it('stays bounded and keeps a statement in use while many others come and go', () => {
    const { database, timesPrepared } = countingDatabase();
    const cached = cachingSqliteDatabase(database);
    for (let i = 0; i < 2_000; i++) {
      cached.prepare('select hot');
      cached.prepare(`select ${i}`);
    }
    expect(timesPrepared('select hot')).toBe(1);
    // The oldest of the one-off texts were evicted: preparing one again prepares it anew.
    cached.prepare('select 0');
    expect(timesPrepared('select 0')).toBe(2);
  });
});
