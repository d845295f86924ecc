import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DirectoryDatabase } from './database-types.js';
import { appendChanges } from './change-feed.js';
import type { PendingChange, StoreShared } from './store-context.js';
import { announce } from './store-context.js';

/** Most writes one commit may carry; bounds how long the connection stays in one transaction. */
const MAX_WRITES_PER_COMMIT = 64;

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
 */
export class SqliteWriteBatcher {
  readonly #shared: StoreShared;
  readonly #queue: QueuedWrite[] = [];
  #draining = false;

  constructor(shared: StoreShared) {
    this.#shared = shared;
  }

  /** Runs `work` in the next batch; resolves once the batch has committed. */
  submit<T>(work: (trx: Kysely<DirectoryDatabase>, changes: PendingChange[]) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
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
      while (this.#queue.length > 0) await this.#runBatch();
    } finally {
      this.#draining = false;
    }
  }

  async #runBatch(): Promise<void> {
    const { root, dialect } = this.#shared;
    const succeeded: { write: QueuedWrite; value: unknown }[] = [];
    let lastSeq = 0;
    let firstFailed = false;
    let started = false;
    try {
      await root.transaction().execute(async (trx) => {
        const runOne = async (write: QueuedWrite): Promise<void> => {
          const changes: PendingChange[] = [];
          const value = await write.work(trx, changes);
          const seq = await appendChanges(trx, dialect, changes);
          if (seq > lastSeq) lastSeq = seq;
          succeeded.push({ write, value });
        };
        // The first write needs no savepoint: if it fails, the whole (so far empty) transaction
        // rolls back. A lone write, the common case without contention, costs no extra statements.
        started = true;
        const first = this.#queue.shift()!;
        try {
          await runOne(first);
        } catch (error) {
          firstFailed = true;
          first.reject(error);
          throw error;
        }
        let taken = 1;
        // Writes submitted while this batch runs join it, up to the cap.
        while (this.#queue.length > 0 && taken < MAX_WRITES_PER_COMMIT) {
          const write = this.#queue.shift()!;
          taken += 1;
          // One fixed name: writes in a batch run one after another, and the text stays cacheable.
          await sql.raw('SAVEPOINT provisio_batch').execute(trx);
          try {
            await runOne(write);
            await sql.raw('RELEASE provisio_batch').execute(trx);
          } catch (error) {
            try {
              await sql.raw('ROLLBACK TO provisio_batch').execute(trx);
              await sql.raw('RELEASE provisio_batch').execute(trx);
            } catch (rollbackError) {
              // SQLite rolled the whole transaction back itself (I/O error, disk full): the batch is lost.
              write.reject(error);
              throw rollbackError;
            }
            write.reject(error);
          }
        }
      });
    } catch (error) {
      if (!started) {
        // BEGIN itself failed (e.g. the store was closed): fail the oldest write rather than retry
        // forever; the drain loop goes on with the rest.
        this.#queue.shift()?.reject(error);
        return;
      }
      // The first write's own failure was reported to it; nothing else had joined yet.
      if (!firstFailed) for (const { write } of succeeded) write.reject(error);
      return;
    }
    if (lastSeq > 0) announce(this.#shared, lastSeq);
    for (const { write, value } of succeeded) write.resolve(value);
  }
}
