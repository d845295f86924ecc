import type { Kysely } from 'kysely';
import type { DirectoryDatabase } from '../database-types.js';
import { appendChanges } from '../change-feed/change-feed.js';
import { retryWhileBusy } from './sqlite-busy.js';
import type { WalSync } from './sqlite-wal-sync.js';
import { StoreBusyError } from '../store-busy-error.js';
import type { PendingChange } from '../change-feed/pending-change.js';
import type { StoreShared } from '../store-context.js';
import { announce } from '../store-context.js';

/** Most writes one commit may carry; bounds how long the connection stays in one transaction. */
const MAX_WRITES_PER_COMMIT = 64;

/** Options of the batcher. */
export interface WriteBatcherOptions {
  /** How long a batch waits for another process's write lock before its writes fail (StoreBusyError). */
  readonly lockTimeoutMs: number;
  /**
   * With `synchronous=FULL`: the WAL flusher. Batches then commit with `synchronous=NORMAL` and are
   * acknowledged once this has synced the WAL, off the event loop (see sqlite-wal-sync.ts).
   */
  readonly walSync?: WalSync;
  /**
   * Runs a statement without parameters or rows (BEGIN, COMMIT, savepoints, pragmas) on the
   * connection, synchronously. The batch holds the store's one connection while it runs them, so
   * they need none of kysely's connection handling, and each write of a batch runs two or three:
   * through kysely's executor they cost several microseconds each, straight on a prepared
   * statement under one (sqlite-statement-cache.ts, runStatement).
   */
  readonly runStatement: (sqlText: string) => void;
}

/** A committed batch waiting to be acknowledged. */
interface CommittedBatch {
  readonly succeeded: readonly { readonly write: QueuedWrite; readonly value: unknown }[];
  readonly lastSeq: number;
}

/** A committed batch whose flush and acknowledgement are running. */
interface UnflushedBatch {
  readonly size: number;
  /** Settles once its writes are acknowledged (or rejected); never rejects. */
  readonly done: Promise<void>;
}

