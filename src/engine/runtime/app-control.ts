/**
 * What an operator does to a running service's apps, for the admin API and the console: start a
 * cycle now (answering its id at once), pause and resume, and the app's live status. Pauses are in
 * the engine's state, so every `serve` process's runner honours them; a cycle is started through
 * the runner's worker when this process runs the app (the worker holds the lease), else in the
 * background on the engine service given, under its own lease.
 */
import { randomUUID } from 'node:crypto';
import type { StoredApp } from '../apps/app-definition.js';
import type { AppStatus, EngineEventSink, EngineService } from '../cycle/engine-service.js';
import type { AppPause, CycleRecord, EngineStateStore } from '../state/engine-state.js';
import type { EngineRunner } from './engine-runner.js';
import type { CycleActivity, RunningCycle } from './cycle-activity.js';
import { CycleRequestRefused } from './app-worker.js';
import { claimLease, describeLeaseHolder } from '../cycle/app-lease.js';

export type AppRunState = 'running' | 'idle' | 'paused' | 'quarantined' | 'held';

/** Why a cycle could not start: one runs (here or in another process), or the app is paused. */
export class CycleConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CycleConflictError';
  }
}

export interface StartCycleOptions {
  /** As `provisio sync --restart`: clear watermark, escrows and quarantine first (links kept). */
  readonly restart?: boolean;
  /** As `provisio sync --reset`: like restart, and forget every link. */
  readonly reset?: boolean;
  readonly actor: string;
}

/** The live status of one app: the engine's status plus pause, running cycle and next run. */
export interface AppLiveStatus {
  readonly state: AppRunState;
  readonly status: AppStatus;
  readonly pause?: AppPause;
  /**
   * The running cycle: its progress live when this process runs it, else as its runner last wrote
   * it to the cycle's row (absent until that first write).
   */
  readonly running?: {
    readonly cycleId: string;
    readonly kind: CycleRecord['kind'];
    readonly started: Date;
    readonly done?: number;
    readonly total?: number;
  };
  /** When serve's runner will next run the app on its own (absent when this process does not run it). */
  readonly nextCycle?: Date;
}

export interface AppControlOptions {
  readonly state: Pick<
    EngineStateStore,
    'setPause' | 'getPause' | 'clearPause' | 'appendAudit' | 'listCycles' | 'acquireLease' | 'transaction'
  >;
  /** The engine the background cycles run on (no runner, or an app the runner does not run). */
  readonly engine: Pick<EngineService, 'sync' | 'status'>;
  /** The lease holder of `engine`, to claim the app before answering that a cycle started. */
  readonly holder: string;
  readonly leaseTtlMs: number;
  readonly activity: CycleActivity;
  /** Where background cycles' failures before their first step are reported (the event bus). */
  readonly emit: EngineEventSink;
  /** serve's runner, when this process runs the engine. */
  readonly runner?: Pick<EngineRunner, 'requestCycle' | 'apps' | 'refresh'>;
  readonly now?: () => Date;
}

/** A pause or resume, for listeners such as the admin API's event stream. */
export interface PauseChange {
  readonly type: 'paused' | 'resumed';
  readonly app: string;
  readonly actor: string;
  readonly at: Date;
}

export class AppControl {
  readonly #o: AppControlOptions;
  readonly #listeners = new Set<(change: PauseChange) => void>();
  /** Background cycles started here and not yet ended, by app id. */
  readonly #background = new Map<string, string>();

  constructor(options: AppControlOptions) {
    this.#o = options;
  }

  /** Follows pauses and resumes made through this object; answers the unsubscribe. */
  onPauseChange(listener: (change: PauseChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(change: PauseChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // A listener must not undo an operator's action.
      }
    }
  }

