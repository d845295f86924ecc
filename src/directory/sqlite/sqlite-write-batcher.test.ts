/**
 * Writes while another process holds SQLite's write lock: a second better-sqlite3 connection to
 * the same file plays that process. The store must wait for the lock on timers (its event loop and
 * its reads go on), write once the lock is free, and give up after its lock timeout with
 * StoreBusyError, leaving no trace.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFilter } from '../../scim/filter/filter-parser.js';
import type { DirectoryStore } from '../directory-store.js';
import { openStore } from '../open-store.js';
import { StoreBusyError } from '../store-busy-error.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openPair(
  lockTimeoutMs?: number,
): Promise<{ store: DirectoryStore; other: Database.Database }> {
  const dir = mkdtempSync(join(tmpdir(), 'provisio-busy-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'provisio.sqlite');
  const store = await openStore({
    sqliteFile: file,
    ...(lockTimeoutMs !== undefined ? { sqliteLockTimeoutMs: lockTimeoutMs } : {}),
  });
  cleanups.push(() => store.close());
  const other = new Database(file);
  cleanups.push(() => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
  });
  return { store, other };
}

/** Holds the write lock on `other` for `ms`, as another process's long transaction would. */
function holdWriteLock(other: Database.Database, ms: number): Promise<void> {
  other.exec('BEGIN IMMEDIATE');
  return new Promise((resolve) =>
    setTimeout(() => {
      other.exec('COMMIT');
      resolve();
    }, ms),
  );
}

/** userNames of the users whose userName starts with `prefix` (all when empty). */
async function userNames(store: DirectoryStore, prefix = ''): Promise<string[]> {
  const query = { startIndex: 1, count: 1000 };
  const filter = prefix === '' ? {} : { filter: parseFilter(`userName sw ${JSON.stringify(prefix)}`) };
  const result = await store.list('User', { ...query, ...filter });
  return result.resources.map((r) => String(r.attributes.userName)).sort();
}

/** Counts timer ticks: a blocked event loop would deliver none while the lock is held. */
function tickCounter(): { readonly count: () => number } {
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 5);
  cleanups.push(() => clearInterval(timer));
  return { count: () => ticks };
}

describe('SQLite writes while another process holds the write lock', () => {
  it('a batched write waits on timers, lets reads through, and commits once the lock is free', async () => {
    const { store, other } = await openPair();
    const existing = await store.create('User', { userName: 'existing' });
    const ticks = tickCounter();
    const started = performance.now();
    const released = holdWriteLock(other, 60);

    const write = store.create('User', { userName: 'waited' });
    const concurrent = store.create('User', { userName: 'joined' });
    let writeSettled = false;
    const settle = () => (writeSettled = true);
    void write.then(settle, settle);
    // The batcher gives the connection back between attempts, so reads are not stuck behind it:
    // the read comes back while the lock is still held and the write still waits.
    const read = await store.get('User', existing.id);
    expect(read?.attributes.userName).toBe('existing');
    expect(other.inTransaction).toBe(true);
    expect(writeSettled).toBe(false);

    const [created, joined] = await Promise.all([write, concurrent]);
    await released;
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    // 60 ms at one tick per 5 ms: a loop blocked by SQLite's busy handler would have ticked ~0 times.
    expect(ticks.count()).toBeGreaterThanOrEqual(6);
    expect(await userNames(store)).toEqual(['existing', 'joined', 'waited']);
    expect((await store.get('User', created.id))?.id).toBe(created.id);
    expect((await store.get('User', joined.id))?.id).toBe(joined.id);
  });

  it('gives up after the lock timeout with StoreBusyError and writes nothing', async () => {
    const { store, other } = await openPair(80);
    const before = await store.readChanges(0, 100);
    expect(before.status).toBe('ok');
    const ticks = tickCounter();
    const released = holdWriteLock(other, 250);
    const started = performance.now();

    const outcome = await Promise.allSettled([
      store.create('User', { userName: 'too-late' }),
      store.create('User', { userName: 'too-late-too' }),
    ]);
    const waited = performance.now() - started;
    for (const result of outcome) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StoreBusyError);
    }
    expect(waited).toBeGreaterThanOrEqual(75);
    // It gave up on its own timeout, not when the lock came free.
    expect(other.inTransaction).toBe(true);
    expect(ticks.count()).toBeGreaterThanOrEqual(8);
    await released;

    expect(await userNames(store, 'too-late')).toEqual([]);
    expect(await store.readChanges(0, 100)).toEqual(before);
    // The store is usable again once the lock is free.
    expect((await store.create('User', { userName: 'after' })).attributes.userName).toBe('after');
  });

  it('transaction(work) (Bulk) and token writes also wait on timers instead of failing', async () => {
    const { store, other } = await openPair();
    const token = await store.createToken({ id: 'tok1', name: 'ci', scope: 'read-write', secretHash: 'x' });
    const ticks = tickCounter();
    const released = holdWriteLock(other, 60);

    const bulk = store.transaction(async (inner) => {
      // Read, then write: in a deferred transaction this is where another process's commit would
      // fail the write with SQLITE_BUSY; BEGIN IMMEDIATE took the write lock before the read.
      expect(await userNames(inner, 'bulk')).toEqual([]);
      return inner.create('User', { userName: 'bulk' });
    });
    const touched = store.touchToken(token.id, new Date('2026-01-02T03:04:05Z'));
    await Promise.all([bulk, touched, released]);

    expect(ticks.count()).toBeGreaterThanOrEqual(6);
    expect((await store.findToken(token.id))?.lastUsed?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(await userNames(store, 'bulk')).toEqual(['bulk']);
  });
});
