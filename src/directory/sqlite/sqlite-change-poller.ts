import { sql } from 'kysely';
import type { StoreShared } from '../store-context.js';
import { announce } from '../store-context.js';

/** How often listeners' store looks for commits of other processes (SQLite has no NOTIFY). */
export const CHANGE_POLL_INTERVAL_MS = 50;

/**
 * Wakes `onChange` listeners for commits that other processes made to the same SQLite file
 * (`provisio serve --workers N`, the CLI). Commits of this process wake them at once, from the
 * write path; for the others there is nothing to listen to, so while anyone listens, the store
 * reads the change feed's AUTOINCREMENT counter every CHANGE_POLL_INTERVAL_MS (one row, well under
 * a millisecond) and announces a seq it has not announced yet. Seq order is commit order on SQLite,
 * so the counter only moves forward. With no listener there is no timer.
 *
 * Reading from the watermark after subscribing is still the consumer's job: a commit made between
 * its last read and the first poll is announced, but not one made before polling began.
 */
export class SqliteChangePoller {
  readonly #shared: StoreShared;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** The counter when polling began, or after the last poll; undefined until first read. */
  #seen: number | undefined;
  #polling = false;

  constructor(shared: StoreShared, intervalMs: number = CHANGE_POLL_INTERVAL_MS) {
    this.#shared = shared;
    this.#intervalMs = intervalMs;
  }

  /** Starts or stops polling to match whether anyone listens. */
  listenersChanged(): void {
    if (this.#shared.listeners.size > 0 && this.#timer === undefined) {
      this.#seen = undefined;
      this.#timer = setInterval(() => void this.#poll(), this.#intervalMs);
      // Polling serves listeners; it must not keep the process alive by itself.
      this.#timer.unref();
      void this.#poll();
    } else if (this.#shared.listeners.size === 0) {
      this.stop();
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      // The same counter page continuations read as their change mark.
      const { root, dialect } = this.#shared;
      const result = await sql<{
        seq: number | null;
      }>`select ${sql.raw(dialect.changeMarkSql)} as seq`.execute(root);
      const seq = Number(result.rows[0]?.seq ?? 0);
      const seen = this.#seen;
      this.#seen = seq;
      // The first read sets the baseline; announce() drops seqs this process already announced.
      if (seen !== undefined && seq > seen && this.#timer !== undefined) announce(this.#shared, seq);
    } catch {
      // A poll that meets a closing store or a busy file simply tries again next time.
    } finally {
      this.#polling = false;
    }
  }
}
