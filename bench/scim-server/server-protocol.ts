import type { SeededUser } from './seed-users.js';

/**
 * Messages between the benchmark driver (parent) and a server under test (child process, so that
 * the load generator never shares an event loop with the server it measures).
 */

/** Sent by a child once it listens on 127.0.0.1 and holds its seed data. */
export interface ServerReady {
  readonly kind: 'ready';
  readonly port: number;
  /** Bearer token the server accepts (empty when the server checks none). */
  readonly token: string;
  readonly users: readonly SeededUser[];
  /** Facts worth printing beside the results (storage settings, versions). */
  readonly notes: readonly string[];
}

/** Sent by a child that could not start. */
export interface ServerFailed {
  readonly kind: 'failed';
  readonly message: string;
}

export type ServerMessage = ServerReady | ServerFailed;

/** Environment variable carrying the number of users a child seeds. */
export const SEED_COUNT_ENV = 'BENCH_SEED_USERS';

/** Reads the seed count a child was asked for. */
export function seedCountFromEnv(): number {
  const raw = process.env[SEED_COUNT_ENV] ?? '10000';
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${SEED_COUNT_ENV} must be a positive integer, got "${raw}"`);
  return value;
}

/** Sends a message to the parent; a child started without IPC has nobody to tell, which is a bug. */
export function sendToParent(message: ServerMessage): void {
  if (!process.send) throw new Error('server child started without an IPC channel');
  process.send(message);
}

/**
 * Runs a child's start routine: reports ready or failed, and shuts down cleanly on SIGTERM or when
 * the parent goes away.
 */
export function runServerChild(
  start: () => Promise<{ ready: Omit<ServerReady, 'kind'>; stop: () => Promise<void> }>,
): void {
  let stop: (() => Promise<void>) | undefined;
  const shutdown = (): void => {
    const done = stop ? stop() : Promise.resolve();
    done.finally(() => process.exit(0)).catch(() => process.exit(1));
  };
  process.on('SIGTERM', shutdown);
  process.on('disconnect', shutdown);
  start()
    .then((started) => {
      stop = started.stop;
      sendToParent({ kind: 'ready', ...started.ready });
    })
    .catch((error: unknown) => {
      sendToParent({
        kind: 'failed',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      setTimeout(() => process.exit(1), 100);
    });
}
