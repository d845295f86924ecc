/**
 * The engine service: every surface (CLI, serve, admin API) runs cycles, previews, on-demand
 * provisioning and reconciliation through this one object. It owns the order of a cycle — lease,
 * restart/reset, quarantine check, phases, guard, follow-ups, quarantine verdict, watermark — and
 * leaves planning to the planner and connector writes to the executor.
 */
import { randomUUID, getRandomValues } from 'node:crypto';
import { hostname } from 'node:os';
import type { EvaluationContext } from '../../expressions/index.js';
import { createEvaluationContext } from '../../expressions/index.js';
import type { DirectoryStore } from '../../directory/directory-store.js';
import { findUser } from './find-user.js';
import type { Connector } from '../../connectors/spi/connector.js';
import { capabilitiesFor } from '../../connectors/spi/capabilities.js';
import type { StoredApp } from '../apps/app-definition.js';
import type { CompiledApp } from '../apps/compile-app.js';
import { accountSourceName } from '../state/account-name.js';
import type { CycleKind, DeletionHold, EngineStateStore, StateObjectType } from '../state/engine-state.js';
import { AppScheduler } from './app-scheduler.js';
import type { CycleRun as CycleRunType } from './cycle-run.js';
import { CycleRun, key } from './cycle-run.js';
import { fullPass, processDirty, processFollowUps, processIds, readDirty } from './cycle-phases.js';
import type { Clock } from './engine-clock.js';
import { systemClock } from './engine-clock.js';
import type {
  AppStatus,
  CycleProgress,
  CycleReport,
  EngineEvent,
  EngineEventSink,
  EngineService,
  ManagedAccount,
  PreviewReport,
  ProvisionReport,
  ReconcileReport,
  SyncOptions,
} from './engine-service.js';
import { EngineRequestError } from './engine-service.js';
import { AssignmentIndex } from './entitlement.js';
import { CallStats, TargetCalls } from './executor.js';
import type { PlanScope } from './planner.js';
import { reconcileApp } from './reconcile.js';
import type { RetryPolicy } from './retry-policy.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';
import {
  ABORT_AFTER_CONSECUTIVE,
  checkDeletionGuard,
  deletionLimit,
  nextQuarantine,
  shouldQuarantine,
} from './safety-nets.js';
import { compileFlatPaths } from './target-attributes.js';
import { AppBusyError, withLease } from './app-lease.js';
import { ConnectionChecks, connectionFailureReason, testTargetConnection } from './connection-check.js';
import { CycleProgressRecorder } from './cycle-progress-recorder.js';

/** What `loadApp` gives the engine: the stored app, compiled, and its opened (guarded) connector. */
export interface LoadedApp {
  readonly stored: StoredApp;
  readonly compiled: CompiledApp;
  readonly connector: Connector;
}

export interface EngineServiceOptions {
  readonly directory: DirectoryStore;
  readonly state: EngineStateStore;
  /** Loads an app by name; throws when there is none (the apps part's loader). */
  readonly loadApp: (name: string) => Promise<LoadedApp>;
  readonly clock?: Clock;
  /** Randomness for backoff jitter and, when given, for expressions (tests make both reproducible). */
  readonly random?: () => number;
  readonly onEvent?: EngineEventSink;
  readonly retry?: Partial<RetryPolicy>;
  /** How long a lease lasts without renewal (default 60 s); renewed at a third of it. */
  readonly leaseTtlMs?: number;
  /** This worker's name in leases (default host:pid:random). */
  readonly holder?: string;
  /**
   * The caller holds each app's lease under `holder` across cycles (serve's app workers): cycles
   * renew it but leave it held when they end.
   */
  readonly retainLease?: boolean;
}

export { AppBusyError };

/** Builds the engine service. */
export function createEngineService(options: EngineServiceOptions): EngineService {
  return new Engine(options);
}

/** How long `provision` and `reconcile --fix` wait for a cycle that holds the app to finish. */
const ON_DEMAND_LEASE_WAIT_MS = 30_000;

const cryptoRandom = (): number => getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

class Engine implements EngineService {
  readonly #o: EngineServiceOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #retry: RetryPolicy;
  readonly #holder: string;
  readonly #leaseTtlMs: number;
  readonly #connections = new ConnectionChecks();

  constructor(options: EngineServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#leaseTtlMs = options.leaseTtlMs ?? 60_000;
  }

