/**
 * One application's loop inside `provisio serve`: take the app's lease and keep renewing it, run a
 * cycle at once, then one every `cycleIntervalMs` (the safety net) and, with near-real-time on, one
 * a few milliseconds after a directory commit. Changes that arrive while a cycle runs are
 * coalesced into one more cycle right after it, so a burst of writes costs two cycles, not one per
 * write.
 *
 * While another process holds the lease this worker waits and tries again, so with several `serve`
 * workers (or hosts) exactly one runs each app, and a holder that dies is replaced once its lease
 * expires. A quarantined app waits for the quarantine's next attempt; an app whose deletions are
 * held ignores wake-ups and runs only its periodic cycle until `apps approve-deletes` (the hold is
 * polled), so a held app neither spins nor stops noticing a fix in the directory.
 *
 * Nothing here throws out of the loop: a failing cycle or lease query is logged and retried with
 * backoff. `stop()` lets the cycle in progress finish its current operation (the engine sees the
 * abort signal), then releases the lease.
 */
import type { StoredApp } from '../apps/app-definition.js';
import type { CycleReport, EngineService } from '../cycle/engine-service.js';
import type { EngineStateStore } from '../state/engine-state.js';
import { AppBusyError, claimLease } from '../cycle/app-lease.js';
import type { RunnerLog } from './runner-log.js';

export interface AppWorkerDeps {
  readonly state: Pick<EngineStateStore, 'acquireLease' | 'releaseLease'>;
  readonly engine: Pick<EngineService, 'sync' | 'status'>;
  /** This process's lease holder name (`host:pid:random`), as `sync` reports it to others. */
  readonly holder: string;
  readonly leaseTtlMs: number;
  /** Wait after the first change before the near-real-time cycle starts, to coalesce a burst. */
  readonly debounceMs: number;
  /** How often a held app checks whether its deletions were approved. */
  readonly statusPollMs: number;
  readonly log: RunnerLog;
}

/** What `serve` can say about one app (logs, the admin API later). */
export interface AppWorkerSnapshot {
  readonly app: string;
  readonly holding: boolean;
  /** The other holder while this worker waits for the lease. */
  readonly heldBy?: string;
  readonly running: boolean;
  readonly cycles: number;
  readonly lastCycle?: {
    readonly id: string;
    readonly status: CycleReport['status'];
    readonly finished: Date;
  };
  readonly blocked?: 'quarantined' | 'held';
  /** When the next periodic (or quarantine's) cycle is due; changes can start one sooner. */
  readonly nextCycle?: Date;
}

/** A cycle asked for from outside (the admin API's sync): run next, under the id given. */
export interface RequestedCycle {
  readonly cycleId: string;
  readonly restart?: boolean;
  readonly reset?: boolean;
  readonly actor: string;
}

/** Why a requested cycle cannot be queued: one runs already, or another process runs the app. */
export class CycleRequestRefused extends Error {
  readonly reason: 'running' | 'elsewhere';
  readonly holder: string | undefined;
  constructor(reason: 'running' | 'elsewhere', message: string, holder?: string) {
    super(message);
    this.name = 'CycleRequestRefused';
    this.reason = reason;
    this.holder = holder;
  }
}

/** Longest wait after a failed cycle or lease query. */
const MAX_ERROR_BACKOFF_MS = 60_000;

export class AppWorker {
  #app: StoredApp;
  readonly #deps: AppWorkerDeps;
  readonly #stopping = new AbortController();
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  #holding = false;
  #heldBy: string | undefined;
  #leaseExpires = 0;
  #renewTimer: NodeJS.Timeout | undefined;
  #cycleAbort: AbortController | undefined;

  /** When the first unprocessed change arrived (ms), or undefined when there is none. */
  #dirtySince: number | undefined;
  /** A definition change: the next cycle starts at once. */
  #redefined = false;
  #nextPeriodic = 0;
  /** No cycle before this (quarantine's next attempt, or error backoff). */
  #blockedUntil = 0;
  #blocked: AppWorkerSnapshot['blocked'];
  #holdCheckAt = 0;
  #errors = 0;
  #cycles = 0;
  #running = false;
  #lastCycle: AppWorkerSnapshot['lastCycle'];
  #requested: RequestedCycle | undefined;

  constructor(app: StoredApp, deps: AppWorkerDeps) {
    this.#app = app;
    this.#deps = deps;
  }

  get name(): string {
    return this.#app.definition.name;
  }

