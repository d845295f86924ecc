/**
 * Entry point of one server worker of `provisio serve --workers N`, forked by the supervisor
 * (server-cluster.ts) through node:cluster. It runs the same server as a single process, on the
 * same host and port: the cluster primary owns the listening socket and hands connections round
 * robin to the workers. The supervisor decides when to stop, so this process ignores SIGINT (a
 * Ctrl-C reaches the whole process group) and stops gracefully on SIGTERM (which the supervisor
 * sends) or when the supervisor disappears.
 */
import cluster from 'node:cluster';
import { runServer, type RunningServer } from '../main.js';
import { workerOptionsFromEnv, type WorkerMessage } from './cluster-protocol.js';

if (cluster.isPrimary) {
  throw new Error('server-worker is started by the cluster supervisor (provisio serve --workers N)');
}

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

let server: RunningServer | undefined;
let stopping = false;

/** Stops accepting, lets in-flight requests finish, closes the store, then exits. */
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  let code = 0;
  try {
    await server?.close();
  } catch (error) {
    process.stderr.write(`provisio: worker ${process.pid} shutdown failed: ${String(error)}\n`);
    code = 1;
  }
  process.exit(code);
}

process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());

try {
  const options = workerOptionsFromEnv(process.env);
  server = await runServer(options);
  if (stopping) await server.close();
  else await send({ kind: 'listening', url: server.url });
} catch (error) {
  await send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
