import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectoryStore } from '../directory-store.js';
import { pruneIntervalFor, startFeedRetention } from './feed-retention.js';
import { PRUNE_CHUNK } from './change-feed.js';
import { openStore } from '../open-store.js';

const dirs: string[] = [];
async function freshStore(): Promise<DirectoryStore> {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-retention-'));
  dirs.push(dir);
  return openStore({ sqliteFile: join(dir, 'provisio.sqlite') });
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function feedIds(store: DirectoryStore, after: number): Promise<string[] | 'resync'> {
  const page = await store.readChanges(after, 100);
  return page.status === 'ok' ? page.entries.map((entry) => entry.resourceId) : 'resync';
}

describe('change-feed retention', () => {
  it('prunes entries older than the window on its timer and keeps newer ones', async () => {
    const store = await freshStore();
    const pruned: number[] = [];
    try {
      await store.create('User', { userName: 'old-1' });
      await store.create('User', { userName: 'old-2' });
      await sleep(300);
      const recent = await store.create('User', { userName: 'recent' });
      const retention = startFeedRetention(store, {
        retentionMs: 200,
        intervalMs: 20,
        firstDelayMs: 0,
        onPruned: (deleted) => pruned.push(deleted),
      });
      for (let i = 0; i < 100 && pruned.length === 0; i++) await sleep(10);
      await retention.stop();
      expect(pruned).toEqual([2]);
      // A consumer at the start of the feed fell behind the window: it must resync; one past the
      // pruned entries reads on.
      expect(await feedIds(store, 0)).toBe('resync');
      expect(await feedIds(store, 2)).toEqual([recent.id]);
    } finally {
      await store.close();
    }
  });

  it('goes on after a failed prune and reports the failure', async () => {
    const store = await freshStore();
    try {
      await store.create('User', { userName: 'kept-until-retry' });
      await sleep(60);
      let calls = 0;
      const flaky = Object.create(store) as DirectoryStore;
      flaky.pruneChanges = async (olderThan: Date) => {
        calls += 1;
        if (calls === 1) throw new Error('database is busy');
        return store.pruneChanges(olderThan);
      };
      const errors: unknown[] = [];
      const pruned: number[] = [];
      const retention = startFeedRetention(flaky, {
        retentionMs: 50,
        intervalMs: 10,
        firstDelayMs: 0,
        onError: (error) => errors.push(error),
        onPruned: (deleted) => pruned.push(deleted),
      });
      for (let i = 0; i < 100 && pruned.length === 0; i++) await sleep(10);
      await retention.stop();
      expect(errors.map((error) => String(error))).toEqual(['Error: database is busy']);
      expect(pruned).toEqual([1]);
    } finally {
      await store.close();
    }
  });

  it('stops its timer and waits for a prune in progress, so the store can close after it', async () => {
    const store = await freshStore();
    let release: () => void = () => undefined;
    let calls = 0;
    const slow = Object.create(store) as DirectoryStore;
    slow.pruneChanges = async (olderThan: Date) => {
      calls += 1;
      await new Promise<void>((resolve) => (release = resolve));
      return store.pruneChanges(olderThan);
    };
    const retention = startFeedRetention(slow, { retentionMs: 1000, intervalMs: 5, firstDelayMs: 0 });
    for (let i = 0; i < 100 && calls === 0; i++) await sleep(5);
    let stopped = false;
    const stopping = retention.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await sleep(30);
    expect(calls).toBe(1);
    await store.close();
  });

  it('prunes a long feed in transactions of PRUNE_CHUNK entries, so other writes are not held up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provisio-retention-'));
    dirs.push(dir);
    const statements: string[] = [];
    const store = await openStore({
      sqliteFile: join(dir, 'provisio.sqlite'),
      onQuery: (text) => statements.push(text),
    });
    try {
      const count = PRUNE_CHUNK * 2 + 3;
      await store.createMany(
        'User',
        Array.from({ length: count }, (_, i) => ({ userName: `u${i}` })),
      );
      statements.length = 0;
      expect(await store.pruneChanges(new Date(Date.now() + 1000))).toBe(count);
      expect(statements.filter((text) => /^delete from "change_feed"/i.test(text))).toHaveLength(3);
      expect(statements.filter((text) => /^commit$/i.test(text))).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it('refuses a window that is not a positive number, and spaces prunes a tenth of it apart', async () => {
    const store = await freshStore();
    try {
      for (const retentionMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => startFeedRetention(store, { retentionMs })).toThrow(/positive number of milliseconds/);
      }
      expect(pruneIntervalFor(7 * 24 * 3600 * 1000)).toBe(3600 * 1000);
      expect(pruneIntervalFor(60_000)).toBe(6000);
      expect(pruneIntervalFor(100)).toBe(1000);
    } finally {
      await store.close();
    }
  });
});
