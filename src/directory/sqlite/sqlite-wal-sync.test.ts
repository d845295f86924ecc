import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fsync } from './sqlite-wal-sync.js';
import { WalSync } from './sqlite-wal-sync.js';

/** An fsync the test completes by hand, recording when each flush started. */
function manualFsync() {
  const pending: ((error: NodeJS.ErrnoException | null) => void)[] = [];
  let started = 0;
  const fsync: Fsync = (_fd, callback) => {
    started += 1;
    pending.push(callback);
  };
  return {
    fsync,
    started: () => started,
    finish(error: NodeJS.ErrnoException | null = null) {
      const callback = pending.shift();
      if (!callback) throw new Error('no flush is running');
      callback(error);
    },
  };
}

/** Lets promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('WalSync', () => {
  let dir: string;
  let wal: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'provisio-walsync-'));
    wal = join(dir, 'db.sqlite-wal');
    writeFileSync(wal, 'frames');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('flushes the real file', async () => {
    const sync = new WalSync(wal);
    await expect(sync.sync()).resolves.toBeUndefined();
    sync.close();
  });

  it('resolves a call only after a flush that started after it', async () => {
    const disk = manualFsync();
    const sync = new WalSync(wal, disk.fsync);
    let firstDone = false;
    let secondDone = false;
    void sync.sync().then(() => (firstDone = true));
    expect(disk.started()).toBe(1);
    // Arrives while the first flush runs: that flush may have begun before this caller's commit.
    void sync.sync().then(() => (secondDone = true));
    expect(disk.started()).toBe(1);
    disk.finish();
    await settle();
    expect(firstDone).toBe(true);
    expect(secondDone).toBe(false);
    expect(disk.started()).toBe(2);
    disk.finish();
    await settle();
    expect(secondDone).toBe(true);
    sync.close();
  });

  it('lets every caller that arrives during one flush share the next one', async () => {
    const disk = manualFsync();
    const sync = new WalSync(wal, disk.fsync);
    const first = sync.sync();
    const waiting = Array.from({ length: 20 }, () => sync.sync());
    disk.finish();
    await first;
    await settle();
    disk.finish();
    await Promise.all(waiting);
    expect(disk.started()).toBe(2);
    // Idle again: the next call starts a flush of its own at once.
    void sync.sync();
    expect(disk.started()).toBe(3);
    disk.finish();
    sync.close();
  });

  it('rejects the callers of a failed flush, and every flush after it', async () => {
    const disk = manualFsync();
    const sync = new WalSync(wal, disk.fsync);
    const failing = sync.sync();
    // Arrives during the failing flush: its own flush would report success for pages the kernel
    // may have dropped.
    const queued = sync.sync();
    disk.finish(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await expect(failing).rejects.toThrow(/fsync of the SQLite WAL failed: EIO/);
    await settle();
    disk.finish();
    await expect(queued).rejects.toThrow(/fsync of the SQLite WAL failed: EIO/);
    const started = disk.started();
    await expect(sync.sync()).rejects.toThrow(/fsync of the SQLite WAL failed: EIO/);
    expect(disk.started()).toBe(started);
    sync.close();
  });

  it('still flushes a commit that races the close, on a descriptor of its own', async () => {
    const disk = manualFsync();
    const sync = new WalSync(wal, disk.fsync);
    const before = sync.sync();
    sync.close();
    const late = sync.sync();
    expect(disk.started()).toBe(2);
    disk.finish();
    disk.finish();
    await expect(Promise.all([before, late])).resolves.toEqual([undefined, undefined]);
  });

  it('reports a WAL file that cannot be opened', async () => {
    const sync = new WalSync(join(dir, 'missing-wal'));
    await expect(sync.sync()).rejects.toThrow(/fsync of the SQLite WAL failed: ENOENT/);
    sync.close();
  });
});
