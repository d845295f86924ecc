/**
 * Messages between the soak driver and the server child it measures. The child answers memory
 * questions itself because only it can force a garbage collection and read its V8 heap.
 */

/** Environment variable naming the checkout whose `src/` the child runs (default: this one). */
export const SOURCE_ROOT_ENV = 'SOAK_SOURCE_ROOT';
/** Environment variable with the number of users the child seeds. */
export const SEED_USERS_ENV = 'SOAK_SEED_USERS';
/** Environment variable with the SQLite file the child opens. */
export const SQLITE_FILE_ENV = 'SOAK_SQLITE_FILE';

/** A seeded user the normal load aims at. */
export interface SoakUser {
  readonly id: string;
  readonly userName: string;
}

/** Sent once the child listens on 127.0.0.1. */
export interface SoakReady {
  readonly kind: 'ready';
  readonly port: number;
  readonly token: string;
  readonly users: readonly SoakUser[];
}

/** Sent when the child could not start. */
export interface SoakFailed {
  readonly kind: 'failed';
  readonly message: string;
}

/** The memory of the child, in bytes; `gc` says whether a full collection ran first. */
export interface SoakMemory {
  readonly kind: 'memory';
  readonly gc: boolean;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/** Sent after a heap snapshot was written. */
export interface SoakSnapshotWritten {
  readonly kind: 'snapshot';
  readonly file: string;
}

export type SoakChildMessage = SoakReady | SoakFailed | SoakMemory | SoakSnapshotWritten;

/** What the driver asks: memory (after a full GC when `gc`), or a heap snapshot into `file`. */
export type SoakParentMessage =
  { readonly kind: 'memory'; readonly gc: boolean } | { readonly kind: 'snapshot'; readonly file: string };