/** A write waiting for its turn, with the promise callbacks of its caller. */
interface QueuedWrite {
  readonly work: (trx: Kysely<DirectoryDatabase>, changes: PendingChange[]) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite. With synchronous=FULL every COMMIT waits for an fsync of the WAL, which
 * costs far more than the statements of a typical write. Writes that queue up while one commit is
 * in progress (SQLite has one connection, so they would wait anyway) run together in the next
 * transaction, each under its own savepoint, and share its one COMMIT and fsync.
 *
 * Each write is isolated exactly as with its own transaction: a failing write is rolled back to
 * its savepoint and rejected at once, leaving no trace; the others are resolved only after the
 * COMMIT succeeded, so an acknowledged write is a durable one. If the COMMIT (or a rollback) fails,
 * every write of that batch is rejected, none acknowledged. Change-feed entries are appended inside
 * each write's savepoint, so seq order is still commit order; listeners hear after the commit.
 *
 * With synchronous=FULL the COMMIT itself does not wait for the disk: the batch commits with
 * synchronous=NORMAL and its writes are acknowledged only after WalSync has flushed the WAL in
 * libuv's thread pool. Meanwhile the event loop serves other requests, and the writes that arrive
 * form the next batch. That batch commits once the flush is done, or sooner, while the flush is
 * still running, once as many writes wait as the flushing batch holds (see #awaitTurn). Another
 * request may read a committed write a moment before it is acknowledged; no write is acknowledged
 * before it is on disk, batches are acknowledged in commit order, and change-feed listeners hear
 * only of flushed commits.
 *
 * Several processes may write the same file (`provisio serve --workers N`). The transaction begins
 * IMMEDIATE, taking the write lock before the first read, so a write never fails because another
 * process committed between its read and its write. The connection has `busy_timeout = 0`: when
 * another process holds the lock, BEGIN fails at once, the batcher releases the connection (reads
 * of this process go on), waits on a timer (sqlite-busy.ts) while further writes queue up and join,
 * and tries again. After `lockTimeoutMs` every queued write is rejected with StoreBusyError, having
 * written nothing.
 */
export class SqliteWriteBatcher {
  readonly #shared: StoreShared;
  readonly #lockTimeoutMs: number;
  readonly #walSync: WalSync | undefined;
  readonly #run: (sqlText: string) => void;
  readonly #queue: QueuedWrite[] = [];
  #draining = false;
  /** Committed batches whose flush and acknowledgement are still running, oldest first (at most two). */
  readonly #unflushed: UnflushedBatch[] = [];
  /** Called on every submit while the drain loop waits for a group to form (#awaitTurn). */
  #onSubmit: (() => void) | undefined;

  constructor(shared: StoreShared, options: WriteBatcherOptions) {
    this.#shared = shared;
    this.#lockTimeoutMs = options.lockTimeoutMs;
    this.#walSync = options.walSync;
    this.#run = options.runStatement;
  }

  /** Runs `work` in the next batch; resolves once the batch has committed. */
  submit<T>(work: (trx: Kysely<DirectoryDatabase>, changes: PendingChange[]) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.#onSubmit?.();
      if (!this.#draining) {
        this.#draining = true;
        // better-sqlite3 runs synchronously: started at once, a write and its COMMIT would finish
        // before the event loop delivered any other request, and every batch would hold one write.
        // Waiting for the check phase lets the requests that arrived in this poll phase join.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        await this.#awaitTurn();
        // After a failed flush no write can be acknowledged: refuse them before they commit, so
        // that a client retrying a failed write does not find the first attempt stored.
        const failure = this.#walSync?.failure;
        if (failure) {
          for (const write of this.#queue.splice(0)) write.reject(failure);
          return;
        }
        await this.#runBatchWhenLocked();
      }
    } finally {
      this.#draining = false;
    }
  }

  /**
   * Waits until the queued writes may commit. The writes that arrive during a flush form one
   * batch, as they would behind a blocking FULL commit: every commit rewrites the WAL pages it
   * touched, so fewer, larger commits cost less disk and CPU than commits made as fast as the
   * statements run. The batch starts when the flush is done, or earlier, during the flush, once as
   * many writes wait as the flushing batch holds: the clients of that batch are all waiting for
   * their answers, so no more writes are coming soon, and committing now lets this batch's
   * statements and COMMIT overlap the disk's flush instead of following it (with 10 clients on two
   * alternating batches, about 15% more writes per second and a fifth less latency on a 2-core
   * machine). A batch that started early is never smaller than the one flushing, so batches do not
   * dwindle into one commit per write; and only one batch waits behind a flush at a time.
   */
  async #awaitTurn(): Promise<void> {
    while (this.#unflushed.length > 0) {
      const flushing = this.#unflushed[0]!;
      const mayOverlap = this.#unflushed.length === 1;
      if (mayOverlap && this.#queue.length >= flushing.size) return;
      let flushed = false;
      const done = flushing.done.then(() => {
        flushed = true;
      });
      const groupFormed = mayOverlap
        ? new Promise<void>((resolve) => {
            this.#onSubmit = () => {
              if (this.#queue.length >= flushing.size) resolve();
            };
          })
        : undefined;
      await (groupFormed ? Promise.race([done, groupFormed]) : done);
      this.#onSubmit = undefined;
      if (flushed) {
        // The flush completed in the poll phase; requests that arrived with it are still to be
        // read. One turn of the event loop lets their writes join this batch.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  /** Runs the next batch once this connection holds the write lock; gives up after the timeout. */
  async #runBatchWhenLocked(): Promise<void> {
    let outcome: CommittedBatch | 'done';
    try {
      // While another process holds the write lock, BEGIN fails at once with SQLITE_BUSY, having
      // started nothing: the retry releases the connection (this process's reads go on), waits on
      // a timer while more writes queue up and join, and tries again.
      outcome = await retryWhileBusy(
        () => this.#shared.root.connection().execute((conn) => this.#tryBatch(conn)),
        this.#lockTimeoutMs,
      );
    } catch (error) {
      if (error instanceof StoreBusyError) {
        for (const write of this.#queue.splice(0)) write.reject(error);
        return;
      }
      // BEGIN itself failed (e.g. the store was closed): fail the oldest write rather than retry
      // forever; the drain loop goes on with the rest.
      this.#queue.shift()?.reject(error);
      return;
    }
    if (outcome === 'done') return;
    // Not awaited here: the event loop serves other requests while the disk flushes. WalSync
    // starts a flush only after the running one ends, so batches are acknowledged in commit order.
    const batch: UnflushedBatch = { size: outcome.succeeded.length, done: this.#acknowledge(outcome) };
    this.#unflushed.push(batch);
    void batch.done.finally(() => {
      this.#unflushed.splice(this.#unflushed.indexOf(batch), 1);
    });
  }

  /**
   * On the single connection: BEGIN IMMEDIATE (lower case, the same text as kysely's own
   * transaction statements), which throws SQLITE_BUSY when another process holds the write lock;
   * then the batch and its COMMIT. Errors after BEGIN are settled here, per write.
   */
  async #tryBatch(conn: Kysely<DirectoryDatabase>): Promise<CommittedBatch | 'done'> {
    if (this.#walSync === undefined) return this.#runBatch(conn);
    // The connection's own setting stays FULL for every other transaction (Bulk, migrations, token
    // writes); only batches, flushed by WalSync, commit without the in-line sync.
    this.#run('pragma synchronous = NORMAL');
    try {
      return await this.#runBatch(conn);
    } finally {
      this.#run('pragma synchronous = FULL');
    }
  }

  /** Acknowledges a committed batch once its commit is on disk (at once without WalSync). */
  async #acknowledge(batch: CommittedBatch): Promise<void> {
    if (this.#walSync !== undefined) {
      try {
        await this.#walSync.sync();
      } catch (error) {
        // The data is committed but may not be on disk: the writers are told it failed.
        for (const { write } of batch.succeeded) write.reject(error);
        return;
      }
    }
    if (batch.lastSeq > 0) announce(this.#shared, batch.lastSeq);
    for (const { write, value } of batch.succeeded) write.resolve(value);
  }

  async #runBatch(conn: Kysely<DirectoryDatabase>): Promise<CommittedBatch | 'done'> {
    this.#run('begin immediate');
    const { dialect } = this.#shared;
    const succeeded: { write: QueuedWrite; value: unknown }[] = [];
    let lastSeq = 0;
    const runOne = async (write: QueuedWrite): Promise<void> => {
      const changes: PendingChange[] = [];
      const value = await write.work(conn, changes);
      const seq = await appendChanges(conn, dialect, changes);
      if (seq > lastSeq) lastSeq = seq;
      succeeded.push({ write, value });
    };
    // The first write needs no savepoint: if it fails, the whole (so far empty) transaction rolls
    // back. A lone write, the common case without contention, costs no extra statements.
    const first = this.#queue.shift()!;
    try {
      await runOne(first);
    } catch (error) {
      first.reject(error);
      this.#rollback();
      return 'done';
    }
    try {
      let taken = 1;
      // Writes submitted while this batch runs join it, up to the cap.
      while (this.#queue.length > 0 && taken < MAX_WRITES_PER_COMMIT) {
        const write = this.#queue.shift()!;
        taken += 1;
        // One fixed name: writes in a batch run one after another, and the text stays cacheable.
        this.#run('SAVEPOINT provisio_batch');
        try {
          await runOne(write);
          this.#run('RELEASE provisio_batch');
        } catch (error) {
          try {
            this.#run('ROLLBACK TO provisio_batch');
            this.#run('RELEASE provisio_batch');
          } catch (rollbackError) {
            // SQLite rolled the whole transaction back itself (I/O error, disk full): the batch is lost.
            write.reject(error);
            throw rollbackError;
          }
          write.reject(error);
        }
      }
      this.#run('commit');
    } catch (error) {
      // A lost batch or a failed COMMIT: none of its writes is acknowledged.
      this.#rollback();
      for (const { write } of succeeded) write.reject(error);
      return 'done';
    }
    return { succeeded, lastSeq };
  }

  /** Ends the transaction if SQLite has not already rolled it back itself. */
  #rollback(): void {
    try {
      this.#run('rollback');
    } catch {
      // "no transaction is active": SQLite rolled back on the error; nothing is left to undo.
    }
  }
}
