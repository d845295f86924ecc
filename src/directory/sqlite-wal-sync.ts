import { closeSync, fsync, openSync } from 'node:fs';

/**
 * Flushes a SQLite WAL file to disk from libuv's thread pool, so that a commit's fsync does not
 * stop the event loop.
 *
 * With `synchronous=FULL` SQLite fsyncs the WAL inside COMMIT; better-sqlite3 runs on the main
 * thread, so every request waits while the disk syncs. The write batcher instead commits with
 * `synchronous=NORMAL` (the WAL is written but not synced) and acknowledges the batch only after
 * `sync()` has resolved: an fsync of the WAL file that started after the COMMIT returned. Every
 * acknowledged write is on disk exactly as with FULL, and the main thread serves other requests
 * while the disk works. Consistency after a power loss is SQLite's own NORMAL-mode guarantee: WAL
 * frames that were not synced are ignored on recovery, and checkpoints sync the WAL first.
 *
 * Calls made while a flush is running share the next one: N commits during one fsync cost two
 * fsyncs, not N.
 */
/** `fs.fsync`'s shape; tests pass their own to watch and time the flushes. */
export type Fsync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void;

export class WalSync {
  readonly #fd: number;
  readonly #fsync: Fsync;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #closed = false;

  /** Opens `walPath` (the database file name plus `-wal`); the database must be in WAL mode. */
  constructor(walPath: string, fsyncImpl: Fsync = fsync) {
    // fsync flushes the file's data whichever descriptor it is called on; read-only is enough.
    this.#fd = openSync(walPath, 'r');
    this.#fsync = fsyncImpl;
  }

  /** Resolves once everything written to the WAL before this call is on disk. */
  sync(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('WalSync: the WAL file was closed'));
    if (this.#running === undefined) {
      this.#running = this.#flush();
      return this.#running;
    }
    // A flush is running, but it may have started before the caller's COMMIT: wait for the
    // following one, which every caller arriving meanwhile shares.
    this.#next ??= this.#running.then(
      () => this.#startNext(),
      () => this.#startNext(),
    );
    return this.#next;
  }

  /** Closes the file; pending flushes still complete. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.#next ?? this.#running;
    if (pending) {
      pending.then(
        () => closeSync(this.#fd),
        () => closeSync(this.#fd),
      );
    } else {
      closeSync(this.#fd);
    }
  }

  #startNext(): Promise<void> {
    this.#next = undefined;
    this.#running = this.#flush();
    return this.#running;
  }

  #flush(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#fsync(this.#fd, (error) => {
        if (this.#next === undefined) this.#running = undefined;
        if (error) reject(new Error(`fsync of the SQLite WAL failed: ${error.message}`, { cause: error }));
        else resolve();
      });
    });
  }
}
