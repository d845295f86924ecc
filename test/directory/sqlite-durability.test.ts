import { readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/directory/open-store.js';
import type { SqliteSynchronous } from '../../src/directory/open-store.js';
import type { Fsync } from '../../src/directory/sqlite/sqlite-wal-sync.js';
import { useTempDatabaseFiles } from './store-harness.js';

/** An fsync the test completes by hand; counts the flushes asked for. */
function manualFsync() {
  const pending: ((error: NodeJS.ErrnoException | null) => void)[] = [];
  const fsync: Fsync = (_fd, callback) => {
    pending.push(callback);
  };
  return {
    fsync,
    pending: () => pending.length,
    finish(error: NodeJS.ErrnoException | null = null) {
      pending.shift()?.(error);
    },
  };
}

/** Waits until `check` holds, letting timers and I/O run. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!check()) throw new Error('condition not reached');
}

describe('SQLite durability and group commit', () => {
  const file = useTempDatabaseFiles('provisio-durability-');

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

  it.skipIf(process.platform !== 'linux')(
    'keeps the savepoint journal of a group commit in memory, never in a temporary file',
    async () => {
      // Each write of a batch runs under a savepoint; SQLite journals the pages it changes so the
      // savepoint can be undone. With temp_store=MEMORY that journal never spills to a temporary
      // file: no open, write and unlink per commit.
      const openTempFiles = () =>
        readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return /etilqs_/.test(readlinkSync(`/proc/self/fd/${fd}`));
          } catch {
            return false;
          }
        }).length;
      let mostOpen = 0;
      let savepoints = 0;
      const store = await openStore({
        sqliteFile: file(),
        onQuery: (text) => {
          if (/^savepoint/i.test(text)) savepoints += 1;
          mostOpen = Math.max(mostOpen, openTempFiles());
        },
      });
      try {
        const bodies = Array.from({ length: 200 }, (_, i) => ({
          userName: `journal${i}`,
          displayName: `Journal User ${i} ${'x'.repeat(400)}`,
          emails: [{ value: `journal${i}@example.com`, type: 'work', primary: true }],
        }));
        await Promise.all(bodies.map((body) => store.create('User', body)));
        expect(savepoints).toBeGreaterThan(100);
        expect(mostOpen).toBe(0);
      } finally {
        await store.close();
      }
    },
  );

  it('acknowledges a write only after its WAL flush, and keeps serving meanwhile', async () => {
    const disk = manualFsync();
    const store = await openStore({ sqliteFile: file(), sqliteWalFsync: disk.fsync });
    try {
      const heard: number[] = [];
      store.onChange((seq) => heard.push(seq));
      let acknowledged = false;
      const writing = store.create('User', { userName: 'flushed' }).then((created) => {
        acknowledged = true;
        return created;
      });
      await until(() => disk.pending() === 1);
      // Committed, not yet on disk: not acknowledged, listeners not told; the store still answers.
      expect(acknowledged).toBe(false);
      expect(heard).toEqual([]);
      const list = await store.list('User', { startIndex: 1, count: 10 });
      expect(list.resources.map((r) => r.attributes.userName)).toEqual(['flushed']);
      disk.finish();
      const created = await writing;
      expect(created.attributes.userName).toBe('flushed');
      expect(heard.length).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('collects the writes that arrive during a flush into the next commit', async () => {
    const disk = manualFsync();
    const statements: string[] = [];
    const store = await openStore({
      sqliteFile: file(),
      sqliteWalFsync: disk.fsync,
      onQuery: (text) => statements.push(text),
    });
    try {
      const countUsers = async () => (await store.list('User', { startIndex: 1, count: 0 })).totalResults;
      statements.length = 0;
      const first = Promise.all(
        Array.from({ length: 3 }, (_, i) => store.create('User', { userName: `first-${i}` })),
      );
      await until(() => disk.pending() === 1);
      expect(statements.filter((text) => text === 'commit')).toHaveLength(1);
      const later = Array.from({ length: 2 }, (_, i) => store.create('User', { userName: `later-${i}` }));
      // Fewer writes wait than the flushing batch holds: they wait for the flush instead of
      // committing one by one, and the store keeps answering reads meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await countUsers()).toBe(3);
      disk.finish();
      await first;
      await until(() => disk.pending() === 1);
      expect(await countUsers()).toBe(5);
      disk.finish();
      expect(await Promise.all(later)).toHaveLength(2);
      expect(statements.filter((text) => text === 'commit')).toHaveLength(2);
      expect(disk.pending()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('commits the next batch during a flush once as many writes wait as it holds, and acknowledges in order', async () => {
    const disk = manualFsync();
    const store = await openStore({ sqliteFile: file(), sqliteWalFsync: disk.fsync });
    try {
      const countUsers = async () => (await store.list('User', { startIndex: 1, count: 0 })).totalResults;
      const acknowledged: string[] = [];
      const create = (userName: string) =>
        store.create('User', { userName }).then((created) => {
          acknowledged.push(userName);
          return created;
        });
      const first = create('first');
      await until(() => disk.pending() === 1);
      // One write is flushing; two wait: they commit at once, while that flush still runs.
      const second = [create('second-0'), create('second-1')];
      await until(() => acknowledged.length === 0 && disk.pending() === 1);
      for (let i = 0; i < 50; i++) {
        if ((await countUsers()) === 3) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(await countUsers()).toBe(3);
      // Committed but not on disk: nobody is acknowledged yet. A third group must wait, since one
      // batch already waits behind the running flush.
      const third = [create('third-0'), create('third-1'), create('third-2')];
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await countUsers()).toBe(3);
      expect(acknowledged).toEqual([]);
      // The first flush covers only the first batch; the second batch's flush starts after it.
      disk.finish();
      await first;
      await until(() => disk.pending() === 1);
      expect(acknowledged).toEqual(['first']);
      disk.finish();
      await Promise.all(second);
      expect(acknowledged.slice(0, 3)).toEqual(['first', 'second-0', 'second-1']);
      await until(() => disk.pending() === 1);
      expect(await countUsers()).toBe(6);
      disk.finish();
      await Promise.all(third);
      expect(acknowledged).toHaveLength(6);
    } finally {
      await store.close();
    }
  });

  it('fails the writes of a batch whose WAL flush fails, and every write after it until reopened', async () => {
    const disk = manualFsync();
    const path = file();
    const store = await openStore({ sqliteFile: path, sqliteWalFsync: disk.fsync });
    try {
      const writing = store.create('User', { userName: 'unsure' });
      await until(() => disk.pending() === 1);
      disk.finish(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
      await expect(writing).rejects.toThrow(/fsync of the SQLite WAL failed/);
      // The kernel may have dropped the pages it failed to write; a later flush could not vouch
      // for the frames behind them.
      await expect(store.create('User', { userName: 'after' })).rejects.toThrow(
        /fsync of the SQLite WAL failed/,
      );
      expect(disk.pending()).toBe(0);
      // Refused before it committed: a client that retries will not find its first attempt stored.
      const names = (await store.list('User', { startIndex: 1, count: 10 })).resources.map(
        (r) => r.attributes.userName,
      );
      expect(names).toEqual(['unsure']);
    } finally {
      await store.close();
    }
    const reopened = await openStore({ sqliteFile: path });
    try {
      expect((await reopened.create('User', { userName: 'reopened' })).attributes.userName).toBe('reopened');
    } finally {
      await reopened.close();
    }
  });
});
