/** Seconds a client should wait before retrying a write that failed with StoreBusyError. */
const RETRY_AFTER_SECONDS = 1;

/**
 * A write the store could not start because the database stayed locked (on SQLite: by another
 * process writing the same file) for longer than the store's lock timeout. Nothing was written;
 * the request may be retried. The server answers 503 with Retry-After.
 */
export class StoreBusyError extends Error {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;

  constructor(waitedMs: number, holder = 'another process') {
    super(
      `the database stayed locked by ${holder} for ${Math.round(waitedMs)} ms; nothing was written, retry later`,
    );
    this.name = 'StoreBusyError';
  }
}
