import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/directory/open-store.js';
import type { SqliteSynchronous } from '../../src/directory/open-store.js';

describe('SQLite durability and group commit', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-durability-'));
    dirs.push(dir);
    return join(dir, 'directory.db');
  };

  it.each(['full', 'normal'] as const)('opens with sqliteSynchronous %s and keeps writes', async (level) => {
    const path = file();
    const store = await openStore({ sqliteFile: path, sqliteSynchronous: level });
    const created = await store.create('User', { userName: `sync-${level}` });
    await store.close();
    const again = await openStore({ sqliteFile: path });
    expect((await again.get('User', created.id))?.attributes.userName).toBe(`sync-${level}`);
    await again.close();
  });

  it('fails a write on a closed store instead of hanging', async () => {
    const store = await openStore({ sqliteFile: file() });
    await store.close();
    await expect(store.create('User', { userName: 'late' })).rejects.toThrow();
  });

  it('rejects an unknown sqliteSynchronous value', async () => {
    await expect(
      openStore({ sqliteFile: file(), sqliteSynchronous: 'off' as unknown as SqliteSynchronous }),
    ).rejects.toThrow(/sqliteSynchronous/);
  });

  it('lets concurrent writes share commits, and a lone write costs no savepoint', async () => {
    const statements: string[] = [];
    const store = await openStore({ sqliteFile: file(), onQuery: (text) => statements.push(text) });
    try {
      statements.length = 0;
      await store.create('User', { userName: 'alone' });
      expect(statements.filter((text) => /savepoint/i.test(text))).toEqual([]);
      statements.length = 0;
      const created = await Promise.all(
        Array.from({ length: 30 }, (_, i) => store.create('User', { userName: `together${i}` })),
      );
      const commits = statements.filter((text) => text === 'commit').length;
      expect(created).toHaveLength(30);
      expect(commits).toBeGreaterThanOrEqual(1);
      expect(commits).toBeLessThan(30);
    } finally {
      await store.close();
    }
  });
});
