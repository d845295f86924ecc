/**
 * What `provisio serve` runs beside the SCIM server: one AppWorker (app-worker.ts) per enabled
 * application. The runner re-reads the app definitions every `appRefreshMs`, so `apps apply`,
 * `apps delete` or `enabled: false` take effect while serving, and fans the directory's change
 * notifications (`DirectoryStore.onChange`: this process's commits at once, other processes'
 * within about 50 ms on SQLite or through LISTEN/NOTIFY on PostgreSQL) out to every worker.
 *
 * Several `serve` processes (`--workers N`, or several hosts on one PostgreSQL database) each run
 * a runner; the app leases make exactly one of them provision each app.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DirectoryStore } from '../../directory/directory-store.js';
import type { StoredApp } from '../apps/app-definition.js';
import type { EngineService } from '../cycle/engine-service.js';
import type { EngineStateStore } from '../state/engine-state.js';
import { AppWorker, describe, type AppWorkerSnapshot, type RequestedCycle } from './app-worker.js';
import { silentLog, type RunnerLog } from './runner-log.js';

export interface EngineRunnerOptions {
  readonly directory: Pick<DirectoryStore, 'onChange'>;
  readonly state: Pick<EngineStateStore, 'listApps' | 'listPauses' | 'acquireLease' | 'releaseLease'>;
  readonly engine: Pick<EngineService, 'sync' | 'status'>;
  /** The lease holder name; the engine service must use the same one. Default `leaseHolderName()`. */
  readonly holder?: string;
  /** A holder that dies loses its lease after this long (default 30 s); renewed every third. */
  readonly leaseTtlMs?: number;
  /** Delay between a commit and its near-real-time cycle, coalescing bursts (default 20 ms). */
  readonly debounceMs?: number;
  /** How often the app definitions are re-read (default 2 s). */
  readonly appRefreshMs?: number;
  /** How often an app with held deletions checks for approval (default 2 s). */
  readonly statusPollMs?: number;
  readonly log?: RunnerLog;
}

export interface EngineRunner {
  readonly holder: string;
  /** The apps this process runs or waits for. */
  apps(): readonly AppWorkerSnapshot[];
  /** The definition of a running app (for the webhook's URL). */
  definition(app: string): StoredApp['definition'] | undefined;
  /**
   * Has the app's worker start a cycle now under `request.cycleId`; throws CycleRequestRefused
   * while one runs or another process holds the app, and answers false when this runner has no
   * worker for the app (disabled, paused, or not yet seen).
   */
  requestCycle(app: string, request: RequestedCycle): boolean;
  /** Re-reads the definitions now (also done on a timer). */
  refresh(): Promise<void>;
  /** Stops every app after its current operation and releases the leases. */
  stop(): Promise<void>;
}

export const DEFAULT_LEASE_TTL_MS = 30_000;

/** `host:pid:random`: names this process in `sync`'s "held by" message, unique across restarts. */
export function leaseHolderName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** Starts the runner: reads the apps once before resolving, so a bad database fails the start. */
export async function startEngineRunner(options: EngineRunnerOptions): Promise<EngineRunner> {
  const log = options.log ?? silentLog;
  const holder = options.holder ?? leaseHolderName();
  const deps = {
    state: options.state,
    engine: options.engine,
    holder,
    leaseTtlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
    debounceMs: options.debounceMs ?? 20,
    statusPollMs: options.statusPollMs ?? 2_000,
    log,
  };
  const workers = new Map<string, AppWorker>();
  let stopped = false;
  let refreshing: Promise<void> | undefined;

  const refreshNow = async (): Promise<void> => {
    const [apps, pauses] = await Promise.all([options.state.listApps(), options.state.listPauses()]);
    if (stopped) return;
    // A paused app is stopped like a disabled one, in every process, until it is resumed.
    const paused = new Set(pauses.map((p) => p.appId));
    const wanted = new Map(
      apps.filter((a) => a.definition.enabled && !paused.has(a.id)).map((a) => [a.id, a]),
    );
    const stopping: Promise<void>[] = [];
    for (const [id, worker] of workers) {
      if (wanted.has(id)) continue;
      workers.delete(id);
      log('info', 'app removed, disabled or paused; stopping it', { app: worker.name });
      stopping.push(worker.stop());
    }
    for (const [id, app] of wanted) {
      const worker = workers.get(id);
      if (worker) {
        worker.update(app);
        continue;
      }
      const created = new AppWorker(app, deps);
      workers.set(id, created);
      created.start();
    }
    await Promise.all(stopping);
  };
  const refresh = (): Promise<void> => {
    // One refresh at a time; a caller arriving during one waits for it.
    refreshing ??= refreshNow().finally(() => (refreshing = undefined));
    return refreshing;
  };

  await refresh();
  const unsubscribe = options.directory.onChange(() => {
    for (const worker of workers.values()) worker.notifyChange();
  });
  const timer = setInterval(() => {
    refresh().catch((error: unknown) =>
      log('warn', 'could not re-read the app definitions', { error: describe(error) }),
    );
  }, options.appRefreshMs ?? 2_000);
  timer.unref();

  let stopping: Promise<void> | undefined;
  return {
    holder,
    apps: () => [...workers.values()].map((w) => w.snapshot()),
    definition: (name) => [...workers.values()].find((w) => w.name === name)?.app.definition,
    requestCycle: (name, request) => {
      const worker = [...workers.values()].find((w) => w.name === name);
      if (worker === undefined) return false;
      worker.requestCycle(request);
      return true;
    },
    refresh,
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(timer);
        unsubscribe();
        await refreshing?.catch(() => undefined);
        await Promise.all([...workers.values()].map((w) => w.stop()));
        workers.clear();
      })();
      return stopping;
    },
  };
}
