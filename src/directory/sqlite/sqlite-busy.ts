/**
 * Waiting for SQLite's write lock without blocking the event loop. Several processes may write one
 * database file (`provisio serve --workers N`, the CLI's token commands); only one holds the write
 * lock at a time. SQLite's own busy handler would sleep on the main thread, stalling every request
 * of the process, so the store runs with `busy_timeout = 0` and retries on timers instead.
 */

import { StoreBusyError } from '../store-busy-error.js';

/** How long a write waits for another process's write lock before it fails (SQLite's old timeout). */
export const DEFAULT_SQLITE_LOCK_TIMEOUT_MS = 5000;

/** Attempts that only yield to the event loop before the retries start sleeping on a timer. */
const IMMEDIATE_RETRIES = 3;

/**
 * Pause between later attempts: Node's timer resolution. A commit holds the lock for about a
 * millisecond, so longer sleeps leave the lock idle between two processes' commits (POSTs to two
 * workers had a p99 of 31 ms with sleeps growing to 4 ms, 16-17 ms with 1 ms); a failed BEGIN
 * costs microseconds, so retrying every millisecond is cheap even through a 5 s wait.
 */
const RETRY_DELAY_MS = 1;

/** True for SQLITE_BUSY and its extended codes (better-sqlite3 puts the code on the error). */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Pauses between attempts: the first retries yield only to the event loop (setImmediate, well under
 * a millisecond, so a lock released at once is taken at once); later ones sleep 1 ms each.
 */
function busyRetryDelay(attempt: number): Promise<void> {
  if (attempt < IMMEDIATE_RETRIES) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
}

/**
 * Runs `attempt` until it does not fail with SQLITE_BUSY, pausing between tries; after `timeoutMs`
 * throws StoreBusyError. `attempt` must have no effect when it fails with SQLITE_BUSY (a single
 * statement outside a transaction, or BEGIN), which is what makes the retry safe.
 */
export async function retryWhileBusy<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const started = performance.now();
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      const waited = performance.now() - started;
      if (waited >= timeoutMs) throw new StoreBusyError(waited);
    }
    await busyRetryDelay(tries);
  }
}