  #emit = (event: EngineEvent): void => {
    try {
      this.#o.onEvent?.(event);
    } catch {
      // A sink must not break a cycle.
    }
  };

  #lease<T>(appId: string, waitMs: number | undefined, work: () => Promise<T>): Promise<T> {
    return withLease(
      this.#o.state,
      this.#clock,
      {
        appId,
        holder: this.#holder,
        ttlMs: this.#leaseTtlMs,
        waitMs: waitMs ?? 0,
        retain: this.#o.retainLease === true,
      },
      work,
    );
  }

  async sync(name: string, options: SyncOptions = {}): Promise<CycleReport> {
    const loaded = await this.#o.loadApp(name);
    const appId = loaded.stored.id;
    const state = this.#o.state;
    return this.#lease(appId, options.leaseWaitMs, async () => {
      const actor = options.actor ?? 'engine';
      if (options.reset || options.restart) {
        await state.clearWatermark(appId);
        await state.clearEscrows(appId);
        await state.clearQuarantine(appId);
        if (options.reset) {
          await state.deleteLinks(appId);
          await state.clearPendingReferences(appId);
          await state.clearDeletionHold(appId);
        }
        await state.appendAudit({
          at: this.#clock.now(),
          actor,
          action: options.reset ? 'reset' : 'restart',
          app: name,
        });
      }
      const now = this.#clock.now();
      const quarantine = await state.getQuarantine(appId);
      if (quarantine && quarantine.nextAttempt > now) {
        // Quarantined apps are tried on their own interval, not on every request.
        return {
          cycleId: '',
          app: name,
          kind: 'incremental',
          status: 'quarantined',
          started: now,
          finished: now,
          summary: emptySummary(),
          quarantine,
          failures: [],
        };
      }
      const watermark = await state.getWatermark(appId);
      const kind: CycleKind =
        watermark === undefined || loaded.stored.fullSyncRequired ? 'initial' : 'incremental';
      return this.#cycle(loaded, kind, watermark, {
        dryRun: false,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.cycleId !== undefined ? { cycleId: options.cycleId } : {}),
      });
    });
  }

  async preview(
    name: string,
    options: { onProgress?: CycleProgress; signal?: AbortSignal } = {},
  ): Promise<PreviewReport> {
    const loaded = await this.#o.loadApp(name);
    const watermark = await this.#o.state.getWatermark(loaded.stored.id);
    const kind: CycleKind =
      watermark === undefined || loaded.stored.fullSyncRequired ? 'initial' : 'incremental';
    const { run, report, wouldHold } = await this.#cycleRun(loaded, kind, watermark, {
      dryRun: true,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { app: name, kind: report.kind, summary: report.summary, items: run.items, wouldHold };
  }

  async #cycle(
    loaded: LoadedApp,
    kind: CycleKind,
    watermark: number | undefined,
    options: { dryRun: boolean; onProgress?: CycleProgress; signal?: AbortSignal; cycleId?: string },
  ): Promise<CycleReport> {
    return (await this.#cycleRun(loaded, kind, watermark, options)).report;
  }

  #makeRun(
    loaded: LoadedApp,
    cycleId: string,
    kind: CycleKind,
    assignments: AssignmentIndex,
    dryRun: boolean,
    onProgress?: CycleProgress,
    abort?: AbortSignal,
  ): CycleRunType {
    const settings = loaded.stored.definition.settings;
    const clock = this.#clock;
    const scheduler = new AppScheduler({
      concurrency: settings.concurrency,
      ...(settings.rateLimitPerSecond !== undefined
        ? { rateLimitPerSecond: settings.rateLimitPerSecond }
        : {}),
      clock,
    });
    // Connector calls and retry waits stop on the caller's signal (serve's shutdown, Ctrl-C) and on
    // the run's own (the run gave up on the target); no new operation starts once either fired.
    const stop = new AbortController();
    const signal = abort ? AbortSignal.any([abort, stop.signal]) : stop.signal;
    const calls = new TargetCalls(
      loaded.connector,
      scheduler,
      clock,
      this.#random,
      this.#retry,
      new CallStats(),
      signal,
    );
    const scopes: Partial<Record<StateObjectType, PlanScope>> = {};
    for (const type of ['User', 'Group'] as const) {
      const compiledType = loaded.compiled[type];
      if (!compiledType || !loaded.connector.capabilities.objectTypes.includes(type)) continue;
      scopes[type] = {
        objectType: type,
        type: compiledType,
        flat: compileFlatPaths(compiledType.mapping.targets),
        settings,
        capabilities: capabilitiesFor(loaded.connector.capabilities, type),
        evaluation: this.#evaluation(loaded.connector, type, dryRun, signal),
      };
    }
    return new CycleRun(
      { directory: this.#o.directory, state: this.#o.state, clock, retry: this.#retry, emit: this.#emit },
      loaded.stored,
      loaded.compiled,
      scopes,
      calls,
      scheduler,
      assignments,
      {
        cycleId,
        kind,
        dryRun,
        logUnentitled: kind !== 'initial',
        keepItems: dryRun || kind === 'onDemand',
        keepEntries: kind === 'onDemand',
        stop,
        ...(onProgress ? { onProgress } : {}),
      },
    );
  }

  /** Expressions' clock, randomness and SelectUniqueValue's question to the target. */
  #evaluation(
    connector: Connector,
    objectType: StateObjectType,
    dryRun: boolean,
    signal: AbortSignal,
  ): EvaluationContext {
    if (dryRun && this.#o.random === undefined) return createEvaluationContext({ now: this.#clock.now() });
    const random = this.#o.random ?? cryptoRandom;
    // A type the connector cannot find (byType) leaves SelectUniqueValue without the question.
    const find =
      capabilitiesFor(connector.capabilities, objectType).find === false ? undefined : connector.find;
    return {
      now: () => this.#clock.now(),
      random,
      ...(find
        ? {
            isValueTaken: async (candidate: string, attribute: string | undefined) =>
              attribute === undefined
                ? false
                : (await find({ objectType, attribute, value: candidate }, signal)).length > 0,
          }
        : {}),
    };
  }

  async #cycleRun(
    loaded: LoadedApp,
    requestedKind: CycleKind,
    watermark: number | undefined,
    options: { dryRun: boolean; onProgress?: CycleProgress; signal?: AbortSignal; cycleId?: string },
  ): Promise<{ run: CycleRunType; report: CycleReport; wouldHold: boolean }> {
    const state = this.#o.state;
    const directory = this.#o.directory;
    const appId = loaded.stored.id;
    const cycleId = options.cycleId ?? randomUUID();
    const started = this.#clock.now();
    const assignments = await AssignmentIndex.load(directory, appId, loaded.stored.definition);
    let kind = requestedKind;
    const app = loaded.stored.definition.name;
    // A real cycle tells the event sink how far it got (the console's progress), and its row for
    // other processes' status; a preview does neither.
    const recorder = options.dryRun ? undefined : new CycleProgressRecorder(state, cycleId);
    const onProgress: CycleProgress | undefined = options.dryRun
      ? options.onProgress
      : (done, total) => {
          options.onProgress?.(done, total);
          recorder?.note(done, total);
          this.#emit({ type: 'cycleProgress', app, cycleId, done, total });
        };
    const run = this.#makeRun(loaded, cycleId, kind, assignments, options.dryRun, onProgress, options.signal);
    if (!options.dryRun) {
      await state.startCycle({
        id: cycleId,
        appId,
        kind,
        started,
        summary: {},
        ...(watermark !== undefined ? { fromSeq: watermark } : {}),
      });
      run.escrowed = new Set((await state.listEscrows(appId)).map((e) => key(e.objectType, e.sourceId)));
      this.#emit({ type: 'cycleStarted', app, cycleId, kind, started });
    }
    let connectionPassed = false;
    try {
      if (!options.dryRun) {
        const checked = await this.#checkConnection(loaded, run, cycleId, kind, started, options.signal);
        if (checked === 'passed') connectionPassed = true;
        else if (checked !== undefined) return { run, report: checked, wouldHold: false };
      }
      let toSeq: number | undefined;
      let emptySource = false;
      const initial = async () => {
        kind = 'initial';
        // Where the feed stands before the pass: the watermark the pass leaves behind.
        const head = await directory.headSeq();
        run.checkStoredPending = (await state.countLinks(appId)) > 0;
        run.storedLinks = run.checkStoredPending;
        run.comingLater.add('Group');
        const users = await fullPass(run, 'User', directory);
        run.comingLater.delete('Group');
        const groups = run.halted ? { seen: 0 } : await fullPass(run, 'Group', directory);
        for (const [type, pass] of [
          ['User', users],
          ['Group', groups],
        ] as const) {
          if (run.scopes[type] && pass.seen === 0 && (await state.countLinks(appId, type)) > 0)
            emptySource = true;
        }
        toSeq = head;
      };
      if (kind === 'initial' || watermark === undefined) await initial();
      else {
        const dirty = await readDirty(run, directory, watermark);
        if ('resync' in dirty) await initial();
        else {
          await processDirty(run, directory, dirty);
          toSeq = dirty.lastSeq;
        }
      }
      // Stopped from outside during the phases: no guard verdict from a partial count.
      options.signal?.throwIfAborted();
      const guard = async (): Promise<DeletionHold | undefined> => {
        if (run.deferred.length === 0) return undefined;
        const threshold = loaded.stored.definition.settings.deletionThreshold;
        if (options.dryRun) {
          const limit = deletionLimit(threshold, await state.countLinks(appId));
          if (run.deferred.length > limit || emptySource) {
            wouldHold = true;
          }
          await run.executeDeferred();
          return undefined;
        }
        const verdict = await checkDeletionGuard(state, {
          appId,
          cycleId,
          count: run.deferred.length,
          threshold,
          emptySource,
          now: this.#clock.now(),
        });
        if (verdict.hold) {
          await run.holdDeferred();
          run.blocked = true;
          this.#emit({ type: 'deletionsHeld', app: loaded.stored.definition.name, hold: verdict.record });
          return verdict.record;
        }
        await run.executeDeferred();
        if (verdict.approvedHold) await state.clearDeletionHold(appId);
        return undefined;
      };
      let wouldHold = false;
      let hold = await guard();
      if (!run.halted) {
        await processFollowUps(run, directory);
        hold = (await guard()) ?? hold;
      }
      if (run.calls.stats.consecutiveTargetWide >= ABORT_AFTER_CONSECUTIVE && run.calls.stats.successes === 0)
        run.aborted = true;

      // Stopped from outside (Ctrl-C, shutdown): what was done is recorded, the watermark stays.
      options.signal?.throwIfAborted();
      let quarantine = undefined;
      if (!options.dryRun) {
        const previous = await state.getQuarantine(appId);
        if (shouldQuarantine(run.calls.stats, run.aborted)) {
          const reason = run.calls.stats.lastTargetWide?.message ?? 'most operations failed';
          quarantine = nextQuarantine(appId, previous, reason, this.#clock.now());
          await state.setQuarantine(quarantine);
          this.#connections.forget(loaded.connector);
          this.#emit({ type: 'quarantined', app: loaded.stored.definition.name, quarantine });
          run.blocked = true;
        } else if (
          previous &&
          (run.calls.stats.successes > 0 || (connectionPassed && run.calls.stats.failures === 0))
        ) {
          // Lifted by a success, or by a passed connection test in a cycle that had nothing to send.
          await state.clearQuarantine(appId);
          this.#emit({ type: 'quarantineLifted', app: loaded.stored.definition.name });
        } else if (previous) quarantine = previous;
        if (!run.blocked && toSeq !== undefined) {
          await state.setWatermark(appId, toSeq);
          if (loaded.stored.fullSyncRequired) await state.setFullSyncRequired(appId, false);
        }
      }
      await run.flush();
      const status = hold
        ? 'held'
        : quarantine && run.calls.stats.successes === 0
          ? 'quarantined'
          : run.summary.failure > 0
            ? 'completedWithFailures'
            : 'completed';
      const summary = run.summaryJson();
      await recorder?.stop();
      if (!options.dryRun)
        await state.finishCycle(cycleId, status, { ...summary }, run.blocked ? undefined : toSeq);
      const report: CycleReport = {
        cycleId,
        app: loaded.stored.definition.name,
        kind,
        status,
        started,
        finished: this.#clock.now(),
        summary,
        ...(hold ? { hold } : {}),
        ...(quarantine ? { quarantine } : {}),
        failures: run.failures,
      };
      if (!options.dryRun) this.#emit({ type: 'cycleFinished', app: report.app, report });
      return { run, report, wouldHold };
    } catch (error) {
      await run.flush().catch(() => undefined);
      await recorder?.stop();
      if (!options.dryRun) {
        await state.finishCycle(cycleId, 'failed', { ...run.summaryJson() }).catch(() => undefined);
        const message = error instanceof Error ? error.message : String(error);
        this.#emit({ type: 'cycleFailed', app, cycleId, error: message });
      }
      throw error;
    }
  }

  /**
   * Tests the connection when it is due (connection-check.ts). A failed test ends the cycle
   * before any object is read: the app is quarantined with the connector's words as the reason
   * and the cycle recorded as quarantined; the report is returned. `passed` when it was tested and
   * passed, undefined when no test was due.
   */
  async #checkConnection(
    loaded: LoadedApp,
    run: CycleRunType,
    cycleId: string,
    kind: CycleKind,
    started: Date,
    signal: AbortSignal | undefined,
  ): Promise<CycleReport | 'passed' | undefined> {
    const state = this.#o.state;
    const appId = loaded.stored.id;
    const previous = await state.getQuarantine(appId);
    if (!this.#connections.due(loaded.connector, previous !== undefined)) return undefined;
    const error = await testTargetConnection(run.calls);
    // Ctrl-C or shutdown during the test is not the target's failure.
    signal?.throwIfAborted();
    if (error === undefined) {
      this.#connections.passed(loaded.connector);
      return 'passed';
    }
    const app = loaded.stored.definition.name;
    const quarantine = nextQuarantine(appId, previous, connectionFailureReason(error), this.#clock.now());
    await state.setQuarantine(quarantine);
    this.#emit({ type: 'quarantined', app, quarantine });
    const summary = run.summaryJson();
    await state.finishCycle(cycleId, 'quarantined', { ...summary });
    const report: CycleReport = {
      cycleId,
      app,
      kind,
      status: 'quarantined',
      started,
      finished: this.#clock.now(),
      summary,
      quarantine,
      connectionError: error.toJSON(),
      failures: [],
    };
    this.#emit({ type: 'cycleFinished', app, report });
    return report;
  }

  async provisionUser(
    name: string,
    user: string,
    options: { dryRun?: boolean } = {},
  ): Promise<ProvisionReport> {
    const loaded = await this.#o.loadApp(name);
    const directory = this.#o.directory;
    const resource = await findUser(directory, user);
    if (!resource) {
      throw new EngineRequestError(
        'user_not_found',
        `No user '${user}' in the directory (looked up by id and by userName)`,
      );
    }
    const dryRun = options.dryRun === true;
    const work = async (): Promise<ProvisionReport> => {
      const assignments = await AssignmentIndex.load(directory, loaded.stored.id, loaded.stored.definition);
      const cycleId = randomUUID();
      const run = this.#makeRun(loaded, cycleId, 'onDemand', assignments, dryRun);
      const started = this.#clock.now();
      if (!dryRun) {
        await this.#o.state.startCycle({
          id: cycleId,
          appId: loaded.stored.id,
          kind: 'onDemand',
          started,
          summary: {},
        });
        run.escrowed = new Set(
          (await this.#o.state.listEscrows(loaded.stored.id)).map((e) => key(e.objectType, e.sourceId)),
        );
      }
      await processIds(run, directory, 'User', new Map([[resource.id, undefined]]));
      // On demand acts on one user, as Entra's provision on demand does: the one disable or delete
      // it may do is never a mass deletion, so the accidental-deletion guard neither counts nor
      // holds it, and a hold the app is under stays as it is (its other deprovisions still wait
      // for approval). Follow-ups bring the user's groups up to date; they never deprovision.
      onlyThisUser(run, resource.id);
      await run.executeDeferred();
      await processFollowUps(run, directory);
      onlyThisUser(run, resource.id);
      await run.executeDeferred();
      await run.flush();
      if (!dryRun) {
        const status = run.summary.failure > 0 ? 'completedWithFailures' : 'completed';
        await this.#o.state.finishCycle(cycleId, status, { ...run.summaryJson() });
      }
      const item =
        run.items.find((i) => i.objectType === 'User' && i.sourceId === resource.id) ?? run.items[0];
      if (!item) {
        throw new EngineRequestError(
          'not_provisioned',
          `User '${user}' was not planned: the app does not provision users`,
        );
      }
      return { app: name, dryRun, entries: run.entries, item };
    };
    return dryRun ? work() : this.#lease(loaded.stored.id, ON_DEMAND_LEASE_WAIT_MS, work);
  }

  async reconcile(
    name: string,
    options: { fix?: boolean; signal?: AbortSignal } = {},
  ): Promise<ReconcileReport> {
    const loaded = await this.#o.loadApp(name);
    const fix = options.fix === true;
    const work = async () => {
      const assignments = await AssignmentIndex.load(
        this.#o.directory,
        loaded.stored.id,
        loaded.stored.definition,
      );
      const cycleId = randomUUID();
      const run = this.#makeRun(loaded, cycleId, 'reconcile', assignments, !fix, undefined, options.signal);
      return reconcileApp(run, this.#o.directory, { fix, name });
    };
    return fix ? this.#lease(loaded.stored.id, ON_DEMAND_LEASE_WAIT_MS, work) : work();
  }

  async approveDeletes(name: string, actor: string): Promise<DeletionHold> {
    const loaded = await this.#o.loadApp(name);
    const state = this.#o.state;
    const hold = await state.getDeletionHold(loaded.stored.id);
    if (!hold) throw new EngineRequestError('nothing_held', `App '${name}' has no held deletions to approve`);
    const approved: DeletionHold = { ...hold, approved: true };
    await state.setDeletionHold(approved);
    await state.appendAudit({
      at: this.#clock.now(),
      actor,
      action: 'approve-deletes',
      app: name,
      before: { count: hold.count, threshold: hold.threshold, approved: hold.approved },
      after: { count: hold.count, threshold: hold.threshold, approved: true },
    });
    return approved;
  }

  async *accounts(
    name: string,
    options: { after?: { objectType: 'User' | 'Group'; sourceId: string }; search?: string } = {},
  ): AsyncIterable<ManagedAccount> {
    const loaded = await this.#o.loadApp(name);
    const start = options.after;
    const search = options.search !== undefined ? { search: options.search } : {};
    for (const type of start?.objectType === 'Group' ? (['Group'] as const) : (['User', 'Group'] as const)) {
      let after: string | undefined = start?.objectType === type ? start.sourceId : undefined;
      for (;;) {
        const links = await this.#o.state.listLinks(loaded.stored.id, type, {
          ...(after !== undefined ? { after } : {}),
          ...search,
          limit: 500,
        });
        for (const link of links) {
          const sourceName = accountSourceName(type, link.exported);
          yield {
            objectType: type,
            sourceId: link.sourceId,
            ...(sourceName !== undefined ? { sourceName } : {}),
            targetId: link.targetId,
            ...(link.targetName !== undefined ? { targetName: link.targetName } : {}),
            state: link.state,
            linked: link.created,
            updated: link.updated,
          };
        }
        if (links.length < 500) break;
        after = links[links.length - 1]!.sourceId;
      }
    }
  }

  async status(name: string): Promise<AppStatus> {
    const loaded = await this.#o.loadApp(name);
    const state = this.#o.state;
    const appId = loaded.stored.id;
    const [cycles, watermark, hold, quarantine, escrows, linked] = await Promise.all([
      state.listCycles(appId, 1),
      state.getWatermark(appId),
      state.getDeletionHold(appId),
      state.getQuarantine(appId),
      state.listEscrows(appId),
      state.countLinks(appId),
    ]);
    const last = cycles[0];
    return {
      app: name,
      ...(last
        ? {
            lastCycle: {
              id: last.id,
              status: last.status,
              ...(last.finished ? { finished: last.finished } : {}),
              summary: last.summary,
            },
          }
        : {}),
      ...(watermark !== undefined ? { watermark } : {}),
      ...(hold ? { hold } : {}),
      ...(quarantine ? { quarantine } : {}),
      escrows: escrows.length,
      linked,
    };
  }
}

function emptySummary() {
  return { create: 0, update: 0, disable: 0, delete: 0, skip: 0, success: 0, failure: 0 };
}

/** On demand deprovisions nothing but the requested user; anything else would bypass the guard. */
function onlyThisUser(run: CycleRunType, userId: string): void {
  const other = run.deferred.find((d) => d.objectType !== 'User' || d.evaluation.sourceId !== userId);
  if (other !== undefined) {
    throw new Error(
      `provision on demand planned to deprovision ${other.objectType} ${other.evaluation.sourceId}, not only user ${userId}`,
    );
  }
}
