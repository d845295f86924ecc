import { closeSync, fdatasync, openSync } from 'node:fs';

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
 *
 * The flush is an `fdatasync`: it writes the file's data and whatever metadata reading it back
 * needs (its size, when the WAL grew), but not its timestamps. SQLite syncs the same way where it
 * is built with fdatasync (the build better-sqlite3 ships calls fsync). A WAL that SQLite starts
 * over from the beginning is rewritten in place, so most flushes have no metadata to write.
 *
 * A failed flush fails every later one too. After an fsync error Linux may have dropped the dirty
 * pages it could not write and still report the next fsync as a success; the frames of later
 * commits follow the lost ones in the WAL, and recovery stops at the first missing frame, so they
 * would be lost with them. No write is acknowledged after that until the store is reopened.
 */
/** `fs.fsync`'s (and `fs.fdatasync`'s) shape; tests pass their own to watch and time the flushes. */
export type Fsync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void;

export class WalSync {
  readonly #path: string;
  readonly #fsync: Fsync;
  /** Opened at the first flush: SQLite creates the WAL file with the first write. */
  #fd: number | undefined;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #closed = false;
  /** The first flush error; every later flush fails with it. */
  #failure: Error | undefined;

  /** `walPath` is the database file name plus `-wal`; the database must be in WAL mode. */
  constructor(walPath: string, fsyncImpl: Fsync | undefined = fdatasync) {
    this.#path = walPath;
    this.#fsync = fsyncImpl ?? fdatasync;
  }

  /** The error of the flush that failed, once one has: no later flush can succeed. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Resolves once everything written to the WAL before this call is on disk. */
  sync(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    // A commit that raced the store's close still gets its flush, on a descriptor of its own.
    if (this.#closed) return this.#flushOnce();
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

  /** Closes the file once the flushes already asked for have completed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.#next ?? this.#running;
    if (pending) {
      pending.then(
        () => this.#closeFile(),
        () => this.#closeFile(),
      );
    } else {
      this.#closeFile();
    }
  }

  #closeFile(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #startNext(): Promise<void> {
    this.#next = undefined;
    this.#running = this.#flush();
    return this.#running;
  }

  #flush(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let fd: number;
      try {
        // fsync flushes the file's data whichever descriptor it is called on; read-only is enough.
        fd = this.#fd ??= openSync(this.#path, 'r');
      } catch (error) {
        this.#running = undefined;
        reject(flushError(error));
        return;
      }
      this.#fsync(fd, (error) => {
        if (this.#next === undefined) this.#running = undefined;
        if (error) this.#failure ??= flushError(error);
        if (this.#failure) reject(this.#failure);
        else resolve();
      });
    });
  }

  #flushOnce(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let fd: number;
      try {
        fd = openSync(this.#path, 'r');
      } catch (error) {
        reject(flushError(error));
        return;
      }
      this.#fsync(fd, (error) => {
        closeSync(fd);
        if (error) reject(flushError(error));
        else resolve();
      });
    });
  }
}

function flushError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`fsync of the SQLite WAL failed: ${message}`, { cause: error });
}
