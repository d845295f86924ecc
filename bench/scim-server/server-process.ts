/**
 * Starts a server under test in its own Node.js process (TypeScript through tsx) and waits until it
 * reports that it listens, so the load generator in the parent never competes with it for an event loop.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServerMessage, ServerReady } from './server-protocol.js';
import { SEED_COUNT_ENV } from './server-protocol.js';

/** A running server child: what it reported when ready, and how to stop it. */
export interface RunningServer extends ServerReady {
  readonly pid: number;
  /**
   * The server process and all its descendants alive now (a cluster's supervisor and its workers):
   * sum their CPU for the server's total. Read it at the start and the end of a measurement.
   */
  pids(): number[];
  readonly baseUrl: string;
  stop(): Promise<void>;
  /** Kills the process with SIGKILL, as a crash would: nothing gets to flush or close. */
  crash(): Promise<void>;
}

/** What to start: a module in this folder plus extra environment. */
export interface ServerSpec {
  readonly module: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly seedUsers: number;
  /** How long seeding and start-up may take before the start counts as failed. */
  readonly startTimeoutMs: number;
}

/** BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of every server process into <dir> when it stops. */
function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** Parent pid of every process, from /proc (empty where there is no /proc). */
function parentPids(): Map<number, number> {
  const parents = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return parents;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name: state, then the parent pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  return parents;
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const parents = parentPids();
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Forks the server module and resolves once it sends `ready`; rejects with its message if it fails. */
export function startServer(spec: ServerSpec): Promise<RunningServer> {
  const modulePath = fileURLToPath(new URL(spec.module, import.meta.url));
  const child = fork(modulePath, [], {
    execArgv: ['--import', 'tsx', ...profileArgs()],
    env: { ...process.env, ...spec.env, [SEED_COUNT_ENV]: String(spec.seedUsers) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await waitForExit(child, 10_000);
  };
  const crash = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await waitForExit(child, 10_000);
  };
  return new Promise<RunningServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${spec.module} did not become ready within ${spec.startTimeoutMs} ms`));
    }, spec.startTimeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${spec.module} exited before it was ready (code ${code}, signal ${signal})`));
    });
    child.on('message', (message: ServerMessage) => {
      clearTimeout(timer);
      if (message.kind === 'failed') {
        void stop();
        reject(new Error(`${spec.module} failed to start: ${message.message}`));
        return;
      }
      resolve({
        ...message,
        pid: child.pid ?? -1,
        pids: () => (child.pid === undefined ? [] : processTree(child.pid)),
        baseUrl: `http://127.0.0.1:${message.port}`,
        stop,
        crash,
      });
    });
  });
}