  get app(): StoredApp {
    return this.#app;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** A new version of the definition (apply while serving): settings take effect, a cycle runs. */
  update(app: StoredApp): void {
    // The flag cleared is the end of a full cycle, not a reason for another one.
    const changed =
      app.version !== this.#app.version || (app.fullSyncRequired && !this.#app.fullSyncRequired);
    this.#app = app;
    if (changed) {
      this.#redefined = true;
      this.#wakeUp();
    }
  }

  /** A directory commit: schedules a near-real-time cycle when the app wants one. */
  notifyChange(): void {
    if (!this.#app.definition.settings.nearRealTime) return;
    this.#dirtySince ??= Date.now();
    this.#wakeUp();
  }

  /**
   * Queues a cycle to start at once (before any wait, quarantine's or a hold's included: someone
   * asked for it). Refused while a cycle runs or is already requested, and while another process
   * holds the app's lease (that process runs its cycles).
   */
  requestCycle(request: RequestedCycle): void {
    if (this.#running || this.#requested !== undefined) {
      throw new CycleRequestRefused('running', `a cycle of '${this.name}' is running`);
    }
    if (!this.#holding) {
      throw new CycleRequestRefused(
        'elsewhere',
        `'${this.name}' is run by another worker${this.#heldBy !== undefined ? ` (${this.#heldBy})` : ''}`,
        this.#heldBy,
      );
    }
    this.#requested = request;
    this.#wakeUp();
  }

  snapshot(): AppWorkerSnapshot {
    return {
      app: this.name,
      holding: this.#holding,
      ...(this.#heldBy !== undefined && !this.#holding ? { heldBy: this.#heldBy } : {}),
      // A requested cycle counts as running from the request on: a second request is refused.
      running: this.#running || this.#requested !== undefined,
      cycles: this.#cycles,
      ...(this.#lastCycle !== undefined ? { lastCycle: this.#lastCycle } : {}),
      ...(this.#blocked !== undefined ? { blocked: this.#blocked } : {}),
      ...(this.#holding && this.#nextPeriodic > 0
        ? { nextCycle: new Date(Math.max(this.#nextPeriodic, this.#blockedUntil)) }
        : {}),
    };
  }

  /** Finishes the cycle in progress (its current operation), releases the lease. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#cycleAbort?.abort();
    this.#wakeUp();
    await this.#loop;
  }

  async #run(): Promise<void> {
    try {
      while (!this.#stopping.signal.aborted) {
        if (!this.#holding && !(await this.#takeLease())) {
          await this.#sleep(this.#leaseRetryMs());
          continue;
        }
        const wait = await this.#msUntilNextCycle();
        if (wait > 0) {
          await this.#sleep(wait);
          continue;
        }
        await this.#cycle();
      }
    } finally {
      await this.#releaseLease();
    }
  }

  async #takeLease(): Promise<boolean> {
    const { state, holder, leaseTtlMs, log } = this.#deps;
    try {
      const result = await claimLease(state, this.#app.id, holder, leaseTtlMs);
      if (!result.acquired) {
        if (this.#heldBy !== result.holder) {
          log('info', 'app is run by another worker; waiting for its lease', {
            app: this.name,
            holder: result.holder,
            expires: result.expires.toISOString(),
          });
        }
        this.#heldBy = result.holder;
        this.#leaseExpires = result.expires.getTime();
        return false;
      }
      this.#holding = true;
      this.#heldBy = undefined;
      this.#leaseExpires = result.expires.getTime();
      this.#errors = 0;
      // The first cycle after taking the lease runs at once: the previous holder may have died
      // with changes unprocessed.
      this.#nextPeriodic = 0;
      await this.#readBlockedState();
      this.#startRenewing();
      log('info', 'app lease taken; provisioning', { app: this.name, holder });
      return true;
    } catch (error) {
      log('warn', 'could not take the app lease; retrying', { app: this.name, error: describe(error) });
      return false;
    }
  }

  /** Retries a little after the other holder's lease would expire, but at least every ttl / 3. */
  #leaseRetryMs(): number {
    const third = Math.max(50, Math.floor(this.#deps.leaseTtlMs / 3));
    const untilExpiry = this.#leaseExpires - Date.now() + 25;
    return Math.max(25, Math.min(third, untilExpiry > 0 ? untilExpiry : third));
  }

  #startRenewing(): void {
    clearInterval(this.#renewTimer);
    const every = Math.max(50, Math.floor(this.#deps.leaseTtlMs / 3));
    this.#renewTimer = setInterval(() => void this.#renew(), every);
    this.#renewTimer.unref();
  }

  async #renew(): Promise<void> {
    if (!this.#holding || this.#stopping.signal.aborted) return;
    const { state, holder, leaseTtlMs, log } = this.#deps;
    try {
      const result = await claimLease(state, this.#app.id, holder, leaseTtlMs);
      if (result.acquired) {
        this.#leaseExpires = result.expires.getTime();
        return;
      }
      log('warn', 'app lease lost to another worker; stopping after the current operation', {
        app: this.name,
        holder: result.holder,
      });
      this.#heldBy = result.holder;
      this.#leaseExpires = result.expires.getTime();
      this.#loseLease();
    } catch (error) {
      // A renewal that fails (database busy, connection lost) is retried at the next tick; only
      // once the lease has run out does this worker stop acting as its holder.
      if (Date.now() >= this.#leaseExpires) {
        log('warn', 'app lease expired while it could not be renewed', {
          app: this.name,
          error: describe(error),
        });
        this.#loseLease();
      }
    }
  }

  #loseLease(): void {
    this.#holding = false;
    clearInterval(this.#renewTimer);
    this.#cycleAbort?.abort();
    this.#wakeUp();
  }

  async #releaseLease(): Promise<void> {
    clearInterval(this.#renewTimer);
    if (!this.#holding) return;
    this.#holding = false;
    try {
      await this.#deps.state.releaseLease(this.#app.id, this.#deps.holder);
    } catch (error) {
      this.#deps.log('warn', 'could not release the app lease; it expires by itself', {
        app: this.name,
        error: describe(error),
      });
    }
  }

  /** Quarantine and held deletions as the state has them, read when the lease is taken. */
  async #readBlockedState(): Promise<void> {
    try {
      const status = await this.#deps.engine.status(this.name);
      this.#applyBlocked(status.quarantine?.nextAttempt, status.hold !== undefined && !status.hold.approved);
    } catch (error) {
      this.#deps.log('warn', 'could not read the app status', { app: this.name, error: describe(error) });
    }
  }

  #applyBlocked(quarantineNext: Date | undefined, held: boolean): void {
    if (quarantineNext !== undefined) {
      this.#blocked = 'quarantined';
      this.#blockedUntil = Math.max(this.#blockedUntil, quarantineNext.getTime());
      // The quarantine's next attempt is a cycle of its own, not only a gate for wake-ups.
      this.#nextPeriodic = Math.min(this.#nextPeriodic, this.#blockedUntil);
    } else if (held) {
      this.#blocked = 'held';
      this.#holdCheckAt = Date.now() + this.#deps.statusPollMs;
    } else {
      this.#blocked = undefined;
    }
  }

  async #msUntilNextCycle(): Promise<number> {
    if (this.#requested !== undefined) return 0;
    const now = Date.now();
    if (now < this.#blockedUntil) return this.#blockedUntil - now;
    const periodic = this.#nextPeriodic - now;
    if (this.#blocked === 'held') {
      if (now >= this.#holdCheckAt) {
        await this.#readBlockedState();
        if (this.#blocked !== 'held') return 0; // approved or lifted: run now
      }
      return Math.min(periodic, this.#holdCheckAt - now);
    }
    if (this.#redefined) return 0;
    if (this.#dirtySince !== undefined && this.#app.definition.settings.nearRealTime) {
      return Math.min(periodic, this.#dirtySince + this.#deps.debounceMs - now);
    }
    return periodic;
  }

  async #cycle(): Promise<void> {
    const { engine, log } = this.#deps;
    const started = Date.now();
    this.#dirtySince = undefined;
    this.#redefined = false;
    this.#nextPeriodic = started + this.#app.definition.settings.cycleIntervalMs;
    const abort = new AbortController();
    this.#cycleAbort = abort;
    this.#running = true;
    const requested = this.#requested;
    this.#requested = undefined;
    try {
      const report = await engine.sync(this.name, {
        signal: abort.signal,
        leaseWaitMs: 0,
        actor: requested?.actor ?? 'serve',
        ...(requested !== undefined ? { cycleId: requested.cycleId } : {}),
        ...(requested?.restart === true ? { restart: true } : {}),
        ...(requested?.reset === true ? { reset: true } : {}),
      });
      this.#cycles++;
      this.#errors = 0;
      this.#lastCycle = { id: report.cycleId, status: report.status, finished: report.finished };
      if (report.status === 'quarantined') {
        this.#applyBlocked(report.quarantine?.nextAttempt ?? new Date(this.#nextPeriodic), false);
      } else if (report.status === 'held') {
        this.#applyBlocked(undefined, true);
      } else {
        this.#blocked = undefined;
      }
      const s = report.summary;
      log(report.status === 'completed' ? 'info' : 'warn', 'cycle finished', {
        app: this.name,
        cycleId: report.cycleId,
        kind: report.kind,
        status: report.status,
        durationMs: report.finished.getTime() - report.started.getTime(),
        create: s.create,
        update: s.update,
        disable: s.disable,
        delete: s.delete,
        skip: s.skip,
        failure: s.failure,
      });
    } catch (error) {
      if (abort.signal.aborted) return;
      if (error instanceof AppBusyError) {
        // Another process took the app between this worker's renewals (a `sync` run by hand).
        this.#heldBy = error.holder;
        this.#leaseExpires = error.expires.getTime();
        this.#loseLease();
        return;
      }
      this.#errors++;
      const backoff = Math.min(
        MAX_ERROR_BACKOFF_MS,
        this.#app.definition.settings.cycleIntervalMs,
        1000 * 2 ** (this.#errors - 1),
      );
      this.#blockedUntil = Date.now() + backoff;
      this.#nextPeriodic = this.#blockedUntil;
      log('error', 'cycle failed; retrying', { app: this.name, error: describe(error), retryInMs: backoff });
    } finally {
      this.#running = false;
      this.#cycleAbort = undefined;
    }
    // The engine leaves the lease held when its cycle ends (retainLease); renewing it here keeps
    // its expiry counted from the end of a long cycle.
    if (this.#holding && !this.#stopping.signal.aborted) await this.#renew();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = (): void => {
        clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      timer = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      this.#wake = done;
    });
  }

  #wakeUp(): void {
    this.#wake?.();
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
