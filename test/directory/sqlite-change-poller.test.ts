import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/directory/open-store.js';
import { useTempDatabaseFiles } from './store-harness.js';

/** Waits until `check` holds, letting timers and I/O run (up to about 3 s). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!check()) throw new Error('condition not reached');
}

describe('SQLite change listeners across processes', () => {
  const databaseFile = useTempDatabaseFiles('provisio-poller-');

  it("wakes a listener for another connection's commits, and stops when nobody listens", async () => {
    const file = databaseFile();
    // Two stores on one file: each has its own connection and in-process listeners, as two
    // processes (serve workers, the CLI) would.
    const writer = await openStore({ sqliteFile: file });
    const watcher = await openStore({ sqliteFile: file });
    try {
      await writer.create('User', { userName: 'before' });
      const heard: number[] = [];
      const unsubscribe = watcher.onChange((seq) => heard.push(seq));
      // Let the first poll take its baseline: history before subscribing is not announced.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(heard).toEqual([]);

      await writer.create('User', { userName: 'after' });
      const page = await watcher.readChanges(0, 100);
      if (page.status !== 'ok') throw new Error('unexpected resync');
      await until(() => heard.length > 0);
      expect(heard.at(-1)).toBe(page.lastSeq);

      unsubscribe();
      const count = heard.length;
      await writer.create('User', { userName: 'unheard' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toHaveLength(count);
    } finally {
      await watcher.close();
      await writer.close();
    }
  });

  it('announces its own commits at once, each seq once, the poll adding no repeats', async () => {
    const file = databaseFile();
    const store = await openStore({ sqliteFile: file });
    try {
      const heard: number[] = [];
      const unsubscribe = store.onChange((seq) => heard.push(seq));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await store.create('User', { userName: 'own' });
      expect(heard).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toHaveLength(1);
      unsubscribe();
    } finally {
      await store.close();
    }
  });
});
