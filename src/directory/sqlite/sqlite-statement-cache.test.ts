import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { STATEMENT_CACHE_LIMITS, cachingSqliteDatabase, statementRunner } from './sqlite-statement-cache.js';

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

  it('prepares texts over the key limit every time, and many long texts do not evict a hot one', () => {
    const { database, timesPrepared } = countingDatabase();
    const cached = cachingSqliteDatabase(database);
    const huge = `select ${'1 + '.repeat(STATEMENT_CACHE_LIMITS.maxKeyLength)}1`;
    for (let i = 0; i < 3; i++) cached.prepare(huge);
    expect(timesPrepared(huge)).toBe(3);
    // Texts just under the limit: the total bound evicts them long before the entry count would.
    const long = (i: number) => `select ${i} ${'x'.repeat(STATEMENT_CACHE_LIMITS.maxKeyLength - 20)}`;
    for (let i = 0; i < 200; i++) {
      cached.prepare('select hot');
      cached.prepare(long(i));
    }
    expect(timesPrepared('select hot')).toBe(1);
    const kept = Math.floor(STATEMENT_CACHE_LIMITS.maxTotalKeyLength / long(0).length);
    cached.prepare(long(199 - kept));
    expect(timesPrepared(long(199 - kept))).toBe(2);
    cached.prepare(long(199));
    expect(timesPrepared(long(199))).toBe(1);
  });
});

describe('statementRunner', () => {
  it('runs control statements on the database, each prepared once, and reports every run', () => {
    const database = new Database(':memory:');
    try {
      database.exec('CREATE TABLE t (x INTEGER)');
      const heard: string[] = [];
      const prepare = database.prepare.bind(database);
      let prepared = 0;
      database.prepare = ((text: string) => {
        prepared += 1;
        return prepare(text);
      }) as typeof database.prepare;
      const run = statementRunner(cachingSqliteDatabase(database), (text) => heard.push(text));
      for (const keep of [false, true]) {
        run('begin immediate');
        run('SAVEPOINT provisio_batch');
        database.exec('INSERT INTO t VALUES (1)');
        run(keep ? 'RELEASE provisio_batch' : 'ROLLBACK TO provisio_batch');
        if (!keep) run('RELEASE provisio_batch');
        run('commit');
      }
      expect(database.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 });
      // Five distinct texts (and the SELECT above): nothing prepared twice.
      expect(prepared).toBe(6);
      expect(heard).toHaveLength(9);
      expect(database.inTransaction).toBe(false);
    } finally {
      database.close();
    }
  });
});