  #now(): Date {
    return this.#o.now?.() ?? new Date();
  }

  /** Starts a cycle and answers its id before it ends; CycleConflictError when it cannot start. */
  async startCycle(app: StoredApp, options: StartCycleOptions): Promise<{ readonly cycleId: string }> {
    const name = app.definition.name;
    if ((await this.#o.state.getPause(app.id)) !== undefined) {
      throw new CycleConflictError(`'${name}' is paused; resume it first`);
    }
    const cycleId = randomUUID();
    const request = {
      cycleId,
      actor: options.actor,
      ...(options.restart === true ? { restart: true } : {}),
      ...(options.reset === true ? { reset: true } : {}),
    };
    try {
      if (this.#o.runner?.requestCycle(name, request) === true) return { cycleId };
    } catch (error) {
      if (error instanceof CycleRequestRefused) throw new CycleConflictError(error.message);
      throw error;
    }
    if (this.#background.has(app.id) || this.#o.activity.running(name) !== undefined) {
      throw new CycleConflictError(`a cycle of '${name}' is running`);
    }
    // Claim the app now, so a cycle held elsewhere is a 409 here and not a failure after the 202.
    const lease = await claimLease(this.#o.state, app.id, this.#o.holder, this.#o.leaseTtlMs);
    if (!lease.acquired) {
      throw new CycleConflictError(
        `'${name}' is being provisioned by ${describeLeaseHolder(lease.holder, lease.process)} (lease until ${lease.expires.toISOString()})`,
      );
    }
    this.#background.set(app.id, cycleId);
    void this.#o.engine
      .sync(name, { ...request, leaseWaitMs: 0 })
      .catch((error: unknown) => {
        // The engine reported failures inside the cycle itself; this is one before it began.
        if (!this.#o.activity.hasStarted(cycleId)) {
          this.#o.emit({
            type: 'cycleFailed',
            app: name,
            cycleId,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      })
      .finally(() => this.#background.delete(app.id));
    return { cycleId };
  }

  /** Pauses the app in every process (the running cycle stops after its current operation). */
  async pause(app: StoredApp, actor: string): Promise<AppPause> {
    const pause = await this.#o.state.transaction(async (state) => {
      const existing = await state.getPause(app.id);
      if (existing !== undefined) return existing;
      const made = await state.setPause({ appId: app.id, since: this.#now(), actor });
      await state.appendAudit({ at: made.since, actor, action: 'pause', app: app.definition.name });
      return made;
    });
    await this.#o.runner?.refresh();
    if (pause.actor === actor)
      this.#changed({ type: 'paused', app: app.definition.name, actor, at: pause.since });
    return pause;
  }

  /** Resumes a paused app; false when it was not paused. */
  async resume(app: StoredApp, actor: string): Promise<boolean> {
    const resumed = await this.#o.state.transaction(async (state) => {
      const before = await state.getPause(app.id);
      if (!(await state.clearPause(app.id))) return false;
      await state.appendAudit({
        at: this.#now(),
        actor,
        action: 'resume',
        app: app.definition.name,
        ...(before !== undefined
          ? { before: { since: before.since.toISOString(), actor: before.actor } }
          : {}),
      });
      return true;
    });
    await this.#o.runner?.refresh();
    if (resumed) this.#changed({ type: 'resumed', app: app.definition.name, actor, at: this.#now() });
    return resumed;
  }

  async status(app: StoredApp): Promise<AppLiveStatus> {
    const name = app.definition.name;
    const [status, pause, cycles] = await Promise.all([
      this.#o.engine.status(name),
      this.#o.state.getPause(app.id),
      this.#o.state.listCycles(app.id, 1),
    ]);
    const local: RunningCycle | undefined = this.#o.activity.running(name);
    const row = cycles[0]?.status === 'running' ? cycles[0] : undefined;
    const running =
      local !== undefined
        ? {
            cycleId: local.cycleId,
            kind: local.kind,
            started: local.started,
            done: local.done,
            ...(local.total !== undefined ? { total: local.total } : {}),
          }
        : row !== undefined
          ? {
              cycleId: row.id,
              kind: row.kind,
              started: row.started,
              // Another process runs it: as far as its runner last wrote (a few hundred ms behind).
              ...(row.progress !== undefined ? { done: row.progress.done } : {}),
              ...(row.progress?.total !== undefined ? { total: row.progress.total } : {}),
            }
          : undefined;
    const worker = this.#o.runner?.apps().find((w) => w.app === name);
    // Asked for and about to start (no event, no row yet) is running too.
    const starting = worker?.running === true || this.#background.has(app.id);
    const state: AppRunState =
      running !== undefined || starting
        ? 'running'
        : pause !== undefined
          ? 'paused'
          : status.quarantine !== undefined
            ? 'quarantined'
            : status.hold !== undefined && !status.hold.approved
              ? 'held'
              : 'idle';
    return {
      state,
      status,
      ...(pause !== undefined ? { pause } : {}),
      ...(running !== undefined ? { running } : {}),
      ...(worker?.nextCycle !== undefined && pause === undefined ? { nextCycle: worker.nextCycle } : {}),
    };
  }
}
