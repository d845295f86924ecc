/**
 * `provisio serve --workers N`: a supervisor process that runs N copies of the server on one
 * host and port through node:cluster, so one directory uses every core. Workers share nothing but
 * the listening socket (owned by this process) and the database: each opens its own store.
 *
 * - Start: the supervisor checks that the address can be bound, opens the store once, which runs
 *   the migrations, closes it, then forks the workers; it resolves once every worker listens. If one fails to start, the others are
 *   stopped and the start rejects with that worker's error.
 * - A worker that dies later is replaced; when workers keep dying (5 deaths within 10 s) the
 *   supervisor stops the rest and `done` rejects.
 * - `close()`: every worker stops accepting, finishes its in-flight requests, closes its store.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateForServer } from '../main.js';
import { isWorkerMessage, WORKER_OPTIONS_ENV, type WorkerServerOptions } from './cluster-protocol.js';

/** Deaths within CRASH_WINDOW_MS after which the supervisor gives up instead of replacing. */
const MAX_DEATHS = 5;
const CRASH_WINDOW_MS = 10_000;
/** How long a worker may take to finish its in-flight requests before it is killed. */
const SHUTDOWN_GRACE_MS = 30_000;

/** How to run the cluster: the worker count and each worker's server options. */
export interface ServerClusterOptions extends WorkerServerOptions {
  /** Number of server processes, at least 1. */
  readonly workers: number;
  /** Where the supervisor reports worker deaths and replacements; default stderr. */
  readonly log?: (line: string) => void;
}

/** A running cluster. */
export interface ServerCluster {
  /** `http://host:port`, the address every worker listens on. */
  readonly url: string;
  /** Process ids of the workers alive now. */
  workerPids(): number[];
  /** Stops every worker gracefully; resolves once all have exited. */
  close(): Promise<void>;
  /** Resolves after close(); rejects if the cluster stopped because workers kept dying. */
  readonly done: Promise<void>;
}

/** The worker entry beside this module (`.js` when built, `.ts` when run through tsx). */
function workerScript(): string {
  const self = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(`./server-worker${extname(self)}`, import.meta.url));
}

function describeExit(code: number | null, signal: string | null): string {
  return signal !== null ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}

/** Forks one worker and resolves with its URL once it listens; rejects if it fails or exits first. */
function startWorker(env: NodeJS.ProcessEnv): { worker: Worker; listening: Promise<string> } {
  const worker = cluster.fork(env);
  const listening = new Promise<string>((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (!isWorkerMessage(message)) return;
      worker.off('exit', onExit);
      worker.off('message', onMessage);
      if (message.kind === 'listening') resolve(message.url);
      else reject(new Error(`worker ${worker.process.pid} failed to start: ${message.message}`));
    };
    const onExit = (code: number | null, signal: string | null): void => {
      worker.off('message', onMessage);
      reject(
        new Error(`worker ${worker.process.pid} exited before listening (${describeExit(code, signal)})`),
      );
    };
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
  return { worker, listening };
}

/**
 * Asks a worker to stop gracefully with SIGTERM; kills it if it has not exited after the grace
 * period. A signal rather than an IPC message: a worker still loading its modules has no message
 * listener yet and would drop the message, while SIGTERM ends it at once (it serves nothing yet).
 */
function stopWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    if (worker.isDead()) return resolve();
    const timer = setTimeout(() => worker.process.kill('SIGKILL'), SHUTDOWN_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.process.kill('SIGTERM');
  });
}

/**
 * Binds `host:port` for a moment and lets it go; rejects with the system's reason (EADDRINUSE,
 * EACCES, EADDRNOTAVAIL) naming the address. Port 0 always binds: each start picks a free one.
 */
function checkAddress(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`)),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** Starts the supervisor in this process (which must be the cluster primary) and its workers. */
export async function runServerCluster(options: ServerClusterOptions): Promise<ServerCluster> {
  if (!cluster.isPrimary) throw new Error('runServerCluster must run in the cluster primary');
  if (!Number.isInteger(options.workers) || options.workers < 1) {
    throw new Error(`workers must be a positive integer, got ${options.workers}`);
  }
  const log = options.log ?? ((line: string) => void process.stderr.write(`provisio: ${line}\n`));
  const { workers: count, log: _log, ...given } = options;
  // Each worker's event streams hear the cycles the others run (admin/events/event-relay.ts).
  const serverOptions: WorkerServerOptions =
    given.admin === undefined || given.admin === false
      ? given
      : { ...given, admin: { ...(given.admin === true ? {} : given.admin), shareEvents: true } };

  // An address that cannot be bound fails here, in a moment, rather than in every worker after
  // each has loaded and opened everything (the workers still report a later failure themselves).
  await checkAddress(serverOptions.host, serverOptions.port);

  // Migrations run once, here, rather than racing in every worker (the engine's and the admin
  // API's too when they run).
  await migrateForServer(serverOptions);

  cluster.setupPrimary({ exec: workerScript(), args: [] });
  const env = { [WORKER_OPTIONS_ENV]: JSON.stringify(serverOptions) };
  const workers = new Set<Worker>();
  let stopping = false;
  const stopAll = (): Promise<void> => {
    stopping = true;
    return Promise.all([...workers].map(stopWorker)).then(() => undefined);
  };

  const started = Array.from({ length: count }, () => startWorker(env));
  for (const { worker } of started) workers.add(worker);
  let url: string;
  try {
    const urls = await Promise.all(started.map((s) => s.listening));
    url = urls[0]!;
    if (urls.some((other) => other !== url)) {
      throw new Error(`workers listen on different addresses: ${[...new Set(urls)].join(', ')}`);
    }
    // One that listened and died while the others were still starting is a failed start too.
    const dead = started.find((s) => s.worker.isDead());
    if (dead) throw new Error(`worker ${dead.worker.process.pid} exited during start-up`);
  } catch (error) {
    await stopAll();
    throw error;
  }

  let finish: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Callers that never look at `done` must not crash the process with an unhandled rejection.
  done.catch(() => undefined);
  const deaths: number[] = [];

  const supervise = (worker: Worker): void => {
    worker.once('exit', (code, signal) => {
      workers.delete(worker);
      if (stopping) return;
      const now = Date.now();
      deaths.push(now);
      while (deaths.length > 0 && now - deaths[0]! > CRASH_WINDOW_MS) deaths.shift();
      const how = describeExit(code, signal);
      if (deaths.length >= MAX_DEATHS) {
        log(
          `worker ${worker.process.pid} died (${how}); ${deaths.length} deaths within ${CRASH_WINDOW_MS / 1000} s, giving up`,
        );
        void stopAll().then(() =>
          fail(
            new Error(
              `workers kept dying (${deaths.length} within ${CRASH_WINDOW_MS / 1000} s, the last with ${how})`,
            ),
          ),
        );
        return;
      }
      const replacement = startWorker(env);
      workers.add(replacement.worker);
      supervise(replacement.worker);
      log(`worker ${worker.process.pid} died (${how}); started worker ${replacement.worker.process.pid}`);
      // A replacement that fails to start is one more death, counted by its own exit.
      replacement.listening.catch((error: unknown) => {
        if (!stopping) log(String(error instanceof Error ? error.message : error));
      });
    });
  };
  for (const worker of workers) supervise(worker);

  let closing: Promise<void> | undefined;
  return {
    url,
    workerPids: () => [...workers].flatMap((w) => (w.process.pid === undefined ? [] : [w.process.pid])),
    close: () => {
      closing ??= stopAll().then(() => finish());
      return closing;
    },
    done,
  };
}
