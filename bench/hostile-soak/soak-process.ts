/**
 * Starts the soak server child (TypeScript through tsx, with --expose-gc), asks it for its memory,
 * and samples its resident set size from /proc while load runs, for the peak.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SoakChildMessage, SoakMemory, SoakParentMessage, SoakReady } from './soak-protocol.js';
import { SEED_USERS_ENV, SOURCE_ROOT_ENV, SQLITE_FILE_ENV } from './soak-protocol.js';

/** What to start. */
export interface SoakServerSpec {
  readonly sqliteFile: string;
  readonly seedUsers: number;
  /** Root of the checkout whose src/ is run; undefined runs this one. */
  readonly sourceRoot: string | undefined;
  /** Extra environment (e.g. MALLOC_ARENA_MAX). */
  readonly env: Readonly<Record<string, string>>;
}

/** A running soak server. */
export interface SoakServer extends SoakReady {
  readonly pid: number;
  readonly baseUrl: string;
  /** The child's memory; with `gc` after two full collections. */
  memory(gc: boolean): Promise<SoakMemory>;
  /** Writes a V8 heap snapshot of the child to `file`. */
  snapshot(file: string): Promise<void>;
  /** The child's resident set size now, read from /proc (0 if it has gone). */
  rss(): number;
  /** The child's highest resident set size so far (VmHWM). */
  peakRss(): number;
  stop(): Promise<void>;
}

/**
 * A size field of /proc/<pid>/status in bytes: `VmRSS` (resident now) or `VmHWM` (the highest
 * resident size of the process's life, which the kernel tracks exactly, so no sampling can miss
 * a short peak). 0 if the process has gone.
 */
export function statusBytesOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
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

/** Forks the soak server and resolves once it listens. */
export function startSoakServer(spec: SoakServerSpec): Promise<SoakServer> {
  const modulePath = fileURLToPath(new URL('./soak-server.ts', import.meta.url));
  const child = fork(modulePath, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: {
      ...process.env,
      ...spec.env,
      [SQLITE_FILE_ENV]: spec.sqliteFile,
      [SEED_USERS_ENV]: String(spec.seedUsers),
      ...(spec.sourceRoot !== undefined ? { [SOURCE_ROOT_ENV]: spec.sourceRoot } : {}),
    },
    // The server logs every request at info, as in production; nobody reads it here.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ask = <K extends SoakChildMessage['kind']>(
    message: SoakParentMessage,
    kind: K,
  ): Promise<Extract<SoakChildMessage, { kind: K }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (reply: SoakChildMessage): void => {
        if (reply.kind !== kind) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(reply as Extract<SoakChildMessage, { kind: K }>);
      };
      const onExit = (): void => {
        child.off('message', onMessage);
        reject(new Error('the soak server exited'));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(message);
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await waitForExit(child, 10_000);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('the soak server did not start within 120 s'));
    }, 120_000);
    const onExit = (code: number | null, signal: string | null): void => {
      clearTimeout(timer);
      reject(new Error(`the soak server exited before it was ready (code ${code}, signal ${signal})`));
    };
    child.once('exit', onExit);
    const onMessage = (message: SoakChildMessage): void => {
      if (message.kind !== 'ready' && message.kind !== 'failed') return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onMessage);
      if (message.kind === 'failed') {
        void stop();
        reject(new Error(`the soak server failed to start: ${message.message}`));
        return;
      }
      const pid = child.pid ?? -1;
      resolve({
        ...message,
        pid,
        baseUrl: `http://127.0.0.1:${message.port}`,
        memory: (gc) => ask({ kind: 'memory', gc }, 'memory'),
        snapshot: async (file) => {
          await ask({ kind: 'snapshot', file }, 'snapshot');
        },
        rss: () => statusBytesOf(pid, 'VmRSS'),
        peakRss: () => statusBytesOf(pid, 'VmHWM'),
        stop,
      });
    };
    child.on('message', onMessage);
  });
}
