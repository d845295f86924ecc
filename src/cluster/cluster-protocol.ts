/**
 * What the supervisor and its server workers tell each other: the worker's options travel in an
 * environment variable (JSON), its state back over the cluster IPC channel; the supervisor stops
 * a worker with SIGTERM.
 */
import type { StorageOptions } from '../main.js';
import type { ServerOptionsInput } from '../server/server-options.js';

/** The environment variable holding a worker's options. */
export const WORKER_OPTIONS_ENV = 'PROVISIO_CLUSTER_WORKER_OPTIONS';

/** Everything a worker needs to run the server; JSON-serialisable, so no registry or functions. */
export interface WorkerServerOptions extends Omit<StorageOptions, 'registry'> {
  readonly port: number;
  readonly host: string;
  /** fastify's logger setting: off, or pino at a level. */
  readonly logger: false | { readonly level: string };
  readonly server?: Omit<ServerOptionsInput, 'logger'>;
  /** Change-feed retention in milliseconds, 0 for none (RunServerOptions.feedRetentionMs). */
  readonly feedRetentionMs?: number;
  /** Run the engine in each worker (RunServerOptions.engine); the app leases keep one per app. */
  readonly engine?: boolean;
  /** Mount the admin API in each worker (RunServerOptions.admin); sessions live in the database. */
  readonly admin?: boolean | { readonly idleTimeoutMs?: number; readonly shareEvents?: boolean };
}

/** Worker to supervisor. */
export type WorkerMessage =
  | { readonly kind: 'listening'; readonly url: string }
  | { readonly kind: 'failed'; readonly message: string };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'listening' || kind === 'failed';
}

/** Reads the worker's options; throws naming the variable when it is missing or not JSON. */
export function workerOptionsFromEnv(env: NodeJS.ProcessEnv): WorkerServerOptions {
  const raw = env[WORKER_OPTIONS_ENV];
  if (raw === undefined || raw === '') {
    throw new Error(`${WORKER_OPTIONS_ENV} is not set: server workers are started by the supervisor`);
  }
  try {
    return JSON.parse(raw) as WorkerServerOptions;
  } catch (error) {
    throw new Error(`${WORKER_OPTIONS_ENV} is not valid JSON: ${String(error)}`);
  }
}
